// The remote backend end to end against the loopback server (test/support/remoteServer.ts: the
// vLLM / SGLang wire formats, log-probs from node-llama-cpp on the embedded model in exact mode,
// a separate process on 127.0.0.1): the same label log-probs as the local engine, faults that
// are retried without changing a number, a killed run that resumes, cancellation, unsuitable
// servers, API keys. No traffic leaves 127.0.0.1; every wait is bounded.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { EngineFailure } from "../../src/engine/protocol";
import { parseDemoFile } from "../../src/core/demoFile";
import { parseResults } from "../../src/core/results/load";
import type { ResultsFile } from "../../src/core/results/schema";
import { runExperiment } from "../../src/runner/run";
import { RemoteEngine } from "../../src/remote/engine";
import { main, type Io } from "../../src/cli/main";
import { spawnLoopbackServer, type LoopbackProcess } from "../support/remoteServerProcess";
import type { LoopbackOptions } from "../support/remoteServer";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const MODEL = join(root, "models", "icl-toy.gguf");
const DEMO = join(root, "examples", "toy-lookup.icl.jsonl");
const CLI = join(root, "out", "src", "cli", "main.js");
const have = existsSync(MODEL);
const skip = have ? false : `the embedded model ${MODEL} is absent`;
const dir = mkdtempSync(join(tmpdir(), "icl-remote-"));

