// Engine child process: runs node-llama-cpp and answers EngineRequests (protocol.ts) over the IPC
// channel of child_process.fork. It lives in its own process because a malformed model can abort
// llama.cpp natively (exit 134) and that must not take down the extension host or the CLI.
// Requests run one at a time in arrival order (they may be pipelined); "cancel" is handled on
// arrival and stops a running score before its next query.
import { readFileSync, statSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { basename, resolve } from "node:path";
import { loadNodeLlamaCpp, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type NodeLlamaCpp, type Token } from "./esm";
import { checkGgufFile } from "./ggufCheck";
import { readTokenEmbeddings } from "./embeddings";
import {
  EngineFailure,
  type EngineRequest,
  type EngineResponse,
  type EngineResults,
  type LoadOptions,
  type ModelInfo,
  type VocabEntry,
  type VocabTokenType,
  type ScoreItem,
  type ScoreResult,
  type ScoringMode,
} from "./protocol";
import { BENCH_ENV, type BenchRequest, type BenchResults, type MemoryResult, type ReferenceMode, type ThroughputResult } from "./benchProtocol";
import { backendFor, copySequenceState, evaluateCallCount, tokenizerFor } from "./llamaAdapter";
import { CHUNK_TOKENS, demoTokenLengths, longestSequence, overflowError, prepareItem, PrefixCache, scorePrepared, type ScoreHooks } from "./scorer";
import { FAST_LANES, FAST_MODE_MEASURED_DEVIATION, Lockstep, scoreBatched } from "./batchedScorer";
import { defaultThreads, measureBusyCpus, physicalCores } from "./threads";
import { planReuseLoop, runReuseLoop } from "./reuseLoop";
import { defined } from "../core/defined";

let nlc: NodeLlamaCpp | undefined;
let llama: Llama | undefined;
let model: LlamaModel | undefined;
let loadOpts: LoadOptions = {};
let modelPath = "";
let fileSize = 0;
let quantization: string | undefined;
let context: LlamaContext | undefined;
let sequence: LlamaContextSequence | undefined;
let cache: PrefixCache | undefined;
/** Fast mode: every sequence of the context (lane 0 is `sequence`), their caches and their lockstep. */
let lanes: { sequences: LlamaContextSequence[]; caches: PrefixCache[]; lockstep: Lockstep } | undefined;
let threads = 1;
let threadsReason = "";
let version = "";
const cancelled = new Set<number>();
const running = new Set<number>();

/**
 * A full garbage collection. node-llama-cpp makes a sampler per controlledEvaluate call, and its
 * native candidate array (vocabulary × 12 bytes) lives until V8 collects the JS object; V8 does
 * not count that memory, so with a small JS heap it rarely collects: peak RSS grew by ~16 MB per
 * 8 calls at a 152k vocabulary, without bound (issue 11's unexplained RSS growth). The flag is
 * set here rather than on the command line so that the fork needs no V8 flags (Electron).
 */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    if (typeof gc === "function") return gc as () => void;
  } catch {
    // A runtime that refuses the flag: scores are unaffected, only memory is not reclaimed early.
  }
  return () => undefined;
})();
let callsAtLastCollect = 0;
/**
 * Collect once the samplers since the last collection hold about 8 MB (a few ms per collection).
 * Against 32 MB, measured on the bench (16 queries per demo set, k 0 and 8, two alternating
 * runs each): fast mode's peak RSS 385 -> 358-361 MB on the SmolLM-135M shape, 436 -> 417 MB on
 * the 152k-vocabulary shape; time within noise on the SmolLM shape, +3 to 5% on the 152k shape
 * (1.8 MB per call there, so a collection every ~5 calls).
 */
const COLLECT_BYTES = 8 * 2 ** 20;

function collectIfDue(): void {
  const vocab = (model?.fileInfo.metadata.tokenizer?.ggml?.tokens ?? []).length;
  const calls = evaluateCallCount();
  if ((calls - callsAtLastCollect) * vocab * 12 < COLLECT_BYTES) return;
  callsAtLastCollect = calls;
  collectGarbage();
}

