// Per-(variant, k) metrics from scored queries: what the results view, the report and the
// verdicts show. One linear pass over the records, then per-group work that depends only on the
// number of seeds and labels (plus a fixed-size bootstrap), so 20,000 records aggregate in
// well under a second.
//
// Intervals (issue 4): accuracy has a Wilson interval over all queries of the group and, when
// more than one seed ran, a percentile bootstrap of the mean of the per-seed accuracies
// (resampling seeds, the unit that varies demos and random maps). `accuracy.interval` is the
// one to display: Wilson for a single seed, the seed bootstrap otherwise. Macro-F1 is computed
// per seed and averaged (as Li et al. 2024 report it); its interval is the seed bootstrap, or for
// a single seed a bootstrap over queries (Wilson does not apply to F1).
import type { QueryRecord } from "./types";
import { binomialTestGreater } from "./stats/tests";
import { wilsonInterval, type Interval } from "./stats/intervals";
import { bootstrapCountsInterval, bootstrapMeanInterval, DEFAULT_RESAMPLES } from "./stats/bootstrap";
import { macroF1FromConfusion, macroF1FromCounts, type ConfusionMatrix } from "./stats/classification";
import type { BaselineRecord } from "./results/schema";
import { NO_PREDICTION } from "./labelDecision";

/** Baseline scores of one (variant, k, seed) demo set, exactly as the results file stores them. */
export type BaselineInput = BaselineRecord;

export interface AggregateOptions {
  /** Confidence level of every interval (default 0.95). */
  level?: number;
  /** Resamples of the seed bootstrap (default 2000). */
  bootstrapResamples?: number;
  /** Resamples of the single-seed macro-F1 bootstrap over queries (default 1000; 0 = no interval). */
  queryBootstrapResamples?: number;
  /** Bootstrap PRNG seed (default fixed, so a results file always gives the same intervals). */
  bootstrapSeed?: number;
  /** Baseline scores per (variant, k, seed) demo set, from the caller. */
  baselines?: readonly BaselineInput[];
}

export const DEFAULT_BOOTSTRAP_SEED = 20240604;

/** A proportion with its Wilson interval. */
export interface Proportion {
  value: number;
  correct: number;
  n: number;
  wilson: Interval;
}

export interface SeedMetrics {
  seed: number;
  n: number;
  correct: number;
  accuracy: number;
  macroF1: number;
}

export interface BaselineSummary {
  /** Queries behind the baselines (summed over seeds). */
  n: number;
  /** Pooled accuracies: sum(correct) / sum(n). */
  majority: number;
  logreg: number;
  majorityCorrect: number;
  logregCorrect: number;
  perSeed: { seed: number; n: number; majority: number; logreg: number }[];
}

export interface VariantKMetrics {
  variant: string;
  k: number;
  /** Query records in the group. */
  n: number;
  /** Seeds present, ascending. */
  seeds: number[];
  /** Candidate labels in order of first appearance. */
  labels: string[];
  accuracy: Proportion & {
    /** Mean of the per-seed accuracies. */
    seedMean: number;
    /** Percentile bootstrap across seeds (only when > 1 seed). */
    bootstrap?: Interval;
    /** The interval to display: Wilson (1 seed) or the seed bootstrap. */
    interval: Interval;
    /** Exact one-sided binomial p-value of accuracy > chance, pooled over seeds. */
    pAboveChance: number;
  };
  macroF1: { value: number; interval?: Interval; perSeed: { seed: number; value: number }[] };
  perSeed: SeedMetrics[];
  meanGoldRank: number;
  /** Mean log p(gold label | prompt) over records whose gold is a candidate (NaN if none). */
  meanGoldLogProb: number;
  /** Share of predictions per label (label bias); every candidate label has an entry. */
  predictionShare: Record<string, number>;
  confusion: ConfusionMatrix;
  /** Accuracy after contextual calibration, over records that carry `calibrated`. */
  calibrated?: Proportion;
  /** Accuracy against the second gold (flipped labels: the original label), where present. */
  alt?: Proportion;
  /** Expected accuracy of uniform guessing: mean over records of 1 / #candidate labels. */
  chance: number;
  baselines?: BaselineSummary;
}

interface SeedAcc {
  n: number;
  correct: number;
  gold: number[];
  pred: number[];
}

interface Group {
  variant: string;
  k: number;
  labels: string[];
  labelIndex: Map<string, number>;
  seeds: Map<number, SeedAcc>;
  n: number;
  correct: number;
  rankSum: number;
  goldLogProbSum: number;
  goldLogProbN: number;
  chanceSum: number;
  calN: number;
  calCorrect: number;
  altN: number;
  altCorrect: number;
}

function indexOf(g: Group, label: string): number {
  let i = g.labelIndex.get(label);
  if (i === undefined) {
    i = g.labels.length;
    g.labels.push(label);
    g.labelIndex.set(label, i);
  }
  return i;
}

