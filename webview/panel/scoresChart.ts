// The per-label scores of the query picked in the grid: one horizontal bar per candidate label,
// its length the label's probability renormalised over the candidate labels (what "p" means in
// the table below it, next to the unnormalised "log p"), the gold label's bar in the palette's
// green and named so in the legend and the axis title.
import type { QueryDetail } from "../../src/shared/viewModel.js";
import { axisColours, makeChart, palette } from "../shared/charts.js";
import { el, table } from "../shared/components.js";

export const P_TITLE = "p (renormalised over the labels)";
export const LOGP_TITLE = "log p (sum over the label's tokens)";
export const LOGIT_TITLE = "logit (1st token, raw)";

export function labelScores(d: QueryDetail): HTMLElement {
  const wrap = el("div", { class: "chart chart-scores" });
  const canvas = el("canvas", {
    testid: "label-scores-chart",
    role: "img",
    "aria-label": `Per-label probabilities of query ${d.row.queryIndex}: ${d.labels.map((l) => `${l.label} ${l.prob.toFixed(2)}`).join(", ")}; gold ${d.row.gold}`,
  }) as HTMLCanvasElement;
  wrap.append(canvas);
  queueMicrotask(() =>
    makeChart("labelScores", canvas, () => {
      const gold = palette(2);
      const other = palette(0);
      const axis = axisColours();
      return {
        type: "bar",
        data: {
          labels: d.labels.map((l) => l.label),
          datasets: [{ label: `p(label) · query ${d.row.queryIndex}`, data: d.labels.map((l) => l.prob), backgroundColor: d.labels.map((l) => (l.label === d.row.gold ? gold : other)) }],
        },
        options: {
          indexAxis: "y",
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { min: 0, max: 1, title: { display: true, text: P_TITLE, ...axis.title }, ticks: axis.ticks, grid: axis.grid },
            y: { title: { display: true, text: "candidate label", ...axis.title }, ticks: axis.ticks, grid: axis.grid },
          },
          plugins: {
            legend: {
              display: true,
              labels: {
                boxWidth: 12,
                // One bar colour per meaning, said in words: green is the gold label.
                generateLabels: () => [
                  { text: `gold label (${d.row.gold}, green)`, fillStyle: gold, strokeStyle: gold, lineWidth: 0, hidden: false, datasetIndex: 0 },
                  { text: "other labels (blue)", fillStyle: other, strokeStyle: other, lineWidth: 0, hidden: false, datasetIndex: 0 },
                ],
              },
              onClick: () => undefined,
            },
          },
        },
      };
    }),
  );
  // The raw first-token logit, where the engine read it (local models; not remote servers or older files).
  const logits = d.labels.some((l) => l.firstTokenLogit !== undefined);
  const rows = d.labels.map((l) => [
    l.label + (l.label === d.row.gold ? " (gold)" : ""),
    l.prob.toFixed(4),
    l.logProb.toFixed(3),
    String(l.tokens),
    ...(logits ? [l.firstTokenLogit?.toFixed(3) ?? ""] : []),
  ]);
  return el(
    "div",
    { class: "label-scores" },
    wrap,
    el(
      "p",
      { class: "icl-muted small", testid: "label-scores-note" },
      `p: the label's probability renormalised over the ${d.labels.length} candidate labels (they sum to 1). log p: the sum of its tokens' log-probabilities after the prompt, not renormalised.${logits ? " logit: the model's raw score of the label's first token, before the softmax." : ""}`,
    ),
    table(["label", P_TITLE, LOGP_TITLE, "tokens", ...(logits ? [LOGIT_TITLE] : [])], rows, "label-scores-table", "icl-table compact"),
  );
}
