// Results panel webview: the newest run (or, after "Compare with...", several runs side by side
// under distinct names): accuracy vs k with bands and baselines, confusion matrix, label bias,
// verdicts, manifest; and a query explorer for the focused run (grid of queries with the picked
// query's per-label scores and full prompt beside it, explorer.ts). Receives view models only;
// asks the extension for grid pages and query details. Progress comes from the one ProbeState.
import type { ExtensionToPanel } from "../../src/shared/webviewProtocol.js";
import type { QueryDetail, QueryPage, RunView } from "../../src/shared/viewModel.js";
import { IDLE, isBusy, progressLine, type ProbeStatus } from "../../src/shared/probeStatus.js";
import { isCurrentReply, request, send, saveState } from "../shared/api.js";
import { el, button, dropdown, table, pct, divider } from "../shared/components.js";
import { axisColours, makeChart, dropChart, palette, watchTheme } from "../shared/charts.js";
import { drawAccuracy } from "../shared/accuracyChart.js";
import { warningsSection } from "./warnings.js";
import { runHeader } from "./runHeader.js";
import { bringSelectionIntoView, PAGE, queryExplorer, type ExplorerActions } from "./explorer.js";
import { verdictCard } from "../shared/verdictCard.js";
import { hypothesesView, viewTabs, type PanelView } from "./hypotheses.js";

const state = {
  runs: [] as RunView[],
  focus: undefined as string | undefined,
  page: undefined as QueryPage | undefined,
  detail: undefined as QueryDetail | undefined,
  probe: IDLE as ProbeStatus,
  /** The query grid lists the queries carrying this warning code (all variants and k) instead of one cell. */
  warning: undefined as { runId: string; code: string } | undefined,
  /** A query picked in the editor, selected once its page and detail arrive. */
  reveal: undefined as { runId: string; key: number } | undefined,
  /** Runs or Hypotheses; unset: Hypotheses for a study run read with figures (Li et al.), else Runs. */
  view: undefined as PanelView | undefined,
};

const app = document.getElementById("app")!;

function focused(): RunView | undefined {
  return state.runs.find((r) => r.runId === state.focus) ?? state.runs[state.runs.length - 1];
}

function requestPage(run: RunView, offset = 0): void {
  const warning = state.warning?.runId === run.runId ? state.warning.code : undefined;
  request({ type: "queries", runId: run.runId, variant: run.selection.variant, k: run.selection.k, offset, limit: PAGE, ...(warning ? { warning } : {}) });
}

function selectCell(run: RunView, variant: string, k: number): void {
  state.focus = run.runId;
  state.warning = undefined;
  send({ type: "select", runId: run.runId, variant, k });
}

/** Lists the queries carrying `code` in the grid (or, with no code, the selected cell's again). */
function showWarning(run: RunView, code: string | undefined): void {
  state.focus = run.runId;
  state.warning = code ? { runId: run.runId, code } : undefined;
  state.detail = undefined;
  render();
  requestPage(run);
  if (code) queueMicrotask(() => document.querySelector('[data-testid="query-explorer"]')?.scrollIntoView({ block: "start" }));
}

const explorerActions: ExplorerActions = {
  requestPage,
  focusRun(id) {
    state.focus = id;
    state.detail = undefined;
    render();
    const r = focused();
    if (r) requestPage(r);
  },
  clearWarning: (run) => showWarning(run, undefined),
};

/** The explorer of the focused run, built (and later rebuilt alone) from the state. */
function explorerFor(run: RunView): HTMLElement {
  const live = isBusy(state.probe) && state.probe.runId === run.runId;
  return queryExplorer(state, run, explorerActions, live);
}

