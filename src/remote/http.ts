// JSON over HTTP for the remote backend: node:http(s) with keep-alive sockets (one TCP
// connection per in-flight request, reused), a deadline per attempt, and AbortSignal support.
// node:http rather than fetch: the socket errors (ECONNRESET, "socket hang up") are reported
// as such, a timeout destroys exactly one request, and the per-request cost is lower (the
// client's overhead is measured against the server's scoring time, see docs/REMOTE.md).
// Every failure is a RemoteHttpError with a kind the retry policy (retry.ts) understands.
import * as http from "node:http";
import * as https from "node:https";

export type HttpFailureKind = "status" | "timeout" | "connection" | "malformed" | "aborted";

export class RemoteHttpError extends Error {
  override readonly name = "RemoteHttpError";
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    readonly status?: number,
    /** Milliseconds the server asked to wait (Retry-After), when it did. */
    readonly retryAfterMs?: number,
    /** The start of the response body, for error messages (never request bodies or headers). */
    readonly bodySnippet?: string,
  ) {
    super(message);
  }
}

export interface HttpClientOptions {
  /** Authorization: Bearer <key>, when given. Never logged or put into an error message. */
  apiKey?: string;
  /** Sockets kept per host (at least the request pool's size). */
  maxSockets: number;
}

export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v.trim()) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  constructor(private readonly opts: HttpClientOptions) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: opts.maxSockets });
  }

  text(method: "GET" | "POST", url: string, payload: string | undefined, o: RequestOptions): Promise<string> {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    const path = u.pathname;
    return new Promise<string>((resolve, reject) => {
      if (o.signal?.aborted) return reject(new RemoteHttpError("aborted", "cancelled"));
      let settled = false;
      const finish = (err: RemoteHttpError | undefined, value?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      const headers: Record<string, string> = { accept: "application/json" };
      if (payload !== undefined) {
        headers["content-type"] = "application/json";
        headers["content-length"] = String(Buffer.byteLength(payload));
      }
      if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
      const req = lib.request(
        { protocol: u.protocol, hostname: u.hostname, port: u.port, path: path + u.search, method, headers, agent: u.protocol === "https:" ? this.httpsAgent : this.httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => finish(new RemoteHttpError("connection", `the connection broke while reading ${path}: ${e.message}`)));
          res.on("aborted", () => finish(new RemoteHttpError("connection", `the server closed the connection while answering ${path}`)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return finish(undefined, text);
            finish(
              new RemoteHttpError(
                "status",
                `${method} ${path} answered HTTP ${status}${res.statusMessage ? " " + res.statusMessage : ""}`,
                status,
                parseRetryAfter(res.headers["retry-after"]),
                text.slice(0, 300),
              ),
            );
          });
        },
      );
      const timer = setTimeout(() => {
        finish(new RemoteHttpError("timeout", `${method} ${path} got no complete answer within ${(o.timeoutMs / 1000).toFixed(1)} s`));
        req.destroy();
      }, o.timeoutMs);
      const onAbort = () => {
        finish(new RemoteHttpError("aborted", "cancelled"));
        req.destroy();
      };
      o.signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (e: NodeJS.ErrnoException) =>
        finish(new RemoteHttpError("connection", `${method} ${u.host}${path} failed: ${e.code ?? e.message}${e.code && e.message && !e.message.includes(e.code) ? ` (${e.message})` : ""}`)),
      );
      req.end(payload);
    });
  }

  /** Closes the idle keep-alive sockets (the process may then exit). */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