/** Confusion of label indices; a prediction index of -1 is a tie (no prediction), counted in `ties`. */
function confusionOf(labels: string[], gold: ArrayLike<number>, pred: ArrayLike<number>): ConfusionMatrix {
  const L = labels.length;
  const counts = labels.map(() => new Array<number>(L).fill(0));
  const ties = new Array<number>(L).fill(0);
  for (let i = 0; i < gold.length; i++) {
    if (pred[i] < 0) ties[gold[i]]++;
    else counts[gold[i]][pred[i]]++;
  }
  return { labels: [...labels], counts, ...(ties.some((t) => t > 0) ? { ties } : {}) };
}

function proportion(correct: number, n: number, level: number): Proportion {
  return { value: n ? correct / n : NaN, correct, n, wilson: wilsonInterval(correct, n, level) };
}

const groupKey = (variant: string, k: number): string => `${variant}\u0001${k}`;

/**
 * Metrics per (variant, k), in order of first appearance of the variant, then ascending k.
 * Throws a RangeError naming the record when a record is malformed (no labels, bad goldRank).
 */
export function aggregate(records: readonly QueryRecord[], opts: AggregateOptions = {}): VariantKMetrics[] {
  const level = opts.level ?? 0.95;
  const resamples = opts.bootstrapResamples ?? DEFAULT_RESAMPLES;
  const queryResamples = opts.queryBootstrapResamples ?? 1000;
  const bootSeed = opts.bootstrapSeed ?? DEFAULT_BOOTSTRAP_SEED;
  const groups = new Map<string, Group>();
  const variantOrder = new Map<string, number>();

  records.forEach((r, ri) => {
    if (!r.labels || r.labels.length === 0) throw new RangeError(`record ${ri} (${r.variant}, k=${r.k}, seed ${r.seed}) has no label scores`);
    const key = groupKey(r.variant, r.k);
    let g = groups.get(key);
    if (!g) {
      g = {
        variant: r.variant, k: r.k, labels: [], labelIndex: new Map(), seeds: new Map(), n: 0, correct: 0, rankSum: 0,
        goldLogProbSum: 0, goldLogProbN: 0, chanceSum: 0, calN: 0, calCorrect: 0, altN: 0, altCorrect: 0,
      };
      groups.set(key, g);
      if (!variantOrder.has(r.variant)) variantOrder.set(r.variant, variantOrder.size);
    }
    let goldLp: number | undefined;
    for (const l of r.labels) {
      indexOf(g, l.label);
      if (l.label === r.gold) goldLp = l.logProb;
    }
    let s = g.seeds.get(r.seed);
    if (!s) g.seeds.set(r.seed, (s = { n: 0, correct: 0, gold: [], pred: [] }));
    const ok = r.predicted === r.gold;
    s.n++;
    if (ok) s.correct++;
    s.gold.push(indexOf(g, r.gold));
    s.pred.push(r.predicted === NO_PREDICTION ? -1 : indexOf(g, r.predicted));
    g.n++;
    if (ok) g.correct++;
    if (!(r.goldRank >= 1)) throw new RangeError(`record ${ri} (${r.variant}, k=${r.k}, seed ${r.seed}) has goldRank ${r.goldRank}; ranks start at 1`);
    g.rankSum += r.goldRank;
    if (goldLp !== undefined && Number.isFinite(goldLp)) {
      g.goldLogProbSum += goldLp;
      g.goldLogProbN++;
    }
    g.chanceSum += 1 / r.labels.length;
    if (r.calibrated) {
      g.calN++;
      if (r.calibrated.predicted === r.gold) g.calCorrect++;
    }
    if (r.goldAlt !== undefined) {
      g.altN++;
      if (r.predicted === r.goldAlt) g.altCorrect++;
    }
  });

  const baselineGroups = new Map<string, BaselineInput[]>();
  for (const b of opts.baselines ?? []) {
    const key = groupKey(b.variant, b.k);
    const list = baselineGroups.get(key);
    if (list) list.push(b);
    else baselineGroups.set(key, [b]);
  }

  const ordered = [...groups.values()].sort((a, b) => variantOrder.get(a.variant)! - variantOrder.get(b.variant)! || a.k - b.k);
  return ordered.map((g, gi) => {
    const seeds = [...g.seeds.keys()].sort((a, b) => a - b);
    const perSeed: SeedMetrics[] = seeds.map((seed) => {
      const s = g.seeds.get(seed)!;
      return { seed, n: s.n, correct: s.correct, accuracy: s.correct / s.n, macroF1: macroF1FromConfusion(confusionOf(g.labels, s.gold, s.pred)) };
    });
    const chance = g.chanceSum / g.n;
    const wilson = wilsonInterval(g.correct, g.n, level);
    const seedMean = perSeed.reduce((a, s) => a + s.accuracy, 0) / perSeed.length;
    // Distinct bootstrap streams per group and statistic, derived from the fixed seed.
    const bootSeedFor = (stat: number): number => (bootSeed + 7919 * gi + 104729 * stat) | 0;
    const bootstrap = perSeed.length > 1 ? bootstrapMeanInterval(perSeed.map((s) => s.accuracy), { resamples, seed: bootSeedFor(1), level, method: "bootstrap-seeds" }) : undefined;
    const f1s = perSeed.map((s) => s.macroF1);
    let f1Interval: Interval | undefined;
    if (perSeed.length > 1) {
      const finite = f1s.filter((v) => Number.isFinite(v));
      if (finite.length) f1Interval = bootstrapMeanInterval(finite, { resamples, seed: bootSeedFor(2), level, method: "bootstrap-seeds" });
    } else if (queryResamples > 0) {
      const s = g.seeds.get(seeds[0])!;
      const L = g.labels.length;
      // One extra column for ties (no prediction): misses of their gold class.
      const cols = L + 1;
      const cells = Int32Array.from(s.gold, (gold, i) => gold * cols + (s.pred[i] < 0 ? L : s.pred[i]));
      f1Interval = bootstrapCountsInterval(cells, L * cols, (counts) => macroF1FromCounts(counts, L, cols), {
        resamples: queryResamples, seed: bootSeedFor(3), level, method: "bootstrap-queries",
      });
    }
    // Pooled confusion and label shares.
    const allGold: number[] = [];
    const allPred: number[] = [];
    for (const seed of seeds) {
      const s = g.seeds.get(seed)!;
      for (let i = 0; i < s.n; i++) {
        allGold.push(s.gold[i]);
        allPred.push(s.pred[i]);
      }
    }
    const confusion = confusionOf(g.labels, allGold, allPred);
    const predictionShare: Record<string, number> = {};
    g.labels.forEach((l, j) => {
      let c = 0;
      for (let i = 0; i < g.labels.length; i++) c += confusion.counts[i][j];
      predictionShare[l] = c / g.n;
    });
    const m: VariantKMetrics = {
      variant: g.variant,
      k: g.k,
      n: g.n,
      seeds,
      labels: [...g.labels],
      accuracy: {
        ...proportion(g.correct, g.n, level),
        seedMean,
        bootstrap,
        interval: bootstrap ?? wilson,
        pAboveChance: binomialTestGreater(g.correct, g.n, Math.min(1, chance)),
      },
      macroF1: { value: f1s.reduce((a, v) => a + v, 0) / f1s.length, interval: f1Interval, perSeed: perSeed.map((s) => ({ seed: s.seed, value: s.macroF1 })) },
      perSeed,
      meanGoldRank: g.rankSum / g.n,
      meanGoldLogProb: g.goldLogProbN ? g.goldLogProbSum / g.goldLogProbN : NaN,
      predictionShare,
      confusion,
      chance,
    };
    if (g.calN > 0) m.calibrated = proportion(g.calCorrect, g.calN, level);
    if (g.altN > 0) m.alt = proportion(g.altCorrect, g.altN, level);
    const bl = baselineGroups.get(groupKey(g.variant, g.k));
    if (bl) m.baselines = summariseBaselines(bl);
    return m;
  });
}

