// Encoders for ggml's K-quant super-blocks (256 values): Q4_K, Q5_K, Q6_K, laid out exactly as
// ggml-common.h's block_q4_K / block_q5_K / block_q6_K and read back by ggml's dequantize_row_*.
// The quantization itself is a plain min/max one, not ggml's search for the error-minimising
// scales (make_qkx2_quants): every block is valid and every value is within half a quantization
// step of the input (see kQuantStep), which is what fixtures and dequantizer tests need.
import { float32ToF16, f16ToFloat32 } from "./quant";

const QK_K = 256;
const fr = Math.fround;
/** Scales are derived from the maxima with this much headroom, so that fp16 rounding of d never leaves a value outside the representable range. */
const HEADROOM = 1 + 2 ** -9;

// Per-value reads (`values[...]!`, `q[...]!`) stay below the super-block count checked here and
// the 256 values of each super-block, so they are never out of range.
function requireSuperBlocks(values: ArrayLike<number>, type: string): number {
  if (values.length % QK_K !== 0) throw new Error(`${type} needs a multiple of ${QK_K} values per row, got ${values.length}`);
  return values.length / QK_K;
}

/**
 * Packs 8 six-bit scales and 8 six-bit mins into 12 bytes (the inverse of ggml's get_scale_min_k4):
 * bytes 0-3 hold sc[0..3] with the top two bits of sc[4..7] above them, bytes 4-7 the same for m,
 * bytes 8-11 the low nibbles of sc[4..7] (low) and m[4..7] (high).
 */
function packScaleMins(sc: readonly number[], m: readonly number[], out: Buffer, at: number): void {
  if (sc.length !== 8 || m.length !== 8) throw new Error(`internal error: a K-quant super-block has 8 scales and 8 mins, got ${sc.length} and ${m.length}`);
  for (let j = 0; j < 4; j++) {
    const [scLo, scHi, mLo, mHi] = [sc[j]!, sc[j + 4]!, m[j]!, m[j + 4]!];
    out[at + j] = scLo | ((scHi >> 4) << 6);
    out[at + j + 4] = mLo | ((mHi >> 4) << 6);
    out[at + j + 8] = (scHi & 0xf) | ((mHi & 0xf) << 4);
  }
}

/**
 * Scales of one 256-value super-block for an asymmetric K-quant with q in [0, levels]: per
 * 32-value sub-block, value = d*sc*q - dmin*m. The offset covers the sub-block's minimum
 * (clipped at 0, as the format's offset is never positive) and the step covers the rest.
 * Returns the stored fp16 d/dmin, the 6-bit sc/m, and q for every value.
 */
function asymmetric(values: ArrayLike<number>, start: number, levels: number): { d: number; dmin: number; sc: number[]; m: number[]; q: number[] } {
  const ranges: { lo: number; hi: number }[] = [];
  for (let j = 0; j < 8; j++) {
    let lo = 0;
    let hi = -Infinity;
    for (let l = 0; l < 32; l++) {
      const v = fr(values[start + 32 * j + l]!);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    ranges.push({ lo, hi });
  }
  const dminBits = float32ToF16((Math.max(...ranges.map((r) => -r.lo)) * HEADROOM) / 63);
  const dmin = f16ToFloat32(dminBits);
  const offsets = ranges.map(({ lo, hi }) => {
    const m = dmin ? Math.min(63, Math.ceil(-lo / dmin)) : 0;
    return { m, need: Math.max(0, hi + fr(dmin * m)) / levels };
  });
  const dBits = float32ToF16((Math.max(...offsets.map((o) => o.need)) * HEADROOM) / 63);
  const d = f16ToFloat32(dBits);
  const subBlocks = offsets.map(({ m, need }) => ({ m, sc: d ? Math.min(63, Math.ceil(need / d)) : 0 }));
  const q: number[] = [];
  for (const [j, { m, sc }] of subBlocks.entries()) {
    const step = fr(d * sc);
    const off = fr(dmin * m);
    for (let l = 0; l < 32; l++) {
      const v = fr(values[start + 32 * j + l]!);
      q.push(step ? Math.max(0, Math.min(levels, Math.round((v + off) / step))) : 0);
    }
  }
  return { d: dBits, dmin: dminBits, sc: subBlocks.map((s) => s.sc), m: subBlocks.map((s) => s.m), q };
}

/** Quantizes a Q4_K/Q5_K super-block, writes its 16-byte header (d, dmin, scales) at `base`, returns the quants. */
function asymmetricHeader(values: ArrayLike<number>, start: number, levels: number, out: Buffer, base: number): number[] {
  const { d, dmin, sc, m, q } = asymmetric(values, start, levels);
  out.writeUInt16LE(d, base);
  out.writeUInt16LE(dmin, base + 2);
  packScaleMins(sc, m, out, base + 4);
  return q;
}

/** Q4_K (block_q4_K, 144 bytes): f16 d, f16 dmin, 12 bytes of 6-bit scales/mins, 128 bytes of 4-bit q. */
export function encodeQ4_K(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireSuperBlocks(values, "Q4_K"); b++) {
    const base = offset + b * 144;
    const q = asymmetricHeader(values, b * QK_K, 15, out, base);
    // Each 64-value chunk: 32 bytes, low nibbles = its first 32 values, high nibbles = the next 32.
    for (let c = 0; c < 4; c++) for (let l = 0; l < 32; l++) out[base + 16 + 32 * c + l] = q[64 * c + l]! | (q[64 * c + 32 + l]! << 4);
  }
}

