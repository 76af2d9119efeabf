// The remote model spec: which server, which API, which model. One syntax for the CLI's --model
// and the editor's iclProbe.remote.url / iclProbe.remote.model settings (docs/REMOTE.md):
//
//   [vllm+|sglang+]http(s)://host[:port][/path][/v1][#model]
//
// Without a prefix the API is detected when connecting (SGLang answers GET /get_model_info,
// vLLM does not). A trailing /v1 is optional: both servers are addressed from their root.
// The model after "#" is the served model name; without it the server's only model is used.
// Pure: no network here, so the rules are unit-tested.
import { defined } from "../core/defined";

export type RemoteApi = "vllm" | "sglang";

/**
 * Default requests in flight. vLLM schedules up to --max-num-seqs (256 by default) sequences
 * and SGLang a similar number; 32 requests of 2+ label sequences each keep either busy with
 * prompts of a few thousand tokens while leaving room for other users of the server.
 */
export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_TIMEOUT_MS = 120_000;
/** The editor asks before a probe whose estimate exceeds this many prompt tokens. */
export const DEFAULT_CONFIRM_ABOVE_TOKENS = 2_000_000;

export interface RemoteSpec {
  /** "auto" until the server was asked (no prefix in the spec). */
  api: RemoteApi | "auto";
  /** Server root without a trailing slash or /v1, e.g. "http://gpu1:8000" or "https://proxy/vllm". */
  baseUrl: string;
  /** host[:port] only: what the results manifest and the logs name (never paths, keys or queries). */
  host: string;
  /** Served model name, when the spec names one. */
  model?: string;
}

export class RemoteSpecError extends Error {
  override readonly name = "RemoteSpecError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const PREFIX = /^(vllm|sglang)\+(?=https?:\/\/)/i;

/** True for anything that should be read as a server spec rather than a GGUF path. */
export function isRemoteSpec(model: string | undefined): boolean {
  return typeof model === "string" && /^((vllm|sglang)\+)?https?:\/\//i.test(model.trim());
}

export const SPEC_SYNTAX = "[vllm+|sglang+]http(s)://host:port[/v1][#model], e.g. http://127.0.0.1:8000/v1#meta-llama/Llama-2-70b-hf";

/** Why `spec` is not a server spec (parseRemoteSpec's message), or undefined when it is one: for input boxes and settings. */
export function specProblem(spec: string): string | undefined {
  try {
    parseRemoteSpec(spec);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function parseRemoteSpec(spec: string): RemoteSpec {
  let s = spec.trim();
  let api: RemoteSpec["api"] = "auto";
  const pre = PREFIX.exec(s);
  if (pre) {
    api = defined(pre[1], "the API prefix").toLowerCase() as RemoteApi;
    s = s.slice(pre[0].length);
  }
  const hash = s.indexOf("#");
  const urlPart = hash >= 0 ? s.slice(0, hash) : s;
  let model: string | undefined;
  if (hash >= 0) {
    try {
      model = decodeURIComponent(s.slice(hash + 1)).trim();
    } catch {
      throw new RemoteSpecError(`the model name in "${spec}" is not valid percent-encoding`, `write the served model name after "#": ${SPEC_SYNTAX}`);
    }
    if (!model) model = undefined;
  }
  let url: URL;
  try {
    url = new URL(urlPart);
  } catch {
    throw new RemoteSpecError(`"${spec}" is not a server URL`, `use ${SPEC_SYNTAX}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new RemoteSpecError(`"${spec}": only http and https servers are supported`, `use ${SPEC_SYNTAX}`);
  if (url.username || url.password)
    throw new RemoteSpecError(
      `the server URL must not contain credentials (user:key@host): they would end up in settings, logs and results`,
      "put the API key in the ICL_PROBE_API_KEY environment variable (CLI) or use 'ICL Probe: Set API Key for Server...' (editor)",
    );
  if (url.search) throw new RemoteSpecError(`the server URL must not have a query string ("${url.search}")`, `use ${SPEC_SYNTAX}; an API key goes in ICL_PROBE_API_KEY`);
  const path = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return { api, baseUrl: `${url.protocol}//${url.host}${path}`, host: url.host, model };
}

/** The spec for settings iclProbe.remote.url + iclProbe.remote.model (the model may also be in the URL). */
export function specFromSettings(url: string, model: string | undefined): string {
  const u = url.trim();
  const m = model?.trim();
  if (!m || u.includes("#")) return u;
  return `${u}#${m}`;
}

/** The spec as it may be shown or stored: API, host and model only. */
export function describeSpec(s: RemoteSpec, api: RemoteApi | "auto" = s.api, model = s.model): string {
  return `${api === "auto" ? "" : api + "+"}${s.baseUrl.startsWith("https:") ? "https" : "http"}://${s.host}${model ? "#" + model : ""}`;
}
