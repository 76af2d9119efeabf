// RemoteEngine: the runner's engine (EngineLike, src/runner/run.ts) over a vLLM or SGLang
// server. The items are prepared by the local engine's own code (scorer.prepareItem: joint
// tokenization, BOS rule, label tokens after the divergence point, warnings), with the server's
// tokenizer; each query's label sequences go to the server in one request for their prompt
// log-probs, and scorer.scoreQuery turns those into the same ItemScore the local engine gives.
// Requests run in a bounded pool, in depth-first token order so that a demo set's queries
// reach the server together (its prefix cache, where it has one, serves them); failures are
// retried (retry.ts); a cancel aborts every request in flight. See docs/REMOTE.md.
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { defined } from "../core/defined";
import type { ModelManifest, RunManifest } from "../core/results/schema";
import { EngineFailure, type ItemScore, type ModelInfo, type ScoreItem, type ScoreResult } from "../engine/protocol";
import { compareTokens, demoTokenLengths, longestSequence, minimumTokens, overflowError, prepareItem, scoreQuery, type PreparedItem } from "../engine/scorer";
import { HttpClient, RemoteHttpError } from "./http";
import { Pool } from "./pool";
import { DEFAULT_RETRY, RetryCounter, withRetries, type RetryPolicy } from "./retry";
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, describeSpec, parseRemoteSpec, type RemoteApi, type RemoteSpec } from "./spec";
import { RemoteTokenizer } from "./tokenizer";
import {
  errorMessageOf,
  isSglangModelInfo,
  parseModels,
  parseSglangGenerate,
  parseTokenize,
  parseVllmCompletion,
  sglangGenerateRequest,
  vllmCompletionRequest,
  WireError,
  type PositionLogProbs,
  type ServedModel,
} from "./wire";

export type RemoteLog = (level: "debug" | "info" | "warn" | "error", message: string) => void;

export interface RemoteEngineOptions {
  /** Bearer token; from SecretStorage (editor) or ICL_PROBE_API_KEY (CLI). Never logged. */
  apiKey?: string;
  /** Requests in flight at once (default DEFAULT_CONCURRENCY). */
  concurrency?: number;
  /** Deadline of one HTTP attempt in ms (default 120 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  log?: RemoteLog;
}

/** Label sequences per scoring request (a query with more labels is split). */
export const MAX_SEQUENCES_PER_REQUEST = 16;
/** Texts per SGLang /tokenize request. */
const TOKENIZE_BATCH = 64;
/** Text tokenized at connect time: the BOS rule and the tokenizer's fingerprint. */
const PROBE_TEXT = "ICL Probe: tokenizer check";

export interface RemoteStats {
  /** Scoring requests (completions / generate) that succeeded. */
  requests: number;
  tokenizeRequests: number;
  /** Prompt tokens sent for scoring. */
  tokensSent: number;
  retries: RetryCounter;
  /** Time this process spent preparing requests and reading answers (synchronous work), ms. */
  clientMs: number;
}

/** Tokens/s and requests/s over the last few seconds. */
class RateMeter {
  private readonly events: { t: number; tokens: number }[] = [];
  constructor(private readonly windowMs = 10_000) {}
  record(tokens: number): void {
    const now = performance.now();
    this.events.push({ t: now, tokens });
    while (this.events[0] && now - this.events[0].t > this.windowMs) this.events.shift();
  }
  rates(): { tokensPerSecond: number; requestsPerSecond: number } | undefined {
    const first = this.events[0];
    if (!first || this.events.length < 2) return undefined;
    const span = (performance.now() - first.t) / 1000;
    if (span <= 0) return undefined;
    return { tokensPerSecond: this.events.reduce((a, e) => a + e.tokens, 0) / span, requestsPerSecond: this.events.length / span };
  }
}

function sha256(s: string): string {
  return createHash("sha256").update(s, "utf8").digest("hex");
}

export class RemoteEngine {
  private readonly http: HttpClient;
  private readonly pool: Pool;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly log: RemoteLog;
  private tok!: RemoteTokenizer;
  private probeTokens: number[] = [];
  private maxModelLen = 0;
  private serverVersion = "unknown";
  private meter = new RateMeter();
  private _alive = true;
  private warnedSpecialText = false;
  readonly stats: RemoteStats = { requests: 0, tokenizeRequests: 0, tokensSent: 0, retries: new RetryCounter(), clientMs: 0 };

