// Multinomial logistic regression on bag-of-n-gram features: the "does a simple learner pick up
// this mapping from the same k demos?" baseline for H2 (Li et al. 2024, section on tau_PA).
//
// Fixed hyperparameters, chosen before looking at any query (the authors' code picked the best
// of a grid on the test set, which is optimistic; we do not):
//   objective  0.5 * ||W||^2 + C * sum_i cross-entropy(softmax(W x_i + b), y_i),  C = 10
//   (sklearn's LogisticRegression convention; the intercept b is not penalised). C = 10 rather
//   than sklearn's default 1 because the features are L2-normalised over ~100 n-grams per
//   input, which shrinks every weight's effect ~10x: with C = 1 a 16-demo keyword task stayed
//   at 0.64-0.87 accuracy where C = 10 reached 0.69-0.96 (synthetic tasks of
//   test/unit/baselines.test.ts, 10 draws; C = 100 gained < 0.04 more). Chosen once on those
//   synthetic tasks, never on a user's queries.
//   minimised by L-BFGS (memory 10, Armijo backtracking) from W = 0, b = 0 for at most 200
//   iterations or until max |gradient| < 1e-6. No randomness anywhere: the same demos give the
//   same model bit for bit.
// Only classes present in the demos are modelled (as sklearn's classes_); other labels of the
// label space get probability 0. With k = 0 the model is uniform over the label space (chance).
import { Vocabulary, type SparseVector } from "./features";
import { defined } from "../defined";

export interface LabeledText {
  input: string;
  label: string;
}

export interface LogRegOptions {
  /** Inverse L2 strength (default 10, see above). */
  C?: number;
  /** L-BFGS iteration cap (default 200). */
  maxIterations?: number;
  /** Stop when the largest absolute gradient entry is below this (default 1e-6). */
  tolerance?: number;
}

export const LOGREG_DEFAULTS: Required<LogRegOptions> = { C: 10, maxIterations: 200, tolerance: 1e-6 };

export interface Prediction {
  label: string;
  /** Probability per label of the model's label space. */
  probs: Record<string, number>;
}

export class LogRegModel {
  constructor(
    /** The full label space, in order (ties in predictions go to the earlier label). */
    readonly labels: readonly string[],
    /** Labels seen in the demos (the modelled classes), in label-space order. */
    readonly classes: readonly string[],
    private readonly vocab: Vocabulary,
    /** Row-major weights, classes.length x vocab.size. */
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
    /** Training diagnostics. */
    readonly iterations: number,
    readonly converged: boolean,
    readonly loss: number,
  ) {}

  /** Probabilities over `labels` (same order). */
  probabilities(input: string): number[] {
    const L = this.labels.length;
    const C = this.classes.length;
    if (C === 0) return new Array<number>(L).fill(1 / L);
    const scores = scoresOf(this.vocab.vectorize(input), this.weights, this.bias, C, this.vocab.size);
    softmaxInPlace(scores);
    const out = new Array<number>(L).fill(0);
    this.classes.forEach((cls, c) => (out[this.labels.indexOf(cls)] = defined(scores[c], "score of a modelled class")));
    return out;
  }

  /** The most probable label (earliest in label order on ties). */
  predict(input: string): string {
    return defined(this.labels[argmax(this.probabilities(input))], "most probable label");
  }

  /** Label and probabilities. */
  predictWithProbs(input: string): Prediction {
    const p = this.probabilities(input);
    const probs: Record<string, number> = {};
    this.labels.forEach((l, i) => (probs[l] = defined(p[i], "probability of a label")));
    return { label: defined(this.labels[argmax(p)], "most probable label"), probs };
  }
}

/** Index of the largest value, the first one on ties. */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

// The numeric loops below index typed arrays within their lengths: W is C x D, b and s have C
// entries, x.ids / x.values are parallel with ids below D, and loops run to the array's length.
function scoresOf(x: SparseVector, W: Float64Array, b: Float64Array, C: number, D: number): Float64Array {
  const s = Float64Array.from(b);
  for (let c = 0; c < C; c++) {
    const row = c * D;
    let acc = s[c]!;
    for (let j = 0; j < x.ids.length; j++) acc += W[row + x.ids[j]!]! * x.values[j]!;
    s[c] = acc;
  }
  return s;
}

/** In-place softmax; returns log-sum-exp of the input. */
function softmaxInPlace(s: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < s.length; i++) if (s[i]! > m) m = s[i]!;
  let z = 0;
  for (let i = 0; i < s.length; i++) {
    const e = Math.exp(s[i]! - m);
    s[i] = e;
    z += e;
  }
  for (let i = 0; i < s.length; i++) s[i]! /= z;
  return m + Math.log(z);
}

/**
 * Trains the baseline on exactly the demos the model saw. `labels` is the label space (default:
 * the demo labels in order of first appearance); demo labels outside it are appended.
 */
