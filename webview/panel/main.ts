// Results panel webview: several runs side by side (accuracy vs k with bands and baselines,
// confusion matrix, label bias, verdicts, manifest), and a query explorer for the focused run
// (data grid of queries, per-label score chart and the full prompt of the selected query).
// Receives view models only; asks the extension for grid pages and query details.
import type { ExtensionToPanel, ProgressInfo } from "../../src/shared/webviewProtocol.js";
import type { QueryDetail, QueryPage, QueryRow, RunView } from "../../src/shared/viewModel.js";
import { send, saveState } from "../shared/api.js";
import { formatDuration } from "../../src/core/format.js";
import { el, button, dropdown, dataGrid, table, pct, badge, divider, progressRing } from "../shared/components.js";
import { makeChart, dropChart, palette, watchTheme } from "../shared/charts.js";
import { drawAccuracy } from "../shared/accuracyChart.js";
import { detailWarnings, predictedText, rowWarnings, warningsBadge, warningsSection } from "./warnings.js";

const PAGE = 100;
const CONDITION_MARK: Record<string, string> = { pass: "✓", fail: "✗", untestable: "?" };
const state = {
  runs: [] as RunView[],
  focus: undefined as string | undefined,
  page: undefined as QueryPage | undefined,
  detail: undefined as QueryDetail | undefined,
  progress: new Map<string, ProgressInfo>(),
  /** The query grid lists the queries carrying this warning code (all variants and k) instead of one cell. */
  warning: undefined as { runId: string; code: string } | undefined,
};

const app = document.getElementById("app")!;

function focused(): RunView | undefined {
  return state.runs.find((r) => r.runId === state.focus) ?? state.runs[state.runs.length - 1];
}

function requestPage(run: RunView, offset = 0): void {
  const warning = state.warning?.runId === run.runId ? state.warning.code : undefined;
  send({ type: "queries", runId: run.runId, variant: run.selection.variant, k: run.selection.k, offset, limit: PAGE, ...(warning ? { warning } : {}) });
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

function runColumn(run: RunView, index: number): HTMLElement {
  const col = el("section", { class: "run", testid: "run-column", "data-run-id": run.runId });
  const prog = state.progress.get(run.runId);
  const head = el(
    "header",
    { class: "run-head" },
    el("h2", { testid: "run-title", title: run.title }, run.file),
    el("span", { class: "icl-muted", testid: "run-model" }, `${run.model} · ${run.records} records`),
    run.complete ? undefined : badge(prog ? `running ${prog.done}/${prog.total}` : "partial", "run-status"),
    warningsBadge(run),
    el(
      "div",
      { class: "run-actions" },
      button("Rerun", "rerun", () => send({ type: "action", action: "rerun", runId: run.runId }), { secondary: true }),
      button("Report", "open-report", () => send({ type: "action", action: "openReport", runId: run.runId }), { secondary: true }),
      button("Export", "export", () => send({ type: "action", action: "export", runId: run.runId }), { secondary: true }),
      state.runs.length > 1 ? button("✕", "close-run", () => send({ type: "closeRun", runId: run.runId }), { icon: true, title: "Remove from comparison" }) : undefined,
    ),
  );
  col.append(head);
  if (prog && !run.complete) {
    col.append(el("div", { class: "progress", testid: "progress" }, progressRing(), `${prog.done}/${prog.total}${prog.label ? ` · ${prog.label}` : ""}${prog.etaSeconds !== undefined ? ` · ~${formatDuration(prog.etaSeconds)} left` : ""}`));
  }

  // Accuracy vs k.
  const accWrap = el("div", { class: "chart chart-acc" });
  const accCanvas = el("canvas", { testid: "accuracy-chart", "aria-label": `Accuracy versus k for ${run.file}`, role: "img" }) as HTMLCanvasElement;
  accWrap.append(accCanvas);
  col.append(el("h3", {}, "Accuracy vs k"), accWrap);
  queueMicrotask(() => drawAccuracy(`accuracy:${run.runId}`, accCanvas, run.series, run.ks, run.baselines));
  col.append(el("p", { class: "icl-muted small", testid: "baselines" }, `chance ${pct(run.baselines.chance)}${run.baselines.majority.length ? ` · majority ${run.baselines.majority.map((p) => `k=${p.k}: ${pct(p.acc)}`).join(", ")}` : ""}${run.baselines.logreg.length ? ` · logistic regression ${run.baselines.logreg.map((p) => `k=${p.k}: ${pct(p.acc)}`).join(", ")}` : ""}`));

  // Selection of variant and k for the detail views.
  const sel = run.selection;
  const variantDd = dropdown(run.variants.map((v) => ({ value: v, label: v })), sel.variant, "variant-select", (v) => selectCell(run, v, sel.k));
  const kDd = dropdown(run.ks.map((k) => ({ value: String(k), label: `k = ${k}` })), String(sel.k), "k-select", (k) => selectCell(run, sel.variant, Number(k)));
  col.append(el("div", { class: "selectors" }, el("label", {}, "Variant "), variantDd, el("label", {}, " k "), kDd));

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
    makeChart(`labelBias:${run.runId}`, biasCanvas, {
      type: "bar",
      data: {
        labels: run.labelBias.labels,
        datasets: [
          { label: "predicted share", data: run.labelBias.shares, backgroundColor: palette(index) },
          { label: "gold share", data: run.labelBias.goldShares, backgroundColor: palette(index + 3) },
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { min: 0, max: 1 } } },
    }),
  );

  // Warnings: counts per code; each lists its queries in the grid.
  const warnings = warningsSection(run, state.warning?.runId === run.runId ? state.warning.code : undefined, (code) => showWarning(run, code));
  if (warnings) col.append(warnings);

  // Verdicts.
  if (run.verdicts.length) {
    const cards = el("div", { class: "verdicts", testid: "verdicts" });
    for (const v of run.verdicts) {
      cards.append(
        el(
          "article",
          { class: `verdict-card status-${v.status}`, testid: "verdict-card", "data-status": v.status, "data-id": v.id },
          el("h4", {}, v.title, " ", badge(v.status)),
          el("p", {}, v.text),
          v.conditions?.length
            ? el(
                "ul",
                { class: "verdict-conditions", testid: "verdict-conditions" },
                ...v.conditions.map((c) => el("li", { class: `cond cond-${c.status}`, "data-status": c.status }, `${CONDITION_MARK[c.status] ?? "?"} ${c.text}`, el("span", { class: "icl-muted small" }, ` (${c.status}: ${c.detail})`))),
              )
            : undefined,
          v.missing?.length ? el("p", { class: "icl-muted small", testid: "verdict-missing" }, `Not run: ${v.missing.join(", ")}`) : undefined,
          v.numbers.length ? table(["", ""], v.numbers.map((n) => [n.name, n.value]), "verdict-numbers", "icl-table compact") : undefined,
        ),
      );
    }
    col.append(el("h3", {}, "Hypothesis verdicts"), cards);
  }

  // Manifest.
  const det = el("details", { class: "manifest", testid: "manifest" }, el("summary", {}, "Run manifest"));
  det.append(table(["field", "value"], run.manifest.map((m) => [m.name, m.value]), "manifest-table", "icl-table compact"));
  col.append(det);
  return col;
}

