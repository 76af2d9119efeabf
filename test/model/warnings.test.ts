// Warnings as results on real GGUF files through node-llama-cpp: a label that merges with the
// template (the embedded icl-toy, and the real Llama-2 / GPT-2 tokenizers from ../shared/models),
// pa-token cut at the divergence point like the text path, a model that cannot tell labels apart
// (every query a tie), the runner's demo spans reaching the engine (largest k that fits on a
// context overflow), the warnings stored in results.json with their run summary, and ra-token
// keeping clear of every token the file uses.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { parseDemoFile } from "../../src/core/demoFile";
import { parseResults } from "../../src/core/results/load";
import { runExperiment } from "../../src/runner/run";
import { buildPrompt } from "../../src/core/prompt";
import { splitPromptTokens, withTokenizer } from "../../src/core/tokenizer";
import { createVariant } from "../../src/core/variants";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { randomLlamaSpec } from "../../src/gguf/llamaSpec";
import { wordVocab } from "../../src/gguf/vocab";
import { writeGguf } from "../../src/gguf/writer";
import type { ScoreItem } from "../../src/engine/protocol";
import type { QueryRecord } from "../../src/core/types";
import { arrowDemoText } from "../support/warningFixture";
import { at } from "../support/at";

const dir = mkdtempSync(join(tmpdir(), "icl-warnings-"));
const engines: EngineClient[] = [];
after(async () => {
  for (const e of engines) await e.dispose().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});
async function engineFor(model: string, options: Parameters<EngineClient["load"]>[1] = {}): Promise<EngineClient> {
  const e = await EngineClient.start();
  engines.push(e);
  await e.load(model, options);
  return e;
}

const TOY = defaultModelPath();
const shared = process.env.ICL_SHARED_MODELS;
const sharedModel = (name: string): string | undefined => (shared && existsSync(join(shared, name)) ? join(shared, name) : undefined);

const arrowDemo = (): string => arrowDemoText();

function probe(text: string, path: string, over: Record<string, unknown>, modelPath: string) {
  writeFileSync(path, text);
  const file = parseDemoFile(text, path, { calibrate: false, selection: "fixed", ...over });
  assert.deepEqual(
    file.problems.filter((p) => p.severity === "error"),
    [],
  );
  return { file, fileText: text, settings: file.settings, modelPath };
}

const codesOf = (r: QueryRecord) => (r.warnings ?? []).map((w) => w.code);

