// EngineClient: the caller's side of the engine (extension host, CLI, tests, benchmarks). It forks
// the worker (worker.ts) and speaks protocol.ts with it. The model runs in that child so a native
// abort (malformed GGUF -> exit 134) or a kill only rejects the pending requests with an
// EngineFailure "crashed"; the caller survives and can start a new client.
//
// Process model: child_process.fork(workerPath, [], {execArgv: [small young generation], serialization: "json"}).
// fork runs process.execPath; in desktop VS Code that is the Electron binary, which behaves as
// plain Node only with ELECTRON_RUN_AS_NODE=1. The extension host already runs with it set and
// fork passes the environment on, and we set it explicitly as well (plain Node ignores it).
import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { packageRoot } from "../node/packageRoot";
import {
  EngineFailure,
  type EmbeddingRows,
  type EngineRequest,
  type EngineResponse,
  type EngineResults,
  type ItemScore,
  type LoadOptions,
  type ModelInfo,
  type ScoreItem,
  type ScoreResult,
  type VocabEntry,
} from "./protocol";
import { BENCH_ENV, type BenchRequest, type BenchResults } from "./benchProtocol";

export type LogLevel = "debug" | "info" | "warn" | "error";

export interface EngineClientOptions {
  /** Explicit path of the worker script (compiled out/src/engine/worker.js or bundled dist/worker.js). */
  workerPath?: string;
  log?: (level: LogLevel, msg: string) => void;
  /** How long to wait for the worker's "ready" message (ms). */
  startTimeoutMs?: number;
  /** A worker that also answers the bench-only requests (benchClient.ts); never in production. */
  bench?: boolean;
}

export interface ScoreOptions {
  signal?: AbortSignal;
  /** Each query's scores as soon as the engine has them (e.g. to journal them at once). */
  onItem?: (item: ItemScore) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the process ended because dispose() asked it to. */
  expected: boolean;
}

interface Pending {
  type: (EngineRequest | BenchRequest)["type"];
  resolve: (v: unknown) => void;
  reject: (e: EngineFailure) => void;
  onProgress?: (done: number, total: number) => void;
  onItem?: (item: ItemScore) => void;
}

type RequestBody = EngineRequest | BenchRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;
type AllResults = EngineResults & BenchResults;

/** Where the worker script is: next to this file (both layouts), else under the package root. */
export function resolveWorkerPath(explicit?: string, from: string = __dirname): string {
  const candidates = explicit ? [explicit] : [join(from, "worker.js")];
  if (!explicit) {
    const root = packageRoot(from);
    if (root) candidates.push(join(root, "dist", "worker.js"), join(root, "out", "src", "engine", "worker.js"));
  }
  for (const c of candidates) if (existsSync(c)) return c;
  throw new EngineFailure("internal", `The engine worker script was not found (looked for ${candidates.join(", ")}).`, "Build the project (npm run build) or pass workerPath.");
}

