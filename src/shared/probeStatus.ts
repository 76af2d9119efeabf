// What every view shows about the probe that is running (or last ran): the status bar, the side
// panel, the code lens, the results panel and the context keys all follow one ProbeStatus owned
// by the extension's ProbeState (src/extension/probeState.ts), and say the same count the same
// way through progressLine(). Pure: no vscode, no DOM.
import { formatDuration } from "../core/format";

/** idle: nothing runs; preparing: checks, engine start and model load; running: queries are scored; cancelling: a cancel was asked and the runner is stopping. */
export type ProbePhase = "idle" | "preparing" | "running" | "cancelling";

/** How the last probe ended ("refused": it never started, e.g. a broken demo file). */
export type ProbeOutcome = "complete" | "interrupted" | "failed";

export interface ProbeStatus {
  phase: ProbePhase;
  /** The run's id once it has one (from "running" on). */
  runId?: string;
  /** Demo file name (no folder). */
  file?: string;
  /** What "preparing" is doing ("starting the engine", "loading the model"). */
  step?: string;
  done: number;
  total: number;
  /** Seconds left by the runner's estimate; never set while cancelling. */
  etaSeconds?: number;
  /** The cell being scored ("gold k=2 seed 1"). */
  label?: string;
  /** Probes waiting in the queue. */
  queued: number;
  /** How the previous probe ended. */
  last?: { runId?: string; file: string; outcome: ProbeOutcome; done: number; total: number; message?: string };
}

export const IDLE: ProbeStatus = { phase: "idle", done: 0, total: 0, queued: 0 };

/** True while a probe holds the engine (preparing, running or cancelling). */
export function isBusy(s: ProbeStatus): boolean {
  return s.phase !== "idle";
}

/** The one progress sentence of every view: "12 of 40 queries · gold k=2 seed 1 · 5 s left". */
export function progressLine(s: ProbeStatus): string {
  switch (s.phase) {
    case "idle":
      return "";
    case "preparing":
      return `${s.file ? `${s.file}: ` : ""}${s.step ?? "preparing"}…`;
    case "cancelling":
      return `cancelling… (${s.done} of ${s.total} queries scored; they are kept)`;
    case "running":
      return [`${s.done} of ${s.total} queries`, s.label, s.etaSeconds !== undefined ? `${formatDuration(s.etaSeconds)} left` : undefined].filter(Boolean).join(" · ");
  }
}

/** The sentence for the previous probe's end ("cancelled: 12 of 40 queries kept"). */
export function outcomeLine(s: ProbeStatus): string {
  const l = s.last;
  if (!l) return "";
  switch (l.outcome) {
    case "complete":
      return `${l.file}: done, ${l.done} queries`;
    case "interrupted":
      return `${l.file}: cancelled, ${l.done} of ${l.total} queries kept`;
    case "failed":
      return `${l.file}: failed${l.total ? ` after ${l.done} of ${l.total} queries` : ""}${l.message ? `: ${l.message}` : ""}`;
  }
}
