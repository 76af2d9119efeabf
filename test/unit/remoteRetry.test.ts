// Retry policy, the request pool and the recording tokenizer of the remote backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RemoteHttpError, parseRetryAfter } from "../../src/remote/http";
import { RetryCounter, retryDelayMs, retryReason, withRetries } from "../../src/remote/retry";
import { Pool } from "../../src/remote/pool";
import { RemoteTokenizer } from "../../src/remote/tokenizer";
import { prepareItem } from "../../src/engine/scorer";

const status = (s: number, retryAfterMs?: number) => new RemoteHttpError("status", `HTTP ${s}`, s, retryAfterMs);

test("what is retried: 408/429/5xx (not 501/505), timeouts, broken connections, malformed bodies", () => {
  assert.deepEqual(
    [429, 500, 502, 503, 504, 408].map((s) => retryReason(status(s))),
    ["429", "5xx", "5xx", "5xx", "5xx", "5xx"],
  );
  assert.deepEqual(
    [400, 401, 403, 404, 422, 501, 505].map((s) => retryReason(status(s))),
    new Array(7).fill(undefined),
  );
  assert.equal(retryReason(new RemoteHttpError("timeout", "t")), "timeout");
  assert.equal(retryReason(new RemoteHttpError("connection", "c")), "connection");
  assert.equal(retryReason(new RemoteHttpError("malformed", "m")), "malformed");
  assert.equal(retryReason(new RemoteHttpError("aborted", "a")), undefined);
  assert.equal(retryReason(new Error("x")), undefined);
});

test("backoff doubles with equal jitter, is capped, and Retry-After is honoured", () => {
  const p = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(
    retryDelayMs(p, 1, undefined, () => 0),
    50,
  );
  assert.equal(
    retryDelayMs(p, 1, undefined, () => 0.999999),
    99,
  );
  assert.equal(
    retryDelayMs(p, 3, undefined, () => 0),
    200,
  );
  assert.equal(
    retryDelayMs(p, 10, undefined, () => 0),
    500,
  );
  assert.equal(
    retryDelayMs(p, 1, 700, () => 0),
    700,
  );
  assert.ok(retryDelayMs(p, 1, 700, () => 0.99) >= 700);
  assert.equal(
    retryDelayMs(p, 1, 5000, () => 0),
    1000,
    "a Retry-After beyond the cap waits the cap",
  );
});

test("Retry-After: seconds or an HTTP date", () => {
  assert.equal(parseRetryAfter("2"), 2000);
  assert.equal(parseRetryAfter("0.5"), 500);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.equal(parseRetryAfter(undefined), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
});

test("withRetries retries retryable failures, counts them, stops at the bound and on other errors", async () => {
  const policy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
  const c = new RetryCounter();
  let n = 0;
  const logged: string[] = [];
  const v = await withRetries("x", policy, c, async () => (++n < 3 ? Promise.reject(n === 1 ? status(429, 1) : new RemoteHttpError("connection", "reset")) : "ok"), { onRetry: (m) => logged.push(m) });
  assert.equal(v, "ok");
  assert.deepEqual([c.byReason["429"], c.byReason.connection, c.total], [1, 1, 2]);
  assert.equal(logged.length, 2);
  assert.match(c.summary(), /2 retries \(429: 1, connection: 1\)/);
  n = 0;
  await assert.rejects(
    withRetries("y", policy, c, async () => {
      n++;
      throw status(503);
    }),
    /gave up after 3 attempts/,
  );
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(
    withRetries("z", policy, c, async () => {
      n++;
      throw status(400);
    }),
    /HTTP 400/,
  );
  assert.equal(n, 1);
});

test("a cancel during the backoff ends the wait at once", async () => {
  const ac = new AbortController();
  const p = withRetries("w", { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }, new RetryCounter(), () => Promise.reject(status(500)), { signal: ac.signal });
  setTimeout(() => ac.abort(), 5);
  await assert.rejects(p, (e: unknown) => e instanceof RemoteHttpError && e.kind === "aborted");
});

test("the pool never runs more than its size at once and serves waiters in order", async () => {
  const pool = new Pool(3);
  let active = 0;
  let peak = 0;
  const order: number[] = [];
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      pool.run(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        order.push(i);
        active--;
      }),
    ),
  );
  assert.equal(peak, 3);
  assert.deepEqual(order.slice(0, 3).sort(), [0, 1, 2]);
  assert.equal(order.length, 10);
  assert.throws(() => new Pool(0), RangeError);
});

test("the recording tokenizer fetches every text a computation needs in few rounds and matches direct tokenization", async () => {
  const tokenizeText = (t: string) => [...t].map((c) => c.charCodeAt(0));
  const rounds: number[] = [];
  const tok = new RemoteTokenizer(async (texts) => {
    rounds.push(texts.length);
    return texts.map(tokenizeText);
  }, 1);
  const items = ["a", "b", "c"].map((q, i) => ({
    id: q,
    prefix: "x: 1\ny: 2\n",
    query: `${q}:`,
    labelSep: " ",
    labels: ["1", "2"],
    demos: [
      { start: 0, end: 4, labelStart: 3, label: "1" },
      { start: 5, end: 9, labelStart: 8, label: "2" },
    ],
    gold: "1",
    _i: i,
  }));
  const prepared = await tok.run((t) => items.map((it, i) => prepareItem(t, it, i)));
  const direct = items.map((it, i) => prepareItem({ bosToPrepend: 1, tokenize: tokenizeText }, it, i));
  assert.deepEqual(prepared, direct);
  assert.ok(rounds.length <= 3, `rounds: ${rounds}`);
  const before = rounds.length;
  await tok.run((t) => items.map((it, i) => prepareItem(t, it, i)));
  assert.equal(rounds.length, before, "a second run is served from the cache");
});
