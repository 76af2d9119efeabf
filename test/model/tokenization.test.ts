// Tokenization on real vocabularies (vocab-only GGUF files in ../shared/models/vocab: Llama-2
// SentencePiece, GPT-2 byte-level BPE, Phi-3 SentencePiece): llama.cpp's own tokenizer test
// vectors through the engine process, and the scorer's joint label tokenization (BOS rules,
// leading spaces, newlines before labels, prompts ending in a space) with the same adapter the
// worker uses.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { loadNodeLlamaCpp, type Llama, type LlamaModel } from "../../src/engine/esm";
import { tokenizerFor } from "../../src/engine/llamaAdapter";
import { prepareItem, type Tokenizer } from "../../src/engine/scorer";
import type { TextScoreItem } from "../../src/engine/protocol";
import { at } from "../support/at";

const shared = process.env.ICL_SHARED_MODELS;
const VOCABS = ["ggml-vocab-llama-spm", "ggml-vocab-gpt-2", "ggml-vocab-phi-3"] as const;
type Vocab = (typeof VOCABS)[number];

function vocabPath(name: Vocab): string | undefined {
  if (!shared) return undefined;
  const p = join(shared, "vocab", `${name}.gguf`);
  return existsSync(p) ? p : undefined;
}

const SKIP = "ICL_SHARED_MODELS/vocab is absent (set ICL_SHARED_MODELS to ../shared/models)";

let llama: Llama | undefined;
const models = new Map<Vocab, LlamaModel>();
after(async () => {
  await llama?.dispose();
});

/** Vocab-only load in this process: safe, the files pass the engine's pre-check (tested elsewhere). */
async function tokenizer(name: Vocab): Promise<{ tok: Tokenizer; model: LlamaModel } | undefined> {
  const p = vocabPath(name);
  if (!p) return undefined;
  if (!models.has(name)) {
    const nlc = await loadNodeLlamaCpp();
    llama ??= await nlc.getLlama({ gpu: false, build: "never", maxThreads: 1, logLevel: nlc.LlamaLogLevel.error });
    models.set(name, await llama.loadModel({ modelPath: p, vocabOnly: true }));
  }
  const model = models.get(name)!;
  return { tok: tokenizerFor(model), model };
}

/** llama.cpp's test-tokenizer-0 format: inputs split by "\n__ggml_vocab_test__\n", one line of ids per input. */
function readVectors(path: string): { text: string; ids: number[] }[] {
  const inputs = readFileSync(`${path}.inp`, "utf8").split("\n__ggml_vocab_test__\n");
  const lines = readFileSync(`${path}.out`, "utf8").split("\n");
  const n = Math.min(lines.length - 1, inputs.length);
  return Array.from({ length: n }, (_, i) => {
    const ids = at(lines, i, "line of ids").trim();
    return { text: at(inputs, i, "input"), ids: ids ? ids.split(/\s+/).map(Number) : [] };
  });
}

for (const name of VOCABS) {
  test(`${name}: the engine's tokenizer matches llama.cpp's test vectors`, async (t) => {
    const p = vocabPath(name);
    if (!p) return t.skip(SKIP);
    const vectors = readVectors(p);
    assert.ok(vectors.length >= 40, `only ${vectors.length} vectors parsed`);
    const c = await EngineClient.start();
    try {
      await c.load(p, { vocabOnly: true });
      const got = await c.tokenize(vectors.map((v) => v.text));
      const wrong = vectors.map((v, i) => ({ ...v, got: got[i] })).filter((v) => JSON.stringify(v.got) !== JSON.stringify(v.ids));
      assert.deepEqual(
        wrong.map((w) => `${JSON.stringify(w.text)}: expected ${w.ids} got ${w.got}`),
        [],
      );
    } finally {
      await c.dispose();
    }
  });
}

function item(query: string, labelSep: string, labels = ["positive", "negative"], prefix = "Review: a fine film\nSentiment: positive\n"): TextScoreItem {
  return { id: "x", prefix, query, labelSep, labels };
}

test("BOS: prepended exactly when the model asks (Llama-2, Phi-3 yes; GPT-2 no)", async (t) => {
  for (const name of VOCABS) {
    const v = await tokenizer(name);
    if (!v) return t.skip(SKIP);
    const addBos = v.model.fileInfo.metadata.tokenizer?.ggml?.add_bos_token;
    const expected = name !== "ggml-vocab-gpt-2";
    assert.equal(v.model.tokens.shouldPrependBosToken, expected, name);
    if (addBos !== undefined) assert.equal(addBos, expected, name);
    const p = prepareItem(v.tok, item("Review: dull\nSentiment:", " "), 0);
    assert.equal(p.prompt[0] === v.model.tokens.bos, expected, `${name}: first prompt token`);
    assert.equal(p.prompt.filter((x) => x === v.model.tokens.bos).length, expected ? 1 : 0, `${name}: BOS appears once or never`);
    // Special tokens off: "<s>" in user text stays text.
    assert.ok(!v.tok.tokenize("<s> <|endoftext|>").includes(v.model.tokens.bos!), `${name}: special text became a control token`);
  }
});

