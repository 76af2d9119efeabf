// A real (random-weight) llama GGUF with a word vocabulary written by the project's GGUF writer,
// plus a demo file over the same words: model tests of the runner and the CLI run node-llama-cpp
// for real without ../shared/models or the embedded toy model. Random weights learn nothing; these
// tests check the machinery (counts, order, checkpoints, resume), not accuracy.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomLlamaSpec } from "../../src/gguf/llamaSpec";
import { wordVocab } from "../../src/gguf/vocab";
import { writeGguf } from "../../src/gguf/writer";
import { at } from "./at";

const NOUNS = ["film", "plot", "cast", "music", "story", "ending", "scene", "actor"];
const ADJ = ["great", "awful", "lovely", "boring", "superb", "dull", "moving", "weak"];

export function probeDemoText(n = 40): string {
  const lines = [JSON.stringify({ "icl-probe": 1, template: "Review: {input}\nSentiment: {label}", separator: "\n\n" })];
  for (let i = 0; i < n; i++) {
    // i = 8b + a gives the pair (noun a, adjective (a + b) mod 8): 40 distinct inputs.
    const a = at(ADJ, (i + Math.floor(i / 8)) % ADJ.length);
    const good = ["great", "lovely", "superb", "moving"].includes(a);
    lines.push(JSON.stringify({ input: `the ${NOUNS[i % NOUNS.length]} was ${a}`, label: good ? "positive" : "negative" }));
  }
  return lines.join("\n") + "\n";
}

export function writeProbeModel(dir: string, name = "probe.gguf"): string {
  mkdirSync(dir, { recursive: true });
  // Words beyond the demo file's own: ra-token picks its random labels among tokens the file does not use.
  const spare = ["river", "stone", "cloud", "tiger", "lamp", "ocean", "violin", "rabbit"];
  const words = ["Review", "Sentiment", "the", "was", "positive", "negative", ...NOUNS, ...ADJ, ":", "N/A", "[MASK]", ...spare];
  const p = join(dir, name);
  writeGguf(p, randomLlamaSpec({ vocab: wordVocab(words, { bare: true }), dim: 32, layers: 1, heads: 2, kvHeads: 1, ff: 64, context: 1024, type: "F32", seed: 11 }));
  return p;
}

export function writeProbeFiles(dir: string): { model: string; demo: string } {
  const model = writeProbeModel(dir);
  const demo = join(dir, "probe.icl.jsonl");
  writeFileSync(demo, probeDemoText());
  return { model, demo };
}