/** The engine process's V8 semi-space size in MB (see the fork below). */
export const ENGINE_SEMI_SPACE_MB = 2;

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private _alive = true;
  private disposing = false;
  private modelPath: string | undefined;
  private stderrTail = "";
  private readonly exitCallbacks: ((info: ExitInfo) => void)[] = [];
  private exitInfo: ExitInfo | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: (level: LogLevel, msg: string) => void,
  ) {}

  /** Forks the worker and waits until it is ready to take requests. */
  static async start(opts: EngineClientOptions = {}): Promise<EngineClient> {
    const workerPath = resolveWorkerPath(opts.workerPath);
    const log = opts.log ?? (() => undefined);
    const child = fork(workerPath, [], {
      // A small young generation: V8's default semi-spaces (16 MB each, grown on demand) kept
      // ~30 MB of heap reserved in the engine after the model's metadata was parsed, with 12 MB
      // in use; at 2 MB the engine's peak RSS on the SmolLM-135M shape fell from 343 to 290 MB
      // (exact mode) and 407 to 377 MB (fast mode), with no measurable change in time (1 MB and
      // 4 MB measured too: docs/ENGINE.md "Memory"). A V8 flag on the command line, because it is
      // read when the heap is set up (setFlagsFromString at run time had no effect); Electron run
      // as Node accepts V8 flags in execArgv as Node does (VS Code passes --max-old-space-size
      // to its TypeScript server the same way).
      execArgv: [`--max-semi-space-size=${ENGINE_SEMI_SPACE_MB}`],
      serialization: "json",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      // One libuv thread-pool thread: node-llama-cpp reads each output's logits in a pool job,
      // and two reads of one multi-sequence batch at once race in llama.cpp's in-place output
      // reorder (issue 9; fast mode decodes several sequences together). The worker does one
      // thing at a time anyway, so a single pool thread costs it nothing.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: "1", UV_THREADPOOL_SIZE: "1", [BENCH_ENV]: opts.bench ? "1" : "" },
    });
    const client = new EngineClient(child, log);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new EngineFailure("crashed", `The engine process (${workerPath}) did not start within ${opts.startTimeoutMs ?? 30000} ms.`, "Check that node-llama-cpp is installed (npm ci)."));
      }, opts.startTimeoutMs ?? 30000);
      const onMsg = (m: EngineResponse) => {
        if (m.type === "event" && m.event.kind === "ready") {
          clearTimeout(timer);
          child.off("message", onMsg);
          resolve();
        }
      };
      child.on("message", onMsg);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(
          new EngineFailure(
            "crashed",
            `The engine process (${workerPath}) exited during start-up (${signal ? "signal " + signal : "exit code " + code}).${client.stderrTail ? " Output: " + client.stderrTail.trim().slice(-500) : ""}`,
            "Check the installation of node-llama-cpp (npm ci).",
          ),
        );
      });
    });
    return client.attach();
  }

  private attach(): this {
    const child = this.child;
    const onOutput = (level: LogLevel) => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      for (const line of text.split("\n")) if (line.trim()) this.log(level, line);
    };
    child.stdout?.on("data", onOutput("debug"));
    child.stderr?.on("data", onOutput("warn"));
    child.on("message", (m: EngineResponse) => this.onMessage(m));
    child.on("error", (e) => this.log("error", `engine process error: ${e.message}`));
    child.on("exit", (code, signal) => this.handleExit(code, signal));
    return this;
  }

  /** False once the engine process has ended (crash, kill or dispose). */
  get alive(): boolean {
    return this._alive;
  }

  /** Process id of the engine (for memory readings and tests). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Called once when the engine process ends (immediately if it already has). */
  onExit(cb: (info: ExitInfo) => void): void {
    if (this.exitInfo) cb(this.exitInfo);
    else this.exitCallbacks.push(cb);
  }

  private onMessage(m: EngineResponse): void {
    if (m.type === "event") {
      if (m.event.kind === "log") this.log(m.event.level, m.event.message);
      else if (m.event.kind === "progress") this.pending.get(m.id)?.onProgress?.(m.event.done, m.event.total);
      else if (m.event.kind === "item") this.pending.get(m.id)?.onItem?.(m.event.item);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === "result") p.resolve(m.result);
    else p.reject(EngineFailure.from(m.error));
  }

  private handleExit(code: number | null, signal: NodeJS.Signals | null): void {
    this._alive = false;
    const expected = this.disposing && code === 0;
    this.exitInfo = { code, signal, expected };
    const how = signal ? `was killed by signal ${signal}` : `exited with code ${code}`;
    const model = this.modelPath ? `model ${this.modelPath}` : "no model loaded";
    const abort = code === 134 || signal === "SIGABRT";
    const native = /GGML_ASSERT[^\n]*|llama_model_load[^\n]*error[^\n]*/.exec(this.stderrTail)?.[0];
    const failure = new EngineFailure(
      "crashed",
      `The engine process ${how} (${model})${abort ? ": llama.cpp aborted, most likely on a malformed or unsupported model file" : ""}.${native ? " llama.cpp said: " + native.trim() : ""}`,
      abort ? `Check or replace ${this.modelPath ? basename(this.modelPath) : "the model file"}; then start a new engine.` : "Start a new engine (EngineClient.start) and try again.",
    );
    for (const [, p] of this.pending) p.reject(expected ? new EngineFailure("disposed", "The engine was disposed.") : failure);
    this.pending.clear();
    for (const cb of this.exitCallbacks.splice(0)) cb(this.exitInfo);
  }

  private deadFailure(): EngineFailure {
    return this.disposing
      ? new EngineFailure("disposed", "The engine was disposed.", "Start a new engine.")
      : new EngineFailure("crashed", `The engine process is not running (${this.modelPath ? "model " + this.modelPath : "no model loaded"}).`, "Start a new engine (EngineClient.start).");
  }

  private send<T extends keyof AllResults>(body: RequestBody & { type: T }, onProgress?: Pending["onProgress"], onItem?: Pending["onItem"]): { id: number; promise: Promise<AllResults[T]> } {
    const id = this.nextId++;
    const promise = new Promise<AllResults[T]>((resolve, reject) => {
      if (!this._alive || !this.child.connected) return reject(this.deadFailure());
      this.pending.set(id, { type: body.type, resolve: resolve as (v: unknown) => void, reject, onProgress, onItem });
      this.child.send({ ...body, id } as EngineRequest, (err) => {
        if (err && this.pending.has(id)) {
          this.pending.delete(id);
          reject(this._alive ? new EngineFailure("crashed", `Could not send a request to the engine: ${err.message}`) : this.deadFailure());
        }
      });
    });
    return { id, promise };
  }

  /** Loads (or replaces) the model. Bad files are rejected with a specific code before llama.cpp sees them. */
  load(modelPath: string, options: LoadOptions = {}): Promise<ModelInfo> {
    this.modelPath = modelPath;
    return this.send({ type: "load", modelPath, options }).promise;
  }

  info(): Promise<ModelInfo> {
    return this.send({ type: "info" }).promise;
  }

  /** Token ids of each text, special tokens off (so "<s>" stays text); BOS only when asked and the model wants one. */
  tokenize(texts: string[], opts: { addBos?: boolean } = {}): Promise<number[][]> {
    return this.send({ type: "tokenize", texts, addBos: opts.addBos }).promise;
  }

  detokenize(tokens: number[][]): Promise<string[]> {
    return this.send({ type: "detokenize", tokens }).promise;
  }

  vocab(): Promise<VocabEntry[]> {
    return this.send({ type: "vocab" }).promise;
  }

  /** Scores every label of every item; see scoreWithStats for the work accounting. */
  async score(items: ScoreItem[], opts: ScoreOptions = {}): Promise<ItemScore[]> {
    return (await this.scoreWithStats(items, opts)).items;
  }

  /** Like score(), plus the tokens evaluated against the minimum and the time taken. */
  scoreWithStats(items: ScoreItem[], opts: ScoreOptions = {}): Promise<ScoreResult> {
    if (opts.signal?.aborted) return Promise.reject(new EngineFailure("cancelled", "Scoring was cancelled."));
    const { id, promise } = this.send({ type: "score", items, stream: opts.onItem !== undefined }, opts.onProgress, opts.onItem);
    const signal = opts.signal;
    if (!signal) return promise;
    const onAbort = () => {
      if (this.pending.has(id)) this.send({ type: "cancel", target: id }).promise.catch(() => undefined);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    return promise.finally(() => signal.removeEventListener("abort", onAbort));
  }

  /**
   * The model's input embeddings (rows of token_embd.weight) of the given token ids, read from
   * the file and dequantized; `unsupported` when the file stores them in a type without a decoder.
   */
  tokenEmbeddings(tokens: number[]): Promise<EmbeddingRows> {
    return this.send({ type: "embeddings", tokens }).promise;
  }

  /**
   * Sends a bench-only request (benchProtocol.ts). Only benchClient.ts calls this; a worker not
   * started with `bench: true` refuses it.
   */
  sendBench<T extends keyof BenchResults>(body: RequestBody & { type: T }): Promise<BenchResults[T]> {
    return this.send(body as RequestBody & { type: keyof AllResults }).promise as Promise<BenchResults[T]>;
  }

  /** Frees the model and ends the process; resolves once it has exited (kills it after a timeout). */
  async dispose(timeoutMs = 5000): Promise<void> {
    if (!this._alive) return;
    const exited = new Promise<void>((resolve) => this.onExit(() => resolve()));
    const req = this.send({ type: "dispose" });
    this.disposing = true;
    await Promise.race([req.promise.catch(() => undefined), new Promise((r) => setTimeout(r, timeoutMs))]);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the engine process at once (tests, and callers that must stop a hung engine). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.child.kill(signal);
  }
}
