// The engine's bench-only protocol extension: requests that only benchmarks and reference tests
// send (raw throughput, the process's memory, from-scratch reference scores). They are not part
// of the production protocol (protocol.ts), so the extension and the CLI cannot send them; the
// worker answers them only in a process started for benchmarking (benchClient.ts sets
// ICL_ENGINE_BENCH=1) and refuses them otherwise.
import type { ScoreItem, ScoreResult } from "./protocol";

/** Environment variable that makes a worker answer BenchRequests. */
export const BENCH_ENV = "ICL_ENGINE_BENCH";

/**
 * From-scratch references: "plain" evaluates every label's whole prompt from an empty cache;
 * "per-query" evaluates each query's prompt from an empty cache once and its labels from there,
 * labels sharing leading tokens sharing their evaluation (lm-evaluation-harness style: one
 * forward per query and distinct label prefix, single-token labels read from one forward).
 * "reuse" is the simplest prefix-reuse loop (reuseLoop.ts): timed only, it returns no item scores.
 */
export type ReferenceMode = "plain" | "per-query" | "reuse";

export interface ThroughputResult {
  tokens: number;
  batchSize: number;
  /** Best of the runs, tokens per second. */
  tokensPerSecond: number;
  runsMs: number[];
}

export interface MemoryResult {
  /** Peak resident set (VmHWM) of the engine process in MB. */
  peakRssMb: number;
  rssMb: number;
  /** V8 heap in use / reserved (MB), to tell JS garbage from native buffers. */
  heapUsedMb: number;
  heapTotalMb: number;
  pid: number;
}

export type BenchRequest =
  { type: "throughput"; id: number; tokens: number; runs?: number } | { type: "memory"; id: number } | { type: "referenceScore"; id: number; items: ScoreItem[]; reference: ReferenceMode };

export interface BenchResults {
  throughput: ThroughputResult;
  memory: MemoryResult;
  referenceScore: ScoreResult;
}
