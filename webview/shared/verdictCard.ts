// One verdict card (src/shared/verdictCards.ts), as the results panel shows it: in the run
// columns and beside each figure of the Hypotheses view.
import type { VerdictCard } from "../../src/shared/viewModel.js";
import { el, badge, table } from "./components.js";

const CONDITION_MARK: Record<string, string> = { pass: "✓", fail: "✗", untestable: "?" };

export function verdictCard(v: VerdictCard, opts: { collapseConditions?: boolean } = {}): HTMLElement {
  const conditions = v.conditions?.length
    ? el(
        "ul",
        { class: "verdict-conditions", testid: "verdict-conditions" },
        ...v.conditions.map((c) =>
          el(
            "li",
            { class: `cond cond-${c.status}`, "data-status": c.status },
            `${CONDITION_MARK[c.status] ?? "?"} ${c.text}`,
            el("span", { class: "icl-muted small" }, ` (${c.status}: ${c.detail})`),
          ),
        ),
      )
    : undefined;
  return el(
    "article",
    { class: `verdict-card status-${v.status}`, testid: "verdict-card", "data-status": v.status, "data-id": v.id },
    el("h4", {}, v.title, " ", badge(v.status)),
    el("p", {}, v.text),
    conditions && opts.collapseConditions ? el("details", {}, el("summary", { class: "icl-muted small" }, `${v.conditions.length} conditions checked`), conditions) : conditions,
    v.missing?.length ? el("p", { class: "icl-muted small", testid: "verdict-missing" }, `Not run: ${v.missing.join(", ")}`) : undefined,
    v.numbers.length
      ? table(
          ["", ""],
          v.numbers.map((n) => [n.name, n.value]),
          "verdict-numbers",
          "icl-table compact",
        )
      : undefined,
  );
}