const servers: LoopbackProcess[] = [];
async function server(opts: Partial<LoopbackOptions> = {}): Promise<LoopbackProcess> {
  const s = await spawnLoopbackServer({ modelPath: MODEL, mode: "vllm", ...opts });
  servers.push(s);
  return s;
}
after(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const GRID = { variants: ["gold", "random-labels"], k: [0, 2], seeds: [1], queries: 8, calibrate: true };
const text = have ? readFileSync(DEMO, "utf8") : "";
const file = have ? parseDemoFile(text, DEMO, GRID) : undefined!;
let local: ResultsFile;

before(async () => {
  if (!have) return;
  const engine = await EngineClient.start();
  try {
    await engine.load(MODEL, { mode: "exact" });
    const out = await runExperiment({ file, fileText: text, settings: file.settings, modelPath: MODEL }, { engine });
    assert.equal(out.status, "complete", out.error?.message);
    local = out.results;
  } finally {
    await engine.dispose();
  }
});

/** Largest |Δ| between two runs' label log-probs; predictions and gold ranks must agree exactly. */
function compare(a: ResultsFile, b: ResultsFile): number {
  assert.equal(a.records.length, b.records.length);
  let max = 0;
  a.records.forEach((r, i) => {
    const q = at(b.records, i);
    assert.deepEqual([r.variant, r.k, r.seed, r.queryIndex], [q.variant, q.k, q.seed, q.queryIndex]);
    assert.equal(r.predicted, q.predicted, `record ${i}`);
    assert.equal(r.goldRank, q.goldRank, `record ${i}`);
    r.labels.forEach((l, j) => {
      assert.equal(l.label, at(q.labels, j).label);
      assert.equal(l.tokens, at(q.labels, j).tokens);
      max = Math.max(max, Math.abs(l.logProb - at(q.labels, j).logProb), Math.abs(l.prob - at(q.labels, j).prob));
    });
  });
  (a.calibration ?? []).forEach((c, i) => c.labels.forEach((l, j) => (max = Math.max(max, Math.abs(l.logProb - at(at(b.calibration!, i).labels, j).logProb)))));
  return max;
}

async function remoteRun(url: string, outDir?: string): Promise<ResultsFile> {
  const engine = await RemoteEngine.connect(url);
  try {
    const out = await runExperiment({ file, fileText: text, settings: file.settings, modelPath: engine.label }, { engine, outDir });
    assert.equal(out.status, "complete", out.error?.message);
    return out.results;
  } finally {
    await engine.dispose();
  }
}

for (const mode of ["vllm", "sglang"] as const) {
  test(`a probe through ${mode}'s wire format gives the local engine's label log-probs (within 1e-4), predictions and ranks`, { skip }, async () => {
    const s = await server({ mode });
    const res = await remoteRun(`${s.url}/v1#icl-toy`);
    const d = compare(res, local);
    assert.ok(d < 1e-4, `max |Δ| ${d}`);
    assert.equal(res.records.length, 2 * 2 * 8);
    assert.equal(res.manifest.engine.name, mode);
    assert.deepEqual(res.manifest.model.remote, { api: mode, host: `127.0.0.1:${s.port}`, model: "icl-toy" });
    assert.equal(res.manifest.model.path, `${mode}+http://127.0.0.1:${s.port}#icl-toy`);
    assert.match(res.manifest.model.sha256, /^[0-9a-f]{64}$/);
    const st = await s.stats();
    // One scoring request per query and calibration input (their labels travel together).
    const items = res.records.length + (res.calibration?.length ?? 0);
    assert.equal(st.requests[mode === "vllm" ? "/v1/completions" : "/generate"], items + 1, "plus the connect-time check");
  });
}

test("the request pool bounds the requests in flight and keeps several open", { skip }, async () => {
  const s = await server({ mode: "sglang", delayMs: 20 });
  const engine = await RemoteEngine.connect(`${s.url}#icl-toy`, { concurrency: 3 });
  try {
    await runExperiment({ file, fileText: text, settings: file.settings, modelPath: engine.label }, { engine });
  } finally {
    await engine.dispose();
  }
  const st = await s.stats();
  assert.ok(st.maxInFlight <= 3 && st.maxInFlight >= 2, `max in flight ${st.maxInFlight}`);
});

function captureIo(): Io & { errText: () => string; outText: () => string } {
  const err: string[] = [];
  const out: string[] = [];
  return { out: (s) => out.push(s), err: (s) => err.push(s), tty: false, errText: () => err.join("\n"), outText: () => out.join("\n") };
}

const CLI_GRID = ["--variants", "gold,random-labels", "--k", "0,2", "--seeds", "1", "--queries", "8", "--calibrate"];

test("icl-probe run examples/sentiment.icl.jsonl --model http://127.0.0.1:PORT/v1#icl-toy matches the local CLI run within 1e-4 (every variant of the file's header)", { skip }, async () => {
  const SENTIMENT = join(root, "examples", "sentiment.icl.jsonl");
  const grid = ["--k", "0,4", "--seeds", "1", "--queries", "6"];
  const s = await server();
  const localOut = join(dir, "sentiment-local");
  const remoteOut = join(dir, "sentiment-remote");
  const io0 = captureIo();
  assert.equal(await main(["run", SENTIMENT, "--model", MODEL, ...grid, "--out", localOut], io0), 0, io0.errText());
  const io = captureIo();
  assert.equal(await main(["run", SENTIMENT, "--model", `${s.url}/v1#icl-toy`, ...grid, "--out", remoteOut], io), 0, io.errText());
  assert.match(io.errText(), /remote: \d+ scoring requests/);
  // The progress lines carry the measured rates once two requests have returned.
  assert.match(io.errText(), /^\[\d+\/72\] .* \| [\d,]+ tok\/s, \d+\.\d req\/s$/m);
  const a = parseResults(readFileSync(join(localOut, "results.json"), "utf8"), "local");
  const b = parseResults(readFileSync(join(remoteOut, "results.json"), "utf8"), "remote");
  assert.deepEqual([...new Set(b.records.map((r) => r.variant))], ["gold", "random-labels", "flipped", "abstract-letters", "ra-string", "pa-word"]);
  assert.equal(b.records.length, 6 * 2 * 6);
  const d = compare(b, a);
  assert.ok(d < 1e-4, `max |Δ| ${d}`);
  assert.equal(b.manifest.engine.name, "vllm");
});

test("faults (429 + Retry-After, 500, dropped connection, a 30 s stall against a 2 s timeout, a malformed body) are retried: same results, retries in the run log", { skip }, async () => {
  // No prefix reuse on the server: every sequence's log-probs are then bitwise independent of request order.
  const s = await server({ reuse: false });
  const clean = join(dir, "clean");
  const io0 = captureIo();
  assert.equal(await main(["run", DEMO, "--model", `${s.url}/v1#icl-toy`, ...CLI_GRID, "--out", clean], io0), 0, io0.errText());
  assert.match(io0.errText(), /remote: \d+ scoring requests, .*; no retries/);
  assert.match(io0.errText(), /estimate for the whole plan: about 44 scoring requests \(176 label sequences\)/);

  await s.setFaults([
    { nth: 3, kind: "429", retryAfter: 1 },
    { nth: 6, kind: "500" },
    { nth: 9, kind: "drop" },
    { nth: 12, kind: "stall", stallMs: 30_000 },
    { nth: 15, kind: "malformed" },
  ]);
  const faulty = join(dir, "faulty");
  const io = captureIo();
  const t0 = Date.now();
  assert.equal(await main(["run", DEMO, "--model", `${s.url}/v1#icl-toy`, ...CLI_GRID, "--out", faulty, "--timeout", "2"], io), 0, io.errText());
  assert.ok(Date.now() - t0 < 25_000, "the stall was cut by the timeout, not waited out");
  const st = await s.stats();
  assert.deepEqual(
    st.faultsFired.map((f) => f.split("@")[0]),
    ["429", "500", "drop", "stall", "malformed"],
  );
  assert.match(io.errText(), /remote: \d+ scoring requests, .*; 5 retries \(429: 1, 5xx: 1, timeout: 1, connection: 1, malformed: 1\)/);
  assert.match(io.errText(), /Retry-After/);
  const a = parseResults(readFileSync(join(clean, "results.json"), "utf8"), "clean");
  const b = parseResults(readFileSync(join(faulty, "results.json"), "utf8"), "faulty");
  assert.deepEqual(b.records, a.records, "identical records");
  assert.deepEqual(b.calibration, a.calibration);
});

test("a run killed mid-way (SIGKILL) resumes from the journal: nothing lost, nothing scored twice", { skip }, async () => {
  const s = await server({ reuse: false, delayMs: 60 });
  const spec = `${s.url}/v1#icl-toy`;
  const ref = join(dir, "kill-ref");
  const io0 = captureIo();
  assert.equal(await main(["run", DEMO, "--model", spec, ...CLI_GRID, "--out", ref, "--concurrency", "2"], io0), 0, io0.errText());
  const reference = parseResults(readFileSync(join(ref, "results.json"), "utf8"), "ref");

  const out = join(dir, "killed");
  const child = spawn(process.execPath, [CLI, "run", DEMO, "--model", spec, ...CLI_GRID, "--out", out, "--concurrency", "2"], { stdio: "ignore" });
  const journal = join(out, "results.journal.jsonl");
  const records = () =>
    existsSync(journal)
      ? readFileSync(journal, "utf8")
          .split("\n")
          .filter((l) => l.includes('"type":"record"')).length
      : 0;
  for (let i = 0; i < 600 && records() < 10 && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(child.exitCode, null, "still running when killed");
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const kept = records();
  assert.ok(kept >= 10 && kept < reference.records.length, `journal kept ${kept} records`);

  const io = captureIo();
  assert.equal(await main(["run", DEMO, "--model", spec, ...CLI_GRID, "--out", out, "--resume"], io), 0, io.errText());
  const resumed = parseResults(readFileSync(join(out, "results.json"), "utf8"), "resumed");
  assert.deepEqual(resumed.records, reference.records, "the same records, each once");
  assert.deepEqual(resumed.calibration, reference.calibration);
  const keys = new Set(resumed.records.map((r) => `${r.variant}|${r.k}|${r.seed}|${r.queryIndex}`));
  assert.equal(keys.size, resumed.records.length);
});

test("a cancel aborts the requests in flight at once", { skip }, async () => {
  const s = await server({ mode: "sglang" });
  const engine = await RemoteEngine.connect(`${s.url}#icl-toy`, { concurrency: 4 });
  try {
    await s.setFaults(Array.from({ length: 8 }, (_, i) => ({ path: "/generate", nth: i + 1, kind: "stall" as const, stallMs: 30_000 })));
    const items = Array.from({ length: 8 }, (_, i) => ({ id: `q${i}`, prefix: "lookup:\n43 apple red\n", query: `${i} pear`, labelSep: " ", labels: ["red", "green"] }));
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(engine.score(items, { signal: ac.signal }), (e: unknown) => e instanceof EngineFailure && e.code === "cancelled");
    assert.ok(Date.now() - t0 < 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const st = await s.stats();
    assert.ok(st.closedEarly >= 4, `requests cut: ${st.closedEarly}`);
  } finally {
    await engine.dispose();
  }
});

test("a server without prompt log-probs (llama.cpp's shape) is refused with a message naming the servers that work", { skip }, async () => {
  const s = await server({ mode: "llamacpp" });
  await assert.rejects(
    RemoteEngine.connect(`${s.url}/v1`),
    (e: unknown) => e instanceof EngineFailure && e.code === "remote-unsupported" && /llama\.cpp/.test(e.message) && /vLLM/.test(e.message) && /SGLang/.test(e.message),
  );
  const io = captureIo();
  assert.equal(await main(["run", DEMO, "--model", `${s.url}/v1`, ...CLI_GRID, "--out", join(dir, "llamacpp")], io), 3);
  assert.match(io.errText(), /model error \(remote-unsupported\)/);
});

test("the API key comes from ICL_PROBE_API_KEY and appears in no results, journal or log", { skip }, async () => {
  const key = "sk-loopback-7f3a9c2e";
  const s = await server({ apiKey: key });
  await assert.rejects(RemoteEngine.connect(`${s.url}/v1#icl-toy`), (e: unknown) => e instanceof EngineFailure && e.code === "remote-refused" && /ICL_PROBE_API_KEY/.test(e.hint ?? ""));
  const out = join(dir, "keyed");
  const io = captureIo();
  const prev = process.env.ICL_PROBE_API_KEY;
  process.env.ICL_PROBE_API_KEY = key;
  try {
    assert.equal(await main(["run", DEMO, "--model", `${s.url}/v1#icl-toy`, ...CLI_GRID, "--out", out, "--json"], io), 0, io.errText());
  } finally {
    if (prev === undefined) delete process.env.ICL_PROBE_API_KEY;
    else process.env.ICL_PROBE_API_KEY = prev;
  }
  const written = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  for (const f of ["results.json", "scores.csv", "summary.csv", "report.html"]) assert.ok(written.includes(join(out, f)), `${f} was written`);
  for (const f of written) assert.ok(!readFileSync(f, "utf8").includes(key), f);
  assert.ok(!io.errText().includes(key) && !io.outText().includes(key));
  const res = parseResults(readFileSync(join(out, "results.json"), "utf8"), "keyed");
  assert.ok(!JSON.stringify(res.manifest).includes("/v1"), "the manifest records host and model only");
});

test("a prompt longer than the server's context is refused before any scoring request", { skip }, async () => {
  const s = await server({ mode: "sglang", maxModelLen: 24 });
  const engine = await RemoteEngine.connect(`${s.url}#icl-toy`);
  try {
    const before = (await s.stats()).requests["/generate"];
    const long = "lookup:\n" + Array.from({ length: 6 }, (_, i) => `${i} apple red\n`).join("");
    const demos = [...long.matchAll(/\d apple red\n/g)].map((m) => ({ start: m.index!, end: m.index! + m[0].length - 1, labelStart: m.index! + 8, label: "red" }));
    await assert.rejects(
      engine.score([{ id: "q", prefix: long, query: "7 pear", labelSep: " ", labels: ["red", "green"], demos }]),
      (e: unknown) => e instanceof EngineFailure && e.code === "context-overflow" && /icl-toy on 127\.0\.0\.1/.test(e.message) && /largest k that fits/.test(e.message),
    );
    assert.equal((await s.stats()).requests["/generate"], before);
  } finally {
    await engine.dispose();
  }
});

test("token-level variants are refused for a server (no vocabulary to draw from), before connecting", { skip }, async () => {
  const io = captureIo();
  assert.equal(await main(["run", DEMO, "--model", "http://127.0.0.1:9/v1#m", "--variants", "gold,pa-token", "--out", join(dir, "tok")], io), 1);
  assert.match(io.errText(), /pa-token works on the model's token ids/);
});
