// ggml tensor types (ggml.h enum ggml_type) and their block layout: how many elements a block
// holds and how many bytes it takes. Shared by the writer, the dequantizers and the engine's
// pre-check of a file's size, so that one table says what a tensor's bytes are.

/** ggml type id -> name, elements per block, bytes per block (ggml-common.h block structs). */
export const GGML_TYPES = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 18 },
  Q4_1: { id: 3, block: 32, bytes: 20 },
  Q5_0: { id: 6, block: 32, bytes: 22 },
  Q5_1: { id: 7, block: 32, bytes: 24 },
  Q8_0: { id: 8, block: 32, bytes: 34 },
  Q8_1: { id: 9, block: 32, bytes: 36 },
  Q2_K: { id: 10, block: 256, bytes: 84 },
  Q3_K: { id: 11, block: 256, bytes: 110 },
  Q4_K: { id: 12, block: 256, bytes: 144 },
  Q5_K: { id: 13, block: 256, bytes: 176 },
  Q6_K: { id: 14, block: 256, bytes: 210 },
  Q8_K: { id: 15, block: 256, bytes: 292 },
  I8: { id: 24, block: 1, bytes: 1 },
  I16: { id: 25, block: 1, bytes: 2 },
  I32: { id: 26, block: 1, bytes: 4 },
  I64: { id: 27, block: 1, bytes: 8 },
  F64: { id: 28, block: 1, bytes: 8 },
  BF16: { id: 30, block: 1, bytes: 2 },
} as const;

export type GgmlTypeName = keyof typeof GGML_TYPES;

const BY_ID = new Map<number, GgmlTypeName>(Object.entries(GGML_TYPES).map(([name, t]) => [t.id, name as GgmlTypeName]));

/**
 * Names of the other ggml type ids (no layout here: the i-quants and newer types), so that an
 * error can name the type a file uses (ggml.h enum ggml_type).
 */
const OTHER_NAMES: Record<number, string> = {
  4: "Q4_2 (removed from ggml)",
  5: "Q4_3 (removed from ggml)",
  16: "IQ2_XXS",
  17: "IQ2_XS",
  18: "IQ3_XXS",
  19: "IQ1_S",
  20: "IQ4_NL",
  21: "IQ3_S",
  22: "IQ2_S",
  23: "IQ4_XS",
  29: "IQ1_M",
  31: "Q4_0_4_4",
  32: "Q4_0_4_8",
  33: "Q4_0_8_8",
  34: "TQ1_0",
  35: "TQ2_0",
  36: "IQ4_NL_4_4",
  37: "IQ4_NL_4_8",
  38: "IQ4_NL_8_8",
  39: "MXFP4",
};

/** The name of a known type id, undefined otherwise. */
export function ggmlTypeName(id: number): GgmlTypeName | undefined {
  return BY_ID.get(id);
}

/** A type id as a person reads it: "Q4_K", "IQ2_XS", or "unknown ggml type 99". */
export function describeGgmlType(id: number): string {
  return BY_ID.get(id) ?? OTHER_NAMES[id] ?? `unknown ggml type ${id}`;
}

/** [elements per block, bytes per block] for a type id whose layout is known. */
export function ggmlBlock(id: number): [number, number] | undefined {
  const name = BY_ID.get(id);
  if (!name) return undefined;
  const t = GGML_TYPES[name];
  return [t.block, t.bytes];
}

/** Bytes of `elements` values of a type; throws when they are not whole blocks. */
export function ggmlByteSize(type: GgmlTypeName, elements: number, what = "tensor"): number {
  const t = GGML_TYPES[type];
  if (elements % t.block !== 0) throw new Error(`${what}: ${type} stores blocks of ${t.block} values, and ${elements} is not a multiple of ${t.block}`);
  return (elements / t.block) * t.bytes;
}
