// Input embeddings of chosen tokens, read straight from the model file: the rows of the
// `token_embd.weight` tensor (ggml dims [embedding length, vocabulary]: one row per token,
// contiguous). Only the bytes of the requested rows are read, and they are dequantized by the
// pure decoders in src/gguf/dequant.ts. Used by g-linear (tau_g-Linear, Li et al. 2024), which
// fits a linear map between the embeddings of prompts and responses.
import { open } from "node:fs/promises";
import { basename } from "node:path";
import { canDequantize, DEQUANT_TYPES, dequantize, rowBytes, UnsupportedTensorTypeError } from "../gguf/dequant";
import { describeGgmlType } from "../gguf/ggmlTypes";
import { EngineFailure, type EmbeddingRows } from "./protocol";

export const TOKEN_EMBEDDING_TENSOR = "token_embd.weight";

/** The fields of node-llama-cpp's GgufTensorInfo this reader needs. */
export interface TensorInfoLike {
  name: string;
  dimensions: readonly (number | bigint)[];
  ggmlType: number;
  fileOffset: number | bigint;
  filePart?: number;
}

/**
 * Rows of `token_embd.weight` for `tokens` (in that order, repeats allowed), from the GGUF file
 * at `path` whose tensor infos are `tensors` (readGgufFileInfo). Errors: `unsupported` when the
 * file has no such tensor, stores it in a type without a decoder (the message names the type) or
 * is split into parts; `invalid-request` for a token id outside the vocabulary.
 */
export async function readTokenEmbeddings(path: string, tensors: readonly TensorInfoLike[], tokens: readonly number[]): Promise<EmbeddingRows> {
  const name = basename(path);
  const t = tensors.find((x) => x.name === TOKEN_EMBEDDING_TENSOR);
  if (!t) {
    throw new EngineFailure(
      "unsupported",
      `${name} has no ${TOKEN_EMBEDDING_TENSOR} tensor, so its input embeddings cannot be read.`,
      "g-linear needs a model file with its token embedding table (a vocabulary-only file has none).",
    );
  }
  if (t.dimensions.length !== 2) {
    throw new EngineFailure("unsupported", `${name}: ${TOKEN_EMBEDDING_TENSOR} has ${t.dimensions.length} dimensions; expected 2 (embedding length, vocabulary).`);
  }
  const dim = Number(t.dimensions[0]);
  const vocab = Number(t.dimensions[1]);
  if (!canDequantize(t.ggmlType)) {
    throw new EngineFailure(
      "unsupported",
      `${name}: ${new UnsupportedTensorTypeError(t.ggmlType, TOKEN_EMBEDDING_TENSOR).message}.`,
      `Use a build of this model whose token embeddings are one of ${DEQUANT_TYPES.join(", ")}, or leave g-linear out.`,
    );
  }
  if ((t.filePart ?? 1) !== 1) {
    throw new EngineFailure(
      "unsupported",
      `${name}: ${TOKEN_EMBEDDING_TENSOR} lies in part ${t.filePart} of a split GGUF; reading split files is not supported.`,
      "Merge the parts into one file (llama.cpp's gguf-split --merge).",
    );
  }
  const bad = tokens.find((id) => !Number.isInteger(id) || id < 0 || id >= vocab);
  if (bad !== undefined) throw new EngineFailure("invalid-request", `Token id ${bad} is outside ${name}'s vocabulary of ${vocab} tokens.`);
  const size = rowBytes(t.ggmlType, dim, TOKEN_EMBEDDING_TENSOR);
  const base = Number(t.fileOffset);
  const decoded = new Map<number, number[]>();
  const fh = await open(path, "r");
  try {
    for (const id of new Set(tokens)) {
      const buf = Buffer.alloc(size);
      const { bytesRead } = await fh.read(buf, 0, size, base + id * size);
      if (bytesRead !== size) throw new EngineFailure("truncated", `${name} ends inside row ${id} of ${TOKEN_EMBEDDING_TENSOR}.`, "The file is cut short: download or convert it again.");
      decoded.set(id, Array.from(dequantize(t.ggmlType, buf, dim, TOKEN_EMBEDDING_TENSOR)));
    }
  } finally {
    await fh.close();
  }
  return { tensor: TOKEN_EMBEDDING_TENSOR, type: describeGgmlType(t.ggmlType), dim, vocab, rows: tokens.map((id) => decoded.get(id)!.slice()) };
}
