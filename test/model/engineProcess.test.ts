// The engine process under bad files, crashes, kills, cancellation and pipelined requests. Uses
// small GGUF files written by the project's GGUF writer (src/gguf/fixtures.ts) in a temp dir, so
// it runs without ../shared/models; llama.cpp really loads (or aborts on) each file.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { startBenchEngine } from "../../src/engine/benchClient";
import { EngineFailure, type ScoreItem } from "../../src/engine/protocol";
import { writeBadModelFixtures, writeMissingKeyGguf, writeTinyModel } from "../../src/gguf/fixtures";
import { at } from "../support/at";

const dir = mkdtempSync(join(tmpdir(), "icl-engine-"));
const bad = writeBadModelFixtures(dir);
const tiny = writeTinyModel(dir);
const clients: EngineClient[] = [];
after(async () => {
  for (const c of clients) if (c.alive) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<EngineClient> {
  const c = await EngineClient.start();
  clients.push(c);
  return c;
}

function items(n: number, distinctPrefixes = false): ScoreItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i}`,
    prefix: distinctPrefixes ? `hello ${"world ".repeat(i % 7)}positive\n` : "hello world positive\nworld hello negative\n",
    query: `hello ${"world ".repeat(i % 13)}hello`,
    labelSep: " ",
    labels: ["positive", "negative"],
  }));
}

async function rejectsWith(p: Promise<unknown>, code: string, re: RegExp): Promise<EngineFailure> {
  let err: unknown;
  await p.then(
    () => assert.fail(`expected an EngineFailure ${code}`),
    (e) => (err = e),
  );
  assert.ok(err instanceof EngineFailure, `not an EngineFailure: ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, re);
  return err;
}

test("each bad file gets its own clear error, and the same engine then loads a good model", async () => {
  const c = await start();
  const cases: [string, string, RegExp][] = [
    [join(dir, "nope.gguf"), "file-missing", /Model file not found: .*nope\.gguf/],
    [dir, "file-is-directory", /is a directory, not a GGUF model file/],
    [bad.nonGguf, "not-gguf", /not-a-model\.gguf is not a GGUF model file: it does not start with the "GGUF" magic/],
    [bad.empty, "not-gguf", /empty\.gguf is not a GGUF model file: it is empty/],
    [bad.truncated, "truncated", /truncated\.gguf is truncated: its tensors need \d+ bytes but the file has \d+/],
    [bad.truncatedHeader, "truncated", /truncated-header\.gguf is truncated/],
    [bad.vocabOnly, "vocab-only", /vocab-only\.gguf is a vocabulary-only GGUF file: .*0 tensors/],
    [bad.missingKey, "corrupt", /missing-key\.gguf has corrupt metadata: missing required metadata llama\.feed_forward_length\. llama\.cpp would abort/],
    [writeMissingKeyGguf(dir, "llama.attention.head_count", "no-heads.gguf"), "corrupt", /no-heads\.gguf .*llama\.attention\.head_count/],
  ];
  const seen = new Set<string>();
  for (const [path, code, re] of cases) {
    const e = await rejectsWith(c.load(path), code, re);
    assert.ok(e.hint && e.hint.length > 10, `no hint for ${code}`);
    seen.add(e.message);
    assert.ok(c.alive, `engine died on ${path}`);
  }
  assert.equal(seen.size, cases.length, "every case has its own message");
  const info = await c.load(tiny);
  assert.equal(info.fileName, "tiny.gguf");
  const [r] = await c.score(items(1));
  assert.ok(r, "a score for the one item");
  assert.equal(r.labels.length, 2);
  await c.dispose();
  assert.equal(c.alive, false);
});

