// Number encodings used by GGUF tensor data: IEEE half floats (F16), bfloat16 (BF16) and ggml's
// 32-value block types Q8_0, Q4_0, Q4_1, Q5_0, Q5_1. The block quantizers follow ggml's reference
// quantizers (ggml-quants.c, quantize_row_*_ref, "for deterministic creation of model files"),
// float32 arithmetic included, so a file written here holds what llama.cpp's tools would write.
// Q8_0: one f16 scale d = max|x| / 127, then 32 int8 values round(x / d).

/** Values per Q8_0 block and bytes per block (2-byte f16 scale + 32 int8). */
export const Q8_0_BLOCK = 32;
export const Q8_0_BLOCK_BYTES = 34;

// A 4-byte scratch for reinterpreting float32 bits (the same byte order on both sides, so it cancels out).
const scratch = new DataView(new ArrayBuffer(4));

/** The IEEE 754 binary32 bits of `value` rounded to float32. */
export function float32Bits(value: number): number {
  scratch.setFloat32(0, value);
  return scratch.getUint32(0);
}

/** The float32 whose IEEE 754 binary32 bits are `bits` (the inverse of float32Bits). */
export function float32FromBits(bits: number): number {
  scratch.setUint32(0, bits);
  return scratch.getFloat32(0);
}

/** float32 -> IEEE 754 binary16 bits, round to nearest even (as numpy/ggml's F16C path do). */
export function float32ToF16(value: number): number {
  const x = float32Bits(value);
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in and round to nearest even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && r & 1)) r++; // may carry into the exponent: still correct
  return sign | r;
}

/** IEEE binary16 bits -> number. */
export function f16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encodes values as little-endian F16 into `out` at byte `offset`. */
export function encodeF16(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(float32ToF16(values[i]!), offset + 2 * i);
}

