// The results panel's warnings: a badge on the run's header, a list with the count of each code
// (what it means, what to do, where it occurs), a button per code that lists the affected queries
// in the query grid, and the warnings of the query picked in the grid. Renders the
// WarningsView built in the extension (src/shared/warningsView.ts).
import type { QueryDetail, QueryRow, RunView } from "../../src/shared/viewModel.js";
import { el, button } from "../shared/components.js";

/** "⚠ 24" on the run's header: queries carrying a warning (run-level ones counted when no query has one). */
export function warningsBadge(run: RunView): HTMLElement | undefined {
  const w = run.warnings;
  if (!w || w.codes.length === 0) return undefined;
  const n = w.queries || w.codes.reduce((a, c) => a + c.run + c.calibration, 0);
  const title = `${w.queries} of ${run.records} queries carry warnings: ${w.codes.map((c) => c.code).join(", ")}`;
  const b = el("span", { class: "warn-badge", testid: "warnings-badge", title, role: "button", tabindex: 0, "data-count": n }, `⚠ ${n}`);
  const go = () => document.querySelector(`[data-run-id="${CSS.escape(run.runId)}"] [data-testid="warnings-list"]`)?.scrollIntoView({ block: "nearest" });
  b.addEventListener("click", go);
  b.addEventListener("keydown", (ev) => (ev as KeyboardEvent).key === "Enter" && go());
  return b;
}

/** The list of codes with counts; `onShow(code)` lists the affected queries in the grid. */
export function warningsSection(run: RunView, active: string | undefined, onShow: (code: string) => void): HTMLElement | undefined {
  const w = run.warnings;
  if (!w || w.codes.length === 0) return undefined;
  const list = el("div", { class: "warnings", testid: "warnings-list" });
  for (const c of w.codes) {
    const where = c.cells.map((x) => `${x.variant} k=${x.k}: ${x.queries}`).join(", ");
    const counts = [c.queries ? `${c.queries} quer${c.queries === 1 ? "y" : "ies"}` : "", c.calibration ? `${c.calibration} calibration` : "", c.run ? `${c.run} about the run` : ""]
      .filter(Boolean)
      .join(", ");
    list.append(
      el(
        "details",
        { class: `warning-row sev-${c.severity}${active === c.code ? " active" : ""}`, testid: "warning-row", "data-code": c.code, "data-queries": c.queries },
        el("summary", {}, el("code", {}, c.code), " ", el("span", { testid: "warning-title" }, c.title), " · ", el("strong", { testid: "warning-count" }, counts)),
        el("p", { class: "small" }, c.meaning),
        el("p", { class: "small" }, el("strong", {}, "What to do: "), c.action),
        where ? el("p", { class: "small icl-muted" }, `Where: ${where}`) : undefined,
        ...c.runMessages.map((m) => el("p", { class: "small icl-muted" }, m)),
        c.queries ? button(active === c.code ? "Listed below" : "Show these queries", "warning-show-queries", () => onShow(c.code), { secondary: true }) : undefined,
      ),
    );
  }
  return el("div", {}, el("h3", {}, `Warnings (${w.queries} of ${run.records} queries)`), list);
}

/** Grid cell text of a query's warnings: the first code and how many more (the detail lists them all). */
export function rowWarnings(r: QueryRow): string {
  const w = r.warnings ?? [];
  return w.length ? `⚠ ${w[0]}${w.length > 1 ? ` +${w.length - 1}` : ""}` : "";
}

/** Grid cell text of a prediction: a tie shows the tied labels. */
export function predictedText(r: Pick<QueryRow, "predicted" | "tied">): string {
  return r.predicted === "" ? `tie (${(r.tied ?? []).join(", ")})` : r.predicted;
}

/** The picked query's warnings, in full, below its scores. */
export function detailWarnings(d: QueryDetail): HTMLElement | undefined {
  if (!d.warnings?.length) return undefined;
  return el(
    "div",
    { class: "query-warnings", testid: "query-warnings" },
    el("h4", {}, "Warnings"),
    el("ul", {}, ...d.warnings.map((w) => el("li", { testid: "query-warning", "data-code": w.code }, el("code", {}, w.code), " ", w.message))),
  );
}
