// Writes the memoriser model (models/icl-memoriser.gguf) from its construction in
// src/gguf/memoriser.ts (compiled to out/ by `npx tsc -p .`): no training, no randomness
// beyond fixed hashes, so the file is the same byte for byte on every run (the model test
// rebuilds it and compares). See docs/MODEL.md.
// Usage: node scripts/model/build-memoriser.mjs [models/icl-memoriser.gguf]
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const g = require(join(root, "out", "src", "gguf", "index.js"));

const outPath = process.argv[2] ?? join(root, "models", "icl-memoriser.gguf");
const spec = g.memoriserSpec();
const bytes = g.writeGguf(outPath, spec);
console.log(`wrote ${outPath}: ${bytes} bytes, ${g.memoriserVocab().tokens.length} tokens, ${spec.tensors.length} tensors (F32)`);
