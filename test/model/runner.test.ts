// The runner on a real engine (node-llama-cpp, random-weight GGUF from the project's writer):
// counts, order, manifest, calibration, baselines, progress events and the files it writes.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { EngineClient } from "../../src/engine/client";
import type { ScoreItem, TextScoreItem } from "../../src/engine/protocol";
import { parseDemoFile } from "../../src/core/demoFile";
import { planExperiment } from "../../src/core/experiment/plan";
import { parseResults } from "../../src/core/results/load";
import { recordKey } from "../../src/core/results/schema";
import { runExperiment, RunError, type ProgressEvent } from "../../src/runner/run";
import { writeOutputs } from "../../src/runner/outputs";
import { writeProbeFiles } from "../support/probeFixture";
import { at } from "../support/at";

const dir = mkdtempSync(join(tmpdir(), "icl-runner-"));
const { model, demo } = writeProbeFiles(dir);
let engine: EngineClient | undefined;
after(async () => {
  await engine?.dispose().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function getEngine(): Promise<EngineClient> {
  if (!engine) {
    engine = await EngineClient.start();
    await engine.load(model);
  }
  return engine;
}

function config(over: Record<string, unknown> = {}) {
  const text = readFileSync(demo, "utf8");
  const file = parseDemoFile(text, demo, { variants: ["gold", "ra-string"], k: [0, 3], seeds: [1, 2], queries: 4, calibrate: true, ...over });
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  return { file, fileText: text, settings: file.settings, modelPath: model };
}

test("a complete run: every planned query once, in plan order, with calibration, baselines and a manifest", async () => {
  const engine = await getEngine();
  const cfg = config();
  const plan = planExperiment(cfg);
  const events: ProgressEvent[] = [];
  const out = join(dir, "complete");
  const outcome = await runExperiment(cfg, { engine, outDir: out, onProgress: (p) => events.push(p) });
  assert.equal(outcome.status, "complete", outcome.error?.message);
  const r = outcome.results;
  assert.equal(r.records.length, plan.totalQueries);
  assert.deepEqual(
    r.records.map((x) => recordKey(x)),
    plan.groups.flatMap((g) => g.queries.map((q) => recordKey({ ...g, queryIndex: q }))),
  );
  for (const rec of r.records) {
    assert.equal(rec.labels.length, 2);
    assert.ok(
      rec.labels.some((l) => l.label === rec.gold),
      "gold is a candidate",
    );
    const best = rec.labels.reduce((a, b) => (b.logProb > a.logProb ? b : a));
    assert.equal(rec.predicted, best.label);
    assert.ok(Math.abs(rec.labels.reduce((a, l) => a + l.prob, 0) - 1) < 1e-9);
    assert.ok(rec.calibrated, "calibration on: every record calibrated");
    assert.ok(!rec.demoIndices.includes(rec.queryIndex));
  }
  assert.equal(r.calibration?.length, plan.totalCalibration);
  assert.equal(r.baselines?.length, 2 * 2 * 2);
  const m = r.manifest;
  assert.equal(m.status, "complete");
  assert.deepEqual(m.progress, { done: plan.totalQueries, total: plan.totalQueries });
  assert.equal(m.model.sha256, createHash("sha256").update(readFileSync(model)).digest("hex"));
  assert.equal(m.model.architecture, "llama");
  assert.ok(m.model.vocabSize > 259);
  assert.equal(m.engine.version, "3.22.1");
  assert.ok(m.endedAt && m.endedAt >= m.startedAt);
  // Progress: monotone, ends at total, names variant and k.
  for (let i = 1; i < events.length; i++) assert.ok(at(events, i).done >= at(events, i - 1).done);
  assert.equal(events.at(-1)!.done, plan.totalQueries);
  assert.ok(events.some((e) => e.variant === "ra-string" && e.k === 3));
  assert.ok(events.some((e) => e.etaSeconds !== undefined));
  // The snapshot on disk is the returned result and validates; the journal is gone once complete.
  assert.deepEqual(parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json"), r);
  assert.ok(!existsSync(join(out, "results.journal.jsonl")));
  const files = writeOutputs(out, r);
  assert.ok(readFileSync(files.report, "utf8").includes("chart-acc"));
  assert.equal(readFileSync(files.scoresCsv, "utf8").trim().split("\n").length, 1 + 2 * plan.totalQueries);
  // Same inputs, same numbers: a second run gives identical records.
  const again = await runExperiment(cfg, { engine, outDir: join(dir, "again") });
  assert.deepEqual(again.results.records, r.records);
  assert.ok(outcome.engineMs > 0 && outcome.engineMs <= outcome.wallMs);
});

test("resume refuses results from a different configuration", async () => {
  const engine = await getEngine();
  const out = join(dir, "complete");
  await assert.rejects(runExperiment(config({ queries: 3 }), { engine, outDir: out, resume: true }), (e: unknown) => e instanceof RunError && /comes from a different run/.test((e as Error).message));
});

test("the engine's items carry the template's lead in their prefix: fewer planned tokens per demo set, the same scores within 1e-4", async () => {
  const engine = await getEngine();
  const cfg = config({ variants: ["gold"], k: [0, 3], seeds: [1], queries: 4, calibrate: true });
  const sent: TextScoreItem[][] = [];
  const planned: number[] = [];
  const recording = {
    info: () => engine.info(),
    tokenize: (texts: string[]) => engine.tokenize(texts),
    score: (items: ScoreItem[]) => engine.score(items),
    scoreWithStats: async (items: ScoreItem[], o?: Parameters<EngineClient["scoreWithStats"]>[1]) => {
      sent.push(items as TextScoreItem[]);
      const r = await engine.scoreWithStats(items, o);
      planned.push(r.stats.plannedTokens ?? NaN);
      return r;
    },
  };
  const out = await runExperiment(cfg, { engine: recording });
  assert.equal(out.status, "complete", out.error?.message);
  // Per demo set: the content-free inputs' request, then the queries'.
  assert.equal(sent.length, 4);
  for (const batch of sent)
    for (const it of batch) {
      assert.ok(it.prefix.endsWith("Review:"), JSON.stringify(it.prefix.slice(-20)));
      assert.ok(!it.query.startsWith("Review:") && it.query.includes("\nSentiment:"), JSON.stringify(it.query));
      assert.equal(it.leadLength, "Review:".length);
    }
  // The same requests split as before issue 11 (the lead in the query): the same prompt text, more
  // tokens in the canonical plan, scores equal up to the float rounding of other batch cuts.
  for (const [b, batch] of sent.entries()) {
    const old = batch.map((it) => ({ ...it, prefix: it.prefix.slice(0, -"Review:".length), query: "Review:" + it.query, leadLength: undefined }));
    const r = await engine.scoreWithStats(old);
    const now = await engine.scoreWithStats(batch);
    assert.equal(now.stats.plannedTokens, at(planned, b));
    // Each query but the first saves the lead's tokens (give or take a token merged at its ends).
    const lead = at(await engine.tokenize(["Review:"]), 0).length;
    const saved = (r.stats.plannedTokens ?? NaN) - at(planned, b);
    assert.ok(
      saved >= (batch.length - 1) * (lead - 1) && (batch.length === 1 || saved > 0),
      `request ${b} of ${batch.length}: ${r.stats.plannedTokens} tokens before, ${at(planned, b)} now (lead ${lead} tokens)`,
    );
    for (const [i, s] of now.items.entries()) for (const [j, l] of s.labels.entries()) assert.ok(Math.abs(l.logProb - at(at(r.items, i).labels, j).logProb) < 1e-4, `${s.id} ${l.label}`);
  }
});

test("token-level variants: ra-token labels are single vocabulary tokens, pa-token is scored from token ids", async () => {
  const engine = await getEngine();
  const cfg = config({ variants: ["ra-token", "pa-token"], k: [3], seeds: [1], queries: 3, calibrate: false });
  const out = await runExperiment(cfg, { engine });
  assert.equal(out.status, "complete", out.error?.message);
  const ra = out.results.records.filter((r) => r.variant === "ra-token");
  const pa = out.results.records.filter((r) => r.variant === "pa-token");
  assert.equal(ra.length, 3);
  assert.equal(pa.length, 3);
  const raLabels = at(ra, 0).labels.map((l) => l.label);
  const words = cfg.file.classes;
  assert.ok(raLabels.every((l) => !words.includes(l)));
  assert.equal(new Set(raLabels).size, 2, "distinct tokens per class");
  for (const r of ra) for (const l of r.labels) assert.equal(l.tokens, 1, `${l.label} is one token in context`);
  // pa-token keeps the label words; the engine scored token ids (labels still sum to probability 1).
  for (const r of pa) {
    assert.deepEqual(
      r.labels.map((l) => l.label),
      words,
    );
    assert.ok(Math.abs(r.labels.reduce((a, l) => a + l.prob, 0) - 1) < 1e-9);
  }
  // Same seed, same tokens: deterministic.
  const again = await runExperiment(cfg, { engine });
  assert.deepEqual(again.results.records, out.results.records);
});

test("a real trained model from ../shared/models (stories260K) runs through the runner", async (t) => {
  const shared = process.env.ICL_SHARED_MODELS;
  const path = shared ? join(shared, "stories260K.gguf") : "";
  if (!shared || !existsSync(path)) {
    t.skip(`ICL_SHARED_MODELS${shared ? `/stories260K.gguf (${path})` : ""} not available`);
    return;
  }
  const e = await EngineClient.start();
  try {
    await e.load(path);
    const cfg = { ...config({ variants: ["gold", "flipped"], k: [0, 2], seeds: [1], queries: 3, calibrate: false }), modelPath: path };
    const out = await runExperiment(cfg, { engine: e });
    assert.equal(out.status, "complete", out.error?.message);
    assert.equal(out.results.records.length, 12);
    assert.equal(out.results.manifest.model.fileName, "stories260K.gguf");
    // A real SentencePiece vocabulary: labels take at least one token, log-probs are finite and negative.
    for (const r of out.results.records) for (const l of r.labels) assert.ok(l.tokens >= 1 && l.logProb < 0 && Number.isFinite(l.logProb));
  } finally {
    await e.dispose();
  }
});
