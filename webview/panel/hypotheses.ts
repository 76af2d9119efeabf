// The results panel's Hypotheses view: the paper's six figures (src/core/figures, drawn by the
// shared SVG renderer the HTML report uses), each with its verdict card beside it, the runs behind
// it one click away (they open in the run view's query explorer), what to add when runs are
// missing with a button that runs just those, and SVG / PNG export. Receives view models only:
// every number drawn comes with the figure.
import type { Figure } from "../../src/core/figures/types.js";
import { defined } from "../../src/core/defined.js";
import type { RunView } from "../../src/shared/viewModel.js";
import { figureSvg } from "../../src/shared/figureSvg.js";
import { groupRuns } from "../../src/shared/figureRuns.js";
import { PNG_BASE64_SIGNATURE } from "../../src/shared/png.js";
import { send } from "../shared/api.js";
import { el, button, badge } from "../shared/components.js";
import { verdictCard } from "../shared/verdictCard.js";

export type PanelView = "runs" | "hypotheses";

declare global {
  interface Window {
    /** The figures drawn, by id (the end-to-end tests compare them with the marks and with results.json). */
    __iclFigures: Record<string, Figure>;
  }
}
window.__iclFigures ??= {};

/** The two views of the panel, as tabs. */
export function viewTabs(current: PanelView, onChange: (v: PanelView) => void, studyName?: string): HTMLElement {
  const tab = (v: PanelView, label: string) => {
    const b = el("button", { class: `view-tab${v === current ? " active" : ""}`, testid: `view-${v}`, role: "tab", "aria-selected": v === current ? "true" : "false" }, label);
    b.addEventListener("click", () => onChange(v));
    return b;
  };
  return el("nav", { class: "view-tabs", role: "tablist" }, tab("runs", "Runs"), tab("hypotheses", studyName ? `Hypotheses (${studyName})` : "Hypotheses"));
}

/** Draws the figure's paper SVG on a canvas at 2x and sends it as PNG (the extension asks where to save it). */
function exportPng(run: RunView, f: Figure): void {
  const img = new Image();
  img.onload = () => {
    const c = document.createElement("canvas");
    c.width = img.width * 2;
    c.height = img.height * 2;
    const g = c.getContext("2d")!;
    g.scale(2, 2);
    g.drawImage(img, 0, 0);
    const data = c.toDataURL("image/png").replace(/^data:image\/png;base64,/, "");
    if (data.startsWith(PNG_BASE64_SIGNATURE)) send({ type: "exportFigure", runId: run.runId, figure: f.id, format: "png", data });
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(figureSvg(f, { title: true, fixedSize: true }))}`;
}

function figureRow(run: RunView, f: Figure, onRun: (variant: string, k: number) => void): HTMLElement {
  window.__iclFigures[f.id] = f;
  const wrap = el("div", { class: `figure-svg panels-${f.panels.length}`, testid: "figure-chart", "data-figure": f.id });
  // Built by figureSvg from the figure's data (every text escaped there), never from webview input.
  wrap.innerHTML = figureSvg(f);
  const runs = groupRuns(f.runs);
  const left = el(
    "div",
    { class: "figure-main" },
    el("h3", {}, `Figure ${f.number}. ${f.title} `, badge(f.status, "figure-status")),
    wrap,
    el("p", { class: "icl-muted small" }, f.caption),
    f.missing
      ? el(
          "div",
          { class: "figure-missing", testid: "figure-missing", "data-variants": f.missing.variants.join(",") },
          el("span", {}, `Missing runs: ${f.missing.text} `),
          run.complete
            ? button("Run just these", "run-figure", () => send({ type: "runFigure", runId: run.runId, figure: f.id }), { title: `Add ${f.missing.variants.join(", ")} to this run` })
            : undefined,
        )
      : undefined,
    runs.length
      ? el(
          "p",
          { class: "figure-runs small", testid: "figure-runs" },
          "Runs: ",
          ...runs.flatMap((g, i) => {
            const largestK = defined(g.k[g.k.length - 1], `the largest k of ${g.label}`);
            const a = el("a", { href: "#", "data-variant": g.variant, "data-k": largestK }, `${g.label} at k = ${g.k.join(", ")}`);
            a.addEventListener("click", (ev) => {
              ev.preventDefault();
              onRun(g.variant, largestK);
            });
            return i ? ["; ", a] : [a];
          }),
        )
      : undefined,
    el(
      "div",
      { class: "row" },
      button("SVG", "export-svg", () => send({ type: "exportFigure", runId: run.runId, figure: f.id, format: "svg" }), { secondary: true, title: `Save figure ${f.number} as SVG` }),
      button("PNG", "export-png", () => exportPng(run, f), { secondary: true, title: `Save figure ${f.number} as PNG` }),
    ),
  );
  const cards = el(
    "div",
    { class: "figure-cards" },
    ...f.verdicts
      .map((id) => run.verdicts.find((v) => v.id === id))
      .filter((v) => v !== undefined)
      .map((v) => verdictCard(v, { collapseConditions: true })),
  );
  // A two-panel figure needs the width: below 1500 px its card goes under it (media/webview.css).
  return el("section", { class: `figure-row panels-${f.panels.length}`, testid: "hypothesis-figure", "data-figure": f.id, "data-status": f.status }, left, cards);
}

/** The focused run's figures; `onRun` opens a run behind a figure (variant, k) in the run view. */
export function hypothesesView(run: RunView, onRun: (variant: string, k: number) => void): HTMLElement {
  window.__iclFigures = {};
  const sec = el("section", { class: "hypotheses", testid: "hypotheses-view", "data-run-id": run.runId });
  sec.append(
    el("h2", {}, run.hypothesesFirst && run.study ? `${run.study}: the paper's figures` : "Li et al. 2024: the paper's figures"),
    el(
      "p",
      { class: "icl-muted small" },
      `${run.file} · ${run.model} · ${run.records} records. One figure per claim of Li et al. (ACL 2024), with its verdict; estimates and 95% intervals are the run's (docs/STATISTICS.md).`,
    ),
  );
  for (const f of run.figures) sec.append(figureRow(run, f, onRun));
  return sec;
}