export function trainLogReg(demos: readonly LabeledText[], labels?: readonly string[], options: LogRegOptions = {}): LogRegModel {
  const opts = { ...LOGREG_DEFAULTS, ...options };
  if (!(opts.C > 0)) throw new RangeError(`trainLogReg: C must be positive, got ${opts.C}`);
  const space = [...(labels ?? [])];
  for (const d of demos) if (!space.includes(d.label)) space.push(d.label);
  if (space.length === 0) throw new RangeError("trainLogReg: no labels (give the label space or at least one demo)");
  const present = new Set(demos.map((d) => d.label));
  const classes = space.filter((l) => present.has(l));
  const vocab = new Vocabulary();
  for (const d of demos) vocab.addText(d.input);
  const C = classes.length;
  const D = vocab.size;
  if (C <= 1) {
    // Nothing to separate: uniform (k = 0) or always the single class.
    return new LogRegModel(space, classes, vocab, new Float64Array(C * D), new Float64Array(C), 0, true, 0);
  }
  // Every demo label is a class, so each gold index is below C.
  const train = demos.map((d) => ({ x: vocab.vectorize(d.input), gold: classes.indexOf(d.label) }));
  const nW = C * D;
  // theta and grad hold nW weights then C biases; s has C entries; x's ids are below D.
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < nW; i++) {
      const w = theta[i]!;
      f += 0.5 * w * w;
      grad[i] = w;
    }
    for (let c = 0; c < C; c++) grad[nW + c] = 0;
    const W = theta.subarray(0, nW);
    const b = theta.subarray(nW);
    for (const { x, gold } of train) {
      const s = scoresOf(x, W, b, C, D);
      softmaxInPlace(s); // s now holds probabilities
      // cross-entropy = lse - raw score of the gold class = -log p_gold
      f += opts.C * -Math.log(Math.max(s[gold]!, 1e-300));
      for (let c = 0; c < C; c++) {
        const r = opts.C * (s[c]! - (c === gold ? 1 : 0));
        grad[nW + c]! += r;
        const row = c * D;
        for (let j = 0; j < x.ids.length; j++) grad[row + x.ids[j]!]! += r * x.values[j]!;
      }
    }
    return f;
  };
  const result = lbfgs(objective, new Float64Array(nW + C), opts.maxIterations, opts.tolerance);
  return new LogRegModel(space, classes, vocab, result.x.slice(0, nW), result.x.slice(nW), result.iterations, result.converged, result.f);
}

interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!; // a and b have the same length
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.4, two-loop recursion) with Armijo
 * backtracking. Deterministic: no randomness, fixed iteration cap.
 */
function lbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, maxIter: number, tol: number, memory = 10): LbfgsResult {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = fg(x, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  // S, Y and rho always have the same length (at most memory); every vector has n entries.
  let iter = 0;
  for (; iter < maxIter; iter++) {
    if (maxAbs(g) < tol) return { x, f, iterations: iter, converged: true };
    // Two-loop recursion: d = -H g
    const d = Float64Array.from(g);
    for (let i = S.length - 1; i >= 0; i--) {
      const Yi = Y[i]!;
      const ai = rho[i]! * dot(S[i]!, d);
      alpha[i] = ai;
      for (let j = 0; j < n; j++) d[j]! -= ai * Yi[j]!;
    }
    const sLast = S[S.length - 1];
    const yLast = Y[Y.length - 1];
    const gamma = sLast && yLast ? dot(sLast, yLast) / dot(yLast, yLast) : 1 / Math.max(1, Math.sqrt(dot(g, g)));
    for (let j = 0; j < n; j++) d[j]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const Si = S[i]!;
      const beta = rho[i]! * dot(Y[i]!, d);
      for (let j = 0; j < n; j++) d[j]! += Si[j]! * (alpha[i]! - beta);
    }
    for (let j = 0; j < n; j++) d[j] = -d[j]!;
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < n; j++) d[j] = -g[j]! / Math.max(1, Math.sqrt(dot(g, g)));
      slope = dot(g, d);
    }
    let t = 1;
    const xn = new Float64Array(n);
    const gn = new Float64Array(n);
    let fn = Infinity;
    for (let ls = 0; ls < 50; ls++) {
      for (let j = 0; j < n; j++) xn[j] = x[j]! + t * d[j]!;
      fn = fg(xn, gn);
      if (fn <= f + 1e-4 * t * slope) break;
      t *= 0.5;
    }
    if (!(fn < f)) return { x, f, iterations: iter, converged: maxAbs(g) < tol }; // no progress possible
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xn[j]! - x[j]!;
      yv[j] = gn[j]! - g[j]!;
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    x = xn;
    g = gn;
    f = fn;
  }
  return { x, f, iterations: iter, converged: maxAbs(g) < tol };
}
