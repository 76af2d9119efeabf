// Chart datasets derived from the view model, shared by the panel and the side panel (and
// checked in unit tests against the records). Plain data: colours are added by the webview.
import type { BaselineLines, VariantSeries } from "./viewModel";

export type DatasetKind = "accuracy" | "band-lo" | "band-hi" | "chance" | "majority" | "logreg" | "calibrated";

export interface LineDataset {
  /** Legend label; for accuracy lines exactly the variant key. */
  label: string;
  kind: DatasetKind;
  variant?: string;
  /** Index of the variant (colour). */
  series: number;
  data: { x: number; y: number }[];
}

/**
 * Accuracy-vs-k lines per variant with their 95% interval bands (lo/hi pairs drawn as a filled
 * area), the chance line across the k range, and the majority and logistic-regression baselines per k.
 */
export function accuracyDatasets(series: readonly VariantSeries[], ks: readonly number[], b: BaselineLines, opts: { bands?: boolean; calibrated?: boolean } = {}): LineDataset[] {
  const out: LineDataset[] = [];
  const bands = opts.bands ?? true;
  series.forEach((s, i) => {
    // Bands only where the inference gives an interval (fewer than 6 seeds give none).
    const withBand = s.points.filter((p) => p.lo !== undefined && p.hi !== undefined);
    if (bands && withBand.length) {
      out.push({ label: `${s.variant} 95% low`, kind: "band-lo", variant: s.variant, series: i, data: withBand.map((p) => ({ x: p.k, y: p.lo! })) });
      out.push({ label: `${s.variant} 95% high`, kind: "band-hi", variant: s.variant, series: i, data: withBand.map((p) => ({ x: p.k, y: p.hi! })) });
    }
    out.push({ label: s.variant, kind: "accuracy", variant: s.variant, series: i, data: s.points.map((p) => ({ x: p.k, y: p.acc })) });
    if (opts.calibrated && s.points.some((p) => p.calibratedAcc !== undefined)) {
      out.push({
        label: `${s.variant} (calibrated)`,
        kind: "calibrated",
        variant: s.variant,
        series: i,
        data: s.points.filter((p) => p.calibratedAcc !== undefined).map((p) => ({ x: p.k, y: p.calibratedAcc! })),
      });
    }
  });
  const lo = ks.length ? Math.min(...ks) : 0;
  const hi = ks.length ? Math.max(...ks) : 1;
  if (b.chance > 0)
    out.push({
      label: "chance",
      kind: "chance",
      series: -1,
      data: [
        { x: lo, y: b.chance },
        { x: hi, y: b.chance },
      ],
    });
  if (b.majority.length) out.push({ label: "majority class", kind: "majority", series: -2, data: b.majority.map((p) => ({ x: p.k, y: p.acc })) });
  if (b.logreg.length) out.push({ label: "logistic regression", kind: "logreg", series: -3, data: b.logreg.map((p) => ({ x: p.k, y: p.acc })) });
  return out;
}
