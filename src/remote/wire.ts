// The wire formats the remote backend speaks, as pure builders and parsers (unit-tested on
// recorded bodies, test/fixtures/remote/). Every field used here is listed, with its source,
// in docs/REMOTE.md ("Server fields relied on").
//
// vLLM (OpenAI-compatible server):
//   POST /v1/completions {model, prompt: number[][], max_tokens: 1, prompt_logprobs: 0, ...}
//     -> choices[i].prompt_logprobs: [null, {"<token id>": {logprob, rank, decoded_token}}, ...]
//        (one entry per prompt token; the first is null). Servers that only implement OpenAI's
//        echo + logprobs are read from choices[i].logprobs.token_logprobs instead.
//   POST /tokenize {model, prompt: string, add_special_tokens} -> {tokens, count, max_model_len}
// SGLang (native API):
//   POST /generate {input_ids: number[][], return_logprob: true, logprob_start_len: number[], ...}
//     -> [{meta_info: {input_token_logprobs: [[logprob | null, token id, text | null], ...]}}]
//        covering the prompt's last positions (from logprob_start_len on).
//   POST /tokenize {model, prompt: string[], add_special_tokens} -> {tokens: number[][], ...}
// Both: GET /v1/models -> {data: [{id, max_model_len}]}.

/** Per-position log-probs of a sequence: lp[i] = log p(seq[i] | seq[0..i)); NaN where the server gave none. */
export type PositionLogProbs = Float64Array;

export class WireError extends Error {
  override readonly name = "WireError";
  constructor(
    message: string,
    /** "unsupported": the server answered but has no prompt log-probs; "malformed": the body is not what the format says. */
    readonly kind: "unsupported" | "malformed",
  ) {
    super(message);
  }
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isIntArray = (x: unknown): x is number[] => Array.isArray(x) && x.every((t) => Number.isInteger(t));

/** Sampling settings that keep the returned log-probs those of the raw model distribution (see docs/REMOTE.md). */
const NEUTRAL_SAMPLING = { temperature: 1.0, top_p: 1.0 };

export function vllmCompletionRequest(model: string, sequences: number[][]): Record<string, unknown> {
  // max_tokens 1: vLLM accepts 0 only together with echo; one sampled token costs one decode step.
  return { model, prompt: sequences, max_tokens: 1, prompt_logprobs: 0, n: 1, stream: false, ...NEUTRAL_SAMPLING };
}

export function sglangGenerateRequest(sequences: number[][], starts: number[]): Record<string, unknown> {
  return {
    input_ids: sequences,
    sampling_params: { max_new_tokens: 1, ...NEUTRAL_SAMPLING },
    return_logprob: true,
    logprob_start_len: starts,
    top_logprobs_num: 0,
    return_text_in_logprobs: false,
    stream: false,
  };
}

const NO_PROMPT_LOGPROBS =
  "the server returned no log-probs for the prompt tokens (llama.cpp's server, for example, ignores echo/prompt_logprobs and returns log-probs of generated tokens only). ICL Probe needs prompt log-probs: use vLLM (OpenAI-compatible server, /v1/completions with prompt_logprobs) or SGLang (native /generate with return_logprob and logprob_start_len)";

/** Reads one vLLM completion choice into per-position log-probs of `seq`. */
export function parseVllmChoice(choice: unknown, seq: readonly number[]): PositionLogProbs {
  if (!isObj(choice)) throw new WireError("a completion choice is not an object", "malformed");
  const out = new Float64Array(seq.length).fill(NaN);
  const pl = choice.prompt_logprobs;
  if (Array.isArray(pl)) {
    if (pl.length !== seq.length) throw new WireError(`prompt_logprobs has ${pl.length} entries for a ${seq.length}-token prompt`, "malformed");
    for (let i = 1; i < seq.length; i++) {
      const entry = pl[i];
      if (!isObj(entry)) throw new WireError(`prompt_logprobs[${i}] is not an object`, "malformed");
      const hit = entry[String(seq[i])];
      const lp = isObj(hit) ? hit.logprob : undefined;
      if (typeof lp !== "number") throw new WireError(`prompt_logprobs[${i}] has no logprob for the prompt token ${seq[i]}`, "malformed");
      out[i] = lp;
    }
    return out;
  }
  // OpenAI's echo: logprobs.token_logprobs covers the prompt tokens, then the generated ones.
  const lg = choice.logprobs;
  const tl = isObj(lg) ? lg.token_logprobs : undefined;
  if (Array.isArray(tl) && tl.length >= seq.length && (choice.prompt_token_ids === undefined || sameTokens(choice.prompt_token_ids, seq))) {
    for (let i = 1; i < seq.length; i++) {
      if (typeof tl[i] !== "number") throw new WireError(`logprobs.token_logprobs[${i}] is not a number`, "malformed");
      out[i] = tl[i] as number;
    }
    return out;
  }
  throw new WireError(NO_PROMPT_LOGPROBS, "unsupported");
}

function sameTokens(a: unknown, b: readonly number[]): boolean {
  return isIntArray(a) && a.length === b.length && a.every((t, i) => t === b[i]);
}

/** Reads a vLLM /v1/completions body for `sequences` (choices matched by index). */
export function parseVllmCompletion(body: unknown, sequences: readonly number[][]): PositionLogProbs[] {
  if (!isObj(body) || !Array.isArray(body.choices)) throw new WireError("the completion answer has no choices array", "malformed");
  if (body.choices.length !== sequences.length) throw new WireError(`the completion answer has ${body.choices.length} choices for ${sequences.length} prompts`, "malformed");
  const byIndex = new Array<unknown>(sequences.length);
  body.choices.forEach((c, j) => {
    const idx = isObj(c) && Number.isInteger(c.index) ? (c.index as number) : j;
    if (idx < 0 || idx >= sequences.length || byIndex[idx] !== undefined) throw new WireError(`choice index ${idx} is out of range or repeated`, "malformed");
    byIndex[idx] = c;
  });
  return sequences.map((seq, i) => parseVllmChoice(byIndex[i], seq));
}

/**
 * Reads SGLang /generate results. input_token_logprobs covers the prompt's last positions; it
 * is aligned from the end (its length has differed by one between SGLang versions for the
 * same logprob_start_len) and every entry's token id is checked against the sequence.
 */
export function parseSglangGenerate(body: unknown, sequences: readonly number[][]): PositionLogProbs[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length !== sequences.length) throw new WireError(`/generate answered ${list.length} results for ${sequences.length} inputs`, "malformed");
  return sequences.map((seq, k) => {
    const r = list[k];
    const meta = isObj(r) ? r.meta_info : undefined;
    if (!isObj(meta)) throw new WireError(`/generate result ${k} has no meta_info`, "malformed");
    const itl = meta.input_token_logprobs;
    if (!Array.isArray(itl)) throw new WireError(NO_PROMPT_LOGPROBS, "unsupported");
    if (itl.length > seq.length) throw new WireError(`input_token_logprobs has ${itl.length} entries for a ${seq.length}-token input`, "malformed");
    const out = new Float64Array(seq.length).fill(NaN);
    const first = seq.length - itl.length;
    itl.forEach((e, j) => {
      const pos = first + j;
      if (!Array.isArray(e) || e.length < 2) throw new WireError(`input_token_logprobs[${j}] is not [logprob, token id, ...]`, "malformed");
      if (e[1] !== seq[pos]) throw new WireError(`input_token_logprobs[${j}] is for token ${String(e[1])}, but position ${pos} holds ${seq[pos]}`, "malformed");
      if (e[0] === null) {
        if (pos !== 0) throw new WireError(`input_token_logprobs[${j}] (position ${pos}) has no logprob`, "malformed");
      } else if (typeof e[0] !== "number") throw new WireError(`input_token_logprobs[${j}] has a non-numeric logprob`, "malformed");
      else out[pos] = e[0];
    });
    return out;
  });
}