function send(msg: EngineResponse): void {
  process.send?.(msg);
}

function log(level: "debug" | "info" | "warn" | "error", message: string): void {
  send({ type: "event", id: 0, event: { kind: "log", level, message } });
}

async function lib(): Promise<NodeLlamaCpp> {
  if (!nlc) {
    // Same module instance whether loaded by the compiled (out/) or the bundled (dist/) worker.
    nlc = await loadNodeLlamaCpp();
    version = await nlc.getModuleVersion().catch(() => "unknown");
  }
  return nlc;
}

function requireModel(forScoring: boolean): LlamaModel {
  if (!model) throw new EngineFailure("no-model", "No model is loaded in the engine.", "Load a model first (EngineClient.load).");
  if (forScoring && loadOpts.vocabOnly)
    throw new EngineFailure("vocab-only", `${modelPath} was loaded as vocabulary only: it can tokenize but not score.`, "Load the full model without the vocabOnly option.");
  return model;
}

async function disposeContext(): Promise<void> {
  cache = undefined;
  lanes = undefined;
  sequence = undefined;
  if (context) await context.dispose().catch(() => undefined);
  context = undefined;
}

function statSafe(p: string): number | undefined {
  try {
    return statSync(p).size;
  } catch {
    return undefined;
  }
}

async function load(path: string, options: LoadOptions): Promise<ModelInfo> {
  const abs = resolve(path);
  if (!options.skipPrecheck) {
    const checked = await checkGgufFile(abs, { vocabOnly: options.vocabOnly });
    fileSize = checked.sizeBytes;
  }
  const m = await lib();
  await disposeContext();
  if (model) await model.dispose().catch(() => undefined);
  model = undefined;
  // The thread default depends on the model's size; with the pre-check skipped, stat it here.
  // Contention is measured now, over a short window, only when the caller leaves the choice to us.
  const busy = options.threads ? undefined : await measureBusyCpus();
  const auto = defaultThreads(busy, undefined, undefined, options.skipPrecheck ? statSafe(abs) : fileSize);
  threads = Math.max(1, options.threads ?? auto.threads);
  threadsReason = options.threads ? `${threads} thread(s): set by the caller` : auto.reason;
  if (!llama) {
    const gpu = options.gpu === undefined || options.gpu === "off" ? false : options.gpu;
    llama = await m.getLlama({
      gpu,
      build: "never",
      // maxThreads caps every context; node-llama-cpp's own default (4) ignores the core count.
      maxThreads: Math.max(threads, physicalCores()),
      logLevel: m.LlamaLogLevel.warn,
      logger: (level, message) => {
        const text = message.trim();
        if (text) log(level === m.LlamaLogLevel.error || level === m.LlamaLogLevel.fatal ? "error" : "warn", text);
      },
    });
  }
  try {
    model = await llama.loadModel({
      modelPath: abs,
      vocabOnly: options.vocabOnly ?? false,
      gpuLayers: options.gpu === undefined || options.gpu === "off" ? 0 : "auto",
      // Read the weights instead of mapping the file: on CPUs whose llama.cpp build repacks
      // weights (AMX, AVX-512 kernels), a mapped file stays resident beside the repacked copy
      // (measured on the SmolLM-135M shape: -120 MB peak RSS; docs/ENGINE.md "Memory").
      useMmap: false,
    });
  } catch (e) {
    throw new EngineFailure("load-failed", `llama.cpp could not load ${abs}: ${(e as Error).message}`, "Check that the file is a complete GGUF model supported by node-llama-cpp " + version + ".");
  }
  loadOpts = options;
  modelPath = abs;
  if (options.skipPrecheck) fileSize = statSync(abs).size;
  const ft = (model.fileInfo.metadata.general as { file_type?: number } | undefined)?.file_type;
  quantization = ft === undefined ? undefined : (m.GgufFileType as unknown as Record<number, string>)[ft];
  return info();
}