/**
 * Averages the caller's per-(variant, k, seed) baseline scores: pooled accuracy
 * sum(correct) / sum(n), plus the per-seed values (several records of the same seed, e.g. one per
 * re-drawn demo set, are summed first).
 */
export function summariseBaselines(inputs: readonly BaselineInput[]): BaselineSummary {
  const bySeed = new Map<number, { n: number; maj: number; lr: number }>();
  let n = 0;
  let maj = 0;
  let lr = 0;
  for (const b of inputs) {
    if (!(b.n >= 0) || !(b.majorityCorrect >= 0) || !(b.logregCorrect >= 0)) throw new RangeError(`baseline record (${b.variant}, k=${b.k}, seed ${b.seed}) has negative or missing counts`);
    n += b.n;
    maj += b.majorityCorrect;
    lr += b.logregCorrect;
    const s = bySeed.get(b.seed) ?? { n: 0, maj: 0, lr: 0 };
    s.n += b.n;
    s.maj += b.majorityCorrect;
    s.lr += b.logregCorrect;
    bySeed.set(b.seed, s);
  }
  return {
    n,
    majority: n ? maj / n : NaN,
    logreg: n ? lr / n : NaN,
    majorityCorrect: maj,
    logregCorrect: lr,
    perSeed: [...bySeed.entries()].sort((a, b) => a[0] - b[0]).map(([seed, s]) => ({ seed, n: s.n, majority: s.n ? s.maj / s.n : NaN, logreg: s.n ? s.lr / s.n : NaN })),
  };
}
