// Reader for `LABEL:rest text` lines, e.g. the TREC question-classification files, whose lines are
// `COARSE:fine question` ("DESC:manner How did serfdom develop in and then leave Russia ?").
// Each line offers named parts that "columns" can pick: `label` and `text` for plain
// `LABEL:text` lines; `coarse`, `fine` and `text` for TREC lines (default: label = coarse, input =
// text; "columns": {"label": "{coarse}:{fine}"} probes the 50 fine classes instead).
import { fillTemplate, type ColumnRef, type FieldPlan } from "./columns";
import { isCommentOrBlank } from "./jsonl";
import { expectedText, fieldPlans, type ReadContext, type ReadResult } from "./reader";
import { checkRow, isCleanRow, type FieldRange, type RawRow } from "./rows";
import { defined } from "../defined";

/** TREC style: an upper-case coarse class, a colon, a fine class, a space, the text. */
export const TREC_LINE = /^([A-Z][A-Z_]*):(\S+)\s+(\S.*)$/;
/** Plain style: a label without spaces, a colon, the text. */
export const LABEL_TEXT_LINE = /^([^\s:"'{}[\],]{1,40}):\s*(\S.*)$/;

/** Whether most sample lines are TREC-style (else plain LABEL:text). */
export function isTrecSample(lines: readonly string[]): boolean {
  const content = lines.filter((l) => l.trim() !== "");
  return content.length > 0 && content.filter((l) => TREC_LINE.test(l)).length >= 0.9 * content.length;
}

export function readLabelText(ctx: ReadContext): ReadResult {
  const { index, sink, info } = ctx;
  const sample = index.lines.filter((l, i) => i + 1 !== info.line && !isCommentOrBlank(l)).slice(0, 50);
  const trec = isTrecSample(sample);
  const parts = trec ? ["coarse", "fine", "text"] : ["label", "text"];
  const plans = fieldPlans(ctx.settings);
  const rows: RawRow[] = [];
  let attempted = 0;
  const partOf = (m: RegExpExecArray, ref: ColumnRef): string | undefined => {
    const i = "index" in ref ? ref.index : parts.indexOf(ref.name.trim().toLowerCase());
    return i >= 0 && i < parts.length ? m[i + 1] : undefined;
  };
  const read = (m: RegExpExecArray, plan: FieldPlan | undefined, fallback: string): string | undefined => {
    if (!plan) return partOf(m, { name: fallback });
    return plan.kind === "column" ? partOf(m, plan.ref) : fillTemplate(plan, (r) => partOf(m, r));
  };
  const badPart = [plans.input, plans.label].some(
    (p) =>
      p &&
      (p.kind === "column" ? [p.ref] : p.parts.filter((x): x is ColumnRef => typeof x !== "string")).some((r) =>
        "index" in r ? r.index >= parts.length : !parts.includes(r.name.trim().toLowerCase()),
      ),
  );
  if (badPart) {
    sink.add({
      ...ctx.settingsAt("columns"),
      severity: "error",
      code: "csv-missing-column",
      message: `"columns" names a part that ${trec ? "TREC-style COARSE:fine lines" : "LABEL:text lines"} do not have (they have ${parts.map((p) => `"${p}"`).join(", ")})`,
      hint: trec ? 'Use e.g. "columns": {"label": "{coarse}:{fine}"} for the fine classes.' : 'Use "label" and "text".',
    });
    return { rows, locateLabel: () => undefined, shape: "LABEL:text lines", keys: parts, attempted };
  }
  const expected = expectedText(plans, "column");
  // The label sits at the start of the line (plain, or coarse) when the mapping reads it from there.
  const labelAtStart = !plans.label || (plans.label.kind === "column" && "name" in plans.label.ref && ["label", "coarse"].includes(plans.label.ref.name.toLowerCase()));
  const lineRegex = trec ? TREC_LINE : LABEL_TEXT_LINE;
  for (const [li, text] of index.lines.entries()) {
    const line = li + 1;
    if (line === info.line || isCommentOrBlank(text)) continue;
    attempted++;
    const m = lineRegex.exec(text) ?? (trec ? LABEL_TEXT_LINE.exec(text) : null);
    if (!m) {
      sink.addLine(line, {
        severity: "error",
        code: "not-label-text",
        message: trec ? "this line is not a COARSE:fine text line" : "this line is not a LABEL:text line",
        hint: trec ? 'Write it as e.g. "DESC:manner How did serfdom develop ?".' : 'Write it as the label, a colon, then the text: "positive: a gorgeous film".',
      });
      continue;
    }
    const isTrec = m.length === 4 && trec;
    const input = isTrec ? read(m, plans.input, "text") : (read(m, plans.input, "text") ?? m[2]);
    const label = isTrec ? read(m, plans.label, "coarse") : (read(m, plans.label, "label") ?? m[1]);
    if (isCleanRow(input, label)) {
      rows.push({ line, input: input as string, label: label as string });
      continue;
    }
    const locate = (field: "input" | "label"): FieldRange | undefined =>
      field === "label" && labelAtStart ? { line, column: 1, endColumn: defined(m[1], "label of the line").length + 1, literal: (s) => s } : undefined;
    const trimmed = checkRow({ line, input, label, locate, container: "column", expected }, sink);
    if (trimmed !== undefined) rows.push({ line, input: input as string, label: trimmed });
  }
  const labelRange = (row: RawRow): FieldRange | undefined => {
    if (!labelAtStart) return undefined;
    const colon = index.lineText(row.line).indexOf(":");
    return colon > 0 ? { line: row.line, column: 1, endColumn: colon + 1, literal: (s) => s } : undefined;
  };
  const c = ctx.settings.columns ?? {};
  const shape = trec
    ? `TREC-style COARSE:fine lines (input ${c.input !== undefined ? JSON.stringify(String(c.input)) : '"text"'}, label ${c.label !== undefined ? JSON.stringify(String(c.label)) : '"coarse"'})`
    : `LABEL:text lines (input ${c.input !== undefined ? JSON.stringify(String(c.input)) : '"text"'}, label ${c.label !== undefined ? JSON.stringify(String(c.label)) : '"label"'})`;
  return { rows, locateLabel: labelRange, shape, keys: parts, attempted };
}