function info(): ModelInfo {
  const mdl = requireModel(false);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- GGUF metadata keys are per architecture; read loosely and checked below
  const meta = mdl.fileInfo.metadata as unknown as Record<string, any>;
  const arch: string = meta.general?.architecture ?? "";
  const a = meta[arch] ?? {};
  const layers = Number(a.block_count ?? 0);
  const embd = Number(a.embedding_length ?? 0);
  const heads = Number(Array.isArray(a.attention?.head_count) ? a.attention.head_count[0] : (a.attention?.head_count ?? 0));
  const kvHeads = Number(Array.isArray(a.attention?.head_count_kv) ? a.attention.head_count_kv[0] : (a.attention?.head_count_kv ?? heads));
  const ctx = context?.contextSize ?? 0;
  const mode = scoringMode();
  const kvType = mode === "exact" ? "F32" : "F16";
  const headDim = heads > 0 ? embd / heads : 0;
  return {
    path: modelPath,
    fileName: basename(modelPath),
    sizeBytes: fileSize,
    architecture: arch,
    vocabSize: (meta.tokenizer?.ggml?.tokens ?? []).length,
    trainContextSize: mdl.trainContextSize,
    tokenizerModel: meta.tokenizer?.ggml?.model ?? "",
    bos: mdl.tokens.bos,
    addsBos: mdl.tokens.shouldPrependBosToken,
    quantization,
    nodeLlamaCppVersion: version,
    threads,
    threadsReason,
    vocabOnly: loadOpts.vocabOnly ?? false,
    layers,
    embeddingLength: embd,
    heads,
    kvHeads,
    mode,
    kvCacheType: { key: kvType, value: kvType },
    flashAttention: false,
    contextSize: ctx,
    batchSize: context?.batchSize ?? 0,
    sequences: context ? (lanes?.sequences.length ?? 1) : 0,
    ...(mode === "fast" ? { measuredDeviationFromExact: FAST_MODE_MEASURED_DEVIATION } : {}),
    // Every sequence holds its own cells (node-llama-cpp allocates contextSize per sequence).
    kvCacheBytes: Math.round(2 * layers * ctx * (lanes?.sequences.length ?? 1) * headDim * kvHeads * (kvType === "F32" ? 4 : 2)),
  };
}