function queryExplorer(run: RunView): HTMLElement {
  const sec = el("section", { class: "explorer", testid: "query-explorer", "data-run-id": run.runId });
  const runPick =
    state.runs.length > 1
      ? dropdown(state.runs.map((r) => ({ value: r.runId, label: r.file + " · " + r.runId })), run.runId, "explorer-run-select", (id) => {
          state.focus = id;
          state.detail = undefined;
          render();
          const r = focused();
          if (r) requestPage(r);
        })
      : undefined;
  const filter = state.warning?.runId === run.runId ? state.warning.code : undefined;
  sec.append(
    el("h3", { testid: "query-explorer-title" }, filter ? `Queries with warning ${filter} (all variants and k)` : `Queries (${run.selection.variant}, k = ${run.selection.k})`),
    filter ? button(`Back to ${run.selection.variant}, k = ${run.selection.k}`, "warning-filter-clear", () => showWarning(run, undefined), { secondary: true }) : "",
    runPick ?? "",
  );
  const page =
    state.page && state.page.runId === run.runId && state.page.warning === filter && (filter || (state.page.variant === run.selection.variant && state.page.k === run.selection.k)) ? state.page : undefined;
  const layout = el("div", { class: "explorer-layout" });
  const left = el("div", { class: "explorer-grid" });
  if (!page) left.append(el("p", { class: "icl-muted" }, "Loading queries…"));
  else {
    left.append(
      dataGrid<QueryRow>(
        page.rows,
        [
          ...(filter ? [{ title: "variant", value: (r: QueryRow) => r.variant }, { title: "k", value: (r: QueryRow) => String(r.k) }] : []),
          { title: "#", value: (r) => String(r.queryIndex) },
          { title: "seed", value: (r) => String(r.seed) },
          { title: "input", value: (r) => r.input },
          { title: "gold", value: (r) => r.gold },
          { title: "predicted", value: (r) => predictedText(r), className: (r) => (r.correct ? "ok" : "bad") },
          { title: "p", value: (r) => r.prob.toFixed(2) },
          { title: "", value: (r) => (r.correct ? "✓" : "✗"), className: (r) => (r.correct ? "ok" : "bad") },
          { title: "warnings", value: rowWarnings, className: (r) => (r.warnings?.length ? "warn" : undefined) },
        ],
        "query-grid",
        { rowTestId: "query-row", key: (r) => String(r.key), selected: state.detail ? String(state.detail.key) : undefined, onRow: (r) => send({ type: "queryDetail", runId: run.runId, key: r.key }) },
      ),
    );
    const pager = el("div", { class: "pager", testid: "query-pager" }, `${page.offset + 1}–${page.offset + page.rows.length} of ${page.total}`);
    if (page.offset > 0) pager.append(button("Previous", "page-prev", () => requestPage(run, Math.max(0, page.offset - PAGE)), { secondary: true }));
    if (page.offset + page.rows.length < page.total) pager.append(button("Next", "page-next", () => requestPage(run, page.offset + PAGE), { secondary: true }));
    left.append(pager);
  }
  const right = el("div", { class: "explorer-detail", testid: "query-detail" });
  const d = state.detail && state.detail.runId === run.runId ? state.detail : undefined;
  if (!d) right.append(el("p", { class: "icl-muted" }, "Pick a query to see its per-label scores and its prompt."));
  else {
    right.dataset.key = String(d.key);
    right.append(
      el("p", {}, `Query #${d.row.queryIndex} (${d.row.variant}, k = ${d.row.k}, seed ${d.row.seed}): gold `, el("strong", {}, d.row.gold), d.goldAlt ? ` (original ${d.goldAlt})` : "", ", predicted ", el("strong", { class: d.row.correct ? "ok" : "bad" }, predictedText(d.row))),
    );
    const dw = detailWarnings(d);
    if (dw) right.append(dw);
    const wrap = el("div", { class: "chart chart-scores" });
    const canvas = el("canvas", { testid: "label-scores-chart", role: "img", "aria-label": "Per-label probabilities of the selected query" }) as HTMLCanvasElement;
    wrap.append(canvas);
    right.append(wrap);
    queueMicrotask(() =>
      makeChart("labelScores", canvas, {
        type: "bar",
        data: {
          labels: d.labels.map((l) => l.label),
          datasets: [{ label: `p(label) · query ${d.row.queryIndex}`, data: d.labels.map((l) => l.prob), backgroundColor: d.labels.map((l) => (l.label === d.row.gold ? palette(2) : palette(0))) }],
        },
        options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, scales: { x: { min: 0, max: 1 } }, plugins: { legend: { display: false } } },
      }),
    );
    right.append(table(["label", "p", "log p", "tokens"], d.labels.map((l) => [l.label, l.prob.toFixed(4), l.logProb.toFixed(3), String(l.tokens)]), "label-scores-table", "icl-table compact"));
    right.append(el("h4", {}, "Prompt"));
    if (d.prompt !== undefined) right.append(el("pre", { class: "prompt", testid: "query-prompt" }, d.prompt));
    else right.append(el("p", { class: "icl-muted", testid: "query-prompt-note" }, d.promptNote ?? "prompt not available"), el("p", { class: "icl-muted small" }, `demos: ${d.demoIndices.join(", ") || "none"}`));
  }
  layout.append(left, right);
  sec.append(layout);
  return sec;
}