test("a vocab-only file loads with vocabOnly: tokenize works, score says why not", async () => {
  const c = await start();
  const info = await c.load(bad.vocabOnly, { vocabOnly: true });
  assert.equal(info.vocabOnly, true);
  const [toks] = await c.tokenize(["hello world"]);
  assert.ok(toks, "tokens for the one text");
  assert.ok(toks.length >= 2);
  await rejectsWith(c.score(items(1)), "vocab-only", /loaded as vocabulary only/);
  await rejectsWith(c.score(items(1)), "vocab-only", /vocab-only\.gguf/);
  await c.dispose();
});

test("a native abort (malformed file past the pre-check) rejects with 'crashed' naming the file; a new engine works", async () => {
  const c = await start();
  let exited: { code: number | null; signal: string | null } | undefined;
  c.onExit((i) => (exited = i));
  const loading = c.load(bad.missingKey, { skipPrecheck: true });
  const pipelined = c.info(); // queued behind the load: must reject too, not hang
  const e = await rejectsWith(loading, "crashed", /missing-key\.gguf/);
  assert.match(e.message, /llama\.cpp aborted/);
  await rejectsWith(pipelined, "crashed", /missing-key\.gguf/);
  assert.equal(c.alive, false);
  assert.ok(exited && (exited.signal === "SIGABRT" || exited.code === 134), JSON.stringify(exited));
  await rejectsWith(c.tokenize(["x"]), "crashed", /not running/);
  const fresh = await start();
  await fresh.load(tiny);
  const [r] = await fresh.score(items(1));
  assert.ok(r, "a score for the one item");
  assert.ok(Number.isFinite(at(r.labels, 0).logProb));
  await fresh.dispose();
});

test("SIGKILL mid-score rejects every pending request with 'crashed'; the parent survives and a fresh engine scores", async () => {
  const c = await start();
  await c.load(tiny);
  const reference = await c.score(items(2));
  let progress = 0;
  const scoring = c.score(items(400, true), {
    onProgress: (done) => {
      progress = done;
      if (done === 1) c.kill("SIGKILL");
    },
  });
  const queued = c.tokenize(["hello"]);
  await rejectsWith(scoring, "crashed", /killed by signal SIGKILL \(model .*tiny\.gguf\)/);
  await rejectsWith(queued, "crashed", /tiny\.gguf/);
  assert.ok(progress >= 1 && progress < 400);
  assert.equal(c.alive, false);
  const fresh = await start();
  await fresh.load(tiny);
  const again = await fresh.score(items(2));
  assert.deepEqual(
    again.map((r) => r.labels.map((l) => l.logProb)),
    reference.map((r) => r.labels.map((l) => l.logProb)),
  );
  await fresh.dispose();
});

test("cancel stops a score within one query and leaves the engine usable", async () => {
  const c = await start();
  await c.load(tiny);
  const reference = await c.score(items(3));
  const ac = new AbortController();
  let last = 0;
  const e = await rejectsWith(
    c.score(items(300, true), {
      signal: ac.signal,
      onProgress: (done) => {
        last = done;
        if (done === 2) ac.abort();
      },
    }),
    "cancelled",
    /cancelled/,
  );
  assert.ok(e);
  // The worker checks for cancellation before every query (unit-tested in engineScorer); here
  // only the IPC round trip lies between the abort and the check, so it stops within a few queries.
  assert.ok(last >= 2 && last <= 26, `stopped after ${last} queries`);
  assert.match(e.message, /after \d+ of 300 queries/);
  const again = await c.score(items(3));
  assert.deepEqual(again, reference);
  // An already-aborted signal never reaches the engine.
  await rejectsWith(c.score(items(1), { signal: AbortSignal.abort() }), "cancelled", /cancelled/);
  assert.ok(c.alive);
  await c.dispose();
});

test("bench-only requests are refused by a production engine and answered by a bench engine", async () => {
  const c = await start();
  await c.load(tiny);
  await assert.rejects(c.sendBench({ type: "memory" }), (e: unknown) => e instanceof EngineFailure && e.code === "invalid-request" && /bench-only request/.test(e.message));
  await assert.rejects(c.sendBench({ type: "referenceScore", items: items(1), reference: "plain" }), /bench-only request/);
  assert.equal((await c.score(items(1))).length, 1, "the engine stays usable");
  const b = await startBenchEngine();
  clients.push(b);
  await b.load(tiny);
  assert.ok((await b.memory()).peakRssMb > 0);
  assert.equal((await b.scoreReference(items(2), "per-query")).items.length, 2);
});

