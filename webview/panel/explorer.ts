// The query explorer of the results panel: the grid of one variant and k's queries (paged, in a
// box of its own height) with the picked query's detail beside it (below it in a narrow panel,
// then scrolled into view): its per-label scores, its warnings and its full prompt. A query
// picked from the editor's end-of-line result ("reveal") selects its cell, the page holding it,
// the row, and brings the detail into view.
import type { QueryDetail, QueryPage, QueryRow, RunView } from "../../src/shared/viewModel.js";
import { request } from "../shared/api.js";
import { button, dataGrid, dropdown, el } from "../shared/components.js";
import { detailWarnings, predictedText, rowWarnings } from "./warnings.js";
import { labelScores, P_TITLE } from "./scoresChart.js";

export const PAGE = 100;

export interface ExplorerState {
  runs: RunView[];
  page?: QueryPage;
  detail?: QueryDetail;
  /** The grid lists the queries carrying this warning code (all variants and k) instead of one cell. */
  warning?: { runId: string; code: string };
  /** A query to select once its page and detail arrive (from the editor). */
  reveal?: { runId: string; key: number };
}

export interface ExplorerActions {
  requestPage(run: RunView, offset?: number): void;
  focusRun(runId: string): void;
  clearWarning(run: RunView): void;
}

/** The page shown for `run`, when the one held is for its current cell (or warning filter). */
function pageFor(st: ExplorerState, run: RunView): QueryPage | undefined {
  const filter = st.warning?.runId === run.runId ? st.warning.code : undefined;
  const p = st.page;
  return p && p.runId === run.runId && p.warning === filter && (filter || (p.variant === run.selection.variant && p.k === run.selection.k)) ? p : undefined;
}

