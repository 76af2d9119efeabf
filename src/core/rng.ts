// Seeded randomness for every variant, selection and cipher. Built on pure-rand's
// xoroshiro128+ (fast, 32-bit integer arithmetic only, so the same seed gives the same stream
// on every machine and JS engine) with its unbiased uniformInt distribution. Never Math.random.
//
// Independence: each use derives its own stream from a string of parts, e.g.
// `rngFor(seed, "demos-fixed")`, `rngFor(seed, "random-labels", draw, example.index)`, so adding
// a new consumer (or changing how many numbers one consumer draws) never shifts another's values.
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

export type { RandomGenerator };

const encoder = new TextEncoder();

/**
 * Stable 32-bit FNV-1a hash of the parts (UTF-8 bytes; numbers and strings are tagged so that
 * 1 and "1" differ; a unit separator between parts so ("ab","c") != ("a","bc")).
 * Returns an unsigned 32-bit integer.
 */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const mix = (byte: number): void => {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  for (const part of parts) {
    if (typeof part === "number" && !Number.isFinite(part)) throw new Error(`hashSeed: part ${part} is not a finite number`);
    mix(typeof part === "number" ? 0x01 : 0x02);
    for (const b of encoder.encode(String(part))) mix(b);
    mix(0x1f);
  }
  return h >>> 0;
}

/** splitmix32 finalizer step: spreads every input bit over all output bits. */
function splitmix32(x: number): number {
  let t = (x + 0x9e3779b9) | 0;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return (t ^ (t >>> 15)) | 0;
}

/**
 * A fresh generator for the stream named by the parts (see hashSeed).
 * Why not `xoroshiro128plus(hash)`: that constructor puts the seed into the state almost as is,
 * so its first output is just ~seed, and FNV-1a's low bits are the XOR of the input bytes' low
 * bits; a stream per example index would then alternate with the index's parity. The 128-bit
 * state is filled with four splitmix32 words derived from the hash instead.
 */
export function rngFor(...parts: (string | number)[]): RandomGenerator {
  const h = hashSeed(...parts);
  const word = (i: number): number => splitmix32((h + Math.imul(i, 0x632be5ab)) | 0);
  const state: [number, number, number, number] = [word(0), word(1), word(2), word(3)];
  if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1; // xoroshiro's state must not be all zero
  return xoroshiro128plusFromState(state);
}

/** Uniform integer in [0, n). Throws for n < 1. */
export function intBelow(rng: RandomGenerator, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`intBelow: n must be a positive integer, got ${n}`);
  return uniformInt(rng, 0, n - 1);
}

/** Uniform integer in [lo, hi] (both included). */
export function intBetween(rng: RandomGenerator, lo: number, hi: number): number {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new Error(`intBetween: bad range [${lo}, ${hi}]`);
  return uniformInt(rng, lo, hi);
}

/** One element chosen uniformly. Throws on an empty array. */
export function pick<T>(rng: RandomGenerator, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick: empty array");
  // The index is below the length. A ! rather than defined(): T may itself include undefined.
  return items[intBelow(rng, items.length)]!;
}

// shuffle and sample swap within out (i, j < out.length); ! as in pick.

/** A shuffled copy (Fisher-Yates, from the end). The input is not modified. */
export function shuffle<T>(rng: RandomGenerator, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = intBelow(rng, i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** m distinct elements, in random order (partial Fisher-Yates). Throws when m > items.length. */
export function sample<T>(rng: RandomGenerator, items: readonly T[], m: number): T[] {
  if (!Number.isInteger(m) || m < 0 || m > items.length) throw new Error(`sample: cannot take ${m} of ${items.length} items`);
  const out = items.slice();
  for (let i = 0; i < m; i++) {
    const j = i + intBelow(rng, out.length - i);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out.slice(0, m);
}

/** A random permutation p of 0..n-1. */
export function permutation(rng: RandomGenerator, n: number): number[] {
  return shuffle(
    rng,
    Array.from({ length: n }, (_, i) => i),
  );
}

/**
 * A uniformly random derangement of 0..n-1 (p[i] !== i for all i), by rejection: draw
 * permutations until one has no fixed point (expected about e tries). Throws for n < 2.
 */
export function derangement(rng: RandomGenerator, n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`derangement: needs at least 2 elements, got ${n}`);
  for (;;) {
    const p = permutation(rng, n);
    if (p.every((v, i) => v !== i)) return p;
  }
}
