// Per-(variant, k) metrics from scored queries: what the results view, the report, the CSV and the
// verdicts show. One linear pass over the records, then per-group work that depends only on the
// number of seeds, labels and distinct prompts.
//
// Inference (docs/STATISTICS.md, src/core/stats/inference.ts): the units are what was drawn.
// Several seeds: each seed's accuracy (over its distinct prompts) is one unit; the estimate is
// their mean, with an exact sign-flip test against chance and the interval that inverts it (never
// bolder than the pooled prompts' exact test: accuracyInference). One
// seed: each distinct prompt is one unit (a file that repeats an input makes identical prompts,
// whose predictions are one observation, not several); exact binomial test against chance and its
// Clopper-Pearson interval. Macro-F1 is computed per seed and averaged (as Li et al. 2024 report
// it); its interval is the same sign-flip inversion over seeds, and there is none for one seed.
import type { QueryRecord } from "./types";
import type { Interval } from "./stats/intervals";
import { accuracyInference, promptInference, signFlipDistribution, signFlipInterval, type Tested } from "./stats/inference";
import { macroF1FromIndices, type ConfusionMatrix } from "./stats/classification";
import { classTables, type ClassTables } from "./results/classTables";
import type { BaselineRecord } from "./results/schema";
import { NO_PREDICTION } from "./labelDecision";
import { defined } from "./defined";
import { warningCodes, type WarningCode } from "./warnings";

/** Baseline scores of one (variant, k, seed) demo set, exactly as the results file stores them. */
export type BaselineInput = BaselineRecord;

export interface AggregateOptions {
  /** Confidence level of every interval (default 0.95). */
  level?: number;
  /** Baseline scores per (variant, k, seed) demo set, from the caller. */
  baselines?: readonly BaselineInput[];
}

/** A descriptive share: correct of n records (no interval: records are not independent units). */
export interface Share {
  value: number;
  correct: number;
  n: number;
}

