// Dequantizers for GGUF tensor data: bytes of one row (or any whole number of blocks) of a ggml
// type -> float32 values. Pure code (no file access): the engine reads only the bytes of the
// rows it needs and decodes them here. Each decoder follows ggml's dequantize_row_* for its type
// (ggml-quants.c; block layouts from ggml-common.h), float32 arithmetic included (Math.fround at
// every step ggml does in float), so values match what llama.cpp itself computes
// (test/model/dequant.test.ts checks that against llama.cpp on files of every type).
import { describeGgmlType, GGML_TYPES, ggmlTypeName, type GgmlTypeName } from "./ggmlTypes";
import { f16ToFloat32, float32FromBits } from "./quant";

/** Types whose rows can be decoded. */
export const DEQUANT_TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"] as const satisfies readonly GgmlTypeName[];
export type DequantType = (typeof DEQUANT_TYPES)[number];

/** A tensor's type has no decoder here; the message names the type. */
export class UnsupportedTensorTypeError extends Error {
  override readonly name = "UnsupportedTensorTypeError";
  constructor(
    readonly typeId: number,
    readonly tensor: string,
  ) {
    super(`tensor ${tensor} is stored as ${describeGgmlType(typeId)} (ggml type ${typeId}), which ICL Probe cannot dequantize; supported: ${DEQUANT_TYPES.join(", ")}`);
  }
}

const fr = Math.fround;

type Decoder = (b: DataView, at: number, out: Float32Array, o: number) => void;

const f16 = (b: DataView, at: number): number => f16ToFloat32(b.getUint16(at, true));