test("icl-toy: a label that merges with the template gets a boundary-merge warning on every record, stored with the run summary", { skip: existsSync(TOY) ? false : `${TOY} missing` }, async () => {
  const engine = await engineFor(TOY, { mode: "exact" });
  const out = join(dir, "arrows");
  const cfg = probe(arrowDemo(), join(dir, "arrows.icl.jsonl"), { variants: ["gold", "pa-token"], k: [0, 2], seeds: [1], queries: 6 }, TOY);
  const o = await runExperiment(cfg, { engine, outDir: out });
  assert.equal(o.status, "complete", o.error?.message);
  const recs = o.results.records;
  assert.equal(recs.length, 24);
  for (const r of recs) {
    const merges = (r.warnings ?? []).filter((w) => w.code === "boundary-merge");
    assert.deepEqual(
      merges.map((w) => w.labels),
      [[">"]],
      `${r.variant} k=${r.k} q${r.queryIndex}: ${JSON.stringify(r.warnings)}`,
    );
    assert.match(at(merges, 0).message, /label ">": joint tokenization changes the prompt's last 1 token/);
    assert.ok(at(merges, 0).tokens?.length, "the merged token ids");
  }
  // The demos show ">" merged the same way as after the query: no demo warning.
  assert.ok(!recs.some((r) => codesOf(r).some((c) => c.startsWith("demo-"))), "the demo check ran and found nothing to report");
  const summary = o.results.warnings?.summary ?? [];
  const bm = summary.find((c) => c.code === "boundary-merge");
  assert.equal(bm?.queries, 24);
  assert.deepEqual(
    bm?.cells.map((c) => [c.variant, c.k, c.queries]),
    [
      ["gold", 0, 6],
      ["gold", 2, 6],
      ["pa-token", 0, 6],
      ["pa-token", 2, 6],
    ],
  );
  assert.deepEqual(parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json"), o.results, "results.json holds the warnings and validates");
});

test("icl-toy: a pa-token item split at the divergence point scores exactly like the text item of the same prompt", { skip: existsSync(TOY) ? false : `${TOY} missing` }, async () => {
  const engine = await engineFor(TOY, { mode: "exact" });
  const settings = { ...parseDemoFile(arrowDemo(), "a.icl.jsonl").settings };
  const prompt = buildPrompt(
    settings,
    [
      { input: "43 apple", label: ">" },
      { input: "67 pear", label: "<" },
    ],
    "43 apple",
    [">", "<"],
  );
  const vocab = (await engine.vocab()).map((v) => ({ id: v.id, text: v.piece, type: v.type }));
  const split = await withTokenizer(
    vocab,
    (t) => engine.tokenize(t),
    (tok) => splitPromptTokens(tok, prompt),
  );
  assert.deepEqual(split.labelOverlap, [1, 0], "'>' replaces the prompt's last token '-', '<' follows it");
  const text: ScoreItem = { id: "text", prefix: prompt.prefix, query: prompt.query, labelSep: prompt.labelSep, labels: prompt.labels };
  const tokens: ScoreItem = { id: "tokens", prefixTokens: split.prefixTokens, queryTokens: split.queryTokens, labelTokens: split.labelTokens, labelOverlap: split.labelOverlap, labels: prompt.labels };
  const [a, b] = await engine.score([text, tokens]);
  assert.ok(a && b, "scores for the text and the token item");
  assert.deepEqual(b.labelTokenIds, a.labelTokenIds);
  for (let j = 0; j < 2; j++) assert.ok(Math.abs(at(a.labels, j).logProb - at(b.labels, j).logProb) < 1e-4, `${at(a.labels, j).label}: ${at(a.labels, j).logProb} vs ${at(b.labels, j).logProb}`);
  assert.deepEqual(
    b.warnings.filter((w) => w.code === "boundary-merge").map((w) => w.labels),
    [[">"]],
  );
  // Without the overlap (the old behaviour) the merged token would follow the unmerged "-": "-" + "->".
  const old = at(await engine.score([{ ...tokens, id: "old", labelOverlap: undefined } as ScoreItem]), 0);
  const [scored] = await engine.detokenize([[...split.prefixTokens, ...split.queryTokens, ...at(split.labelTokens, 0)]]);
  assert.ok(scored !== undefined, "the detokenized prompt");
  assert.match(scored, /--> ?$|- ?->$/, `the old scored text doubled the dash: ${JSON.stringify(scored)}`);
  assert.ok(Math.abs(at(old.labels, 0).logProb - at(a.labels, 0).logProb) > 1e-3, "and its score differed from the text path's");
});

test("the runner sends the demos' spans: a context overflow names the largest k that fits, and that k runs", { skip: existsSync(TOY) ? false : `${TOY} missing` }, async () => {
  const engine = await engineFor(TOY, { contextSize: 40 });
  const text = arrowDemo();
  const over = probe(text, join(dir, "overflow.icl.jsonl"), { variants: ["gold"], k: [16], seeds: [1], queries: 2 }, TOY);
  const o = await runExperiment(over, { engine });
  assert.equal(o.status, "failed");
  const m = /largest k that fits is (\d+) \(of 16\)/.exec(o.error?.message ?? "");
  assert.ok(m, `the overflow names the largest k: ${o.error?.message}`);
  const k = Number(m[1]);
  assert.ok(k > 0 && k < 16, String(k));
  const fits = await runExperiment(probe(text, join(dir, "fits.icl.jsonl"), { variants: ["gold"], k: [k], seeds: [1], queries: 2 }, TOY), { engine });
  assert.equal(fits.status, "complete", fits.error?.message);
  // pa-token items carry demo token lengths too.
  const pa = await runExperiment(probe(text, join(dir, "overflow-pa.icl.jsonl"), { variants: ["pa-token"], k: [16], seeds: [1], queries: 2 }, TOY), { engine });
  assert.equal(pa.status, "failed");
  assert.match(pa.error?.message ?? "", /largest k that fits is \d+ \(of 16\)/);
});

test("a model that cannot tell labels apart: every query is a tie, scored wrong, with a label-tie warning", async () => {
  // Random llama with all-zero embeddings (output tied to them): every logit is 0, so every
  // single-token label gets exactly the same log-prob.
  const spec = randomLlamaSpec({
    vocab: wordVocab(["Review", "Sentiment", "positive", "negative", "the", "film", "was", "good", "bad", ":"], { bare: true }),
    dim: 32,
    layers: 1,
    heads: 2,
    kvHeads: 1,
    ff: 64,
    context: 512,
    type: "F32",
    seed: 3,
  });
  for (const t of spec.tensors) if (t.name === "token_embd.weight") t.fill = (_start, out) => out.fill(0);
  const model = join(dir, "uniform.gguf");
  writeGguf(model, spec);
  const engine = await engineFor(model);
  const lines = [JSON.stringify({ "icl-probe": 1, template: "Review: {input}\nSentiment: {label}", separator: "\n", labels: ["positive", "negative"] })];
  for (let i = 0; i < 12; i++) lines.push(JSON.stringify({ input: `the film was ${i % 2 ? "bad" : "good"}`, label: i % 2 ? "negative" : "positive" }));
  const o = await runExperiment(probe(lines.join("\n") + "\n", join(dir, "uniform.icl.jsonl"), { variants: ["gold"], k: [2], seeds: [1], queries: 6 }, model), { engine });
  assert.equal(o.status, "complete", o.error?.message);
  for (const r of o.results.records) {
    assert.equal(at(r.labels, 0).logProb, at(r.labels, 1).logProb);
    assert.equal(r.predicted, "", "no prediction on a tie");
    assert.deepEqual(r.tied, ["positive", "negative"]);
    assert.equal(r.goldRank, 2);
    assert.ok(codesOf(r).includes("label-tie"));
  }
  assert.deepEqual(o.results.warnings?.summary.find((c) => c.code === "label-tie")?.queries, 6);
});

test("real Llama-2 tokenizer (llama-2-tiny-random): 'Label:{label}' with labels -1/+1 merges ':-' and is reported; pa-token agrees", async (t) => {
  const model = sharedModel("llama-2-tiny-random.gguf");
  if (!model) return t.skip("ICL_SHARED_MODELS/llama-2-tiny-random.gguf not available");
  const engine = await engineFor(model, { mode: "exact" });
  const lines = [JSON.stringify({ "icl-probe": 1, template: "{input}\nLabel:{label}", separator: "\n\n", labels: ["-1", "+1"] })];
  for (let i = 0; i < 12; i++) lines.push(JSON.stringify({ input: `review number ${i} was ${i % 2 ? "bad" : "good"}`, label: i % 2 ? "-1" : "+1" }));
  const o = await runExperiment(probe(lines.join("\n") + "\n", join(dir, "llama2.icl.jsonl"), { variants: ["gold", "pa-token"], k: [2], seeds: [1], queries: 4 }, model), { engine });
  assert.equal(o.status, "complete", o.error?.message);
  for (const r of o.results.records)
    assert.deepEqual(
      (r.warnings ?? []).filter((w) => w.code === "boundary-merge").map((w) => w.labels),
      [["-1"]],
      `${r.variant}: ${JSON.stringify(r.warnings)}`,
    );
});

test("real GPT-2 BPE (vocab only): the pa-token split's scored text is exactly prompt + label, never the doubled ':' ", async (t) => {
  const vocabFile = sharedModel(join("vocab", "ggml-vocab-gpt-2.gguf"));
  if (!vocabFile) return t.skip("ICL_SHARED_MODELS/vocab/ggml-vocab-gpt-2.gguf not available");
  const engine = await engineFor(vocabFile, { vocabOnly: true });
  const vocab = (await engine.vocab()).map((v) => ({ id: v.id, text: v.piece, type: v.type }));
  const settings = { ...parseDemoFile("", "x.icl.jsonl").settings, template: "{input}\nLabel:{label}", separator: "\n\n" };
  const prompt = buildPrompt(settings, [{ input: "a fine film", label: "+1" }], "a dull film", ["-1", "+1"]);
  const split = await withTokenizer(
    vocab,
    (x) => engine.tokenize(x),
    (tok) => splitPromptTokens(tok, prompt),
  );
  assert.deepEqual(split.labelOverlap, [1, 0], "GPT-2 merges ':' and '-' into ':-' (the '+1' label does not merge)");
  const prompts = [...split.prefixTokens, ...split.queryTokens];
  const scored = await engine.detokenize(split.labelTokens.map((lt, i) => [...prompts.slice(0, prompts.length - at(split.labelOverlap, i)), ...lt]));
  assert.deepEqual(
    scored,
    prompt.labels.map((l) => prompt.prefix + prompt.query + prompt.labelSep + l),
  );
});

test("ra-token on real vocabularies (icl-toy, Llama-2) never picks a token that occurs in the file tokenized in context", async (t) => {
  const models = [TOY, sharedModel("llama-2-tiny-random.gguf")].filter((m): m is string => !!m && existsSync(m));
  if (models.length === 0) return t.skip("no model available");
  const text = readFileSync(join(__dirname, "..", "..", "..", "examples", "toy-lookup.icl.jsonl"), "utf8");
  const file = parseDemoFile(text, "toy-lookup.icl.jsonl");
  for (const model of models) {
    const engine = await engineFor(model, { vocabOnly: true });
    const vocab = (await engine.vocab()).map((v) => ({ id: v.id, text: v.piece, type: v.type }));
    const cache = new Map<string, number[]>();
    const fetch = (x: string[]) => engine.tokenize(x);
    // The file as prompts show it: instruction, then every example rendered in the template.
    const s = file.settings;
    const rendered = [s.instruction + s.separator, ...file.examples.map((e) => buildPrompt(s, [{ input: e.input, label: e.label }], e.input, []).prefix)];
    const fileIds = new Set((await engine.tokenize(rendered)).flat());
    for (const seed of [1, 2, 3, 4, 5]) {
      const v = await withTokenizer(vocab, fetch, (tok) => createVariant("ra-token", { seed, classes: file.classes, examples: file.examples, settings: s, tokenizer: tok }), cache);
      for (const r of v.mapping.rows) {
        const id = Number(r.note!.slice(6));
        assert.ok(!fileIds.has(id), `${model}: seed ${seed} picked token ${id} (${r.to}), which occurs in the file`);
        assert.ok(!/\d/.test(r.to) && !file.examples.some((e) => e.input.split(/\s+/).includes(r.to.toLowerCase())), `${model}: ${r.to} is an input word`);
      }
    }
  }
});
