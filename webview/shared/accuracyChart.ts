// Accuracy-vs-k chart (panel and side panel): variant lines with 95% bands, chance, majority
// and logistic-regression lines, always with its axis titles and a legend (in the side panel a
// compact one below the chart, however many variants). Built from a recipe, so a theme switch
// redraws it in the new colours.
import type { ChartDataset } from "chart.js";
import { accuracyDatasets } from "../../src/shared/chartData.js";
import type { BaselineLines, VariantSeries } from "../../src/shared/viewModel.js";
import { axisColours, makeChart, palette, translucent, type Chart } from "./charts.js";

export function drawAccuracy(id: string, canvas: HTMLCanvasElement, series: VariantSeries[], ks: number[], b: BaselineLines, opts: { compact?: boolean } = {}): Chart {
  return makeChart(id, canvas, () => {
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
    const axis = axisColours();
    const small = { size: 10 };
    return {
      type: "line",
      data: { datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: "linear", title: { display: true, text: opts.compact ? "k" : "k (demonstrations)", ...axis.title }, ticks: { stepSize: 1, ...axis.ticks }, grid: axis.grid },
          y: { min: 0, max: 1, title: { display: true, text: "accuracy", ...axis.title }, ticks: axis.ticks, grid: axis.grid },
        },
        plugins: {
          legend: {
            display: true,
            position: opts.compact ? "bottom" : "top",
            labels: { filter: (item) => !/95% (low|high)$/.test(item.text), boxWidth: opts.compact ? 8 : 12, ...(opts.compact ? { font: small, padding: 6 } : {}) },
          },
          tooltip: { filter: (item) => !/95% (low|high)$/.test(item.dataset.label ?? "") },
        },
      },
    };
  });
}
