// Random functions g run as several variants: the n-th draw of ra-string / g-string (or ra-token /
// g-token / g-linear) shares one g per seed, so the runs of two ids pair up by draw and seed. The
// H3 correlation verdict and the figures across g (src/core/figures) read these pairs from here.
import type { VariantKMetrics } from "../metrics";
import { accuracyBySeed, type SeedSeries } from "../compare";
import { promptInference, seedInference, type Tested } from "../stats/inference";
import type { VerdictRun } from "./common";
import { parseVariantKey } from "../variants/keys";
import { defined } from "../defined";

/** One function g: the accuracies of the two ids for one draw within one seed. */
export interface DrawPoint {
  draw: number;
  seed: number;
  /** Accuracy of the first id (the x axis). */
  x: number;
  /** Accuracy of the second id (the y axis). */
  y: number;
}

export interface DrawPairs {
  k: number;
  /** Draws that ran as both ids at this k, ascending. */
  pairs: { draw: number; x: VariantKMetrics; y: VariantKMetrics }[];
  /** One point per (draw, seed) both ran. */
  points: DrawPoint[];
}

/** Pairs of `xId#n` and `yId#n` runs, per k, the k with the most draws first (ties: the larger k). */
export function drawPairs(metrics: readonly VariantKMetrics[], xId: string, yId: string): DrawPairs[] {
  const xs = new Map<string, VariantKMetrics>();
  const ys = new Map<string, VariantKMetrics>();
  for (const m of metrics) {
    const { id, draw } = parseVariantKey(m.variant);
    if (draw === undefined || m.n === 0) continue;
    if (id === xId) xs.set(`${draw}|${m.k}`, m);
    if (id === yId) ys.set(`${draw}|${m.k}`, m);
  }
  const byK = new Map<number, DrawPairs["pairs"]>();
  for (const [key, x] of xs) {
    const y = ys.get(key);
    if (!y) continue;
    const list = byK.get(x.k) ?? [];
    list.push({ draw: Number(key.split("|")[0]), x, y });
    byK.set(x.k, list);
  }
  return [...byK.entries()]
    .sort((a, b) => b[1].length - a[1].length || b[0] - a[0])
    .map(([k, pairs]) => {
      pairs.sort((a, b) => a.draw - b.draw);
      const points: DrawPoint[] = [];
      for (const p of pairs) {
        const yBySeed = new Map(p.y.perSeed.map((s) => [s.seed, s.accuracy]));
        for (const s of p.x.perSeed) {
          const y = yBySeed.get(s.seed);
          if (y !== undefined) points.push({ draw: p.draw, seed: s.seed, x: s.accuracy, y });
        }
      }
      return { k, pairs, points };
    });
}

/** One side of a comparison: a run, or the draws of one k pooled per seed. */
export interface Side extends VerdictRun {
  accuracy: Tested;
  bySeed: SeedSeries;
  chance: number;
}

export const sideOf = (m: VariantKMetrics): Side => ({ variant: m.variant, k: m.k, accuracy: m.accuracy, bySeed: accuracyBySeed(m), chance: m.chance });

/** The draws of one k pooled: per seed the mean of the draws' accuracies; one seed pools their distinct prompts. */
export function poolDraws(runs: readonly VariantKMetrics[], name: string, level: number): Side[] {
  const byK = new Map<number, VariantKMetrics[]>();
  for (const r of runs) byK.set(r.k, [...(byK.get(r.k) ?? []), r]);
  return [...byK.entries()].map(([k, rs]) => {
    const seeds = new Map<number, { sum: number; n: number; successes: number; prompts: number }>();
    for (const r of rs) {
      for (const s of r.perSeed) {
        const a = seeds.get(s.seed) ?? { sum: 0, n: 0, successes: 0, prompts: 0 };
        a.sum += s.accuracy;
        a.n++;
        a.successes += s.accuracy * s.prompts;
        a.prompts += s.prompts;
        seeds.set(s.seed, a);
      }
    }
    const chance = rs.reduce((a, r) => a + r.chance, 0) / rs.length;
    const bySeed = new Map([...seeds.entries()].map(([s, a]) => [s, a.sum / a.n]));
    // One seed: its distinct prompts are the units (the runs picked have scored queries, so there is a seed).
    const only = seeds.size > 1 ? undefined : defined([...seeds.values()][0], "seed of the pooled draws");
    const accuracy = only
      ? promptInference(only.successes, only.prompts, chance, level)
      : seedInference(
          [...bySeed].sort(([a], [b]) => a - b).map(([, acc]) => acc),
          chance,
          level,
        );
    return { variant: name, k, accuracy, bySeed, chance };
  });
}
