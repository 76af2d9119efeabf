// A loopback stand-in for vLLM and SGLang, for the remote backend's tests and the bench: an
// HTTP server on 127.0.0.1 that speaks the documented wire formats (docs/REMOTE.md) and
// computes its prompt log-probs with the real local engine stack: node-llama-cpp on a GGUF model
// in exact mode (F32 KV cache, no flash attention), through the same controlledEvaluate call
// the engine's adapter uses. Like a serving engine it keeps several sequences and reuses each
// one's KV cache for the longest prefix it shares with the next request.
//
// Modes: "vllm" (/v1/completions with prompt_logprobs or echo, /tokenize, /v1/models,
// /version), "sglang" (/generate with input_ids and logprob_start_len, /tokenize with a list,
// /get_model_info, /v1/models, /get_server_info) and "llamacpp" (an OpenAI-compatible
// completion with log-probs of the generated token only, the shape llama.cpp's server answers).
// Faults for the retry tests are scripted through POST /_control/faults; GET /_control/stats
// reports requests, faults fired and the server's own scoring time.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { loadNodeLlamaCpp, type LlamaContext, type LlamaContextSequence, type LlamaModel, type Token } from "../../src/engine/esm";
import { at } from "./at";

export type ServerMode = "vllm" | "sglang" | "llamacpp";

export interface Fault {
  /** Request path the fault applies to, e.g. "/v1/completions" (default: any scoring path). */
  path?: string;
  /** 1-based index among the requests to that path (counted from when the faults were set). */
  nth: number;
  kind: "429" | "500" | "drop" | "stall" | "malformed";
  /** Seconds for Retry-After (429). */
  retryAfter?: number;
  /** How long a stall holds the request before answering (default 30 s). */
  stallMs?: number;
}

export interface LoopbackOptions {
  modelPath: string;
  mode: ServerMode;
  /** Served model name (default "icl-toy"). */
  modelName?: string;
  /** Required bearer key, when set. */
  apiKey?: string;
  /** KV sequences whose prefixes are kept for reuse (default 4). */
  sequences?: number;
  /**
   * false: evaluate every sequence from its first token (no prefix reuse), so a sequence's
   * log-probs are bitwise the same whatever the order of requests (fault and resume tests).
   */
  reuse?: boolean;
  /** Extra delay per scoring request in ms (to make a run slow enough to kill mid-way). */
  delayMs?: number;
  /** Context length to report instead of the model's (overflow tests). */
  maxModelLen?: number;
  port?: number;
}

export interface ServerStats {
  requests: Record<string, number>;
  faultsFired: string[];
  /** Wall time during which at least one evaluation ran (the server's own scoring time), ms. */
  busyMs: number;
  /** Tokens passed to the model. */
  evaluatedTokens: number;
  /** Prompt positions whose log-prob was returned. */
  positions: number;
  /** Most scoring requests open at once. */
  maxInFlight: number;
  /** Scoring requests whose connection closed before the answer (client timeouts and cancels). */
  closedEarly: number;
}

interface SeqState {
  seq: LlamaContextSequence;
  tokens: number[];
  /** lps[p] = log p(tokens[p] | tokens[0..p)); NaN where not computed. */
  lps: number[];
  /** ranks[p]: 1 + the number of tokens more probable than tokens[p] there (vLLM's rank). */
  ranks: number[];
  busy: boolean;
}

/** The model side: exact prompt log-probs with per-sequence prefix reuse. */
export class Evaluator {
  private readonly states: SeqState[];
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private busySince = 0;
  busyMs = 0;
  evaluatedTokens = 0;

  constructor(
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    private readonly reuse = true,
  ) {
    this.states = Array.from({ length: context.totalSequences }, () => ({ seq: context.getSequence(), tokens: [], lps: [], ranks: [], busy: false }));
  }

