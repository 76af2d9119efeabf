// Dequantizers of GGUF tensor data (src/gguf/dequant.ts) against two references:
// - blocks built byte by byte from ggml's format definitions (ggml-common.h), with the values
//   the format says they hold, independent of the project's encoders;
// - the project's quantizers (ggml's reference quantizers for the 32-value types, min/max ones
//   for the K-quants): rows of random values come back within the type's error, bounded from
//   the input alone.
// test/model/dequant.test.ts checks the same decoders against llama.cpp itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { canDequantize, DEQUANT_TYPES, dequantize, encodeValues, float32ToBF16, float32ToF16, GGML_TYPES, mulberry32, rowBytes, UnsupportedTensorTypeError, type DequantType } from "../../src/gguf";
import { at } from "../support/at";

const id = (t: DequantType): number => GGML_TYPES[t].id;
const h = (x: number): number => float32ToF16(x);

function block(bytes: number, fill: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(bytes);
  fill(b);
  return b;
}

test("hand-built blocks decode to the values ggml's format defines (every supported type)", () => {
  // F32 / F16 / BF16: plain numbers.
  assert.deepEqual(
    [
      ...dequantize(
        id("F32"),
        block(8, (b) => {
          b.writeFloatLE(1.5, 0);
          b.writeFloatLE(-2.25, 4);
        }),
        2,
      ),
    ],
    [1.5, -2.25],
  );
  assert.deepEqual(
    [
      ...dequantize(
        id("F16"),
        block(6, (b) => {
          b.writeUInt16LE(0x3c00, 0);
          b.writeUInt16LE(0xc100, 2);
          b.writeUInt16LE(0x0001, 4);
        }),
        3,
      ),
    ],
    [1, -2.5, 2 ** -24],
  );
  assert.deepEqual(
    [
      ...dequantize(
        id("BF16"),
        block(6, (b) => {
          b.writeUInt16LE(0x3f80, 0);
          b.writeUInt16LE(0xc040, 2);
          b.writeUInt16LE(0x4049, 4);
        }),
        3,
      ),
    ],
    [1, -3, 3.140625],
  );

  // Q8_0: f16 d, 32 int8: x = q d.
  const q8 = dequantize(
    id("Q8_0"),
    block(34, (b) => {
      b.writeUInt16LE(h(0.5), 0);
      for (let j = 0; j < 32; j++) b.writeInt8(j * 8 - 128, 2 + j);
    }),
    32,
  );
  for (let j = 0; j < 32; j++) assert.equal(q8[j], (j * 8 - 128) * 0.5);

  // Q4_0: f16 d, 16 bytes; byte j holds element j (low nibble) and j + 16 (high); x = (q - 8) d.
  const q40 = dequantize(
    id("Q4_0"),
    block(18, (b) => {
      b.writeUInt16LE(h(0.25), 0);
      for (let j = 0; j < 16; j++) b[2 + j] = j | ((15 - j) << 4);
    }),
    32,
  );
  for (let j = 0; j < 16; j++) {
    assert.equal(q40[j], (j - 8) * 0.25);
    assert.equal(q40[j + 16], (7 - j) * 0.25);
  }

  // Q4_1: f16 d, f16 m, 16 bytes; x = q d + m.
  const q41 = dequantize(
    id("Q4_1"),
    block(20, (b) => {
      b.writeUInt16LE(h(0.5), 0);
      b.writeUInt16LE(h(-3), 2);
      for (let j = 0; j < 16; j++) b[4 + j] = (j % 16) | ((j % 5) << 4);
    }),
    32,
  );
  for (let j = 0; j < 16; j++) {
    assert.equal(q41[j], j * 0.5 - 3);
    assert.equal(q41[j + 16], (j % 5) * 0.5 - 3);
  }

  // Q5_0: f16 d, u32 qh (bit j = 5th bit of element j), 16 bytes of low nibbles; x = (q - 16) d.
  const qh5 = 0b10110000_11110000_00001111_10100101;
  const q5 = (j: number): number => (j < 16 ? j : 31 - j) & 0xf;
  const fill5 = (b: Buffer, at: number) => {
    b.writeUInt32LE(qh5 >>> 0, at);
    for (let j = 0; j < 16; j++) b[at + 4 + j] = q5(j) | (q5(j + 16) << 4);
  };
  const q50 = dequantize(
    id("Q5_0"),
    block(22, (b) => {
      b.writeUInt16LE(h(2), 0);
      fill5(b, 2);
    }),
    32,
  );
  for (let j = 0; j < 32; j++) assert.equal(q50[j], (q5(j) + 16 * ((qh5 >>> j) & 1) - 16) * 2, `Q5_0 element ${j}`);
  // Q5_1: f16 d, f16 m, qh, qs; x = q d + m.
  const q51 = dequantize(
    id("Q5_1"),
    block(24, (b) => {
      b.writeUInt16LE(h(0.125), 0);
      b.writeUInt16LE(h(1), 2);
      fill5(b, 4);
    }),
    32,
  );
  for (let j = 0; j < 32; j++) assert.equal(q51[j], (q5(j) + 16 * ((qh5 >>> j) & 1)) * 0.125 + 1, `Q5_1 element ${j}`);

  // Q4_K / Q5_K: f16 d, f16 dmin, 12 bytes of eight 6-bit (scale, min) pairs, then the quants.
  // Scale-byte layout: for j < 4, byte j = sc_j | (sc_{j+4} >> 4) << 6, byte j+4 = m_j | (m_{j+4} >> 4) << 6,
  // byte j+8 = (sc_{j+4} & 15) | (m_{j+4} & 15) << 4. Sub-block s holds elements 32s..32s+31;
  // value = d sc_s q - dmin m_s.
  const sc = [1, 5, 17, 63, 33, 48, 20, 7];
  const mn = [0, 63, 2, 40, 16, 31, 50, 1];
  const scaleBytes = (b: Buffer, off: number) => {
    for (let j = 0; j < 4; j++) {
      b[off + j] = at(sc, j) | ((at(sc, j + 4) >> 4) << 6);
      b[off + j + 4] = at(mn, j) | ((at(mn, j + 4) >> 4) << 6);
      b[off + j + 8] = (at(sc, j + 4) & 15) | ((at(mn, j + 4) & 15) << 4);
    }
  };
  // Element e (0..255) gets quant qk(e); 4-bit quants: 64-element chunk c uses bytes 32c..32c+31,
  // low nibble = element 64c + l, high nibble = element 64c + 32 + l.
  const qk = (e: number, bits: number): number => (e * 7 + 3) % (1 << bits);
  const q4k = dequantize(
    id("Q4_K"),
    block(144, (b) => {
      b.writeUInt16LE(h(0.5), 0);
      b.writeUInt16LE(h(0.25), 2);
      scaleBytes(b, 4);
      for (let c = 0; c < 4; c++) for (let l = 0; l < 32; l++) b[16 + 32 * c + l] = qk(64 * c + l, 4) | (qk(64 * c + 32 + l, 4) << 4);
    }),
    256,
  );
  for (let e = 0; e < 256; e++) assert.equal(q4k[e], 0.5 * at(sc, e >> 5) * qk(e, 4) - 0.25 * at(mn, e >> 5), `Q4_K element ${e}`);
  // Q5_K adds qh[32] before qs: the fifth bit of element 64c + l is bit 2c of qh[l], of 64c + 32 + l bit 2c + 1.
  const q5k = dequantize(
    id("Q5_K"),
    block(176, (b) => {
      b.writeUInt16LE(h(0.5), 0);
      b.writeUInt16LE(h(0.25), 2);
      scaleBytes(b, 4);
      for (let c = 0; c < 4; c++)
        for (let l = 0; l < 32; l++) {
          const lo = qk(64 * c + l, 5);
          const hi = qk(64 * c + 32 + l, 5);
          b[48 + 32 * c + l] = (lo & 15) | ((hi & 15) << 4);
          b[16 + l] = at(b, 16 + l) | ((lo >> 4) << (2 * c)) | ((hi >> 4) << (2 * c + 1));
        }
    }),
    256,
  );
  for (let e = 0; e < 256; e++) assert.equal(q5k[e], 0.5 * at(sc, e >> 5) * qk(e, 5) - 0.25 * at(mn, e >> 5), `Q5_K element ${e}`);

  // Q6_K: ql[128], qh[64], int8 scales[16] (one per 16 elements), f16 d last; value = d sc (q - 32).
  // 128-element half h: ql[64h + l] = q(128h + l) low | q(128h + 64 + l) low << 4,
  // ql[64h + 32 + l] = q(128h + 32 + l) low | q(128h + 96 + l) low << 4,
  // qh[32h + l] = the high 2 bits of q(128h + l), q(+32), q(+64), q(+96) at bits 0, 2, 4, 6.
  const sc6 = [-128, -1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 127, -7, -50, 100];
  const q6 = (e: number): number => (e * 11 + 5) % 64;
  const q6k = dequantize(
    id("Q6_K"),
    block(210, (b) => {
      for (let half = 0; half < 2; half++)
        for (let l = 0; l < 32; l++) {
          const e = 128 * half + l;
          b[64 * half + l] = (q6(e) & 15) | ((q6(e + 64) & 15) << 4);
          b[64 * half + 32 + l] = (q6(e + 32) & 15) | ((q6(e + 96) & 15) << 4);
          b[128 + 32 * half + l] = (q6(e) >> 4) | ((q6(e + 32) >> 4) << 2) | ((q6(e + 64) >> 4) << 4) | ((q6(e + 96) >> 4) << 6);
        }
      sc6.forEach((s, j) => b.writeInt8(s, 192 + j));
      b.writeUInt16LE(h(0.125), 208);
    }),
    256,
  );
  for (let e = 0; e < 256; e++) assert.equal(q6k[e], 0.125 * at(sc6, e >> 4) * (q6(e) - 32), `Q6_K element ${e}`);
});

