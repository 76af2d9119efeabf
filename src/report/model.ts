// What the HTML report shows, computed from a results file (pure; no DOM, no file access). The
// same object is embedded in the page as JSON, so a test can compare it with results.json and
// with what Chart.js actually rendered.
import type { ResultsFile } from "../core/results/schema";
import { defined } from "../core/defined";
import type { SummaryRow } from "../core/results/summary";
import { analyseRun, metricsAt, type RunAnalysis } from "../core/analysis";
import { toVerdictCard, type VerdictCard } from "../shared/verdictCards";
import { reportWarnings, type ReportWarnings } from "./warnings";
import { CLASS_ROWS_SHOWN, MATRIX_MAX_CLASSES, TOP_CONFUSIONS, shownClassRows, type ClassRow, type ConfusionPair } from "../core/results/classTables";
import type { Figure, FigureId } from "../core/figures/types";

/** A verdict card of the report: the same adapter as the results panel's (src/shared/verdictCards.ts). */
export type ReportVerdict = VerdictCard;

/**
 * The confusions of one variant at its largest k: the full matrix (`labels`, `counts`) up to
 * MATRIX_MAX_CLASSES classes; above that (the matrix grows with the square of the classes) the
 * most frequent confusions and a capped per-class table, with every row in classes.csv and
 * confusions.csv next to the report.
 */
export interface ReportConfusion {
  variant: string;
  k: number;
  /** Number of classes. */
  classes: number;
  /** Full matrix, only up to MATRIX_MAX_CLASSES classes. */
  labels?: string[];
  counts?: number[][];
  /** Per gold label, queries with no prediction (tied top scores); absent when none. */
  ties?: number[];
  /** Above that: the TOP_CONFUSIONS most frequent gold -> predicted pairs. */
  top?: ConfusionPair[];
  /** Above that: per-class rows, most queries first, CLASS_ROWS_SHOWN at most. */
  rows?: ClassRow[];
}

export interface ReportDistribution {
  variant: string;
  k: number;
  /** Bin edges 0..1 (bins+1 values). */
  edges: number[];
  /** Number of labels when only some are drawn (DISTRIBUTION_MAX_LABELS). */
  of?: number;
  /** Per label: histogram of the label's renormalised probability over the queries whose gold it is, and over the others. */
  perLabel: { label: string; whenGold: number[]; whenNotGold: number[] }[];
}

export interface ReportData {
  title: string;
  manifest: ResultsFile["manifest"];
  summary: SummaryRow[];
  /** k values on the x axis (union over variants, ascending). */
  ks: number[];
  confusions: ReportConfusion[];
  distributions: ReportDistribution[];
  verdicts: ReportVerdict[];
  warnings: ReportWarnings;
  /** The paper's figures shown in the Hypotheses section (a study's; for other runs those that have data). */
  figures: Figure[];
}

const BINS = 10;
/** Labels drawn in a per-label distribution chart (most queries as gold first). */
export const DISTRIBUTION_MAX_LABELS = 12;

/** What the report shows: the run's analysis (computed once by the caller, or here) plus the score histograms. */
export function buildReportData(results: ResultsFile, analysis: RunAnalysis = analyseRun(results)): ReportData {
  const summary = analysis.summary;
  const ks = [...new Set(summary.map((s) => s.k))].sort((a, b) => a - b);
  const variants = [...new Set(summary.map((s) => s.variant))];
  const confusions: ReportConfusion[] = [];
  const distributions: ReportDistribution[] = [];
  // Confusion matrices and distributions at each variant's largest k: where learning shows most.
  for (const v of variants) {
    const rows = summary.filter((s) => s.variant === v);
    const k = Math.max(...rows.map((r) => r.k));
    const recs = results.records.filter((r) => r.variant === v && r.k === k);
    const labels = defined(rows[rows.length - 1], `a summary row of ${v}`).labels;
    const m = metricsAt(analysis, v, k)!;
    if (labels.length <= MATRIX_MAX_CLASSES) {
      const cm = m.confusion;
      confusions.push({ variant: v, k, classes: cm.labels.length, labels: cm.labels, counts: cm.counts, ...(cm.ties ? { ties: cm.ties } : {}) });
    } else {
      // The core's per-class tables are linear in the records (no L x L matrix).
      const t = m.classTables;
      confusions.push({ variant: v, k, classes: t.rows.length, top: t.pairs.slice(0, TOP_CONFUSIONS), rows: shownClassRows(t.rows, CLASS_ROWS_SHOWN) });
    }
    // Distributions of the labels with the most gold queries (all of them for small label sets).
    const drawn = labels.length <= DISTRIBUTION_MAX_LABELS ? labels : shownClassRows(m.classTables.rows, DISTRIBUTION_MAX_LABELS).map((r) => r.label);
    const edges = Array.from({ length: BINS + 1 }, (_, i) => i / BINS);
    const bin = (p: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)));
    distributions.push({
      variant: v,
      k,
      edges,
      ...(drawn.length < labels.length ? { of: labels.length } : {}),
      perLabel: drawn.map((label) => {
        const whenGold = new Array<number>(BINS).fill(0);
        const whenNotGold = new Array<number>(BINS).fill(0);
        for (const r of recs) {
          const s = r.labels.find((l) => l.label === label);
          if (!s) continue;
          const counts = r.gold === label ? whenGold : whenNotGold;
          const b = bin(s.prob);
          counts[b] = defined(counts[b], "a probability bin") + 1;
        }
        return { label, whenGold, whenNotGold };
      }),
    });
  }
  const m = results.manifest;
  return {
    title: `ICL Probe: ${baseName(m.demoFile.path)} on ${m.model.fileName}`,
    manifest: m,
    summary,
    ks,
    confusions,
    distributions,
    verdicts: analysis.verdicts.map(toVerdictCard),
    warnings: reportWarnings(results),
    figures: reportFigures(analysis.figures, m.study?.figures),
  };
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

/** A study run shows its figures, missing ones included (they say what to add); any other run the figures it has data for. */
function reportFigures(figures: readonly Figure[], study?: readonly FigureId[]): Figure[] {
  return study ? figures.filter((f) => study.includes(f.id)) : figures.filter((f) => f.status !== "missing");
}