/** Encodes values (length a multiple of 32) as Q8_0 blocks into `out` at byte `offset`. */
export function encodeQ8_0(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  if (values.length % Q8_0_BLOCK !== 0) {
    throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values per row, got ${values.length}`);
  }
  for (let b = 0; b < values.length / Q8_0_BLOCK; b++) {
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[b * Q8_0_BLOCK + j]!));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const base = offset + b * Q8_0_BLOCK_BYTES;
    out.writeUInt16LE(float32ToF16(d), base);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      // Math.round rounds .5 up, C's roundf rounds away from zero: match roundf.
      const v = values[b * Q8_0_BLOCK + j]! * id;
      out.writeInt8(Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v)))), base + 2 + j);
    }
  }
}

/** float32 -> bfloat16 bits: round to nearest even, NaN kept quiet (ggml_compute_fp32_to_bf16). */
export function float32ToBF16(value: number): number {
  const x = float32Bits(value);
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) | 64) & 0xffff;
  return ((x + (0x7fff + ((x >>> 16) & 1))) >>> 16) & 0xffff;
}

/** Encodes values as little-endian BF16 into `out` at byte `offset`. */
export function encodeBF16(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(float32ToBF16(values[i]!), offset + 2 * i);
}

const fr = Math.fround;
/** C's (int) cast of a float: truncation toward zero. */
const trunc = Math.trunc;

// The quantizers' per-value reads (`values[...]!`) stay below the block count checked here and
// the block's 32 values, so they are never out of range.
function requireBlocks(values: ArrayLike<number>, type: string): number {
  if (values.length % 32 !== 0) throw new Error(`${type} needs a multiple of 32 values per row, got ${values.length}`);
  return values.length / 32;
}

/** The value of largest magnitude in a block, with its sign (first one on ties), and its magnitude. */
function signedMax(values: ArrayLike<number>, start: number): { max: number; amax: number } {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < 32; j++) {
    const v = fr(values[start + j]!);
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  return { max, amax };
}

function minMax(values: ArrayLike<number>, start: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let j = 0; j < 32; j++) {
    const v = fr(values[start + j]!);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Q4_0 (quantize_row_q4_0_ref): f16 d = max / -8, then 16 bytes of 4-bit q with x = (q - 8) d. */
export function encodeQ4_0(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireBlocks(values, "Q4_0"); b++) {
    const { max } = signedMax(values, b * 32);
    const d = fr(max / -8);
    const id = d ? fr(1 / d) : 0;
    const base = offset + b * 18;
    out.writeUInt16LE(float32ToF16(d), base);
    for (let j = 0; j < 16; j++) {
      const x0 = fr(fr(values[b * 32 + j]!) * id);
      const x1 = fr(fr(values[b * 32 + 16 + j]!) * id);
      const q0 = Math.min(15, trunc(fr(x0 + 8.5)));
      const q1 = Math.min(15, trunc(fr(x1 + 8.5)));
      out[base + 2 + j] = q0 | (q1 << 4);
    }
  }
}

/** Q4_1 (quantize_row_q4_1_ref): f16 d = (max - min) / 15 and f16 m = min; x = q d + m. */
export function encodeQ4_1(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireBlocks(values, "Q4_1"); b++) {
    const { min, max } = minMax(values, b * 32);
    const d = fr((max - min) / 15);
    const id = d ? fr(1 / d) : 0;
    const base = offset + b * 20;
    out.writeUInt16LE(float32ToF16(d), base);
    out.writeUInt16LE(float32ToF16(min), base + 2);
    for (let j = 0; j < 16; j++) {
      const x0 = fr(fr(fr(values[b * 32 + j]!) - min) * id);
      const x1 = fr(fr(fr(values[b * 32 + 16 + j]!) - min) * id);
      out[base + 4 + j] = Math.min(15, trunc(fr(x0 + 0.5))) | (Math.min(15, trunc(fr(x1 + 0.5))) << 4);
    }
  }
}

/** Packs 32 five-bit values: low nibbles in qs (j and j + 16 share a byte), fifth bits in a u32 qh. */
function packQ5(q: readonly number[], out: Buffer, qhAt: number, qsAt: number): void {
  let qh = 0;
  for (let j = 0; j < 16; j++) {
    const lo = q[j]!;
    const hi = q[j + 16]!;
    out[qsAt + j] = (lo & 0x0f) | ((hi & 0x0f) << 4);
    qh |= ((lo & 0x10) >>> 4) << j;
    qh |= ((hi & 0x10) >>> 4) << (j + 16);
  }
  out.writeUInt32LE(qh >>> 0, qhAt);
}

/** Q5_0 (quantize_row_q5_0_ref): f16 d = max / -16, 5-bit q with x = (q - 16) d. */
export function encodeQ5_0(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireBlocks(values, "Q5_0"); b++) {
    const { max } = signedMax(values, b * 32);
    const d = fr(max / -16);
    const id = d ? fr(1 / d) : 0;
    const base = offset + b * 22;
    out.writeUInt16LE(float32ToF16(d), base);
    const q = Array.from({ length: 32 }, (_, j) => Math.min(31, trunc(fr(fr(fr(values[b * 32 + j]!) * id) + 16.5))));
    packQ5(q, out, base + 2, base + 6);
  }
}

/**
 * Q5_1 (quantize_row_q5_1_ref): f16 d = (max - min) / 31 and f16 m = min, x = q d + m. ggml's
 * reference does not clamp q here; this one clamps to 31 (it only matters if float rounding
 * pushed (max - min) / d past 31.5, where ggml would wrap to 0).
 */
export function encodeQ5_1(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireBlocks(values, "Q5_1"); b++) {
    const { min, max } = minMax(values, b * 32);
    const d = fr((max - min) / 31);
    const id = d ? fr(1 / d) : 0;
    const base = offset + b * 24;
    out.writeUInt16LE(float32ToF16(d), base);
    out.writeUInt16LE(float32ToF16(min), base + 2);
    const q = Array.from({ length: 32 }, (_, j) => Math.min(31, trunc(fr(fr(fr(fr(values[b * 32 + j]!) - min) * id) + 0.5))));
    packQ5(q, out, base + 4, base + 8);
  }
}