export interface SeedMetrics {
  seed: number;
  /** Records of the seed. */
  n: number;
  /** Correct records. */
  correct: number;
  /** Distinct prompts (identical demo set and query text count once). */
  prompts: number;
  /** Accuracy over the distinct prompts (each prompt weighs once; duplicates that disagree give a fraction). */
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

/** Accuracy with its inference against chance (see the file comment). */
export type AccuracyInference = Tested & {
  /** The estimate (mean of per-seed accuracies, or correct distinct prompts / distinct prompts). */
  value: number;
  /** Correct records and records, pooled (descriptive: the confusion matrix counts). */
  correct: number;
  n: number;
  /** p-value of "accuracy > chance" from the same method as the interval. */
  pAboveChance: number;
};

export interface VariantKMetrics {
  variant: string;
  k: number;
  /** Query records in the group. */
  n: number;
  /** Seeds present, ascending. */
  seeds: number[];
  /** Distinct prompts, summed over seeds. */
  prompts: number;
  /** Candidate labels in order of first appearance. */
  labels: string[];
  accuracy: AccuracyInference;
  macroF1: { value: number; interval?: Interval; perSeed: { seed: number; value: number }[] };
  perSeed: SeedMetrics[];
  meanGoldRank: number;
  /** Mean log p(gold label | prompt) over records whose gold is a candidate (NaN if none). */
  meanGoldLogProb: number;
  /** Share of predictions per label (label bias); every candidate label has an entry. */
  predictionShare: Record<string, number>;
  /** Dense L x L counts; built on first read (small label sets: the panel and the report's matrix). */
  confusion: ConfusionMatrix;
  /** Query records carrying each warning code (src/core/warnings.ts); empty when none. */
  warnings: Partial<Record<WarningCode, number>>;
  /** Per-class rows and the confusions that occurred (sparse), linear in the records; built on first read. */
  classTables: ClassTables;
  /** Accuracy after contextual calibration, over records that carry `calibrated`. */
  calibrated?: Share;
  /** Accuracy against the second gold (flipped labels: the original label), where present. */
  alt?: Share;
  /** Expected accuracy of uniform guessing: mean over records of 1 / #candidate labels. */
  chance: number;
  baselines?: BaselineSummary;
}

interface SeedAcc {
  n: number;
  correct: number;
  gold: number[];
  pred: number[];
  /** Distinct prompt -> [records, correct records]. */
  prompts: Map<string, [number, number]>;
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
  warnings: Partial<Record<WarningCode, number>>;
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

/**
 * Defines `m.confusion` as a cached, non-enumerable getter: the matrix has L x L cells (3 million
 * for a 1,727-class task, per variant and k), and the report, the panel and the verdicts use the
 * linear per-class tables instead (core/results/classTables.ts).
 */
function lazyConfusion(m: VariantKMetrics, labels: string[], gold: number[], pred: number[]): void {
  let cached: ConfusionMatrix | undefined;
  let tables: ClassTables | undefined;
  Object.defineProperty(m, "confusion", { enumerable: false, configurable: true, get: () => (cached ??= confusionOf(labels, gold, pred)) });
  // gold and pred are parallel label indices (pred -1 for a tie).
  const label = (i: number): string => defined(labels[i], "label of a record");
  const pairs = (): { gold: string; predicted: string }[] =>
    gold.map((g, i) => {
      const p = defined(pred[i], "prediction of a record");
      return { gold: label(g), predicted: p < 0 ? NO_PREDICTION : label(p) };
    });
  Object.defineProperty(m, "classTables", { enumerable: false, configurable: true, get: () => (tables ??= classTables(pairs(), labels)) });
}

/** Confusion of label indices; a prediction index of -1 is a tie (no prediction), counted in `ties`. */
function confusionOf(labels: string[], gold: ArrayLike<number>, pred: ArrayLike<number>): ConfusionMatrix {
  const L = labels.length;
  const counts = labels.map(() => new Array<number>(L).fill(0));
  const ties = new Array<number>(L).fill(0);
  // One pass over the records: i below both (parallel) lengths, label indices below L.
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = pred[i]!;
    if (p < 0) ties[g]!++;
    else counts[g]![p]!++;
  }
  return { labels: [...labels], counts, ...(ties.some((t) => t > 0) ? { ties } : {}) };
}

const share = (correct: number, n: number): Share => ({ value: n ? correct / n : NaN, correct, n });

const groupKey = (variant: string, k: number): string => `${variant}\u0001${k}`;

/**
 * Identity of the prompt a record was scored on, within its (variant, k, seed): the demo set and
 * the query text. Two records with the same key saw the same prompt (a file that repeats an
 * input); records only store demo indices, so equal demo texts at different indices stay apart.
 */
export const promptKey = (r: Pick<QueryRecord, "demoIndices" | "input">): string => `${r.demoIndices.join(",")}\u0001${r.input}`;

/** Correct distinct prompts (a prompt counts by the share of its records that are right) and their number. */
function promptCounts(s: SeedAcc): { successes: number; units: number } {
  let successes = 0;
  for (const [n, c] of s.prompts.values()) successes += c / n;
  return { successes, units: s.prompts.size };
}

/**
 * Metrics per (variant, k), in order of first appearance of the variant, then ascending k.
 * Throws a RangeError naming the record when a record is malformed (no labels, bad goldRank).
 */
export function aggregate(records: readonly QueryRecord[], opts: AggregateOptions = {}): VariantKMetrics[] {
  const level = opts.level ?? 0.95;
  const groups = new Map<string, Group>();
  const variantOrder = new Map<string, number>();

  records.forEach((r, ri) => {
    if (!r.labels || r.labels.length === 0) throw new RangeError(`record ${ri} (${r.variant}, k=${r.k}, seed ${r.seed}) has no label scores`);
    const key = groupKey(r.variant, r.k);
    let g = groups.get(key);
    if (!g) {
      g = {
        variant: r.variant,
        k: r.k,
        labels: [],
        labelIndex: new Map(),
        seeds: new Map(),
        n: 0,
        correct: 0,
        rankSum: 0,
        goldLogProbSum: 0,
        goldLogProbN: 0,
        chanceSum: 0,
        calN: 0,
        calCorrect: 0,
        altN: 0,
        altCorrect: 0,
        warnings: {},
      };
      groups.set(key, g);
      if (!variantOrder.has(r.variant)) variantOrder.set(r.variant, variantOrder.size);
    }
    let goldLp: number | undefined;
    for (const l of r.labels) {
      indexOf(g, l.label);
      // A non-model scorer's (g-linear's) logProb is a normalisation, not a log-probability: no gold log-prob.
      if (l.label === r.gold && l.score === undefined) goldLp = l.logProb;
    }
    let s = g.seeds.get(r.seed);
    if (!s) g.seeds.set(r.seed, (s = { n: 0, correct: 0, gold: [], pred: [], prompts: new Map() }));
    const ok = r.predicted === r.gold;
    s.n++;
    if (ok) s.correct++;
    s.gold.push(indexOf(g, r.gold));
    s.pred.push(r.predicted === NO_PREDICTION ? -1 : indexOf(g, r.predicted));
    const pk = promptKey(r);
    const pc = s.prompts.get(pk);
    if (pc) {
      pc[0]++;
      if (ok) pc[1]++;
    } else s.prompts.set(pk, [1, ok ? 1 : 0]);
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
    for (const code of warningCodes(r.warnings)) g.warnings[code] = (g.warnings[code] ?? 0) + 1;
  });

  const baselineGroups = new Map<string, BaselineInput[]>();
  for (const b of opts.baselines ?? []) {
    const key = groupKey(b.variant, b.k);
    const list = baselineGroups.get(key);
    if (list) list.push(b);
    else baselineGroups.set(key, [b]);
  }

  const ordered = [...groups.values()].sort((a, b) => variantOrder.get(a.variant)! - variantOrder.get(b.variant)! || a.k - b.k);
  return ordered.map((g) => {
    const seeds = [...g.seeds.keys()].sort((a, b) => a - b);
    let prompts = 0;
    const perSeed: SeedMetrics[] = seeds.map((seed) => {
      const s = g.seeds.get(seed)!;
      const pc = promptCounts(s);
      prompts += pc.units;
      return { seed, n: s.n, correct: s.correct, prompts: pc.units, accuracy: pc.successes / pc.units, macroF1: macroF1FromIndices(g.labels.length, s.gold, s.pred) };
    });
    const chance = g.chanceSum / g.n;
    const successes = perSeed.reduce((a, s) => a + s.accuracy * s.prompts, 0);
    const tested: Tested =
      perSeed.length > 1
        ? accuracyInference(
            perSeed.map((s) => s.accuracy),
            successes,
            prompts,
            chance,
            level,
          )
        : promptInference(successes, prompts, chance, level);
    const f1s = perSeed.map((s) => s.macroF1);
    const finiteF1 = f1s.filter((v) => Number.isFinite(v));
    const f1Interval = finiteF1.length > 1 ? signFlipInterval(signFlipDistribution(finiteF1), level) : undefined;
    // Pooled confusion and label shares (descriptive counts).
    const allGold: number[] = [];
    const allPred: number[] = [];
    for (const seed of seeds) {
      const s = g.seeds.get(seed)!;
      // s.gold and s.pred grow with s.n, one entry per record.
      for (const v of s.gold) allGold.push(v);
      for (const v of s.pred) allPred.push(v);
    }
    // Linear in the records: the dense L x L confusion is built only when someone reads it.
    const predicted = new Float64Array(g.labels.length);
    for (const p of allPred) if (p >= 0) predicted[p]!++; // label indices are below labels.length
    const predictionShare: Record<string, number> = {};
    g.labels.forEach((l, j) => (predictionShare[l] = predicted[j]! / g.n));
    const m: VariantKMetrics = {
      variant: g.variant,
      k: g.k,
      n: g.n,
      seeds,
      prompts,
      labels: [...g.labels],
      accuracy: { ...tested, value: tested.estimate, correct: g.correct, n: g.n, pAboveChance: tested.pGreater },
      macroF1: { value: f1s.reduce((a, v) => a + v, 0) / f1s.length, interval: f1Interval, perSeed: perSeed.map((s) => ({ seed: s.seed, value: s.macroF1 })) },
      perSeed,
      meanGoldRank: g.rankSum / g.n,
      meanGoldLogProb: g.goldLogProbN ? g.goldLogProbSum / g.goldLogProbN : NaN,
      predictionShare,
      confusion: undefined as unknown as ConfusionMatrix,
      classTables: undefined as unknown as ClassTables,
      chance,
      warnings: g.warnings,
    };
    lazyConfusion(m, g.labels, allGold, allPred);
    if (g.calN > 0) m.calibrated = share(g.calCorrect, g.calN);
    if (g.altN > 0) m.alt = share(g.altCorrect, g.altN);
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