/** vLLM's /tokenize answers one text: {tokens}; SGLang's answers a list: {tokens: number[][]}. */
export function parseTokenize(body: unknown, n: number): number[][] {
  const t = isObj(body) ? body.tokens : undefined;
  if (n === 1 && isIntArray(t)) return [t];
  if (Array.isArray(t) && t.length === n && t.every(isIntArray)) return t as number[][];
  throw new WireError(`/tokenize answered no token list${n > 1 ? ` for each of ${n} texts` : ""}`, "malformed");
}

/** SGLang answers GET /get_model_info with the model's path (vLLM has no such endpoint): how the API is detected. */
export function isSglangModelInfo(body: unknown): boolean {
  return isObj(body) && typeof body.model_path === "string";
}

export interface ServedModel {
  id: string;
  maxModelLen?: number;
}

export function parseModels(body: unknown): ServedModel[] {
  const data = isObj(body) ? body.data : undefined;
  if (!Array.isArray(data)) throw new WireError("/v1/models answered no data list", "malformed");
  return data
    .filter(isObj)
    .filter((m) => typeof m.id === "string")
    .map((m) => ({ id: m.id as string, ...(Number.isInteger(m.max_model_len) ? { maxModelLen: m.max_model_len as number } : {}) }));
}

/** The server's own error text from an error body (vLLM and SGLang shapes), for messages. */
export function errorMessageOf(snippet: string | undefined): string | undefined {
  if (!snippet) return undefined;
  try {
    const b = JSON.parse(snippet) as unknown;
    if (isObj(b)) {
      if (typeof b.message === "string") return b.message;
      if (isObj(b.error) && typeof b.error.message === "string") return b.error.message;
      if (typeof b.detail === "string") return b.detail;
    }
  } catch {
    /* truncated or not JSON */
  }
  return snippet.replace(/\s+/g, " ").slice(0, 160);
}
