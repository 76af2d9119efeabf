// Pre-checks a model file in pure JS before llama.cpp sees it. A malformed GGUF (e.g. missing
// llama.attention.head_count) hits a native assert and aborts the whole process with no JS
// exception (test/model/ggufWriter.test.ts shows it in a child process), and a file that starts
// with "GGUF" can still be corrupt or cut short. Each bad case gets its own error code and a
// message that names the file and says what to do. readGgufFileInfo (node-llama-cpp) parses the
// header only; it does not notice a truncated file, so sizes are checked here.
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { loadNodeLlamaCpp, type GgufFileInfo } from "./esm";
import { EngineFailure } from "./protocol";
import { ggmlBlock } from "../gguf/ggmlTypes";

/** Architectures without attention heads / feed-forward width (recurrent models). */
const RECURRENT = /^(mamba|rwkv|arwkv)/;

export interface GgufCheckResult {
  info: GgufFileInfo;
  sizeBytes: number;
  architecture: string;
  tensorCount: number;
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur == null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const REDOWNLOAD = "Download or convert the model again (llama.cpp's convert_hf_to_gguf.py), or pick another .gguf file.";

/**
 * The checks that need no GGUF parser (a missing path, a directory, an empty or non-GGUF file,
 * a file shorter than a header): cheap enough for the CLI to run before it starts the engine, so
 * such paths are answered at once. Returns the file size; throws EngineFailure.
 */
export async function checkGgufStart(path: string): Promise<number> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new EngineFailure("file-missing", `Model file not found: ${path}`, "Check the model path (setting iclProbe.modelPath or --model), or leave it empty to use the embedded default model.");
    throw new EngineFailure("file-missing", `Cannot read model file ${path}: ${(e as Error).message}`, "Check the file's permissions.");
  }
  if (st.isDirectory()) throw new EngineFailure("file-is-directory", `${path} is a directory, not a GGUF model file.`, "Choose the .gguf file inside it.");
  const size = st.size;

  const head = Buffer.alloc(24);
  let got = 0;
  try {
    const fh = await open(path, "r");
    try {
      got = (await fh.read(head, 0, 24, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new EngineFailure("file-missing", `Cannot read model file ${path}: ${(e as Error).message}`, "Check the file's permissions.");
  }
  if (got < 4 || head.toString("latin1", 0, 4) !== "GGUF") {
    const what = size === 0 ? "it is empty (0 bytes)" : `it does not start with the "GGUF" magic bytes (found ${JSON.stringify(head.toString("latin1", 0, Math.min(4, got)))})`;
    throw new EngineFailure(
      "not-gguf",
      `${path} is not a GGUF model file: ${what}.`,
      "ICL Probe needs a model in GGUF format (llama.cpp). Convert it with llama.cpp's convert_hf_to_gguf.py or download a .gguf build of the model.",
    );
  }
  if (size < 24) throw new EngineFailure("truncated", `${path} is truncated: only ${size} bytes, shorter than a GGUF header.`, "The download or copy was interrupted: " + REDOWNLOAD);
  return size;
}

/**
 * Checks `path` and returns its parsed header; throws EngineFailure with code file-missing,
 * file-is-directory, not-gguf, truncated, vocab-only (unless `vocabOnly`) or corrupt.
 */
export async function checkGgufFile(path: string, opts: { vocabOnly?: boolean } = {}): Promise<GgufCheckResult> {
  const name = basename(path);
  const size = await checkGgufStart(path);

  const { readGgufFileInfo } = await loadNodeLlamaCpp();
  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(path, { logWarnings: false, sourceType: "filesystem" });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    // The header parser runs off the end of a cut-short file ("Offset out of range" and similar).
    if (/range|out of bounds|end of|EOF|RangeError/i.test(msg) || e instanceof RangeError)
      throw new EngineFailure("truncated", `${path} is truncated or corrupt: its GGUF header cannot be read (${msg}).`, REDOWNLOAD);
    throw new EngineFailure("corrupt", `${path} has a corrupt GGUF header: ${msg}`, REDOWNLOAD);
  }
  // infoEndOffset includes the padding up to the (aligned) tensor data; a file without tensors
  // (vocab-only) may legitimately end before that padding.
  const alignment = Number(get(info.metadata, "general.alignment") ?? 32);
  if (info.infoEndOffset !== undefined && info.infoEndOffset - size >= (Number(info.tensorCount) === 0 ? alignment : 1))
    throw new EngineFailure("truncated", `${path} is truncated: its header alone needs ${info.infoEndOffset} bytes but the file has ${size}.`, "The download or copy was interrupted: " + REDOWNLOAD);

  const tensors = info.tensorInfo ?? [];
  let dataEnd = 0;
  for (const t of tensors) {
    const off = Number(t.fileOffset);
    const block = ggmlBlock(t.ggmlType as number);
    let bytes = 0;
    if (block) {
      const elements = t.dimensions.reduce<number>((a, d) => a * Number(d), 1);
      bytes = Math.ceil(elements / block[0]) * block[1];
    }
    dataEnd = Math.max(dataEnd, off + bytes);
  }
  if (dataEnd > size) {
    const missing = dataEnd - size;
    throw new EngineFailure(
      "truncated",
      `${path} is truncated: its tensors need ${dataEnd} bytes but the file has ${size} (${missing} bytes, ${((100 * missing) / dataEnd).toFixed(1)}% missing).`,
      "The download or copy was interrupted: " + REDOWNLOAD,
    );
  }

  const meta = info.metadata as unknown;
  const arch = get(meta, "general.architecture");
  const missing: string[] = [];
  if (typeof arch !== "string" || arch === "") missing.push("general.architecture");
  for (const k of ["tokenizer.ggml.model", "tokenizer.ggml.tokens"]) if (get(meta, k) === undefined) missing.push(k);
  const tokens = get(meta, "tokenizer.ggml.tokens");
  const types = get(meta, "tokenizer.ggml.token_type");
  const problems: string[] = [];
  if (Array.isArray(tokens) && tokens.length === 0) problems.push("tokenizer.ggml.tokens is empty");
  if (Array.isArray(tokens) && Array.isArray(types) && types.length !== tokens.length) problems.push(`tokenizer.ggml.token_type has ${types.length} entries for ${tokens.length} tokens`);

  const tensorCount = Number(info.tensorCount);
  if (tensorCount === 0 && !opts.vocabOnly) {
    if (missing.length || problems.length)
      throw new EngineFailure("corrupt", `${path} has no tensors and a broken tokenizer (${[...missing.map((k) => "missing " + k), ...problems].join("; ")}).`, REDOWNLOAD);
    throw new EngineFailure(
      "vocab-only",
      `${path} is a vocabulary-only GGUF file: it holds a tokenizer but no weights (0 tensors), so it cannot score labels.`,
      `Use the full model file. (${name} can only be loaded for tokenization, with the vocabOnly option.)`,
    );
  }
  if (tensorCount > 0 && typeof arch === "string") {
    // llama.cpp reads these unconditionally; a missing/zero head count or feed-forward width
    // reaches a GGML_ASSERT and aborts the process (exit 134) instead of throwing.
    const required = [`${arch}.context_length`, `${arch}.embedding_length`, `${arch}.block_count`];
    if (!RECURRENT.test(arch)) required.push(`${arch}.attention.head_count`, `${arch}.feed_forward_length`);
    if (arch === "llama") required.push("llama.attention.layer_norm_rms_epsilon");
    for (const k of required) {
      const v = get(meta, k);
      if (v === undefined) missing.push(k);
      else if (typeof v === "number" && v <= 0 && !k.endsWith("epsilon")) problems.push(`${k} is ${v}`);
      else if (Array.isArray(v) && v.length === 0) problems.push(`${k} is an empty array`);
    }
    const embd = get(meta, `${arch}.embedding_length`);
    const heads = get(meta, `${arch}.attention.head_count`);
    if (typeof embd === "number" && typeof heads === "number" && heads > 0 && embd % heads !== 0 && get(meta, `${arch}.attention.key_length`) === undefined)
      problems.push(`${arch}.embedding_length ${embd} is not a multiple of ${arch}.attention.head_count ${heads}`);
  }
  if (missing.length || problems.length) {
    const parts = [...(missing.length ? [`missing required metadata ${missing.join(", ")}`] : []), ...problems];
    throw new EngineFailure("corrupt", `${path} has corrupt metadata: ${parts.join("; ")}. llama.cpp would abort on this file, so it was not loaded.`, REDOWNLOAD);
  }
  return { info, sizeBytes: size, architecture: typeof arch === "string" ? arch : "", tensorCount };
}

/** What the model picker and the downloader show of a model file. */
export interface GgufSummary {
  path: string;
  sizeBytes: number;
  architecture: string;
  /** general.name, when the file has one. */
  name?: string;
  /** general.file_type without node-llama-cpp's ALL_/MOSTLY_ prefix ("F32", "Q8_0", "Q4_K_M"), or "unknown". */
  quantization: string;
  vocabSize?: number;
  contextLength?: number;
}

/**
 * The one pre-check (checkGgufFile) and a summary of the file. Safe in the extension host:
 * readGgufFileInfo is node-llama-cpp's pure-JS header parser, imported on first use; the native
 * part of node-llama-cpp only loads in the engine process (getLlama), which this never calls.
 */
export async function describeGgufFile(path: string): Promise<GgufSummary> {
  const r = await checkGgufFile(path);
  const { GgufFileType } = await loadNodeLlamaCpp();
  const meta = r.info.metadata as unknown;
  const ft = get(meta, "general.file_type");
  const tokens = get(meta, "tokenizer.ggml.tokens");
  const ctx = get(meta, `${r.architecture}.context_length`);
  const name = get(meta, "general.name");
  return {
    path,
    sizeBytes: r.sizeBytes,
    architecture: r.architecture,
    ...(typeof name === "string" && name ? { name } : {}),
    quantization: typeof ft === "number" ? ((GgufFileType as unknown as Record<number, string>)[ft]?.replace(/^(ALL|MOSTLY)_/, "") ?? `file type ${ft}`) : "unknown",
    ...(Array.isArray(tokens) ? { vocabSize: tokens.length } : {}),
    ...(typeof ctx === "number" ? { contextLength: ctx } : {}),
  };
}