/** Q5_K (block_q5_K, 176 bytes): as Q4_K plus 32 bytes of fifth bits (qh), q in [0, 31]. */
export function encodeQ5_K(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireSuperBlocks(values, "Q5_K"); b++) {
    const base = offset + b * 176;
    const q = asymmetricHeader(values, b * QK_K, 31, out, base);
    const qh = base + 16;
    const qs = base + 48;
    out.fill(0, qh, qh + 32);
    for (let c = 0; c < 4; c++) {
      for (let l = 0; l < 32; l++) {
        const a = q[64 * c + l]!;
        const b2 = q[64 * c + 32 + l]!;
        out[qs + 32 * c + l] = (a & 0xf) | ((b2 & 0xf) << 4);
        // Chunk c's fifth bits are bits 2c (first 32 values) and 2c+1 (next 32) of qh[l].
        out[qh + l] = out[qh + l]! | ((a >> 4) << (2 * c)) | ((b2 >> 4) << (2 * c + 1));
      }
    }
  }
}

/**
 * Q6_K (block_q6_K, 210 bytes): 128 bytes of low 4 bits (ql), 64 bytes of high 2 bits (qh),
 * 16 int8 scales (one per 16 values), f16 d last; value = d*sc*(q - 32), q - 32 in [-32, 31].
 */
export function encodeQ6_K(values: ArrayLike<number>, out: Buffer, offset = 0): void {
  for (let b = 0; b < requireSuperBlocks(values, "Q6_K"); b++) {
    const start = b * QK_K;
    const base = offset + b * 210;
    const amax: number[] = [];
    for (let j = 0; j < 16; j++) {
      let a = 0;
      for (let l = 0; l < 16; l++) a = Math.max(a, Math.abs(fr(values[start + 16 * j + l]!)));
      amax.push(a / 31);
    }
    const dBits = float32ToF16((Math.max(...amax) * HEADROOM) / 127);
    const d = f16ToFloat32(dBits);
    const sc = amax.map((s) => (d ? Math.min(127, Math.ceil(s / d)) : 0));
    const L: number[] = [];
    for (const [j, s] of sc.entries()) {
      const step = fr(d * s);
      for (let l = 0; l < 16; l++) L.push((step ? Math.max(-32, Math.min(31, Math.round(fr(values[start + 16 * j + l]!) / step))) : 0) + 32);
    }
    const ql = base;
    const qh = base + 128;
    for (let h = 0; h < 2; h++) {
      for (let l = 0; l < 32; l++) {
        const at = 128 * h + l;
        const [q1, q2, q3, q4] = [L[at]!, L[at + 32]!, L[at + 64]!, L[at + 96]!];
        out[ql + 64 * h + l] = (q1 & 0xf) | ((q3 & 0xf) << 4);
        out[ql + 64 * h + 32 + l] = (q2 & 0xf) | ((q4 & 0xf) << 4);
        out[qh + 32 * h + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6);
      }
    }
    for (const [j, s] of sc.entries()) out.writeInt8(s, base + 192 + j);
    out.writeUInt16LE(dBits, base + 208);
  }
}