/** Rebuilds only the query explorer (a page or a detail arrived): the charts above stay as they are. */
function renderExplorer(scroll: { row?: boolean; detail?: boolean } = {}): void {
  const f = focused();
  const old = document.querySelector<HTMLElement>('[data-testid="query-explorer"]');
  if (!f || !old) return render();
  const box = old.querySelector<HTMLElement>('[data-testid="query-grid-box"]');
  const top = box?.scrollTop ?? 0;
  const next = explorerFor(f);
  old.replaceWith(next);
  const nbox = next.querySelector<HTMLElement>('[data-testid="query-grid-box"]');
  if (nbox) nbox.scrollTop = top;
  bringSelectionIntoView(next, scroll);
}

function runColumn(run: RunView, index: number, explorer?: HTMLElement): HTMLElement {
  const col = el("section", { class: "run", testid: "run-column", "data-run-id": run.runId, "aria-label": run.name ?? run.file });
  col.append(...runHeader(run, state.probe, state.runs.length > 1));

  // Accuracy vs k.
  const accWrap = el("div", { class: "chart chart-acc" });
  const accCanvas = el("canvas", { testid: "accuracy-chart", "aria-label": `Accuracy versus k for ${run.file}`, role: "img" }) as HTMLCanvasElement;
  accWrap.append(accCanvas);
  col.append(el("h3", {}, "Accuracy vs k"), accWrap);
  queueMicrotask(() => drawAccuracy(`accuracy:${run.runId}`, accCanvas, run.series, run.ks, run.baselines));
  col.append(
    el(
      "p",
      { class: "icl-muted small", testid: "baselines" },
      `chance ${pct(run.baselines.chance)}${run.baselines.majority.length ? ` · majority ${run.baselines.majority.map((p) => `k=${p.k}: ${pct(p.acc)}`).join(", ")}` : ""}${run.baselines.logreg.length ? ` · logistic regression ${run.baselines.logreg.map((p) => `k=${p.k}: ${pct(p.acc)}`).join(", ")}` : ""}`,
    ),
  );

  // Selection of variant and k for the detail views.
  const sel = run.selection;
  const variantDd = dropdown(
    run.variants.map((v) => ({ value: v, label: v })),
    sel.variant,
    "variant-select",
    (v) => selectCell(run, v, sel.k),
    "Variant shown below",
  );
  const kDd = dropdown(
    run.ks.map((k) => ({ value: String(k), label: `k = ${k}` })),
    String(sel.k),
    "k-select",
    (k) => selectCell(run, sel.variant, Number(k)),
    "k shown below",
  );
  col.append(el("div", { class: "selectors" }, el("span", { "aria-hidden": "true" }, "Variant "), variantDd, el("span", { "aria-hidden": "true" }, " k "), kDd));
  // One run: its queries right below its selectors, so a query's detail is never pages away.
  if (explorer) col.append(explorer);

  // Confusion matrix (up to 20 classes; above that the most frequent confusions).
  const cm = run.confusion;
  if (cm.top) {
    const t = el("table", { class: "top-confusions", testid: "top-confusions", "data-variant": cm.variant, "data-k": cm.k });
    t.append(el("tr", {}, el("th", { scope: "col" }, "gold"), el("th", { scope: "col" }, "predicted"), el("th", { scope: "col" }, "queries")));
    for (const p of cm.top) t.append(el("tr", {}, el("td", {}, p.gold), el("td", {}, p.predicted), el("td", { "data-count": p.count }, String(p.count))));
    col.append(el("h3", {}, `Most frequent confusions (${cm.variant}, k = ${cm.k}; ${cm.classes} classes, all in classes.csv / confusions.csv)`), t);
  }
  const max = Math.max(1, ...cm.matrix.flat());
  const cmTable = el("table", { class: "confusion", testid: "confusion-matrix", "data-variant": cm.variant, "data-k": cm.k });
  cmTable.append(el("tr", {}, el("th", { class: "corner" }, "gold \\ predicted"), ...cm.labels.map((l) => el("th", { scope: "col" }, l))));
  cm.matrix.forEach((row, i) => {
    const tr = el("tr", {}, el("th", { scope: "row" }, cm.labels[i]));
    row.forEach((n, j) => {
      const td = el("td", { "data-count": n, class: i === j ? "diag" : undefined }, String(n));
      td.style.setProperty("--heat", String(n / max));
      tr.append(td);
    });
    cmTable.append(tr);
  });
  if (!cm.top) col.append(el("h3", {}, `Confusion (${cm.variant}, k = ${cm.k})`), cmTable);

  // Label bias.
  const biasWrap = el("div", { class: "chart chart-bias" });
  const biasCanvas = el("canvas", { testid: "label-bias-chart", role: "img", "aria-label": "Share of predictions per label" }) as HTMLCanvasElement;
  biasWrap.append(biasCanvas);
  col.append(el("h3", {}, "Label bias"), biasWrap);
  queueMicrotask(() =>
    makeChart(`labelBias:${run.runId}`, biasCanvas, () => {
      const axis = axisColours();
      return {
        type: "bar",
        data: {
          labels: run.labelBias.labels,
          datasets: [
            { label: "predicted share", data: run.labelBias.shares, backgroundColor: palette(index) },
            { label: "gold share", data: run.labelBias.goldShares, backgroundColor: palette(index + 3) },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { title: { display: true, text: "label", ...axis.title }, ticks: axis.ticks, grid: axis.grid },
            y: { min: 0, max: 1, title: { display: true, text: "share of the queries", ...axis.title }, ticks: axis.ticks, grid: axis.grid },
          },
        },
      };
    }),
  );

  // Warnings: counts per code; each lists its queries in the grid.
  const warnings = warningsSection(run, state.warning?.runId === run.runId ? state.warning.code : undefined, (code) => showWarning(run, code));
  if (warnings) col.append(warnings);

  // Verdicts.
  if (run.verdicts.length) {
    const cards = el("div", { class: "verdicts", testid: "verdicts" });
    for (const v of run.verdicts) cards.append(verdictCard(v));
    col.append(el("h3", {}, "Hypothesis verdicts"), cards);
  }

  // Manifest.
  const det = el("details", { class: "manifest", testid: "manifest" }, el("summary", {}, "Run manifest"));
  det.append(
    table(
      ["field", "value"],
      run.manifest.map((m) => [m.name, m.value]),
      "manifest-table",
      "icl-table compact",
    ),
  );
  col.append(det);
  return col;
}

