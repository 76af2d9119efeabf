// An engine client with the bench-only requests (benchProtocol.ts): for benchmarks and reference
// tests, never for the extension or the CLI. It starts a worker that answers them.
import { EngineClient, type EngineClientOptions } from "./client";
import type { MemoryResult, ReferenceMode, ThroughputResult } from "./benchProtocol";
import type { ScoreItem, ScoreResult } from "./protocol";

export interface BenchEngine extends EngineClient {
  /** Raw prompt-processing throughput (tokens/s) on `tokens` tokens at the context's batch size. */
  throughput(tokens?: number, runs?: number): Promise<ThroughputResult>;
  /** Peak and current resident memory of the engine process. */
  memory(): Promise<MemoryResult>;
  /** Scores from scratch, without the prefix cache (benchProtocol.ts ReferenceMode). */
  scoreReference(items: ScoreItem[], reference: ReferenceMode): Promise<ScoreResult>;
}

export async function startBenchEngine(opts: EngineClientOptions = {}): Promise<BenchEngine> {
  const c = await EngineClient.start({ ...opts, bench: true });
  return Object.assign(c, {
    throughput: (tokens = 256, runs = 3) => c.sendBench({ type: "throughput", tokens, runs }),
    memory: () => c.sendBench({ type: "memory" }),
    scoreReference: (items: ScoreItem[], reference: ReferenceMode) => c.sendBench({ type: "referenceScore", items, reference }),
  });
}
