// The slice of a results file the editor UI reads. The experiments helper owns the schema
// (src/core/results); the UI reads it leniently through this shape so an older or newer
// schema version still shows what it can instead of failing to open.
import type { QueryRecord } from "../core/types";

export interface ResultsManifestLike {
  runId?: string;
  /** The demo file: an object with its path (schema v2) or a plain path. */
  demoFile?: { path?: string; [k: string]: unknown } | string;
  model?: { fileName?: string; path?: string; sizeBytes?: number; architecture?: string; sha256?: string; [k: string]: unknown } | string;
  startedAt?: string;
  endedAt?: string;
  settings?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface ResultsLike {
  schemaVersion?: number | string;
  manifest?: ResultsManifestLike;
  records: QueryRecord[];
  calibration?: unknown;
  baselines?: unknown;
  verdicts?: unknown;
  summary?: unknown;
  [k: string]: unknown;
}

export function modelName(m: ResultsManifestLike | undefined): string {
  if (!m?.model) return "unknown model";
  if (typeof m.model === "string") return m.model.split(/[\\/]/).pop() ?? m.model;
  return m.model.fileName ?? (m.model.path ? m.model.path.split(/[\\/]/).pop()! : "unknown model");
}

export function demoFileName(m: ResultsManifestLike | undefined): string {
  const d = m?.demoFile;
  const f = typeof d === "string" ? d : d?.path;
  return typeof f === "string" ? (f.split(/[\\/]/).pop() ?? f) : "unknown file";
}