function render(): void {
  const y = window.scrollY;
  const box = document.querySelector<HTMLElement>('[data-testid="query-grid-box"]');
  const boxTop = box?.scrollTop ?? 0;
  for (const id of Object.keys(window.__iclCharts)) dropChart(id);
  app.replaceChildren();
  if (state.runs.length === 0) {
    const busy = isBusy(state.probe);
    app.append(
      el(
        "div",
        { class: "empty", testid: "empty-state" },
        el("p", {}, busy ? "The probe is starting: its first results appear here in a moment." : "No results to show yet."),
        busy ? undefined : button("Run probe on active file", "run-probe", () => send({ type: "action", action: "runProbe" })),
      ),
    );
    return;
  }
  const f = focused();
  const single = state.runs.length === 1;
  const view = state.view ?? (f?.hypothesesFirst ? "hypotheses" : "runs");
  app.append(
    viewTabs(
      view,
      (v) => {
        state.view = v;
        render();
      },
      f?.hypothesesFirst ? f.study : undefined,
    ),
  );
  if (view === "hypotheses" && f) {
    app.append(
      hypothesesView(f, (variant, k) => {
        state.view = "runs";
        selectCell(f, variant, k);
      }),
    );
    window.scrollTo(0, y);
    return;
  }
  const grid = el("div", { class: "runs", testid: "runs", "data-count": state.runs.length });
  grid.style.setProperty("--cols", String(state.runs.length));
  state.runs.forEach((r, i) => {
    // A column that cannot be drawn says so instead of leaving the panel blank.
    try {
      grid.append(runColumn(r, i, single && f ? explorerFor(f) : undefined));
    } catch (e) {
      grid.append(el("section", { class: "run error", testid: "run-error" }, `Cannot draw ${r.name ?? r.runId}: ${(e as Error).message}`));
    }
  });
  app.append(grid);
  if (!single && f) app.append(divider(), explorerFor(f));
  window.scrollTo(0, y);
  const nbox = document.querySelector<HTMLElement>('[data-testid="query-grid-box"]');
  if (nbox) nbox.scrollTop = boxTop;
}

