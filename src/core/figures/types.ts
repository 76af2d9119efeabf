// The paper's figures as data (Li et al. 2024, one figure per claim): what the Hypotheses view of
// the results panel, the HTML report and `icl-probe study`'s figures/*.svg draw. Built from the
// run's one analysis (src/core/analysis.ts): every estimate and interval is the core's
// (metrics, compare.ts, the verdicts), so no view computes one.

export type FigureId = "h1-ra-vs-k" | "h2-pa-vs-logreg" | "h2-icl-vs-linear" | "h3-ra-vs-g" | "h3-natural-vs-random" | "h3-chain";

export const FIGURE_IDS: readonly FigureId[] = ["h1-ra-vs-k", "h2-pa-vs-logreg", "h2-icl-vs-linear", "h3-ra-vs-g", "h3-natural-vs-random", "h3-chain"];

/** A (variant, k) run behind a mark. */
export interface FigureRun {
  variant: string;
  k: number;
}

export interface FigurePoint {
  /** A number (k, chain order m) or a category name. */
  x: number | string;
  y: number;
  /** The 95% interval of the same inference as y; absent where the seeds are too few for one. */
  lo?: number;
  hi?: number;
  /** Units behind y ("10 seeds", "24 distinct prompts of 1 seed"). */
  units?: string;
  run?: FigureRun;
}

export interface FigureSeries {
  name: string;
  /** "model": the language model in context; "baseline": logistic regression / least squares on the same demos; "reference": gold. */
  role: "model" | "baseline" | "reference";
  points: FigurePoint[];
  /** Joined by a line (a curve over k or m) or drawn as separate marks (categories). */
  line: boolean;
}

/** Marks over an x axis (numbers or categories), with intervals and horizontal reference lines. */
export interface PointsPanel {
  kind: "points";
  title: string;
  xLabel: string;
  /** Categories in order (absent: x is numeric). */
  categories?: string[];
  yLabel: string;
  series: FigureSeries[];
  refLines: { name: string; y: number }[];
}

/** One point per random function g (a draw within a seed). */
export interface ScatterPoint {
  x: number;
  y: number;
  draw: number;
  seed: number;
}

export interface ScatterPanel {
  kind: "scatter";
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  /** Draw the line y = x (equal accuracy). */
  diagonal: boolean;
  /** The correlation and its test, as the core computed them. */
  stats: { name: string; value: string }[];
  refLines: { name: string; y: number }[];
}

/** Mean of y per bin of x (the paper's binned view of the correlation study). */
export interface BinsPanel {
  kind: "bins";
  title: string;
  xLabel: string;
  yLabel: string;
  bins: { lo: number; hi: number; count: number; mean: number }[];
  refLines: { name: string; y: number }[];
}

export type FigurePanel = PointsPanel | ScatterPanel | BinsPanel;

export interface Figure {
  id: FigureId;
  /** 1..6 in the paper's order of claims. */
  number: number;
  hypothesis: "H1" | "H2" | "H3";
  title: string;
  /** What the figure shows and how to read it (one or two sentences). */
  caption: string;
  /** Ids of the verdicts shown beside it. */
  verdicts: string[];
  panels: FigurePanel[];
  /** Every (variant, k) run the figure draws. */
  runs: FigureRun[];
  /** complete: every run it needs is there; partial: some are; missing: none (nothing drawn). */
  status: "complete" | "partial" | "missing";
  /** What to add to complete it: the variants, at these k (empty: the run's own k values). */
  missing?: { variants: string[]; k: number[]; text: string };
}