/** Deterministic test rows: normal-ish values with a few outliers, some blocks all zero or one-signed. */
function testRow(n: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
    out[i] = g * 0.05 * (r() < 0.02 ? 8 : 1);
  }
  out.fill(0, 256, 288); // an all-zero block (and part of a K super-block)
  for (let i = 288; i < 320; i++) out[i] = Math.abs(at(out, i)) + 0.01; // a block of positive values only
  return out;
}

const F16_REL = 2 ** -11;

/**
 * The largest error each type may make on value i of `x`, from the input alone (ggml's format:
 * step sizes per block, the f16 rounding of the stored scales and offsets, clamping at the end
 * of the range for the symmetric types).
 */
function bound(type: DequantType, x: Float32Array, i: number): number {
  const span = (size: number) => x.subarray(Math.floor(i / size) * size, Math.floor(i / size) * size + size);
  const amax = (v: Float32Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  switch (type) {
    case "F32":
      return 0;
    case "F16":
      return Math.abs(at(x, i)) * F16_REL + 2 ** -25;
    case "BF16":
      return Math.abs(at(x, i)) * 2 ** -8;
    case "Q8_0":
      return (amax(span(32)) / 127) * (0.5 + 127 * F16_REL);
    case "Q4_0":
    case "Q5_0": {
      // d = max / -L (L = 8 or 16); one extra step at the clamped end of the range.
      const L = type === "Q4_0" ? 8 : 16;
      const d = amax(span(32)) / L;
      return d * (1 + L * F16_REL) + 1e-7;
    }
    case "Q4_1":
    case "Q5_1": {
      const b = span(32);
      const lo = Math.min(...b),
        hi = Math.max(...b);
      const L = type === "Q4_1" ? 15 : 31;
      const d = (hi - lo) / L;
      return d / 2 + (Math.abs(lo) + L * d) * F16_REL + 1e-7;
    }
    case "Q4_K":
    case "Q5_K": {
      // Half a step; the step of a 32-value sub-block exceeds its own range / levels by at most
      // one unit of each 6-bit scale (d and dmin are the super-block's largest need / 63).
      const L = type === "Q4_K" ? 15 : 31;
      const sup = span(256);
      const subs = Array.from({ length: 8 }, (_, j) => sup.subarray(32 * j, 32 * j + 32));
      const dmin = Math.max(...subs.map((s) => -Math.min(0, ...s))) / 63;
      const d = Math.max(...subs.map((s) => (Math.max(...s) - Math.min(0, ...s) + dmin) / L)) / 63;
      const s = span(32);
      const step = (Math.max(...s) - Math.min(0, ...s) + dmin) / L + d;
      return (step / 2) * (1 + 4 * F16_REL) + 1e-7;
    }
    case "Q6_K": {
      const sup = span(256);
      const d = Math.max(...Array.from({ length: 16 }, (_, j) => amax(sup.subarray(16 * j, 16 * j + 16)))) / 31 / 127;
      const step = amax(span(16)) / 31 + d;
      return (step / 2) * (1 + 4 * F16_REL) + 1e-7;
    }
  }
}

test("every dequantizer returns the project's quantized rows within the type's error", (t) => {
  const n = 1024;
  const lines: string[] = [];
  for (const type of DEQUANT_TYPES) {
    let worst = 0;
    let sq = 0;
    let ref = 0;
    for (const seed of [1, 2, 3]) {
      const x = testRow(n, seed);
      const bytes = encodeValues(type, x);
      assert.equal(bytes.length, rowBytes(id(type), n), `${type}: row size`);
      const y = dequantize(id(type), bytes, n);
      for (let i = 0; i < n; i++) {
        const err = Math.abs(at(y, i) - at(x, i));
        assert.ok(err <= bound(type, x, i), `${type} seed ${seed} value ${i}: ${y[i]} vs ${x[i]} (error ${err}, bound ${bound(type, x, i)})`);
        worst = Math.max(worst, err / 0.05);
        sq += (at(y, i) - at(x, i)) ** 2;
        ref += at(x, i) ** 2;
      }
    }
    lines.push(`${type}: max |error| ${worst.toExponential(2)} x sigma, relative RMS error ${Math.sqrt(sq / ref).toExponential(2)}`);
  }
  t.diagnostic(lines.join("; "));
});

test("the 32-value quantizers are ggml's reference ones: extreme values hit the end codes", () => {
  const x = Float32Array.from({ length: 32 }, (_, i) => (i - 10) / 10); // max |x| = 2.1 at i = 31
  const q40 = encodeValues("Q4_0", x);
  assert.equal(q40.readUInt16LE(0), float32ToF16(2.1 / -8), "Q4_0 d = max / -8");
  assert.equal(at(q40, 2 + 15) >> 4, 0, "the largest value gets q = 0 (d is negative)");
  const q41 = encodeValues("Q4_1", x);
  assert.equal(q41.readUInt16LE(2), float32ToF16(-1), "Q4_1 m = min");
  assert.equal(at(q41, 2 + 2) & 0xf, 0, "the minimum gets q = 0");
  assert.equal(at(q41, 4 + 15) >> 4, 15, "the maximum gets q = 15");
  const q50 = encodeValues("Q5_0", x);
  assert.equal(q50.readUInt16LE(0), float32ToF16(2.1 / -16));
  assert.equal(float32ToBF16(1 + 2 ** -8), 0x3f80, "BF16 rounds half to even");
  assert.equal(float32ToBF16(1 + 3 * 2 ** -8), 0x3f82);
});

test("types without a decoder are refused with an error that names the type", () => {
  for (const [typeId, name] of [
    [10, "Q2_K"],
    [11, "Q3_K"],
    [17, "IQ2_XS"],
    [23, "IQ4_XS"],
    [99, "unknown ggml type 99"],
  ] as const) {
    assert.equal(canDequantize(typeId), false);
    assert.throws(
      () => dequantize(typeId, new Uint8Array(84), 256, "token_embd.weight"),
      (e: unknown) => {
        assert.ok(e instanceof UnsupportedTensorTypeError);
        assert.match(e.message, new RegExp(`token_embd\\.weight is stored as ${name.replace(/[()]/g, "\\$&")}`));
        assert.match(e.message, /supported: F32, F16, BF16, Q8_0/);
        return true;
      },
    );
  }
  for (const type of DEQUANT_TYPES) assert.equal(canDequantize(id(type)), true);
  assert.throws(() => dequantize(id("Q4_K"), new Uint8Array(144), 128), /blocks of 256 values/);
  assert.throws(() => dequantize(id("Q8_0"), new Uint8Array(33), 32), /take 34 bytes, got 33/);
});
