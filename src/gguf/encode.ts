// The tensor types the GGUF writer can store, and the encoder of each (values -> block bytes).
import { GGML_TYPES } from "./ggmlTypes";
import { encodeBF16, encodeF16, encodeQ4_0, encodeQ4_1, encodeQ5_0, encodeQ5_1, encodeQ8_0 } from "./quant";
import { encodeQ4_K, encodeQ5_K, encodeQ6_K } from "./quantK";

type Encoder = (values: ArrayLike<number>, out: Buffer, offset?: number) => void;

const ENCODERS = {
  F32: (values, out, offset = 0) => {
    for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i]!, offset + 4 * i);
  },
  F16: encodeF16,
  BF16: encodeBF16,
  Q8_0: encodeQ8_0,
  Q4_0: encodeQ4_0,
  Q4_1: encodeQ4_1,
  Q5_0: encodeQ5_0,
  Q5_1: encodeQ5_1,
  Q4_K: encodeQ4_K,
  Q5_K: encodeQ5_K,
  Q6_K: encodeQ6_K,
} satisfies Partial<Record<keyof typeof GGML_TYPES, Encoder>>;

/** The ggml tensor types this writer encodes. */
export type TensorType = keyof typeof ENCODERS;

/** Encodes values (whole blocks of the type) into a new buffer. */
export function encodeValues(type: TensorType, values: ArrayLike<number>): Buffer {
  const t = GGML_TYPES[type];
  if (values.length % t.block !== 0) throw new Error(`${type} needs a multiple of ${t.block} values, got ${values.length}`);
  const out = Buffer.alloc((values.length / t.block) * t.bytes);
  ENCODERS[type](values, out, 0);
  return out;
}