test("leading space: label tokens from joint tokenization (SentencePiece '▁positive' = word alone; BPE 'Ġpositive' = ' positive' alone)", async (t) => {
  for (const name of VOCABS) {
    const v = await tokenizer(name);
    if (!v) return t.skip(SKIP);
    const p = prepareItem(v.tok, item("Review: dull\nSentiment:", " "), 0);
    const [pos] = p.labels;
    assert.ok(pos, `${name}: the label "positive" is prepared`);
    const labelTokens = pos.full.slice(pos.start);
    assert.equal(pos.start, p.prompt.length, `${name}: no boundary merge`);
    assert.equal(labelTokens.length, 1, `${name}: "positive" after a space is one token`);
    if (name === "ggml-vocab-gpt-2") {
      assert.deepEqual(labelTokens, v.tok.tokenize(" positive"));
      assert.notDeepEqual(labelTokens, v.tok.tokenize("positive"));
    } else {
      assert.deepEqual(labelTokens, v.tok.tokenize("positive"), `${name}: SentencePiece adds the word-initial ▁ itself`);
      assert.equal(v.tok.tokenize(" positive").length, 2, `${name}: " positive" alone has a stray ▁`);
    }
    assert.ok(!p.warnings.some((w) => w.code === "boundary-merge"));
  }
});

test("newline before labels: the newline token, then the word's no-space form", async (t) => {
  for (const name of VOCABS) {
    const v = await tokenizer(name);
    if (!v) return t.skip(SKIP);
    const p = prepareItem(v.tok, item("Review: dull\nSentiment:", "\n"), 0);
    const [pos] = p.labels;
    assert.ok(pos, `${name}: the label "positive" is prepared`);
    const labelTokens = pos.full.slice(pos.start);
    const nl = name === "ggml-vocab-gpt-2" ? 198 : 13; // "Ċ" / "<0x0A>"
    assert.equal(labelTokens[0], nl, `${name}: first label token is the newline`);
    const word = labelTokens.slice(1);
    assert.notDeepEqual(word, v.tok.tokenize(" positive").slice(-1), `${name}: after a newline the word is not the space-prefixed token`);
    assert.equal(v.model.detokenize(word as never), "positive");
  }
});

test("a prompt ending in a space merges with the label: scored from the divergence point, with a warning", async (t) => {
  for (const name of VOCABS) {
    const v = await tokenizer(name);
    if (!v) return t.skip(SKIP);
    const p = prepareItem(v.tok, item("Review: dull\nSentiment: ", ""), 0);
    const [pos] = p.labels;
    assert.ok(pos, `${name}: the label "positive" is prepared`);
    assert.ok(pos.start < p.prompt.length, `${name}: the trailing space token is replaced`);
    assert.ok(
      p.warnings.some((w) => w.code === "boundary-merge" && /label "positive": joint tokenization changes the prompt's last 1 token/.test(w.message)),
      `${name}: ${JSON.stringify(p.warnings)}`,
    );
    // The scored continuation re-creates the same text: merged space + label.
    assert.equal(v.model.detokenize(pos.full.slice(pos.start) as never, false, pos.full.slice(0, pos.start) as never).trimStart(), "positive");
  }
});

test("labels sharing a first token are reported ('very good' / 'very bad' in both BPE and SentencePiece)", async (t) => {
  for (const name of VOCABS) {
    const v = await tokenizer(name);
    if (!v) return t.skip(SKIP);
    const p = prepareItem(v.tok, item("Review: dull\nSentiment:", " ", ["very good", "very bad", "not bad"]), 0);
    const firsts = p.labels.map((l) => at(l.full, l.start, "first label token"));
    assert.equal(firsts[0], firsts[1], `${name}: "very" is the shared first token`);
    assert.notEqual(firsts[0], firsts[2]);
    assert.ok(
      p.warnings.some((w) => w.code === "shared-first-token" && /labels "very good", "very bad" share their first token/.test(w.message)),
      JSON.stringify(p.warnings),
    );
    assert.ok(!p.warnings.some((w) => /"not bad" share/.test(w.message)));
  }
});