function render(): void {
  for (const id of Object.keys(window.__iclCharts)) dropChart(id);
  app.replaceChildren();
  if (state.runs.length === 0) {
    app.append(el("div", { class: "empty", testid: "empty-state" }, el("p", {}, "No results to show yet."), button("Run probe on active file", "run-probe", () => send({ type: "action", action: "runProbe" }))));
    return;
  }
  const grid = el("div", { class: "runs", testid: "runs", "data-count": state.runs.length });
  grid.style.setProperty("--cols", String(state.runs.length));
  state.runs.forEach((r, i) => grid.append(runColumn(r, i)));
  app.append(grid, divider());
  const f = focused();
  if (f) app.append(queryExplorer(f));
}

window.addEventListener("message", (ev: MessageEvent<ExtensionToPanel>) => {
  const m = ev.data;
  switch (m.type) {
    case "state":
      state.runs = m.runs;
      state.focus = m.focus ?? state.focus;
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
      if (f && f.runId === m.run.runId) {
        const selChanged = !prev || prev.selection.variant !== m.run.selection.variant || prev.selection.k !== m.run.selection.k;
        requestPage(f, selChanged ? 0 : state.page?.offset ?? 0);
      }
      break;
    }
    case "removeRun":
      state.runs = state.runs.filter((r) => r.runId !== m.runId);
      if (state.focus === m.runId) state.focus = undefined;
      saveState(m.persisted);
      render();
      if (focused()) requestPage(focused()!);
      break;
    case "queries":
      state.page = m.page;
      render();
      break;
    case "queryDetail":
      state.detail = m.detail;
      state.focus = m.detail.runId;
      render();
      break;
    case "progress":
      state.progress.set(m.progress.runId, m.progress);
      {
        const p = document.querySelector(`[data-run-id="${CSS.escape(m.progress.runId)}"] [data-testid="progress"]`);
        if (p) p.lastChild!.textContent = `${m.progress.done}/${m.progress.total}${m.progress.label ? ` · ${m.progress.label}` : ""}`;
      }
      break;
    case "progressEnd":
      state.progress.delete(m.runId);
      break;
    case "error":
      app.prepend(el("div", { class: "error", testid: "panel-error" }, m.message));
      break;
  }
});

watchTheme();
send({ type: "ready", view: "panel" });
