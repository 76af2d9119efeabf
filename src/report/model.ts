// What the HTML report shows, computed from a results file (pure; no DOM, no file access). The
// same object is embedded in the page as JSON, so a test can compare it with results.json and
// with what Chart.js actually rendered.
import type { ResultsFile } from "../core/results/schema";
import { summarize, type SummaryRow } from "../core/results/summary";
import { confusionMatrix } from "../core/stats";

export interface ReportVerdict {
  id: string;
  title: string;
  /** "consistent" | "contradicts" | "inconclusive" | "not-run" ... as the verdict module states it. */
  status: string;
  text: string;
  /** Variant keys whose runs back the verdict. */
  runs: string[];
  /** Variants the verdict needed but the run did not include. */
  missing?: string[];
  /** The conditions the verdict's rule checked (pass / fail / untestable) with their figures. */
  conditions: { text: string; status: string; detail: string }[];
}

export interface ReportConfusion {
  variant: string;
  k: number;
  labels: string[];
  counts: number[][];
}

export interface ReportDistribution {
  variant: string;
  k: number;
  /** Bin edges 0..1 (bins+1 values). */
  edges: number[];
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
}

const BINS = 10;

export function buildReportData(results: ResultsFile, verdicts: ReportVerdict[] = []): ReportData {
  const summary = summarize(results);
  const ks = [...new Set(summary.map((s) => s.k))].sort((a, b) => a - b);
  const variants = [...new Set(summary.map((s) => s.variant))];
  const confusions: ReportConfusion[] = [];
  const distributions: ReportDistribution[] = [];
  // Confusion matrices and distributions at each variant's largest k: where learning shows most.
  for (const v of variants) {
    const rows = summary.filter((s) => s.variant === v);
    const k = Math.max(...rows.map((r) => r.k));
    const recs = results.records.filter((r) => r.variant === v && r.k === k);
    const labels = rows[rows.length - 1].labels;
    const cm = confusionMatrix(
      recs.map((r) => r.gold),
      recs.map((r) => r.predicted),
      labels,
    );
    confusions.push({ variant: v, k, labels: cm.labels, counts: cm.counts });
    const edges = Array.from({ length: BINS + 1 }, (_, i) => i / BINS);
    const bin = (p: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(p * BINS)));
    distributions.push({
      variant: v,
      k,
      edges,
      perLabel: labels.map((label) => {
        const whenGold = new Array<number>(BINS).fill(0);
        const whenNotGold = new Array<number>(BINS).fill(0);
        for (const r of recs) {
          const s = r.labels.find((l) => l.label === label);
          if (!s) continue;
          (r.gold === label ? whenGold : whenNotGold)[bin(s.prob)]++;
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
    verdicts,
  };
}

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
