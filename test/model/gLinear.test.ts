// tau_g-ICL (g-token) and tau_g-Linear (g-linear) through the runner on real models: the
// embedded icl-toy.gguf and ../shared/models/stories260K.gguf (skipped with a reason when absent).
// g-linear is fitted on the model's input embeddings of exactly the demos g-token shows the model,
// lands in the same records, and is skipped with a visible reason by an engine that cannot read
// embeddings (a remote backend).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { EngineFailure } from "../../src/engine/protocol";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { parseDemoFile } from "../../src/core/demoFile";
import { aggregate } from "../../src/core/metrics";
import { decideLabels } from "../../src/core/labelDecision";
import { runExperiment, type EngineLike } from "../../src/runner/run";
import type { QueryRecord } from "../../src/core/types";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const clients: EngineClient[] = [];
after(async () => {
  for (const c of clients) await c.dispose().catch(() => undefined);
});

async function engineFor(path: string): Promise<EngineClient> {
  const c = await EngineClient.start();
  clients.push(c);
  await c.load(path);
  return c;
}

function config(example: string, modelPath: string, over: Record<string, unknown>) {
  const path = join(root, "examples", example);
  const text = readFileSync(path, "utf8");
  const file = parseDemoFile(text, path, { calibrate: false, ...over });
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  return { file, fileText: text, settings: file.settings, modelPath };
}

const byKey = (rs: QueryRecord[]) => new Map(rs.map((r) => [`${r.k}|${r.seed}|${r.queryIndex}`, r]));

/** The checks every model shares: same demos, same g, same queries; g-linear's scores are cosines. */
function checkPairing(records: QueryRecord[], token: string, linear: string): void {
  const tok = byKey(records.filter((r) => r.variant === token));
  const lin = byKey(records.filter((r) => r.variant === linear));
  assert.ok(lin.size > 0);
  assert.equal(lin.size, tok.size);
  for (const [key, l] of lin) {
    const t = tok.get(key)!;
    assert.deepEqual(l.demoIndices, t.demoIndices, `${key}: the same demonstrations`);
    assert.equal(l.input, t.input, "the same prompt (a label word)");
    assert.equal(l.gold, t.gold, "the same g");
    assert.deepEqual(
      l.labels.map((x) => x.label),
      t.labels.map((x) => x.label),
      "the same candidates",
    );
    for (const x of l.labels) {
      assert.ok(x.score !== undefined && x.score >= -1 - 1e-9 && x.score <= 1 + 1e-9, `cosine ${x.score}`);
      assert.ok(Math.abs(x.logProb - Math.log(x.prob)) < 1e-12);
    }
    for (const x of t.labels) assert.equal(x.score, undefined, "g-token is scored by the model");
    assert.equal(l.predicted, decideLabels(l.labels.map((x) => ({ label: x.label, logProb: x.score! }))).predicted, "predicted = the highest cosine");
  }
}

test("embedded model: g-token and g-linear through the runner (same g and demos; g-linear interpolates once every class is shown)", async (t) => {
  const model = defaultModelPath();
  if (!existsSync(model)) {
    t.skip(`the embedded model is missing (${model})`);
    return;
  }
  const eng = await engineFor(model);
  // toy-lookup: 4 classes, balanced demo sets, so k >= 4 shows every label word.
  const cfg = config("toy-lookup.icl.jsonl", model, { variants: ["g-token", "g-linear", "g-token#1", "g-linear#1"], k: [0, 2, 4], seeds: [1, 2], queries: 16 });
  const out = await runExperiment(cfg, { engine: eng });
  assert.equal(out.status, "complete", out.error?.message);
  assert.deepEqual(out.skipped, []);
  assert.equal(out.results.records.length, 4 * 3 * 2 * 16);
  checkPairing(out.results.records, "g-token", "g-linear");
  checkPairing(out.results.records, "g-token#1", "g-linear#1");
  const m = aggregate(out.results.records);
  const acc = (v: string, k: number) => m.find((x) => x.variant === v && x.k === k)!.accuracy.value;
  // Every query's prompt (a label word) is among the demos at k = 4: least squares interpolates.
  assert.equal(acc("g-linear", 4), 1);
  assert.equal(acc("g-linear#1", 4), 1);
  // k = 2 shows two of the four label words: the other two prompts are new to the fit.
  assert.ok(acc("g-linear", 2) < 1);
  t.diagnostic(`accuracy g-token / g-linear at k = 0, 2, 4: ${[0, 2, 4].map((k) => `${acc("g-token", k).toFixed(3)} / ${acc("g-linear", k).toFixed(3)}`).join(", ")}`);
  // Deterministic: the same run again gives identical records.
  const again = await runExperiment(cfg, { engine: eng });
  assert.deepEqual(again.results.records, out.results.records);
});