  private constructor(
    readonly spec: RemoteSpec,
    readonly api: RemoteApi,
    readonly model: string,
    opts: RemoteEngineOptions,
    http: HttpClient,
  ) {
    this.http = http;
    this.pool = new Pool(Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY)));
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.log = opts.log ?? (() => undefined);
  }

  /** Requests in flight at most. */
  get concurrency(): number {
    return this.pool.size;
  }

  get alive(): boolean {
    return this._alive;
  }

  /** What logs and messages may show: API, host and model (no path, key or query). */
  get label(): string {
    return describeSpec(this.spec, this.api, this.model);
  }

  /**
   * Connects: finds the API (when the spec has no prefix), the model and its context length,
   * the tokenizer's BOS rule, and checks with one tiny request that the server returns prompt
   * log-probs, so an unsuitable server fails here with a message that says why.
   */
  static async connect(specText: string | RemoteSpec, opts: RemoteEngineOptions = {}): Promise<RemoteEngine> {
    const spec = typeof specText === "string" ? parseRemoteSpec(specText) : specText;
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
    const http = new HttpClient({ apiKey: opts.apiKey, maxSockets: concurrency + 2 });
    try {
      const probe = new RemoteEngine(spec, "vllm", "", opts, http);
      const api = spec.api === "auto" ? await probe.detectApi() : spec.api;
      const models = parseModels(await probe.call("GET", "/v1/models", undefined, "list models"));
      let served = models.find((m) => m.id === spec.model);
      if (!spec.model) {
        if (models.length !== 1)
          throw new EngineFailure(
            "remote-refused",
            `${spec.host} serves ${models.length} models (${models.map((m) => m.id).join(", ") || "none"}); the spec must name one.`,
            `Add "#<model>" to the URL, e.g. ${spec.baseUrl}#${models[0]?.id ?? "model"}.`,
          );
        served = models[0];
      } else if (!served) {
        throw new EngineFailure(
          "remote-refused",
          `${spec.host} does not serve "${spec.model}" (it serves ${models.map((m) => m.id).join(", ") || "no model"}).`,
          "Use one of the served model names after '#' (vLLM: --served-model-name).",
        );
      }
      const engine = new RemoteEngine(spec, api, served!.id, opts, http);
      await engine.init(served!.maxModelLen);
      return engine;
    } catch (e) {
      http.close();
      throw toEngineFailure(e, spec.host);
    }
  }

  /** The models a server serves (for the editor's picker), without connecting an engine. */
  static async listModels(specText: string | RemoteSpec, opts: { apiKey?: string; timeoutMs?: number } = {}): Promise<ServedModel[]> {
    const spec = typeof specText === "string" ? parseRemoteSpec(specText) : specText;
    const http = new HttpClient({ apiKey: opts.apiKey, maxSockets: 1 });
    try {
      const text = await http.text("GET", `${spec.baseUrl}/v1/models`, undefined, { timeoutMs: opts.timeoutMs ?? 10_000 });
      try {
        return parseModels(JSON.parse(text) as unknown);
      } catch (e) {
        throw e instanceof WireError ? e : new RemoteHttpError("malformed", "the answer to GET /v1/models is not JSON", 200, undefined, text.slice(0, 200));
      }
    } catch (e) {
      throw toEngineFailure(e, spec.host);
    } finally {
      http.close();
    }
  }

  private async detectApi(): Promise<RemoteApi> {
    try {
      const info = await this.call("GET", "/get_model_info", undefined, "detect the server", { retries: false });
      if (isSglangModelInfo(info)) return "sglang";
    } catch (e) {
      // vLLM answers 404 here; anything but an HTTP status (unreachable, timeout) is final.
      if (!(e instanceof RemoteHttpError && e.kind === "status")) throw e;
    }
    return "vllm";
  }

  private async init(maxModelLen: number | undefined): Promise<void> {
    const plain = defined((await this.tokenizeOnServer([PROBE_TEXT], false))[0], "the probe text's tokens");
    const special = defined((await this.tokenizeOnServer([PROBE_TEXT], true))[0], "the probe text's tokens with special tokens");
    // BOS rule: what add_special_tokens puts before the text (its one token), as the local
    // engine prepends BOS exactly when the model asks for it.
    let bos: number | null = null;
    const extra = special.length - plain.length;
    if (extra > 0 && compareTokens(special.slice(extra), plain) === 0) {
      if (extra > 1)
        throw new EngineFailure(
          "remote-unsupported",
          `${this.spec.host}'s tokenizer adds ${extra} special tokens before the text (${special.slice(0, extra).join(", ")}); ICL Probe supports a single BOS token.`,
          "Probe a base model whose tokenizer adds at most a BOS token.",
        );
      bos = defined(special[0], "the BOS token");
    }
    this.tok = new RemoteTokenizer((texts) => this.tokenizeOnServer(texts, false), bos);
    this.probeTokens = plain;
    // One scoring request on the probe text: the server must return prompt log-probs.
    const seq = bos === null ? plain : [bos, ...plain];
    if (seq.length < 2) throw new EngineFailure("remote-unsupported", `${this.spec.host}'s tokenizer turned "${PROBE_TEXT}" into ${seq.length} token(s).`);
    const lps = defined((await this.logProbs([seq], [1], "check prompt log-probs"))[0], "the test request's log-probs");
    for (let i = 1; i < seq.length; i++)
      if (!Number.isFinite(lps[i]))
        throw new EngineFailure("remote-unsupported", `${this.spec.host} returned no log-prob for prompt position ${i} of a test request.`, "Use vLLM or SGLang (docs/REMOTE.md).");
    this.maxModelLen = maxModelLen ?? 0;
    if (!this.maxModelLen)
      throw new EngineFailure(
        "remote-unsupported",
        `${this.spec.host} did not say the model's context length (max_model_len in /v1/models).`,
        "Use vLLM or SGLang, whose /v1/models lists max_model_len.",
      );
    this.serverVersion = await this.fetchVersion();
    this.log("info", `remote: ${this.label} (${this.api} ${this.serverVersion}), context ${this.maxModelLen} tokens, BOS ${bos ?? "none"}, up to ${this.pool.size} requests in flight`);
  }

  private async fetchVersion(): Promise<string> {
    try {
      const body = (await this.call("GET", this.api === "vllm" ? "/version" : "/get_server_info", undefined, "read the version", { retries: false })) as { version?: unknown };
      return typeof body?.version === "string" ? body.version : "unknown";
    } catch {
      return "unknown";
    }
  }

  /** One HTTP call, with retries unless `retries: false` (the caller retries, or must not). */
  private async call(method: "GET" | "POST", path: string, body: unknown, what: string, o: { signal?: AbortSignal; retries?: boolean } = {}): Promise<unknown> {
    const url = this.spec.baseUrl + path;
    const payload = body === undefined ? undefined : this.cpu(() => JSON.stringify(body));
    const once = async () => {
      const text = await this.http.text(method, url, payload, { timeoutMs: this.timeoutMs, signal: o.signal });
      return this.cpu(() => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new RemoteHttpError("malformed", `the answer to ${method} ${path} is not JSON`, 200, undefined, text.slice(0, 200));
        }
      });
    };
    if (o.retries === false) return once();
    return withRetries(what, this.policy, this.stats.retries, once, { signal: o.signal, onRetry: (m) => this.log("warn", `remote: ${m}`) });
  }

  /** Runs synchronous work and adds its time to stats.clientMs. */
  private cpu<T>(f: () => T): T {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      this.stats.clientMs += performance.now() - t0;
    }
  }

  private async tokenizeOnServer(texts: string[], addSpecial: boolean, signal?: AbortSignal): Promise<number[][]> {
    if (this.api === "sglang") {
      const out: number[][] = [];
      const batches: string[][] = [];
      for (let i = 0; i < texts.length; i += TOKENIZE_BATCH) batches.push(texts.slice(i, i + TOKENIZE_BATCH));
      const got = await Promise.all(
        batches.map((b) =>
          this.pool.run(async () => {
            const body = await this.call("POST", "/tokenize", { model: this.model, prompt: b, add_special_tokens: addSpecial }, "tokenize", { signal });
            this.stats.tokenizeRequests++;
            return this.wire(() => parseTokenize(body, b.length));
          }),
        ),
      );
      for (const g of got) out.push(...g);
      return out;
    }
    // vLLM's /tokenize takes one text per request.
    return Promise.all(
      texts.map((t) =>
        this.pool.run(async () => {
          const body = await this.call("POST", "/tokenize", { model: this.model, prompt: t, add_special_tokens: addSpecial }, "tokenize", { signal });
          this.stats.tokenizeRequests++;
          return defined(this.wire(() => parseTokenize(body, 1))[0], "the /tokenize answer's token list");
        }),
      ),
    );
  }

  private wire<T>(f: () => T): T {
    try {
      return this.cpu(f);
    } catch (e) {
      if (e instanceof WireError && e.kind === "malformed") throw new RemoteHttpError("malformed", e.message);
      throw e;
    }
  }

  /**
   * Prompt log-probs of `sequences`; `starts[k]` is the first position whose log-prob is needed
   * (SGLang computes from logprob_start_len on and serves the rest from its radix cache).
   */
  private async logProbs(sequences: number[][], starts: number[], what: string, signal?: AbortSignal): Promise<PositionLogProbs[]> {
    if (this.api === "vllm") {
      return this.withMalformedRetry(what, signal, async () => {
        const body = await this.call("POST", "/v1/completions", vllmCompletionRequest(this.model, sequences), what, { signal, retries: false });
        return this.wire(() => parseVllmCompletion(body, sequences));
      });
    }
    // One position before the first needed one: SGLang versions differ by one in where
    // input_token_logprobs starts; the parser aligns the entries from the end.
    const from = starts.map((s) => Math.max(0, s - 1));
    return this.withMalformedRetry(what, signal, async () => {
      const body = await this.call("POST", "/generate", sglangGenerateRequest(sequences, from), what, { signal, retries: false });
      return this.wire(() => parseSglangGenerate(body, sequences));
    });
  }

  /** Retries covering the request and the reading of its answer (a malformed body is retried too). */
  private withMalformedRetry<T>(what: string, signal: AbortSignal | undefined, f: () => Promise<T>): Promise<T> {
    return withRetries(what, this.policy, this.stats.retries, f, { signal, onRetry: (m) => this.log("warn", `remote: ${m}`) });
  }

  async info(): Promise<ModelInfo> {
    return {
      path: this.label,
      fileName: this.model,
      sizeBytes: 0,
      architecture: `${this.api} server`,
      vocabSize: 0,
      trainContextSize: this.maxModelLen,
      tokenizerModel: "",
      bos: this.tok.bosToPrepend,
      addsBos: this.tok.bosToPrepend !== null,
      nodeLlamaCppVersion: "",
      threads: 0,
      threadsReason: `remote server, up to ${this.pool.size} requests in flight`,
      vocabOnly: false,
      layers: 0,
      embeddingLength: 0,
      heads: 0,
      kvHeads: 0,
      contextSize: this.maxModelLen,
      sequences: this.pool.size,
      kvCacheBytes: 0,
    };
  }

  /**
   * Identity of the model for the results manifest and the resume fingerprint: the served model
   * name and its tokenizer (BOS and the probe text's tokens), not the host, so a server that
   * moved can still resume a run; the host is recorded beside it.
   */
  identity(): string {
    return sha256(`remote\n${this.model}\n${this.tok.bosToPrepend ?? ""}\n${this.probeTokens.join(",")}`);
  }

  /** The manifest's engine and model for this server (the runner's EngineLike.describe). */
  async describe(): Promise<{ engine: RunManifest["engine"]; model: ModelManifest }> {
    return {
      engine: { name: this.api, version: this.serverVersion, threads: 0, concurrency: this.pool.size },
      model: {
        path: this.label,
        fileName: this.model,
        sizeBytes: 0,
        sha256: this.identity(),
        architecture: `${this.api} server`,
        vocabSize: 0,
        trainContextSize: this.maxModelLen,
        remote: { api: this.api, host: this.spec.host, model: this.model },
      },
    };
  }

  get contextLength(): number {
    return this.maxModelLen;
  }

  /** Token ids of texts as the server tokenizes prompt text (no BOS). */
  tokenize(texts: string[]): Promise<number[][]> {
    return this.tok.tokenize(texts);
  }

  /** Tokens/s and requests/s of scoring over the last ~10 s (for the progress line). */
  rates(): { tokensPerSecond: number; requestsPerSecond: number } | undefined {
    return this.meter.rates();
  }

  async score(items: ScoreItem[], opts: RemoteScoreOptions = {}): Promise<ItemScore[]> {
    return (await this.scoreWithStats(items, opts)).items;
  }

  async scoreWithStats(items: ScoreItem[], opts: RemoteScoreOptions = {}): Promise<ScoreResult> {
    const t0 = performance.now();
    if (!this._alive) throw new EngineFailure("disposed", "The remote engine was disposed.", "Connect again.");
    if (opts.signal?.aborted) throw new EngineFailure("cancelled", "Scoring was cancelled.");
    const abort = new AbortController();
    // Every request in flight listens on it: more than Node's default of 10 is expected.
    setMaxListeners(0, abort.signal);
    const onAbort = () => abort.abort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    let done = 0;
    try {
      const prepared = await this.tok.run((tok) => this.cpu(() => items.map((it, i) => prepareItem(tok, it, i))), abort.signal);
      this.checkSpecialText(prepared);
      const limit = this.maxModelLen - 1; // one generated token (max_tokens 1) must fit too
      const longest = longestSequence(prepared);
      if (longest.item && longest.length > limit) {
        const lens = await this.tok.run((tok) => demoTokenLengths(tok, defined(items[longest.item!.index], "the longest item")));
        throw overflowError({ id: longest.item.id, length: longest.length, limit, fileName: `${this.model} on ${this.spec.host}`, demoTokenLengths: lens });
      }
      // Depth-first token order within each demo set: queries sharing a prefix go out together.
      const groups = new Map<string, PreparedItem[]>();
      for (const it of prepared) groups.set(it.groupKey, [...(groups.get(it.groupKey) ?? []), it]);
      const ordered = [...groups.values()].flatMap((g) => [...g].sort((a, b) => compareTokens(a.prompt, b.prompt)));
      const results: ItemScore[] = new Array(prepared.length);
      let sent = 0;
      let failure: unknown;
      const settled = await Promise.allSettled(
        ordered.map((it) =>
          this.pool
            .run(async () => {
              if (abort.signal.aborted) throw failure ?? new RemoteHttpError("aborted", "cancelled");
              const lps = await this.scoreSequences(it, abort.signal);
              sent += it.labels.reduce((a, l) => a + l.full.length, 0);
              const s = this.cpu(() => scoreQuery(it, (li, i) => defined(lps[li]?.[i], `log-prob of label ${li} at position ${i}`)));
              results[it.index] = s;
              opts.onItem?.(s);
              opts.onProgress?.(++done, prepared.length);
            })
            .catch((e) => {
              // The first failure stops the rest: its requests are aborted, nothing waits for them.
              if (failure === undefined && !(e instanceof RemoteHttpError && e.kind === "aborted")) failure = e;
              abort.abort();
              throw e;
            }),
        ),
      );
      if (opts.signal?.aborted) throw new EngineFailure("cancelled", `Scoring was cancelled after ${done} of ${prepared.length} queries.`);
      if (failure !== undefined) throw failure;
      const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (rejected) throw rejected.reason;
      return {
        items: results,
        stats: {
          items: prepared.length,
          groups: groups.size,
          evaluatedTokens: sent,
          minimumTokens: minimumTokens(prepared),
          distributions: 0,
          contextSize: this.maxModelLen,
          ms: performance.now() - t0,
        },
      };
    } catch (e) {
      if (opts.signal?.aborted) throw new EngineFailure("cancelled", `Scoring was cancelled after ${done} of ${items.length} queries.`);
      throw toEngineFailure(e, this.spec.host);
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Label sequences of one query (in requests of at most MAX_SEQUENCES_PER_REQUEST), checked for every needed position. */
  private async scoreSequences(it: PreparedItem, signal: AbortSignal): Promise<PositionLogProbs[]> {
    const out: PositionLogProbs[] = [];
    for (let c = 0; c < it.labels.length; c += MAX_SEQUENCES_PER_REQUEST) {
      const labels = it.labels.slice(c, c + MAX_SEQUENCES_PER_REQUEST);
      const seqs = labels.map((l) => l.full);
      const lps = await this.logProbs(
        seqs,
        labels.map((l) => l.start),
        `query "${it.id}"`,
        signal,
      );
      labels.forEach((l, j) => {
        const got = defined(lps[j], `log-probs of label ${j}`);
        for (let i = l.start; i < l.full.length; i++) if (Number.isNaN(got[i])) throw new RemoteHttpError("malformed", `the answer for query "${it.id}" has no log-prob at position ${i}`);
      });
      out.push(...lps);
      const tokens = seqs.reduce((a, s) => a + s.length, 0);
      this.stats.requests++;
      this.stats.tokensSent += tokens;
      this.meter.record(tokens);
    }
    return out;
  }

  /**
   * HF tokenizers (vLLM, SGLang) read special-token text such as "<s>" in the input as the
   * special token even without add_special_tokens; the local engine keeps it as text. Said once.
   */
  private checkSpecialText(prepared: PreparedItem[]): void {
    const bos = this.tok.bosToPrepend;
    if (bos === null || this.warnedSpecialText) return;
    const hit = prepared.find((p) => p.prompt.indexOf(bos, 1) > 0);
    if (!hit) return;
    this.warnedSpecialText = true;
    this.log(
      "warn",
      `remote: the prompt of query "${hit.id}" contains the BOS token (id ${bos}) inside the text: the server's tokenizer reads special-token text (such as "<s>") as the special token, where the local engine keeps it as text.`,
    );
  }

  async dispose(): Promise<void> {
    this._alive = false;
    this.http.close();
  }
}

export interface RemoteScoreOptions {
  signal?: AbortSignal;
  onItem?: (item: ItemScore) => void;
  onProgress?: (done: number, total: number) => void;
}

/** Maps transport and format failures to the engine's error codes, with what to do about them. */
export function toEngineFailure(e: unknown, host: string): EngineFailure {
  if (e instanceof EngineFailure) return e;
  if (e instanceof WireError)
    return new EngineFailure(e.kind === "unsupported" ? "remote-unsupported" : "remote-failed", `${host}: ${e.message}.`, "See docs/REMOTE.md for the servers and flags ICL Probe works with.");
  if (e instanceof RemoteHttpError) {
    const server = errorMessageOf(e.bodySnippet);
    const detail = server ? ` The server said: ${server}` : "";
    switch (e.kind) {
      case "aborted":
        return new EngineFailure("cancelled", "Scoring was cancelled.");
      case "connection":
        return new EngineFailure("remote-unreachable", `Cannot reach ${host}: ${e.message}.`, "Check that the server is running and that the URL and port are right (docs/REMOTE.md).");
      case "timeout":
        return new EngineFailure("remote-failed", `${host}: ${e.message}.`, "The server is overloaded or stalled: lower the concurrency, raise the timeout, or check the server's log.");
      case "malformed":
        return new EngineFailure("remote-failed", `${host}: ${e.message}.`, "Check that the URL points at vLLM or SGLang itself (not a proxy that rewrites answers).");
      case "status": {
        const s = e.status ?? 0;
        if (s === 401 || s === 403)
          return new EngineFailure(
            "remote-refused",
            `${host} refused the request (HTTP ${s}).${detail}`,
            "Set the server's API key: ICL_PROBE_API_KEY in the CLI, or 'ICL Probe: Set API Key for Server...' in the editor.",
          );
        if (s === 404)
          return new EngineFailure(
            "remote-unsupported",
            `${host}: ${e.message}: the server lacks an endpoint ICL Probe needs.${detail}`,
            "ICL Probe works with vLLM (OpenAI-compatible server with /tokenize) and SGLang (native /generate and /tokenize); check the URL (docs/REMOTE.md).",
          );
        if (s >= 400 && s < 500)
          return new EngineFailure("remote-refused", `${host} rejected a request: ${e.message}.${detail}`, "See docs/REMOTE.md for the request fields and server versions ICL Probe relies on.");
        return new EngineFailure("remote-failed", `${host}: ${e.message}.${detail}`, "The server kept failing; check its log, then resume the run.");
      }
    }
  }
  if ((e as Error)?.name === "AbortError") return new EngineFailure("cancelled", "Scoring was cancelled.");
  return new EngineFailure("internal", `Remote engine error: ${(e as Error)?.message ?? String(e)}`);
}
