// Measures the toy model's probe profile on a demo file with node-llama-cpp directly (not the
// engine), using the project's own parser, demo selection, variants and prompt builder
// (compiled to out/ by `npx tsc -p .`). Scoring: joint tokenization of prompt + labelSep + label,
// label tokens = what follows the prompt's tokens, teacher-forced summed log-probs, argmax over
// the label space. Prints accuracy per variant and k (averaged over the header's seeds).
// Usage: node scripts/model/verify.mjs models/icl-toy.gguf examples/toy-lookup.icl.jsonl [k,k,...] [variant,...]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const core = (p) => require(join(root, "out", "src", "core", p));
const { parseDemoFile } = core("demoFile/index.js");
const { drawQueries, selectDemos } = core("selection.js");
const { buildPrompt } = core("prompt.js");
const { createVariant } = core("variants/index.js");

const [modelPath, demoPath, kArg, variantArg] = process.argv.slice(2);
if (!modelPath || !demoPath) {
  console.error("usage: node scripts/model/verify.mjs <model.gguf> <demo-file> [k,k,...] [variant,...]");
  process.exit(2);
}
const file = parseDemoFile(readFileSync(demoPath, "utf8"), demoPath);
const errors = file.problems.filter((p) => p.severity === "error");
if (errors.length) throw new Error(`${demoPath}: ${errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
const s = file.settings;
const ks = kArg ? kArg.split(",").map(Number) : s.k;
const variants = variantArg ? variantArg.split(",") : s.variants;

const { getLlama } = await import("node-llama-cpp");
// One thread: token-by-token work on a tiny model is fastest single-threaded (docs/ENGINE.md, threads).
const threads = 1;
const llama = await getLlama({ gpu: false, build: "never", maxThreads: threads });
const model = await llama.loadModel({ modelPath });
const ctx = await model.createContext({ contextSize: Math.min(2048, model.trainContextSize), threads });
const seq = ctx.getSequence();
const bos = model.tokens.shouldPrependBosToken && model.tokens.bos !== null ? [model.tokens.bos] : [];

/** Summed teacher-forced log-prob of each label after the prompt (label tokens by joint tokenization). */
async function scoreLabels(promptText, labelSep, labels) {
  const p = [...bos, ...model.tokenize(promptText)];
  await seq.clearHistory();
  await seq.controlledEvaluate(p.slice(0, -1));
  const start = seq.nextTokenIndex;
  const out = [];
  for (const label of labels) {
    const full = [...bos, ...model.tokenize(promptText + labelSep + label)];
    if (full.slice(0, p.length).some((t, i) => t !== p[i])) throw new Error(`label ${label} changes the prompt's tokens`);
    const lt = full.slice(p.length);
    const items = [p[p.length - 1], ...lt].map((t, i) => (i < lt.length ? [t, { generateNext: { probabilities: true } }] : t));
    const res = await seq.controlledEvaluate(items);
    let lp = 0;
    for (let i = 0; i < lt.length; i++) lp += Math.log(Math.max(res[i]?.next?.probabilities?.get(lt[i]) ?? 0, 1e-30));
    out.push(lp);
    await seq.eraseContextTokenRanges([{ start, end: seq.nextTokenIndex }]);
  }
  return out;
}

const table = [];
for (const key of variants) {
  const row = { variant: key };
  for (const k of ks) {
    let correct = 0;
    let correctAlt = 0;
    let total = 0;
    for (const seed of s.seeds) {
      let inst;
      try {
        inst = createVariant(key, { seed, classes: file.classes, verbalizers: s.verbalizers, settings: s, examples: file.examples });
      } catch (e) {
        row[`k=${k}`] = `n/a (${e.message})`;
        break;
      }
      const queries = drawQueries({ examples: file.examples, n: s.queries, seed });
      const demoSet = s.selection === "fixed" ? selectDemos({ examples: file.examples, k, seed, mode: "fixed", balance: s.balance, queryPool: queries, classes: file.classes }) : null;
      for (const q of queries) {
        const set = demoSet ?? selectDemos({ examples: file.examples, k, seed, mode: "per-query", balance: s.balance, queryIndex: q.index, queryPool: queries, classes: file.classes });
        const vq = inst.query(q);
        const prompt = buildPrompt(s, inst.demos(set), vq.input, inst.labelSpace);
        const lps = await scoreLabels(prompt.prefix + prompt.query, prompt.labelSep, prompt.labels);
        const pred = prompt.labels[lps.indexOf(Math.max(...lps))];
        correct += pred === vq.gold ? 1 : 0;
        correctAlt += vq.goldAlt !== undefined && pred === vq.goldAlt ? 1 : 0;
        total++;
      }
    }
    if (total) row[`k=${k}`] = (correct / total).toFixed(3) + (correctAlt ? ` (vs original ${(correctAlt / total).toFixed(3)})` : "");
  }
  table.push(row);
  console.log(JSON.stringify(row));
}
console.log(`chance = ${(1 / file.classes.length).toFixed(3)}; ${s.queries} queries x seeds ${s.seeds.join(",")} per cell; selection ${s.selection}, balance ${s.balance}`);
await ctx.dispose();
await model.dispose();
