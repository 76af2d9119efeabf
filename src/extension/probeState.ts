// The one owner of "is a probe running, and how far is it": the probe controller is its only
// writer, and the status bar, side panel, code lenses, results panel and context keys only
// listen. Every change is delivered to every listener synchronously, so no view can show a
// state another has already left (the status bar kept an ETA after "cancelled", a "Cancel probe"
// lens stayed after a failure). Progress that arrives after a cancel was asked, or after the run
// ended, is dropped. No `vscode` import: unit-tested.
import { IDLE, type ProbeOutcome, type ProbeStatus } from "../shared/probeStatus";

export type ProbeStateListener = (now: ProbeStatus, before: ProbeStatus) => void;

export class ProbeState {
  private s: ProbeStatus = IDLE;
  private readonly listeners = new Set<ProbeStateListener>();

  get current(): ProbeStatus {
    return this.s;
  }

  onDidChange(l: ProbeStateListener): { dispose(): void } {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }

  private set(next: ProbeStatus): void {
    const before = this.s;
    this.s = Object.freeze(next);
    for (const l of [...this.listeners]) {
      try {
        l(this.s, before);
      } catch {
        /* one broken view must not stop the others */
      }
    }
  }

  /** A probe of `file` starts its checks (engine start, model load come as steps). */
  prepare(file: string, step = "checking the file"): void {
    this.set({ ...IDLE, phase: "preparing", file, step, queued: this.s.queued, last: this.s.last });
  }

  step(step: string): void {
    if (this.s.phase === "preparing") this.set({ ...this.s, step });
  }

  /** Scoring begins: the run has its id and its planned number of queries. */
  begin(runId: string, total: number): void {
    if (this.s.phase !== "preparing") return;
    this.set({ ...this.s, phase: "running", runId, total, done: 0, step: undefined });
  }

  /** Runner progress; ignored unless scoring is under way (never after a cancel or the end). */
  progress(p: { done: number; total: number; etaSeconds?: number; label?: string }): void {
    if (this.s.phase !== "running") return;
    this.set({ ...this.s, done: p.done, total: p.total, etaSeconds: p.etaSeconds, label: p.label });
  }

  /** A cancel was asked: no ETA from here on, and no more progress. */
  cancelling(): void {
    if (this.s.phase !== "running" && this.s.phase !== "preparing") return;
    this.set({ ...this.s, phase: "cancelling", etaSeconds: undefined });
  }

  /** The probe ended (or never got going): back to idle, remembering how it ended. */
  finish(outcome: ProbeOutcome, info: { runId?: string; done?: number; total?: number; message?: string } = {}): void {
    if (this.s.phase === "idle") return;
    const file = this.s.file ?? "probe";
    this.set({
      ...IDLE,
      queued: this.s.queued,
      last: { file, outcome, runId: info.runId ?? this.s.runId, done: info.done ?? this.s.done, total: info.total ?? this.s.total, ...(info.message ? { message: info.message } : {}) },
    });
  }

  /** A probe that never started (bad file, no model): idle again without a "last" run. */
  abandon(): void {
    if (this.s.phase === "idle") return;
    this.set({ ...IDLE, queued: this.s.queued, last: this.s.last });
  }

  setQueued(n: number): void {
    if (n !== this.s.queued) this.set({ ...this.s, queued: n });
  }
}
