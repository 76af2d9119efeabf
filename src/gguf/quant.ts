// Number encodings used by GGUF tensor data: IEEE half floats (F16) and ggml's Q8_0 blocks.
// Q8_0 follows ggml's reference quantizer (ggml-quants.c, quantize_row_q8_0_ref): blocks of 32
// values, one f16 scale d = max|x| / 127, then 32 int8 values round(x / d).

/** Values per Q8_0 block and bytes per block (2-byte f16 scale + 32 int8). */
export const Q8_0_BLOCK = 32;
export const Q8_0_BLOCK_BYTES = 34;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE 754 binary16 bits, round to nearest even (as numpy/ggml's F16C path do). */
export function float32ToF16(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> Inf
  if (e <= 0) {
    // Subnormal half (or zero): shift the implicit 1 in and round to nearest even.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1))) r++; // may carry into the exponent: still correct
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
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(float32ToF16(values[i]), offset + 2 * i);
}

/** Encodes values (length a multiple of 32) as Q8_0 blocks into `out` at byte `offset`. */
export function encodeQ8_0(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  if (values.length % Q8_0_BLOCK !== 0) {
    throw new Error(`Q8_0 needs a multiple of ${Q8_0_BLOCK} values per row, got ${values.length}`);
  }
  for (let b = 0; b < values.length / Q8_0_BLOCK; b++) {
    let amax = 0;
    for (let j = 0; j < Q8_0_BLOCK; j++) amax = Math.max(amax, Math.abs(values[b * Q8_0_BLOCK + j]));
    const d = amax / 127;
    const id = d ? 1 / d : 0;
    const base = offset + b * Q8_0_BLOCK_BYTES;
    out.writeUInt16LE(float32ToF16(d), base);
    for (let j = 0; j < Q8_0_BLOCK; j++) {
      // Math.round rounds .5 up, C's roundf rounds away from zero: match roundf.
      const v = values[b * Q8_0_BLOCK + j] * id;
      out.writeInt8(Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v)))), base + 2 + j);
    }
  }
}

/** Decodes Q8_0 blocks back to floats (for tests and inspection). */
export function decodeQ8_0(buf: Uint8Array, count: number): Float32Array {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const blk = Math.floor(i / Q8_0_BLOCK);
    const d = f16ToFloat32(b.readUInt16LE(blk * Q8_0_BLOCK_BYTES));
    out[i] = d * b.readInt8(blk * Q8_0_BLOCK_BYTES + 2 + (i % Q8_0_BLOCK));
  }
  return out;
}
