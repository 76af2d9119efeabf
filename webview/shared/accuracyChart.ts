// Accuracy-vs-k chart (panel and side panel): variant lines with 95% bands, chance, majority
// and logistic-regression lines.
import type { ChartDataset } from "chart.js";
import { accuracyDatasets } from "../../src/shared/chartData.js";
import type { BaselineLines, VariantSeries } from "../../src/shared/viewModel.js";
import { makeChart, palette, translucent, type Chart } from "./charts.js";

export function drawAccuracy(id: string, canvas: HTMLCanvasElement, series: VariantSeries[], ks: number[], b: BaselineLines, opts: { compact?: boolean } = {}): Chart {
  const sets = accuracyDatasets(series, ks, b, { bands: true, calibrated: !opts.compact });
  const fg = getComputedStyle(document.body).getPropertyValue("--vscode-descriptionForeground").trim() || "#999";
  const datasets: ChartDataset<"line", { x: number; y: number }[]>[] = sets.map((d) => {
    const color = d.series >= 0 ? palette(d.series) : fg;
    const base = { label: d.label, data: d.data, parsing: false as const, pointRadius: 0, borderWidth: 1 };
    switch (d.kind) {
      case "band-lo":
        return { ...base, borderColor: "transparent", backgroundColor: "transparent", fill: false };
      case "band-hi":
        return { ...base, borderColor: "transparent", backgroundColor: translucent(color, 0.15), fill: "-1" };
      case "accuracy":
        return { ...base, borderColor: color, backgroundColor: color, pointRadius: opts.compact ? 2 : 3, borderWidth: 2, fill: false };
      case "calibrated":
        return { ...base, borderColor: color, backgroundColor: color, borderDash: [2, 2], fill: false };
      case "chance":
        return { ...base, borderColor: fg, borderDash: [6, 4], fill: false };
      case "majority":
        return { ...base, borderColor: fg, borderDash: [2, 3], fill: false };
      case "logreg":
        return { ...base, borderColor: fg, borderDash: [8, 3, 2, 3], pointRadius: 2, fill: false };
    }
  });
  return makeChart(id, canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: "linear", title: { display: !opts.compact, text: "k (demonstrations)" }, ticks: { stepSize: 1 } },
        y: { min: 0, max: 1, title: { display: !opts.compact, text: "accuracy" } },
      },
      plugins: {
        legend: { display: !opts.compact || series.length <= 4, labels: { filter: (item) => !/95% (low|high)$/.test(item.text), boxWidth: 12 } },
        tooltip: { filter: (item) => !/95% (low|high)$/.test(item.dataset.label ?? "") },
      },
    },
  });
}