  static async load(modelPath: string, sequences: number, reuse = true): Promise<Evaluator> {
    const nlc = await loadNodeLlamaCpp();
    const llama = await nlc.getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: nlc.LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
    const size = Math.min(model.trainContextSize, 4096);
    const context = await model.createContext({
      contextSize: size,
      sequences,
      threads: 1,
      batchSize: Math.min(512, size),
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    return new Evaluator(model, context, reuse);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  /**
   * One erase + evaluate at a time. Several sequences keep several prefixes cached, but their
   * decodes do not overlap: with node-llama-cpp 3.21.1, erasing and evaluating on different
   * sequences of one context at the same time returned wrong distributions now and then (seen
   * here as log-probs off by up to 10 under concurrent requests; none when serialized).
   */
  private decodeChain: Promise<unknown> = Promise.resolve();

  private serialized<T>(f: () => Promise<T>): Promise<T> {
    const run = this.decodeChain.then(f, f);
    this.decodeChain = run.catch(() => undefined);
    return run;
  }

  private async acquire(tokens: readonly number[]): Promise<SeqState> {
    for (;;) {
      let best: SeqState | undefined;
      let bestLcp = -1;
      for (const s of this.states) {
        if (s.busy) continue;
        const l = lcp(s.tokens, tokens);
        if (l > bestLcp) [best, bestLcp] = [s, l];
      }
      if (best) {
        best.busy = true;
        return best;
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private release(s: SeqState): void {
    s.busy = false;
    this.waiting.shift()?.();
  }

  /**
   * Log-probs of tokens[p] for p in [from, len) (p >= 1), and the next-token distribution's
   * argmax after the last token (the "generated" token). Ranks are computed for the vLLM format.
   */
  async logProbs(tokens: number[], from: number, wantRanks: boolean): Promise<{ lps: number[]; ranks: number[]; next: number; nextLp: number }> {
    const s = await this.acquire(tokens);
    try {
      return await this.serialized(() => this.evaluateOn(s, tokens, from, wantRanks));
    } finally {
      this.release(s);
    }
  }

  private async evaluateOn(s: SeqState, tokens: number[], from: number, wantRanks: boolean): Promise<{ lps: number[]; ranks: number[]; next: number; nextLp: number }> {
    const t0 = performance.now();
    if (this.active++ === 0) this.busySince = t0;
    try {
      const need = Math.max(1, from);
      let start = this.reuse ? Math.min(lcp(s.tokens, tokens), tokens.length) : 0;
      for (let p = need; p < start; p++)
        if (Number.isNaN(s.lps[p] ?? NaN)) {
          start = p;
          break;
        }
      // Re-evaluate from the token before the first missing log-prob: its distribution gives it.
      const e = Math.max(0, Math.min(start, tokens.length) - 1);
      await s.seq.eraseContextTokenRanges([{ start: e, end: s.seq.nextTokenIndex }]);
      s.tokens.length = e;
      s.lps.length = e + 1;
      s.ranks.length = e + 1;
      const chunk = tokens.slice(e) as Token[];
      const input = chunk.map((t) => [t, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: boolean } }]);
      const res = await s.seq.controlledEvaluate(input);
      this.evaluatedTokens += chunk.length;
      let next = 0;
      let nextLp = 0;
      for (let j = 0; j < chunk.length; j++) {
        const probs = res[j]?.next.probabilities;
        if (!probs) throw new Error(`no probabilities at position ${e + j}`);
        const p = e + j + 1;
        if (p < tokens.length) {
          const pr = probs.get(tokens[p] as Token) ?? 0;
          s.lps[p] = Math.log(pr);
          if (wantRanks) {
            let r = 1;
            for (const q of probs.values()) if (q > pr) r++;
            s.ranks[p] = r;
          }
        } else {
          for (const [t, q] of probs) if (q > nextLp || next === 0) [next, nextLp] = [t as number, q];
          nextLp = Math.log(nextLp);
        }
      }
      s.tokens.push(...chunk);
      return { lps: s.lps.slice(0, tokens.length), ranks: s.ranks.slice(0, tokens.length), next, nextLp };
    } finally {
      if (--this.active === 0) this.busyMs += performance.now() - this.busySince;
    }
  }

  detokenize(t: number): string {
    return this.model.detokenize([t as Token], true);
  }
}

function lcp(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface LoopbackServer {
  url: string;
  port: number;
  setFaults(faults: Fault[]): void;
  stats(): ServerStats;
  close(): Promise<void>;
}

const SCORING_PATHS = ["/v1/completions", "/generate"];

export async function startLoopbackServer(opts: LoopbackOptions): Promise<LoopbackServer> {
  const ev = await Evaluator.load(opts.modelPath, opts.sequences ?? 4, opts.reuse !== false);
  const contextLength = opts.maxModelLen ?? ev.contextSize;
  let inFlight = 0;
  let maxInFlight = 0;
  let closedEarly = 0;
  const name = opts.modelName ?? "icl-toy";
  const model = ev.model;
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  let faults: Fault[] = [];
  let counts: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const fired: string[] = [];
  let positions = 0;
  const stalls = new Set<NodeJS.Timeout>();

  const tokenize = (text: string, special: boolean): number[] => {
    const t = model.tokenize(text, false) as number[];
    return special && bos !== null ? [bos as number, ...t] : t;
  };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const vllmError = (res: http.ServerResponse, status: number, message: string) => send(res, status, { object: "error", message, type: "BadRequestError", param: null, code: status });

  async function completions(body: Record<string, unknown>): Promise<unknown> {
    let prompts = body.prompt;
    if (Array.isArray(prompts) && prompts.every((t) => Number.isInteger(t))) prompts = [prompts];
    if (!Array.isArray(prompts) || !prompts.every((p) => Array.isArray(p) && p.every((t) => Number.isInteger(t)))) throw new Error("prompt must be token ids");
    const wantPrompt = opts.mode === "vllm" && body.prompt_logprobs !== undefined && body.prompt_logprobs !== null;
    const echo = opts.mode === "vllm" && body.echo === true && body.logprobs !== undefined && body.logprobs !== null;
    const choices = [];
    let promptTokens = 0;
    for (const [index, p] of (prompts as number[][]).entries()) {
      const { lps, ranks, next, nextLp } = await ev.logProbs(p, wantPrompt || echo ? 1 : p.length, wantPrompt);
      promptTokens += p.length;
      const choice: Record<string, unknown> = { index, text: ev.detokenize(next), logprobs: null, finish_reason: "length", stop_reason: null };
      if (wantPrompt) {
        positions += p.length - 1;
        choice.prompt_logprobs = p.map((t, i) => (i === 0 ? null : { [String(t)]: { logprob: lps[i], rank: ranks[i], decoded_token: ev.detokenize(t) } }));
      }
      if (echo) {
        positions += p.length - 1;
        const toks = [...p, next];
        choice.logprobs = { text_offset: toks.map(() => 0), token_logprobs: [null, ...lps.slice(1), nextLp], tokens: toks.map((t) => ev.detokenize(t)), top_logprobs: toks.map(() => null) };
      } else if (body.logprobs !== undefined && body.logprobs !== null) {
        // Generated-token log-probs only (what llama.cpp's server returns for logprobs).
        choice.logprobs =
          opts.mode === "llamacpp"
            ? { content: [{ id: next, token: ev.detokenize(next), logprob: nextLp, bytes: [], top_logprobs: [] }] }
            : { text_offset: [0], token_logprobs: [nextLp], tokens: [ev.detokenize(next)], top_logprobs: [null] };
      }
      choices.push(choice);
    }
    return {
      id: `cmpl-loopback-${Date.now()}`,
      object: "text_completion",
      created: Math.floor(Date.now() / 1000),
      model: name,
      choices,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + choices.length, completion_tokens: choices.length },
    };
  }

  async function generate(body: Record<string, unknown>): Promise<unknown> {
    let ids = body.input_ids;
    const single = Array.isArray(ids) && ids.every((t) => Number.isInteger(t));
    if (single) ids = [ids];
    if (!Array.isArray(ids) || !ids.every((p) => Array.isArray(p) && p.every((t) => Number.isInteger(t)))) throw new Error("input_ids must be token ids");
    const startsRaw = body.logprob_start_len;
    const out = [];
    for (const [k, p] of (ids as number[][]).entries()) {
      const start = Array.isArray(startsRaw) ? Number(startsRaw[k]) : startsRaw === undefined ? -1 : Number(startsRaw);
      const want = body.return_logprob === true || (Array.isArray(body.return_logprob) && body.return_logprob[k] === true);
      const from = want && start >= 0 ? start : p.length;
      const { lps, next, nextLp } = await ev.logProbs(p, from, false);
      const meta: Record<string, unknown> = { id: `loopback-${Date.now()}-${k}`, finish_reason: { type: "length", length: 1 }, prompt_tokens: p.length, completion_tokens: 1, cached_tokens: 0 };
      if (want) {
        const s = Math.max(0, start);
        positions += p.length - s;
        meta.input_token_logprobs = p.slice(s).map((t, j) => [s + j === 0 ? null : lps[s + j], t, null]);
        meta.output_token_logprobs = [[nextLp, next, null]];
      }
      out.push({ text: ev.detokenize(next), output_ids: [next], meta_info: meta });
    }
    return single ? out[0] : out;
  }

  const stats = (): ServerStats => ({ requests: { ...requests }, faultsFired: [...fired], busyMs: ev.busyMs, evaluatedTokens: ev.evaluatedTokens, positions, maxInFlight, closedEarly });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> => {
    const path = at((req.url ?? "/").split("?"), 0);
    if (path === "/_control/faults" && req.method === "POST") {
      faults = (JSON.parse(raw) as { faults: Fault[] }).faults;
      counts = {};
      return send(res, 200, { ok: true });
    }
    if (path === "/_control/stats") return send(res, 200, stats());
    requests[path] = (requests[path] ?? 0) + 1;
    if (SCORING_PATHS.includes(path))
      res.once("close", () => {
        if (!res.writableFinished) closedEarly++;
      });
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) return send(res, 401, { error: "Unauthorized" });
    counts[path] = (counts[path] ?? 0) + 1;
    const fault = faults.find((f) => (f.path ? f.path === path : SCORING_PATHS.includes(path)) && f.nth === counts[path]);
    if (fault) {
      fired.push(`${fault.kind}@${path}#${fault.nth}`);
      switch (fault.kind) {
        case "429":
          return send(res, 429, { object: "error", message: "rate limited (loopback fault)", type: "RateLimitError", param: null, code: 429 }, { "retry-after": String(fault.retryAfter ?? 1) });
        case "500":
          return vllmError(res, 500, "internal error (loopback fault)");
        case "drop":
          req.socket.destroy();
          return;
        case "malformed":
          res.writeHead(200, { "content-type": "application/json" });
          res.end('{"choices": [{"index": 0, "prompt_logprobs": [null, {"');
          return;
        case "stall": {
          // Holds the request, then answers normally if the client is still there; bounded.
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              stalls.delete(t);
              resolve();
            }, fault.stallMs ?? 30_000);
            stalls.add(t);
            req.socket.once("close", () => {
              clearTimeout(t);
              stalls.delete(t);
              resolve();
            });
          });
          if (req.socket.destroyed) return;
          break;
        }
      }
    }
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    if (path === "/v1/models" && req.method === "GET") {
      const card: Record<string, unknown> = {
        id: name,
        object: "model",
        created: Math.floor(Date.now() / 1000),
        owned_by: opts.mode === "llamacpp" ? "llamacpp" : opts.mode,
        root: name,
        parent: null,
      };
      if (opts.mode !== "llamacpp") card.max_model_len = contextLength;
      return send(res, 200, { object: "list", data: [card] });
    }
    if (path === "/version" && opts.mode === "vllm") return send(res, 200, { version: "0.0.0-loopback" });
    if (path === "/get_model_info" && opts.mode === "sglang") return send(res, 200, { model_path: name, tokenizer_path: name, is_generation: true });
    if (path === "/get_server_info" && opts.mode === "sglang") return send(res, 200, { version: "0.0.0-loopback", context_length: contextLength });
    if ((path === "/tokenize" || (opts.mode === "sglang" && path === "/v1/tokenize")) && req.method === "POST") {
      const special = body.add_special_tokens !== false;
      const prompt = body.prompt ?? body.content;
      if (Array.isArray(prompt) && opts.mode === "sglang") {
        const tokens = prompt.map((t) => tokenize(String(t), special));
        return send(res, 200, { tokens, count: tokens.map((t) => t.length), max_model_len: contextLength });
      }
      if (typeof prompt !== "string") return vllmError(res, 400, "prompt must be a string");
      const tokens = tokenize(prompt, special);
      return send(res, 200, opts.mode === "llamacpp" ? { tokens } : { count: tokens.length, max_model_len: contextLength, tokens });
    }
    const scoring = (path === "/v1/completions" && opts.mode !== "sglang") || (path === "/generate" && opts.mode === "sglang");
    if (scoring && req.method === "POST") {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        const answer = path === "/generate" ? await generate(body) : await completions(body);
        if (!req.socket.destroyed) send(res, 200, answer);
      } finally {
        inFlight--;
      }
      return;
    }
    return send(res, 404, { detail: "Not Found" });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((e: Error) => {
        if (!res.headersSent && !req.socket.destroyed) vllmError(res, 400, e.message);
      });
    });
  });
  // Idle keep-alive sockets stay open for a minute (Node closes them after 5 s by default, which
  // can race a client's next request into a reset); close() ends them all.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setFaults: (f) => {
      faults = f;
      counts = {};
    },
    stats,
    close: async () => {
      for (const t of stalls) clearTimeout(t);
      stalls.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ev.context.dispose();
      await ev.model.dispose();
    },
  };
}