test("pipelined requests are answered in order with their own results", async () => {
  const c = await startBenchEngine();
  clients.push(c);
  const load = c.load(tiny);
  const tok = c.tokenize(["hello world", "positive"], { addBos: true });
  const streamed: string[] = [];
  const scored = c.scoreWithStats(items(4), { onItem: (it) => streamed.push(it.id) });
  const info = c.info();
  const vocab = c.vocab();
  const mem = c.memory();
  const [i1, t, s, i2, v, m] = await Promise.all([load, tok, scored, info, vocab, mem]);
  assert.equal(i1.fileName, "tiny.gguf");
  assert.equal(t.length, 2);
  if (i1.addsBos) assert.equal(at(t, 0)[0], i1.bos);
  assert.equal(s.items.length, 4);
  assert.deepEqual([...streamed].sort(), ["q0", "q1", "q2", "q3"], "each item was streamed before the result");
  assert.equal(s.stats.groups, 1);
  assert.ok(s.stats.evaluatedTokens <= s.stats.plannedTokens!, `${s.stats.evaluatedTokens} > ${s.stats.plannedTokens}`);
  assert.ok(i2.contextSize >= at(s.items, 0).promptTokens);
  assert.equal(v.length, i1.vocabSize);
  assert.ok(v.some((e) => e.type === "control") && v.some((e) => e.type === "byte") && v.some((e) => e.type === "normal"));
  const pos = v.find((e) => e.piece === "\u2581positive");
  assert.ok(pos, "word pieces are listed");
  assert.ok(m.peakRssMb > 10 && m.peakRssMb >= m.rssMb - 1 && m.pid === c.pid);
  await c.dispose();
});

test("a prompt longer than the context is a clear context-overflow error with the largest k that fits", async () => {
  const c = await start();
  await c.load(tiny); // train context 64
  const demo = "hello world positive\n";
  const prefix = demo.repeat(20);
  const demos = Array.from({ length: 20 }, (_, i) => ({ start: i * demo.length, end: (i + 1) * demo.length - 1, labelStart: i * demo.length + 12, label: "positive" }));
  const e = await rejectsWith(
    c.score([{ id: "long", prefix, query: "hello", labelSep: " ", labels: ["positive", "negative"], demos }]),
    "context-overflow",
    /Query "long": the prompt plus label is \d+ tokens, but tiny\.gguf has a context of 64 tokens \(\d+ tokens too long\)\. With these demos the largest k that fits is \d+ \(of 20\)/,
  );
  const k = Number(/largest k that fits is (\d+)/.exec(e.message)![1]);
  // The claimed k really fits.
  const ok = await c.score([{ id: "fits", prefix: demo.repeat(k), query: "hello", labelSep: " ", labels: ["positive", "negative"] }]);
  assert.equal(ok.length, 1);
  await rejectsWith(c.score([{ id: "k+1", prefix: demo.repeat(k + 1), query: "hello", labelSep: " ", labels: ["positive", "negative"] }]), "context-overflow", /too long/);
  await c.dispose();
});

test("requests before any model, and unknown requests, get clear errors", async () => {
  const c = await start();
  await rejectsWith(c.info(), "no-model", /No model is loaded/);
  await rejectsWith(c.score(items(1)), "no-model", /Load a model first|No model/);
  mkdirSync(join(dir, "sub.gguf"), { recursive: true });
  await rejectsWith(c.load(join(dir, "sub.gguf")), "file-is-directory", /sub\.gguf is a directory/);
  await c.dispose();
  await rejectsWith(c.info(), "disposed", /disposed/);
});