test("stories260K: g-token and g-linear through the runner on a real trained model", async (t) => {
  const shared = process.env.ICL_SHARED_MODELS;
  const path = shared ? join(shared, "stories260K.gguf") : "";
  if (!shared || !existsSync(path)) {
    t.skip(`ICL_SHARED_MODELS${shared ? `/stories260K.gguf (${path})` : ""} not available`);
    return;
  }
  const eng = await engineFor(path);
  const cfg = config("sentiment.icl.jsonl", path, { variants: ["g-token", "g-linear"], k: [0, 4], seeds: [1], queries: 8 });
  const out = await runExperiment(cfg, { engine: eng });
  assert.equal(out.status, "complete", out.error?.message);
  checkPairing(out.results.records, "g-token", "g-linear");
  const m = aggregate(out.results.records);
  const acc = (v: string, k: number) => m.find((x) => x.variant === v && x.k === k)!.accuracy.value;
  t.diagnostic(`stories260K accuracy g-token / g-linear at k = 0, 4: ${[0, 4].map((k) => `${acc("g-token", k).toFixed(3)} / ${acc("g-linear", k).toFixed(3)}`).join(", ")}`);
});

test("an engine without embeddings (a remote backend) runs everything else and skips g-linear with its reason", async (t) => {
  const model = defaultModelPath();
  if (!existsSync(model)) {
    t.skip(`the embedded model is missing (${model})`);
    return;
  }
  const eng = await engineFor(model);
  const remoteLike: EngineLike = {
    info: () => eng.info(),
    score: (items, o) => eng.score(items, o),
    tokenize: (texts) => eng.tokenize(texts),
    vocab: () => eng.vocab(),
  };
  const cfg = config("toy-lookup.icl.jsonl", model, { variants: ["g-token", "g-linear"], k: [4], seeds: [1], queries: 8 });
  const out = await runExperiment(cfg, { engine: remoteLike });
  assert.equal(out.status, "complete", out.error?.message);
  assert.equal(out.skipped.length, 1);
  assert.equal(at(out.skipped, 0).variant, "g-linear");
  assert.match(at(out.skipped, 0).reason, /g-linear skipped: this engine cannot read the model's input embeddings/);
  assert.deepEqual(
    out.results.warnings?.run.filter((w) => w.code === "variant-skipped"),
    [{ code: "variant-skipped", message: at(out.skipped, 0).reason, variant: "g-linear" }],
  );
  assert.deepEqual([...new Set(out.results.records.map((r) => r.variant))], ["g-token"]);
  assert.deepEqual(out.results.manifest.progress, { done: 8, total: 8 });
  // A model whose embeddings are stored in a type without a decoder: skipped, the type named.
  const q2k: EngineLike = {
    ...remoteLike,
    tokenEmbeddings: () => Promise.reject(new EngineFailure("unsupported", "m.gguf: tensor token_embd.weight is stored as Q2_K (ggml type 10), which ICL Probe cannot dequantize")),
  };
  const out2 = await runExperiment(cfg, { engine: q2k });
  assert.equal(out2.status, "complete", out2.error?.message);
  assert.match(out2.skipped[0]?.reason ?? "", /g-linear skipped: m\.gguf: tensor token_embd\.weight is stored as Q2_K/);
  // Any other embedding failure fails the run: it is not a property of the backend.
  const broken: EngineLike = { ...remoteLike, tokenEmbeddings: () => Promise.reject(new EngineFailure("crashed", "the engine died")) };
  await assert.rejects(runExperiment(cfg, { engine: broken }), /the engine died/);
});