/** One block of each type: reads its bytes at `at`, writes its values at out[o..]. */
const DECODERS: Record<DequantType, Decoder> = {
  F32: (b, at, out, o) => {
    out[o] = b.getFloat32(at, true);
  },
  F16: (b, at, out, o) => {
    out[o] = f16(b, at);
  },
  BF16: (b, at, out, o) => {
    out[o] = float32FromBits(b.getUint16(at, true) << 16);
  },
  Q8_0: (b, at, out, o) => {
    const d = f16(b, at);
    for (let j = 0; j < 32; j++) out[o + j] = fr(b.getInt8(at + 2 + j) * d);
  },
  Q4_0: (b, at, out, o) => {
    const d = f16(b, at);
    for (let j = 0; j < 16; j++) {
      const q = b.getUint8(at + 2 + j);
      out[o + j] = fr(((q & 0x0f) - 8) * d);
      out[o + j + 16] = fr(((q >> 4) - 8) * d);
    }
  },
  Q4_1: (b, at, out, o) => {
    const d = f16(b, at);
    const m = f16(b, at + 2);
    for (let j = 0; j < 16; j++) {
      const q = b.getUint8(at + 4 + j);
      out[o + j] = fr(fr((q & 0x0f) * d) + m);
      out[o + j + 16] = fr(fr((q >> 4) * d) + m);
    }
  },
  Q5_0: (b, at, out, o) => {
    const d = f16(b, at);
    const qh = b.getUint32(at + 2, true);
    for (let j = 0; j < 16; j++) {
      const q = b.getUint8(at + 6 + j);
      out[o + j] = fr((((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) - 16) * d);
      out[o + j + 16] = fr((((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16) * d);
    }
  },
  Q5_1: (b, at, out, o) => {
    const d = f16(b, at);
    const m = f16(b, at + 2);
    const qh = b.getUint32(at + 4, true);
    for (let j = 0; j < 16; j++) {
      const q = b.getUint8(at + 8 + j);
      out[o + j] = fr(fr(((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) * d) + m);
      out[o + j + 16] = fr(fr(((q >> 4) | ((qh >>> (j + 12)) & 0x10)) * d) + m);
    }
  },
  Q4_K: (b, at, out, o) => {
    for (let c = 0; c < 4; c++) {
      const [d1, n1, d2, n2] = chunkScalesK(b, at, c);
      for (let l = 0; l < 32; l++) {
        const q = b.getUint8(at + 16 + 32 * c + l);
        out[o + 64 * c + l] = fr(fr(d1 * (q & 0x0f)) - n1);
        out[o + 64 * c + 32 + l] = fr(fr(d2 * (q >> 4)) - n2);
      }
    }
  },
  Q5_K: (b, at, out, o) => {
    for (let c = 0; c < 4; c++) {
      const [d1, n1, d2, n2] = chunkScalesK(b, at, c);
      const u1 = 1 << (2 * c);
      const u2 = 2 << (2 * c);
      for (let l = 0; l < 32; l++) {
        const q = b.getUint8(at + 48 + 32 * c + l);
        const h = b.getUint8(at + 16 + l);
        out[o + 64 * c + l] = fr(fr(d1 * ((q & 0x0f) + (h & u1 ? 16 : 0))) - n1);
        out[o + 64 * c + 32 + l] = fr(fr(d2 * ((q >> 4) + (h & u2 ? 16 : 0))) - n2);
      }
    }
  },
  Q6_K: (b, at, out, o) => {
    const d = f16(b, at + 208);
    for (let h = 0; h < 2; h++) {
      const ql = at + 64 * h;
      const qh = at + 128 + 32 * h;
      const sc = at + 192 + 8 * h;
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const lo0 = b.getUint8(ql + l);
        const lo1 = b.getUint8(ql + 32 + l);
        const hi = b.getUint8(qh + l);
        const y = o + 128 * h + l;
        out[y] = fr(fr(d * b.getInt8(sc + is)) * (((lo0 & 0xf) | (((hi >> 0) & 3) << 4)) - 32));
        out[y + 32] = fr(fr(d * b.getInt8(sc + is + 2)) * (((lo1 & 0xf) | (((hi >> 2) & 3) << 4)) - 32));
        out[y + 64] = fr(fr(d * b.getInt8(sc + is + 4)) * (((lo0 >> 4) | (((hi >> 4) & 3) << 4)) - 32));
        out[y + 96] = fr(fr(d * b.getInt8(sc + is + 6)) * (((lo1 >> 4) | (((hi >> 6) & 3) << 4)) - 32));
      }
    }
  },
};

/** The 6-bit scale and min of sub-block j of a Q4_K/Q5_K super-block (ggml's get_scale_min_k4). */
function scaleMinK4(b: DataView, at: number, j: number): [number, number] {
  const q = (i: number) => b.getUint8(at + i);
  if (j < 4) return [q(j) & 63, q(j + 4) & 63];
  return [(q(j + 4) & 0xf) | ((q(j - 4) >> 6) << 4), (q(j + 4) >> 4) | ((q(j) >> 6) << 4)];
}

/**
 * Step and offset of the two 32-value sub-blocks of 64-value chunk c of a Q4_K/Q5_K super-block
 * at `at`: [d * sc, dmin * m] for sub-block 2c, then for 2c + 1.
 */
function chunkScalesK(b: DataView, at: number, c: number): [number, number, number, number] {
  const d = f16(b, at);
  const min = f16(b, at + 2);
  const [sc1, m1] = scaleMinK4(b, at + 4, 2 * c);
  const [sc2, m2] = scaleMinK4(b, at + 4, 2 * c + 1);
  return [fr(d * sc1), fr(min * m1), fr(d * sc2), fr(min * m2)];
}

/** Whether a ggml type id has a decoder. */
export function canDequantize(typeId: number): boolean {
  const name = ggmlTypeName(typeId);
  return name !== undefined && (DEQUANT_TYPES as readonly string[]).includes(name);
}

/** Bytes that `count` values of a decodable type take (count must be whole blocks). */
export function rowBytes(typeId: number, count: number, tensor = "tensor"): number {
  const type = decodable(typeId, tensor);
  const t = GGML_TYPES[type];
  if (count % t.block !== 0) throw new Error(`${tensor}: a ${type} row holds blocks of ${t.block} values, and ${count} is not a multiple of ${t.block}`);
  return (count / t.block) * t.bytes;
}

function decodable(typeId: number, tensor: string): DequantType {
  const name = ggmlTypeName(typeId);
  if (name === undefined || !(DEQUANT_TYPES as readonly string[]).includes(name)) throw new UnsupportedTensorTypeError(typeId, tensor);
  return name as DequantType;
}

/**
 * Decodes `count` values of type `typeId` from `bytes` (which must hold exactly those values'
 * blocks). Throws UnsupportedTensorTypeError for a type without a decoder.
 */
export function dequantize(typeId: number, bytes: Uint8Array, count: number, tensor = "tensor"): Float32Array {
  const type = decodable(typeId, tensor);
  const need = rowBytes(typeId, count, tensor);
  if (bytes.byteLength !== need) throw new Error(`${tensor}: ${count} ${type} values take ${need} bytes, got ${bytes.byteLength}`);
  const { block, bytes: size } = GGML_TYPES[type];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  const decode = DECODERS[type];
  for (let i = 0; i < count / block; i++) decode(view, i * size, out, i * block);
  return out;
}