/** Makes sure a context of at least `needed` tokens exists (grows it; never shrinks during a session). */
async function ensureContext(needed: number): Promise<void> {
  const mdl = requireModel(true);
  const limit = loadOpts.contextSize ?? mdl.trainContextSize;
  if (context && context.contextSize >= needed) return;
  await disposeContext();
  // Round up so that slightly longer batches do not recreate the context.
  const size = loadOpts.contextSize ?? Math.min(limit, Math.max(256, Math.ceil(needed / 256) * 256));
  const fast = scoringMode() === "fast";
  context = await mdl.createContext({
    contextSize: size,
    // Exact mode: one sequence, the scorer never decodes two sequences in one batch
    // (scorer.scorePrepared says why). Fast mode: FAST_LANES sequences whose queries the
    // batched scorer decodes together, in batches fixed by the plan (batchedScorer.ts).
    sequences: fast ? FAST_LANES : 1,
    threads,
    // The scorer never decodes more than CHUNK_TOKENS at once, and llama.cpp's compute buffers
    // grow with the batch (n_batch x vocabulary x 4 bytes for the logits): sized to the work.
    batchSize: Math.min(CHUNK_TOKENS, size),
    // Flash attention off: on CPU it made a 35-token query over a 1,600-token prefix 9x slower
    // (icl-toy: 41.7 ms vs 4.5 ms) and 1.4x slower on the SmolLM-shaped model.
    flashAttention: false,
    // Exact mode keeps K and V in F32; fast mode leaves llama.cpp's F16 default (docs/ENGINE.md).
    ...(scoringMode() === "exact" ? { experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" } : {}),
  });
  const chunk = Math.min(CHUNK_TOKENS, context.batchSize);
  if (fast) {
    const lockstep = new Lockstep();
    const sequences = Array.from({ length: FAST_LANES }, () => defined(context, "the context").getSequence());
    const caches = sequences.map((s, i) => new PrefixCache(lockstep.wrap(i, backendFor(s)), chunk));
    lanes = { sequences, caches, lockstep };
    sequence = defined(sequences[0], "lane 0");
    cache = defined(caches[0], "lane 0's cache");
  } else {
    sequence = context.getSequence();
    cache = new PrefixCache(backendFor(sequence), chunk);
  }
}

/** Fast mode: copies lane `from`'s KV state to lane `to`, up to `upTo` tokens. */
async function copyLane(to: number, from: number, upTo: number): Promise<void> {
  const l = defined(lanes, "fast mode's lanes");
  await copySequenceState(defined(l.sequences[to], `lane ${to}`), defined(l.sequences[from], `lane ${from}`), upTo);
}

function scoringMode(): ScoringMode {
  return loadOpts.mode ?? "exact";
}

async function score(id: number, items: { items: ScoreItem[]; stream?: boolean }, reference?: Exclude<ReferenceMode, "reuse">): Promise<ScoreResult> {
  const t0 = performance.now();
  const mdl = requireModel(true);
  if (!Array.isArray(items.items)) throw new EngineFailure("invalid-request", "score request without an items array.");
  const tok = tokenizerFor(mdl);
  const prefixes = new Map<string, number[]>();
  const prepared = items.items.map((it, i) => prepareItem(tok, it, i, prefixes));
  const prepareMs = performance.now() - t0;
  const limit = loadOpts.contextSize ?? mdl.trainContextSize;
  const longest = longestSequence(prepared);
  if (longest.item && longest.length > limit) {
    throw overflowError({
      id: longest.item.id,
      length: longest.length,
      limit,
      fileName: basename(modelPath),
      demoTokenLengths: demoTokenLengths(tok, defined(items.items[longest.item.index], "the longest prepared item's request item")),
    });
  }
  if (prepared.length === 0)
    return { items: [], stats: { items: 0, groups: 0, evaluatedTokens: 0, minimumTokens: 0, plannedTokens: 0, distributions: 0, contextSize: context?.contextSize ?? 0, ms: 0 } };
  await ensureContext(longest.length);
  const hooks: ScoreHooks = {
    checkCancelled: (done, total) => {
      if (cancelled.has(id)) throw new EngineFailure("cancelled", `Scoring was cancelled after ${done} of ${total} queries.`);
    },
    onProgress: (done, total) => {
      collectIfDue();
      send({ type: "event", id, event: { kind: "progress", done, total } });
    },
    onItem: items.stream ? (item) => send({ type: "event", id, event: { kind: "item", item } }) : undefined,
  };
  try {
    // The bench's from-scratch references run on lane 0 alone, as in exact mode.
    const { results, stats } = lanes && !reference ? await scoreBatched(lanes.caches, lanes.lockstep, copyLane, prepared, hooks) : await scorePrepared(cache!, prepared, hooks, reference);
    return { items: results, stats: { ...stats, contextSize: context!.contextSize, ms: performance.now() - t0, prepareMs } };
  } catch (e) {
    // After anything but a clean cancel the KV state may not match the cache's view: start over.
    if (!(e instanceof EngineFailure && e.code === "cancelled")) {
      for (const s of lanes?.sequences ?? (sequence ? [sequence] : [])) await s.clearHistory().catch(() => undefined);
      for (const c of lanes?.caches ?? (cache ? [cache] : [])) c.reset();
    }
    throw e;
  }
}

/** The bench's plain prefix-reuse loop (reuseLoop.ts) on lane 0: its own tokenization included, no item scores. */
async function reuseReference(items: ScoreItem[]): Promise<ScoreResult> {
  const t0 = performance.now();
  if (!Array.isArray(items)) throw new EngineFailure("invalid-request", "referenceScore without an items array.");
  const steps = planReuseLoop(tokenizerFor(requireModel(true)), items);
  await ensureContext(Math.max(1, ...steps.map((s) => s.full.length)));
  const c = defined(cache, "the sequence's cache");
  // From an empty cache, as the project's own group would start: nothing the previous
  // reference left behind (the same demo prefix, often) is reused for free.
  await c.rollback(0);
  const evaluated0 = c.evaluated;
  const dist0 = c.distributions;
  await runReuseLoop(c, steps);
  const stats = {
    items: items.length,
    groups: new Set(items.map((i) => ("prefix" in i ? i.prefix : ""))).size,
    evaluatedTokens: c.evaluated - evaluated0,
    minimumTokens: 0,
    distributions: c.distributions - dist0,
  };
  return { items: [], stats: { ...stats, contextSize: context!.contextSize, ms: performance.now() - t0 } };
}

async function throughput(tokens: number, runs: number): Promise<ThroughputResult> {
  const mdl = requireModel(true);
  const n = Math.max(1, Math.min(tokens, mdl.trainContextSize - 1));
  await ensureContext(n + 1);
  const seq = sequence!;
  await cache!.rollback(0);
  // Deterministic non-special tokens spread over the vocabulary.
  const vocab = (mdl.fileInfo.metadata.tokenizer?.ggml?.tokens ?? []).length;
  const ids: number[] = [];
  for (let i = 0, t = 7; ids.length < n && i < n * 20; i++, t = (t * 7919 + 104729) % vocab) if (!mdl.isSpecialToken(t as Token)) ids.push(t);
  const runsMs: number[] = [];
  for (let r = 0; r < Math.max(1, runs); r++) {
    const t0 = performance.now();
    await seq.evaluateWithoutGeneratingNewTokens(ids as Token[]);
    runsMs.push(performance.now() - t0);
    await seq.eraseContextTokenRanges([{ start: 0, end: seq.nextTokenIndex }]);
  }
  return { tokens: ids.length, batchSize: context!.batchSize, tokensPerSecond: ids.length / (Math.min(...runsMs) / 1000), runsMs };
}

function memory(): MemoryResult {
  let peak = 0;
  let rss = 0;
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    peak = Number(/^VmHWM:\s*(\d+)\s*kB/m.exec(status)?.[1] ?? 0) / 1024;
    rss = Number(/^VmRSS:\s*(\d+)\s*kB/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    // Not Linux: maxRSS is in kilobytes on every platform Node supports.
  }
  if (!peak) peak = process.resourceUsage().maxRSS / 1024;
  if (!rss) rss = process.memoryUsage().rss / 2 ** 20;
  const heap = process.memoryUsage();
  return { peakRssMb: peak, rssMb: rss, heapUsedMb: heap.heapUsed / 2 ** 20, heapTotalMb: heap.heapTotal / 2 ** 20, pid: process.pid };
}

const TOKEN_TYPES: Record<number, VocabTokenType> = { 1: "normal", 2: "unknown", 3: "control", 4: "user", 5: "unused", 6: "byte" };

/** A token's type name; a file whose token_type list is short or holds an unknown code reads as "normal". */
function typeName(code: number | undefined): VocabTokenType {
  return (code === undefined ? undefined : TOKEN_TYPES[code]) ?? "normal";
}

function vocab(): VocabEntry[] {
  const mdl = requireModel(false);
  const g = mdl.fileInfo.metadata.tokenizer?.ggml as unknown as { tokens?: string[]; token_type?: number[] } | undefined;
  const pieces = g?.tokens ?? [];
  const types = g?.token_type ?? [];
  return pieces.map((piece, id) => ({ id, piece, text: mdl.detokenize([id as Token], true), type: typeName(types[id]) }));
}

/** Bench-only requests, answered only by a worker started for benchmarking (benchProtocol.ts). */
const benchEnabled = process.env[BENCH_ENV] === "1";

async function dispatch(req: EngineRequest | BenchRequest): Promise<EngineResults[keyof EngineResults] | BenchResults[keyof BenchResults]> {
  if ((req.type === "throughput" || req.type === "memory" || req.type === "referenceScore") && !benchEnabled)
    throw new EngineFailure(
      "invalid-request",
      `"${req.type}" is a bench-only request; this engine was not started for benchmarking.`,
      "Use startBenchEngine (src/engine/benchClient.ts) in benchmarks and reference tests.",
    );
  switch (req.type) {
    case "load":
      return load(req.modelPath, req.options ?? {});
    case "info":
      return info();
    case "tokenize": {
      const mdl = requireModel(false);
      const bos = req.addBos && mdl.tokens.shouldPrependBosToken && mdl.tokens.bos !== null ? [mdl.tokens.bos] : [];
      return req.texts.map((t) => [...bos, ...mdl.tokenize(t, false)]);
    }
    case "detokenize": {
      const mdl = requireModel(false);
      return req.tokens.map((ts) => mdl.detokenize(ts as Token[], true));
    }
    case "vocab":
      return vocab();
    case "score":
      return score(req.id, req);
    case "embeddings":
      return readTokenEmbeddings(modelPath, requireModel(false).fileInfo.tensorInfo ?? [], req.tokens);
    case "throughput":
      return throughput(req.tokens, req.runs ?? 3);
    case "memory":
      return memory();
    case "referenceScore":
      return req.reference === "reuse" ? reuseReference(req.items) : score(req.id, req, req.reference);
    case "dispose":
      await disposeContext();
      if (model) await model.dispose().catch(() => undefined);
      model = undefined;
      if (llama) await llama.dispose().catch(() => undefined);
      llama = undefined;
      return { disposed: true };
    default:
      throw new EngineFailure("invalid-request", `Unknown engine request type ${JSON.stringify((req as { type?: unknown }).type)}.`);
  }
}

let chain: Promise<void> = Promise.resolve();

function onMessage(req: EngineRequest | BenchRequest): void {
  if (req.type === "cancel") {
    // Handled on arrival, not queued: it must reach a score that is running now.
    const known = running.has(req.target);
    cancelled.add(req.target);
    send({ type: "result", id: req.id, result: { cancelled: known } });
    return;
  }
  running.add(req.id);
  chain = chain.then(async () => {
    try {
      if (cancelled.has(req.id)) throw new EngineFailure("cancelled", "Request was cancelled before it started.");
      const result = await dispatch(req);
      if (req.type === "dispose") {
        // Exit once the answer is flushed to the parent.
        process.send?.({ type: "result", id: req.id, result } satisfies EngineResponse, () => process.exit(0));
        return;
      }
      send({ type: "result", id: req.id, result });
    } catch (e) {
      const err = e instanceof EngineFailure ? e.toJSON() : { code: "internal" as const, message: `Engine error: ${(e as Error)?.message ?? String(e)}` };
      send({ type: "error", id: req.id, error: err });
    } finally {
      running.delete(req.id);
      cancelled.delete(req.id);
    }
  });
}

if (process.send) {
  process.on("message", (m) => onMessage(m as EngineRequest | BenchRequest));
  // The parent went away (crash, kill, dispose): nothing left to serve.
  process.on("disconnect", () => process.exit(0));
  // A terminal Ctrl-C reaches the whole process group. The parent decides what happens (the CLI
  // cancels cleanly, keeps what was scored and disposes the engine), so the worker must not die
  // first and turn a clean stop into a "crashed" engine.
  process.on("SIGINT", () => {});
  send({ type: "event", id: 0, event: { kind: "ready", pid: process.pid } });
}