export function queryExplorer(st: ExplorerState, run: RunView, act: ExplorerActions, live: boolean): HTMLElement {
  const sec = el("section", { class: "explorer", testid: "query-explorer", "data-run-id": run.runId, "aria-label": "Queries" });
  const filter = st.warning?.runId === run.runId ? st.warning.code : undefined;
  sec.append(el("h3", { testid: "query-explorer-title" }, filter ? `Queries with warning ${filter} (all variants and k)` : `Queries (${run.selection.variant}, k = ${run.selection.k})`));
  if (filter) sec.append(button(`Back to ${run.selection.variant}, k = ${run.selection.k}`, "warning-filter-clear", () => act.clearWarning(run), { secondary: true }));
  if (st.runs.length > 1) {
    sec.append(
      dropdown(
        st.runs.map((r) => ({ value: r.runId, label: r.name ?? `${r.file} · ${r.runId}` })),
        run.runId,
        "explorer-run-select",
        (id) => act.focusRun(id),
        "Run whose queries are listed",
      ),
    );
  }
  // While the next page is on its way the previous one of this run stays (marked busy) instead of
  // a "Loading" placeholder; only a run's very first page is waited for.
  const fresh = pageFor(st, run);
  const page = fresh ?? (st.page?.runId === run.runId ? st.page : undefined);
  const layout = el("div", { class: "explorer-layout" });
  const left = el("div", { class: "explorer-grid", testid: "query-grid-box", "aria-busy": fresh ? "false" : "true" });
  if (!page) left.append(el("p", { class: "icl-muted", testid: "queries-waiting" }, "Fetching the queries…"));
  else if (page.total === 0) {
    left.append(
      el(
        "p",
        { class: "icl-muted", testid: "queries-none" },
        live
          ? `No query of ${run.selection.variant}, k = ${run.selection.k} is scored yet; this list fills as the run goes on.`
          : `No queries of ${run.selection.variant}, k = ${run.selection.k} in this run.`,
      ),
    );
  } else {
    const selected = st.detail && st.detail.runId === run.runId ? String(st.detail.key) : st.reveal?.runId === run.runId ? String(st.reveal.key) : undefined;
    left.append(
      dataGrid<QueryRow>(
        page.rows,
        [
          ...(filter
            ? [
                { title: "variant", value: (r: QueryRow) => r.variant },
                { title: "k", value: (r: QueryRow) => String(r.k) },
              ]
            : []),
          { title: "#", value: (r) => String(r.queryIndex) },
          { title: "seed", value: (r) => String(r.seed) },
          { title: "input", value: (r) => r.input },
          { title: "gold", value: (r) => r.gold },
          { title: "predicted", value: (r) => predictedText(r), className: (r) => (r.correct ? "ok" : "bad") },
          { title: "p", value: (r) => r.prob.toFixed(2) },
          { title: "right?", value: (r) => (r.correct ? "✓ right" : "✗ wrong"), className: (r) => (r.correct ? "ok" : "bad") },
          { title: "warnings", value: rowWarnings, className: (r) => (r.warnings?.length ? "warn" : undefined) },
        ],
        "query-grid",
        {
          rowTestId: "query-row",
          key: (r) => String(r.key),
          selected,
          label: `Queries of ${filter ? `warning ${filter}` : `${run.selection.variant}, k = ${run.selection.k}`}: pick one to see its scores and prompt (p: ${P_TITLE})`,
          onRow: (r) => request({ type: "queryDetail", runId: run.runId, key: r.key }),
        },
      ),
    );
  }
  const pager = page ? el("div", { class: "pager", testid: "query-pager" }, page.total ? `${page.offset + 1}–${page.offset + page.rows.length} of ${page.total}` : "") : undefined;
  if (page && page.offset > 0) pager!.append(button("Previous", "page-prev", () => act.requestPage(run, Math.max(0, page.offset - PAGE)), { secondary: true }));
  if (page && page.offset + page.rows.length < page.total) pager!.append(button("Next", "page-next", () => act.requestPage(run, page.offset + PAGE), { secondary: true }));
  const right = el("div", { class: "explorer-detail", testid: "query-detail", role: "region", "aria-label": "Selected query", tabindex: -1 });
  const d = st.detail && st.detail.runId === run.runId ? st.detail : undefined;
  if (!d) right.append(el("p", { class: "icl-muted" }, "Pick a query in the list to see its per-label scores and its prompt here."));
  else {
    right.dataset.key = String(d.key);
    right.append(
      el("h4", {}, `Query #${d.row.queryIndex} (${d.row.variant}, k = ${d.row.k}, seed ${d.row.seed})`),
      el(
        "p",
        {},
        "Gold ",
        el("strong", {}, d.row.gold),
        d.goldAlt ? ` (original ${d.goldAlt})` : "",
        ", predicted ",
        el("strong", { class: d.row.correct ? "ok" : "bad" }, predictedText(d.row)),
        d.row.correct ? " ✓ right" : " ✗ wrong",
      ),
    );
    const dw = detailWarnings(d);
    if (dw) right.append(dw);
    right.append(labelScores(d));
    right.append(el("h4", {}, "Prompt"));
    if (d.prompt !== undefined) right.append(el("pre", { class: "prompt", testid: "query-prompt", tabindex: 0, "aria-label": "The query's full prompt" }, d.prompt));
    else
      right.append(
        el("p", { class: "icl-muted", testid: "query-prompt-note" }, d.promptNote ?? "prompt not available"),
        el("p", { class: "icl-muted small" }, `demos: ${d.demoIndices.join(", ") || "none"}`),
      );
  }
  layout.append(el("div", { class: "explorer-list" }, left, pager ?? ""), right);
  sec.append(layout);
  return sec;
}

/** Brings the selected row into view inside the grid's box, and the detail into the viewport. */
export function bringSelectionIntoView(sec: HTMLElement, opts: { row?: boolean; detail?: boolean }): void {
  requestAnimationFrame(() => {
    if (opts.row) {
      const row = sec.querySelector<HTMLElement>('[data-testid="query-row"].selected');
      const box = sec.querySelector<HTMLElement>('[data-testid="query-grid-box"]');
      if (row && box) box.scrollTop += row.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
    }
    if (opts.detail) sec.querySelector<HTMLElement>('[data-testid="query-detail"]')?.scrollIntoView({ block: "nearest" });
  });
}
