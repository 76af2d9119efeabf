// Lines about a served-model run shared by the CLI and the editor: tokens/s and requests/s for
// the progress line, and the request/retry summary at the end (the run log). The estimate said
// before the run is runner/estimate.ts's describeEstimate.
import type { RemoteEngine } from "./engine";

const fmt = (n: number) => n.toLocaleString("en-US");

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
  return {
    api: engine.api,
    host: engine.spec.host,
    model: engine.model,
    requests: s.requests,
    tokenizeRequests: s.tokenizeRequests,
    tokensSent: s.tokensSent,
    retries: { total: s.retries.total, ...s.retries.byReason },
  };
}
