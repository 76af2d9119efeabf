// The short list that Download Model... offers: small GGUF models, each with its size and the
// sha256 the downloaded file must have (a mismatch deletes the file and says so). Nothing is
// fetched until the user picks an entry. ICL_PROBE_MODEL_CATALOG may name a JSON file with a
// list of the same shape instead (an internal mirror; the e2e tests serve one from 127.0.0.1).
//
// Provenance of the numbers: stories260K's size and sha256 are those of the copy in the project's
// shared test models (checked with sha256sum); the other two are the ones published with public
// test-model listings, not re-checked from this project's machines (they cannot reach the hub).
// A wrong entry cannot install a wrong file: the checksum refuses it.
import { readFileSync } from "node:fs";

export interface CatalogModel {
  /** Shown in the picker. */
  name: string;
  /** http(s) URL or hf: URI. */
  uri: string;
  /** File name to save under (the URL's last segment otherwise). */
  fileName: string;
  /** Download size as published ("34 MB"). */
  size: string;
  /** Lower-case hex sha256 of the file. */
  sha256: string;
  licence: string;
  /** What it is good for, one sentence. */
  about: string;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    name: "stories260K (llama2.c TinyStories, F32)",
    uri: "https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf",
    fileName: "stories260K.gguf",
    size: "1.1 MB",
    sha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
    licence: "MIT",
    about: "a 260K-parameter story model: checks that the tool runs on a real trained model in seconds; too small for findings about in-context learning",
  },
  {
    name: "Llama-68M-Chat-v1 (Q2_K)",
    uri: "https://huggingface.co/tensorblock/Llama-68M-Chat-v1-GGUF/resolve/main/Llama-68M-Chat-v1-Q2_K.gguf",
    fileName: "Llama-68M-Chat-v1-Q2_K.gguf",
    size: "34 MB",
    sha256: "8ed06dc5bd84bce3154a2b7e751c45a56562691933ee25b5823393f909329a67",
    licence: "Apache-2.0",
    about: "a 68M-parameter Llama chat model with the Llama-2 tokenizer: quick probes on a real vocabulary",
  },
  {
    name: "distilgpt2 (Q2_K)",
    uri: "https://huggingface.co/RichardErkhov/distilbert_-_distilgpt2-gguf/resolve/main/distilgpt2.Q2_K.gguf",
    fileName: "distilgpt2.Q2_K.gguf",
    size: "63.6 MB",
    sha256: "b046ac09ba24a848e2140676fba58c1dcf2f19617e45b03524043eabdb556a31",
    licence: "Apache-2.0",
    about: "an 82M-parameter GPT-2 (byte-level BPE vocabulary): a second tokenizer family",
  },
];

/** Checks one entry; returns what is wrong with it, or undefined. */
export function catalogProblem(m: Partial<CatalogModel>): string | undefined {
  for (const k of ["name", "uri", "fileName", "size", "sha256", "licence", "about"] as const) if (typeof m[k] !== "string" || !m[k]) return `"${k}" is missing`;
  if (!/^[0-9a-f]{64}$/.test(m.sha256!)) return `"sha256" is not 64 lower-case hex digits`;
  if (!/\.gguf$/i.test(m.fileName!) || /[\\/]/.test(m.fileName!)) return `"fileName" must be a plain *.gguf name`;
  return undefined;
}

/** The list to offer: MODEL_CATALOG, or the file named by ICL_PROBE_MODEL_CATALOG (an error names the file and the entry). */
export function loadCatalog(env: NodeJS.ProcessEnv = process.env): readonly CatalogModel[] {
  const file = env.ICL_PROBE_MODEL_CATALOG;
  if (!file) return MODEL_CATALOG;
  let list: unknown;
  try {
    list = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`ICL_PROBE_MODEL_CATALOG=${file}: cannot read it as JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(list)) throw new Error(`ICL_PROBE_MODEL_CATALOG=${file}: expected a JSON array of models`);
  list.forEach((m, i) => {
    const bad = catalogProblem(m as Partial<CatalogModel>);
    if (bad) throw new Error(`ICL_PROBE_MODEL_CATALOG=${file}: entry ${i + 1}: ${bad}`);
  });
  return list as CatalogModel[];
}