/** The probe line changes many times a second: update its text in place; redraw when the phase or the run changes. */
function onProbe(next: ProbeStatus): void {
  const before = state.probe;
  state.probe = next;
  if (isBusy(before) !== isBusy(next) || before.runId !== next.runId || before.phase !== next.phase) return render();
  const t = next.runId ? document.querySelector(`[data-run-id="${CSS.escape(next.runId)}"] [data-testid="progress-text"]`) : null;
  if (t) t.textContent = progressLine(next);
}

window.addEventListener("message", (ev: MessageEvent<ExtensionToPanel>) => {
  const m = ev.data;
  switch (m.type) {
    case "state":
      state.runs = m.runs;
      state.probe = m.probe;
      state.focus = m.focus && m.runs.some((r) => r.runId === m.focus) ? m.focus : state.runs.some((r) => r.runId === state.focus) ? state.focus : undefined;
      if (state.detail && !m.runs.some((r) => r.runId === state.detail!.runId)) state.detail = undefined;
      saveState(m.persisted);
      render();
      if (focused()) requestPage(focused()!);
      break;
    case "run": {
      const i = state.runs.findIndex((r) => r.runId === m.run.runId);
      const prev = i >= 0 ? state.runs[i] : undefined;
      if (i >= 0) state.runs[i] = m.run;
      else state.runs.push(m.run);
      saveState(m.persisted);
      render();
      const f = focused();
      if (f && f.runId === m.run.runId && !(state.reveal?.runId === f.runId)) {
        const selChanged = !prev || prev.selection.variant !== m.run.selection.variant || prev.selection.k !== m.run.selection.k;
        requestPage(f, selChanged ? 0 : (state.page?.offset ?? 0));
      }
      break;
    }
    case "removeRun":
      state.runs = state.runs.filter((r) => r.runId !== m.runId);
      if (state.focus === m.runId) state.focus = undefined;
      if (state.detail?.runId === m.runId) state.detail = undefined;
      saveState(m.persisted);
      render();
      if (focused()) requestPage(focused()!);
      break;
    case "queries":
      if (!isCurrentReply("queries", m.replyTo)) break;
      state.page = m.page;
      renderExplorer({ row: state.reveal?.runId === m.page.runId });
      break;
    case "queryDetail": {
      if (!isCurrentReply("queryDetail", m.replyTo)) break;
      const refocus = state.focus !== m.detail.runId;
      state.detail = m.detail;
      state.focus = m.detail.runId;
      const revealed = state.reveal?.runId === m.detail.runId && state.reveal.key === m.detail.key;
      if (revealed) state.reveal = undefined;
      if (refocus) render();
      renderExplorer({ detail: true, row: revealed });
      break;
    }
    case "probe":
      onProbe(m.probe);
      break;
    case "reveal": {
      state.focus = m.runId;
      state.warning = undefined;
      state.reveal = { runId: m.runId, key: m.key };
      const run = state.runs.find((r) => r.runId === m.runId);
      if (run) run.selection = { variant: m.variant, k: m.k };
      render();
      request({ type: "queries", runId: m.runId, variant: m.variant, k: m.k, offset: m.offset, limit: PAGE });
      request({ type: "queryDetail", runId: m.runId, key: m.key });
      break;
    }
    case "error":
      app.prepend(el("div", { class: "error", testid: "panel-error", role: "alert" }, m.message));
      break;
  }
});

watchTheme();
render();
send({ type: "ready", view: "panel" });
