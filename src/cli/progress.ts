// Progress display: a cli-progress bar on an interactive terminal, plain lines otherwise (CI logs,
// pipes), nothing with --json (stdout is then the machine-readable result; progress goes to stderr).
import { SingleBar, Presets } from "cli-progress";
import type { ProgressEvent } from "../runner/run";
import type { Io } from "./main";
import { formatDuration } from "../core/format";

export interface ProgressReporter {
  update(p: ProgressEvent): void;
  stop(): void;
}

/** `rates` adds a segment such as "812 tok/s, 9.4 req/s" (remote servers) once it has one. */
export function createProgressReporter(io: Io, quiet: boolean, rates?: () => string | undefined): ProgressReporter {
  const rate = () => {
    const r = rates?.();
    return r ? ` | ${r}` : "";
  };
  if (io.tty && !quiet) {
    const bar = new SingleBar(
      { format: "{bar} {value}/{total} queries | {variant} k={k} seed={seed} | ETA {eta_h}{rate}", hideCursor: true, stream: process.stderr, clearOnComplete: false },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const payload = { variant: p.variant, k: p.k, seed: p.seed, eta_h: formatDuration(p.etaSeconds), rate: rate() };
        if (!started) {
          bar.start(p.total, p.done, payload);
          started = true;
        } else bar.update(p.done, payload);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  // Plain lines: one per variant/k change and every 10% so logs stay short.
  let lastKey = "";
  let lastDecile = -1;
  return {
    update(p) {
      const key = `${p.variant}|${p.k}`;
      const decile = Math.floor((10 * p.done) / Math.max(1, p.total));
      if (key === lastKey && decile === lastDecile) return;
      lastKey = key;
      lastDecile = decile;
      io.err(`[${p.done}/${p.total}] ${p.variant} k=${p.k} seed=${p.seed} ETA ${formatDuration(p.etaSeconds)}${rate()}`);
    },
    stop() {},
  };
}
