// The CLI's side of the remote backend (docs/REMOTE.md): connect to the server named by
// --model, with the API key from ICL_PROBE_API_KEY (never from a flag, so it stays out of shell
// history and process lists), print the work estimate, the rates for the progress line and the
// request/retry summary at the end (the run log).
import type { DemoFile, ProbeSettings } from "../core/types";
import { unsupportedOnServer } from "../remote/limits";
import { RemoteEngine, MAX_SEQUENCES_PER_REQUEST, type RemoteLog } from "../remote/engine";
import { parseRemoteSpec, RemoteSpecError } from "../remote/spec";
import { estimateWork, estimatedTokens } from "../runner/estimate";
import { UsageError } from "./args";

export const API_KEY_ENV = "ICL_PROBE_API_KEY";

/** Token-level variants need the model's vocabulary, which vLLM and SGLang do not serve. */
export function checkRemoteVariants(settings: ProbeSettings): void {
  const refused = unsupportedOnServer(settings.variants);
  if (refused) throw new UsageError(refused);
}

export async function connectRemote(spec: string, o: { concurrency?: number; timeoutSeconds?: number; env?: NodeJS.ProcessEnv; log: RemoteLog }): Promise<RemoteEngine> {
  let parsed;
  try {
    parsed = parseRemoteSpec(spec);
  } catch (e) {
    if (e instanceof RemoteSpecError) throw new UsageError(`--model: ${e.message} (${e.hint})`);
    throw e;
  }
  const apiKey = (o.env ?? process.env)[API_KEY_ENV]?.trim() || undefined;
  return RemoteEngine.connect(parsed, { apiKey, concurrency: o.concurrency, timeoutMs: o.timeoutSeconds === undefined ? undefined : o.timeoutSeconds * 1000, log: o.log });
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** "about 1,234 requests (2,468 label sequences), ~3.1M prompt tokens". */
export async function describeEstimate(engine: RemoteEngine, file: DemoFile, settings: ProbeSettings): Promise<{ text: string; requests: number; tokens: number }> {
  const est = estimateWork(file, settings, MAX_SEQUENCES_PER_REQUEST);
  const sampleTokens = est.sample ? (await engine.tokenize([est.sample]))[0].length : 0;
  const tokens = estimatedTokens(est, sampleTokens);
  const t = tokens >= 1e6 ? `${(tokens / 1e6).toFixed(1)}M` : fmt(tokens);
  return { text: `about ${fmt(est.requests)} scoring requests (${fmt(est.sequences)} label sequences), ~${t} prompt tokens`, requests: est.requests, tokens };
}

/** "812 tok/s, 9.4 req/s" for the progress line, once measured. */
export function rateText(engine: RemoteEngine): string | undefined {
  const r = engine.rates();
  if (!r) return undefined;
  return `${fmt(Math.round(r.tokensPerSecond))} tok/s, ${r.requestsPerSecond.toFixed(1)} req/s`;
}

/** The run log's summary line: requests, tokens, retries by reason. */
export function remoteSummary(engine: RemoteEngine): string {
  const s = engine.stats;
  return `remote: ${fmt(s.requests)} scoring requests, ${fmt(s.tokenizeRequests)} tokenize requests, ${fmt(s.tokensSent)} prompt tokens sent; ${s.retries.summary()}`;
}

export function remoteJson(engine: RemoteEngine): Record<string, unknown> {
  const s = engine.stats;
  return { api: engine.api, host: engine.spec.host, model: engine.model, requests: s.requests, tokenizeRequests: s.tokenizeRequests, tokensSent: s.tokensSent, retries: { total: s.retries.total, ...s.retries.byReason } };
}

