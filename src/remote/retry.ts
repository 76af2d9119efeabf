// Bounded retries for the remote backend: HTTP 408/429/5xx (not 501/505), timeouts, broken
// connections and malformed bodies are retried with exponential backoff and jitter; a
// Retry-After from the server is honoured (waited at least, up to a cap). Anything else (400,
// 401, 404...) fails at once: retrying cannot fix it. Counts per reason go to the run log.
import { RemoteHttpError } from "./http";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff in ms; doubles per retry. */
  baseDelayMs: number;
  /** Longest backoff and longest Retry-After honoured, in ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 60_000 };

export type RetryReason = "429" | "5xx" | "timeout" | "connection" | "malformed";

export function retryReason(e: unknown): RetryReason | undefined {
  if (!(e instanceof RemoteHttpError)) return undefined;
  switch (e.kind) {
    case "timeout":
    case "connection":
    case "malformed":
      return e.kind;
    case "status": {
      const s = e.status ?? 0;
      if (s === 429) return "429";
      if (s === 408 || (s >= 500 && s <= 599 && s !== 501 && s !== 505)) return "5xx";
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Delay before retry number `retry` (1-based): the server's Retry-After, else equal-jitter exponential backoff. */
export function retryDelayMs(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, retryAfterMs) + Math.floor(random() * Math.min(250, 0.1 * retryAfterMs + 1));
  const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(d / 2 + random() * (d / 2));
}

export class RetryCounter {
  readonly byReason: Record<RetryReason, number> = { "429": 0, "5xx": 0, timeout: 0, connection: 0, malformed: 0 };
  get total(): number {
    return Object.values(this.byReason).reduce((a, b) => a + b, 0);
  }
  /** "3 retries (429: 1, 5xx: 1, connection: 1)" or "no retries". */
  summary(): string {
    const parts = Object.entries(this.byReason)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}: ${n}`);
    return this.total === 0 ? "no retries" : `${this.total} retr${this.total === 1 ? "y" : "ies"} (${parts.join(", ")})`;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RemoteHttpError("aborted", "cancelled"));
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new RemoteHttpError("aborted", "cancelled"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or the attempts
 * are used up (then the last error is thrown, its message naming the attempts).
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  counter: RetryCounter,
  attempt: () => Promise<T>,
  opts: { signal?: AbortSignal; onRetry?: (message: string) => void } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const reason = retryReason(e);
      if (!reason || n >= policy.attempts || opts.signal?.aborted) {
        if (reason && n >= policy.attempts && e instanceof RemoteHttpError) e.message = `${e.message} (gave up after ${n} attempts)`;
        throw e;
      }
      counter.byReason[reason]++;
      const err = e as RemoteHttpError;
      const delay = retryDelayMs(policy, n, err.retryAfterMs);
      opts.onRetry?.(`${what}: ${err.message}; retry ${n}/${policy.attempts - 1} in ${(delay / 1000).toFixed(1)} s${err.retryAfterMs !== undefined ? " (Retry-After)" : ""}`);
      await sleep(delay, opts.signal);
    }
  }
}
