// Older results files still load: each step lifts version n to n+1, then the current schema is
// validated. Version history (docs/RESULTS_SCHEMA.md):
//  1: development draft. Records held `scores: {label, logProb, meanLogProb, firstTokenLogProb, tokens}[]`
//     without renormalised probabilities or the gold rank; the manifest had no status, progress or
//     plan fingerprint, and `machine` was `{threads}` only.
//  2: derived fields stored so the report and CSV never recompute them differently; ties went to
//     the first label and no warnings were recorded.
//  3: current. Warnings per record and per run (src/core/warnings.ts); a tie is no prediction
//     (`tied` lists the labels) and the gold rank counts equal scores against the gold. Also
//     demo-file formats json and label-text and demoFile.shape/encoding (optional additions), and
//     the manifest's engine block: scoring mode, KV cache types, flash attention, batch and context
//     size, why that thread count (optional: v2 runs used the F16 KV cache and, for short prefixes,
//     the parallel sequences that issue 9 removed).
import { decideLabels, goldRankOf, NO_PREDICTION, tieWarning, uniqueArgmax } from "../labelDecision";
import { summarizeWarnings, type RunWarning } from "../warnings";
import { probsFromLogProbs } from "../calibration";
import type { QueryRecord } from "../types";

/** Thrown for files that are not results files or cannot be migrated. */
export class ResultsError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${file}: ${path ? `at ${path}: ` : ""}${detail}`);
    this.name = "ResultsError";
  }
}

type Json = Record<string, unknown>;

function v1to2(doc: Json, file: string): Json {
  const manifest = { ...(doc.manifest as Json) };
  const records = Array.isArray(doc.records) ? (doc.records as Json[]) : [];
  const out = records.map((r, i) => {
    const scores = r.scores as Json[] | undefined;
    if (!Array.isArray(scores)) throw new ResultsError(file, `/records/${i}/scores`, "version 1 record has no scores array");
    const probs = probsFromLogProbs(scores.map((s) => Number(s.logProb)));
    const labels = scores.map((s, j) => ({ ...s, prob: probs[j] }));
    const { scores: _dropped, ...rest } = r;
    return { ...rest, labels, goldRank: goldRankOf(labels as unknown as { label: string; logProb: number }[], String(r.gold)) };
  });
  const oldMachine = (manifest.machine as Json | undefined) ?? {};
  const engine = { ...(manifest.engine as Json), threads: Number(oldMachine.threads ?? 0) };
  const settings = manifest.settings as Json | undefined;
  const total =
    settings && Array.isArray(settings.variants) && Array.isArray(settings.k) && Array.isArray(settings.seeds)
      ? settings.variants.length * settings.k.length * settings.seeds.length * Number(settings.queries ?? 0)
      : out.length;
  return {
    ...doc,
    schemaVersion: 2,
    manifest: {
      ...manifest,
      engine,
      machine: { platform: "unknown", arch: "unknown", cpus: Number(oldMachine.threads ?? 0), node: "unknown" },
      // Version 1 wrote only the settings a run set; the rest had these defaults.
      ...(settings ? { settings: { instruction: "", verbalizers: {}, balance: false, calibrate: false, ...settings } } : {}),
      planFingerprint: "v1",
      status: manifest.endedAt ? "complete" : "interrupted",
      progress: { done: out.length, total },
    },
    records: out,
  };
}

/**
 * v2 -> v3: predictions and gold ranks re-derived with the tie rule (labelDecision.ts), a
 * "label-tie" warning on tied records, and a run-level "legacy-file" warning saying that the
 * engine's tokenization warnings were not recorded then.
 */
function v2to3(doc: Json, file: string): Json {
  const records = (Array.isArray(doc.records) ? (doc.records as Json[]) : []).map((r, i) => {
    if (!Array.isArray(r.labels)) throw new ResultsError(file, `/records/${i}/labels`, "record has no labels array");
    const labels = r.labels as QueryRecord["labels"];
    const d = decideLabels(labels);
    const { tied: _t, warnings: _w, ...rest } = r;
    const out: Json = { ...rest, predicted: d.predicted, goldRank: goldRankOf(labels, String(r.gold)) };
    if (d.tied) {
      out.tied = d.tied;
      out.warnings = [tieWarning(d.tied, labels.find((l) => l.label === d.tied![0])!.logProb)];
    }
    const cal = r.calibrated as { probs?: unknown } | undefined;
    if (cal && Array.isArray(cal.probs)) {
      const c = uniqueArgmax(cal.probs as number[]);
      out.calibrated = { ...cal, predicted: c < 0 ? NO_PREDICTION : (labels[c]?.label ?? NO_PREDICTION) };
    }
    return out;
  });
  const run: RunWarning[] = [
    {
      code: "legacy-file",
      message: "written by an older icl-probe (results schema 2), which did not record the engine's tokenization warnings; run the probe again to get them.",
    },
  ];
  const calibration = Array.isArray(doc.calibration) ? (doc.calibration as { warnings?: [] }[]) : [];
  return {
    ...doc,
    schemaVersion: 3,
    records,
    warnings: { run, summary: summarizeWarnings(records as unknown as QueryRecord[], calibration, run) },
  };
}

const STEPS: Record<number, (doc: Json, file: string) => Json> = { 1: v1to2, 2: v2to3 };

/** Lifts a parsed results document to `target` version; throws ResultsError naming the file. */
export function migrateResults(doc: unknown, file: string, target: number): Json {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ResultsError(file, "", "not an ICL Probe results file (expected a JSON object with schemaVersion, manifest and records)");
  }
  let cur = doc as Json;
  const v0 = cur.schemaVersion;
  if (typeof v0 !== "number" || !Number.isInteger(v0)) {
    throw new ResultsError(file, "/schemaVersion", "missing or not an integer: not an ICL Probe results file");
  }
  if (v0 > target) {
    throw new ResultsError(file, "/schemaVersion", `version ${v0} was written by a newer icl-probe; this build reads versions 1 to ${target}. Update icl-probe.`);
  }
  for (let v = v0; v < target; v++) {
    const step = STEPS[v];
    if (!step) throw new ResultsError(file, "/schemaVersion", `no migration from version ${v}; versions 1 to ${target} are supported`);
    cur = step(cur, file);
  }
  return cur;
}
