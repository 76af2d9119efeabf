// Whole-file checks that need every row and the resolved settings: labels against the declared
// set, class counts, k against the number of examples, duplicates, balance.
import type { Example, Problem, ProbeSettings } from "../types";
import { type HeaderInfo, headerValueRange } from "./header";
import type { FieldRange, RawRow } from "./rows";
import { checkK, headerKeyOf, serializeHeader } from "./settings";
import { closest, editDistance, quote, type LineIndex, type ProblemSink } from "./text";
import { defined } from "../defined";

/** A class count ratio (largest / smallest) at or above this is reported as unbalanced. */
export const UNBALANCED_RATIO = 3;

interface Ctx {
  index: LineIndex;
  sink: ProblemSink;
  info: HeaderInfo;
  settings: ProbeSettings;
  /** Settings keys set by overrides (their problems cannot point into the file). */
  overridden: Set<keyof ProbeSettings>;
  locateLabel: (row: RawRow) => FieldRange | undefined;
  /** Declared classes: "labels", else the classes of "labelMap" (undefined: from the data). */
  declared?: string[];
  /** Whether deleting a whole line is a safe fix (not in a JSON array, where a line may hold several examples). */
  lineFixes?: boolean;
}

/** Range for a problem about a setting: its value in the header, else the file's first line. */
function settingRange(ctx: Ctx, key: keyof ProbeSettings, item?: number): { line: number; column: number; endLine: number; endColumn: number } {
  const { index, info } = ctx;
  if (!ctx.overridden.has(key) && info.line !== undefined && info.keys.has(key)) {
    const r = headerValueRange(index, info.line, info.written.get(key) ?? headerKeyOf(key), item);
    if (r) return { ...r, endLine: r.line };
  }
  const line = info.line ?? 1;
  return { line, column: 1, endLine: line, endColumn: index.lineText(line).length + 1 };
}

function origin(ctx: Ctx, key: keyof ProbeSettings): string {
  if (ctx.overridden.has(key)) return " (from the settings override)";
  if (!ctx.info.keys.has(key)) return ` (the default ${headerKeyOf(key)})`;
  return "";
}

export interface Validated {
  examples: Example[];
  classes: string[];
}

export function validateRows(rows: RawRow[], ctx: Ctx): Validated {
  const { sink, settings } = ctx;
  const declared = ctx.declared ?? settings.classes;
  // A label a "labelMap" produced is not written in the file: a fix must not write it there.
  const labelRange = (r: RawRow): FieldRange | undefined => {
    const range = ctx.locateLabel(r);
    return range && r.rawLabel !== undefined ? { ...range, literal: () => "" } : range;
  };
  const fixable = (r: RawRow) => r.rawLabel === undefined;

  // 1. Labels against the declared set.
  const examples: Example[] = [];
  const exampleRows: RawRow[] = [];
  const declaredSet = declared ? new Set(declared) : undefined;
  const wordToClass = new Map<string, string>();
  if (declared) for (const c of declared) if (settings.verbalizers[c] !== undefined) wordToClass.set(settings.verbalizers[c], c);
  for (const r of rows) {
    if (declaredSet && !declaredSet.has(r.label)) {
      const viaWord = wordToClass.get(r.label);
      const guess = viaWord ?? closest(r.label, declared!);
      const range = labelRange(r);
      sink.add({
        ...(range ? { line: range.line, column: range.column, endLine: range.line, endColumn: range.endColumn } : { line: r.line, column: 1 }),
        severity: "error",
        code: "unknown-label",
        message: `label ${quote(r.label)} is not one of the declared labels (${declared!.map((c) => quote(c)).join(", ")})`,
        hint: viaWord
          ? `${quote(r.label)} is the label word of class ${quote(viaWord)}; write the class name ${quote(viaWord)} in the data.`
          : guess
            ? `Did you mean ${quote(guess)}? Otherwise add ${quote(r.label)} to "labels" in the header.`
            : `Use one of the declared labels, or add ${quote(r.label)} to "labels" in the header.`,
        fix: guess && range && fixable(r) ? { line: range.line, column: range.column, endColumn: range.endColumn, replacement: range.literal(guess), title: `Change to ${quote(guess)}` } : undefined,
      });
      continue;
    }
    examples.push({ index: examples.length, line: r.line, input: r.input, label: r.label });
    exampleRows.push(r);
  }

  // 2. Classes and their counts.
  const counts = new Map<string, number>();
  const firstLine = new Map<string, number>();
  for (const e of examples) {
    counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    if (!firstLine.has(e.label)) firstLine.set(e.label, e.line);
  }
  const classes = declared ? [...declared] : [...counts.keys()];
  const n = examples.length;

  // A file-level diagnosis (unknown columns, not a data file) already says why nothing was read.
  if (n === 0 && sink.problems.some((p) => p.code === "columns-needed" || p.code === "csv-missing-column")) return { examples, classes };
  if (n === 0) {
    const hadRows = rows.length > 0 || sink.problems.some((p) => p.severity === "error");
    sink.add({
      line: ctx.info.line ?? 1,
      column: 1,
      severity: "error",
      code: "no-examples",
      message: "the file has no valid examples",
      hint: hadRows ? "Fix the errors above: every example line needs a non-empty input and label." : 'Add one example per line, e.g. {"input": "a gorgeous, witty film", "label": "positive"}.',
    });
    return { examples, classes };
  }

  if (declared) {
    // One warning for all of them: they share the same place (the "labels" value).
    const missing = declared.filter((c) => !counts.has(c));
    if (missing.length) {
      const shown =
        missing
          .slice(0, 10)
          .map((c) => quote(c))
          .join(", ") + (missing.length > 10 ? ` and ${missing.length - 10} more` : "");
      sink.add({
        ...settingRange(ctx, "classes"),
        severity: "warning",
        code: "class-without-examples",
        message: missing.length === 1 ? `declared label ${shown} has no examples` : `declared labels ${shown} have no examples`,
        hint: `Add examples with ${missing.length === 1 ? "this label" : "these labels"}, or remove ${missing.length === 1 ? "it" : "them"} from "labels".`,
      });
    }
  }
  const present = classes.filter((c) => counts.has(c));
  if (present.length < 2 && !(declared && declared.length < 2)) {
    sink.add({
      ...settingRange(ctx, "classes"),
      severity: "error",
      code: "too-few-classes",
      message: present.length === 1 ? `all examples have the label ${quote(present[0])}; a probe needs at least two classes` : "no class has examples",
      hint: "Add examples of at least one other class.",
    });
  }

  // 3. Verbalizers: keys must be classes, and label words must be distinct.
  const classSet = new Set(classes);
  for (const cls of Object.keys(settings.verbalizers)) {
    if (!classSet.has(cls)) {
      const guess = closest(cls, classes);
      sink.add({
        ...settingRange(ctx, "verbalizers"),
        severity: "warning",
        code: "verbalizer-unknown-class",
        message: `verbalizer for ${quote(cls)}, which is not a class of this file`,
        hint: guess ? `Did you mean ${quote(guess)}?` : `Classes: ${classes.map((c) => quote(c)).join(", ")}.`,
      });
    }
  }
  const byWord = new Map<string, string>();
  for (const c of classes) {
    const word = settings.verbalizers[c] ?? c;
    const other = byWord.get(word);
    if (other !== undefined && (settings.verbalizers[c] !== undefined || settings.verbalizers[other] !== undefined)) {
      sink.add({
        ...settingRange(ctx, "verbalizers"),
        severity: "error",
        code: "duplicate-verbalizer",
        message: `classes ${quote(other)} and ${quote(c)} are both shown as ${quote(word)}`,
        hint: "Give every class its own label word, or the scores cannot tell them apart.",
      });
    }
    byWord.set(word, c);
  }

  // 4. k must leave at least one query; queries beyond what is left are capped.
  const kIssues = checkK(settings.k, n);
  const firstIssue = kIssues[0];
  if (firstIssue) {
    const fitting = settings.k.filter((k) => k <= n - 1);
    const half = Math.floor((n - 1) / 2);
    const suggestion = fitting.length && Math.max(...fitting) >= half ? fitting : [...fitting, half].filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
    const title = `Set k to ${JSON.stringify(suggestion)}`;
    const inHeader = ctx.info.line !== undefined && ctx.info.keys.has("k") && !ctx.overridden.has("k");
    let fix: Problem["fix"];
    if (n >= 1 && !ctx.overridden.has("k")) {
      if (inHeader) {
        const whole = headerValueRange(ctx.index, ctx.info.line!, ctx.info.written.get("k") ?? "k");
        if (whole) fix = { line: whole.line, column: whole.column, endColumn: whole.endColumn, replacement: JSON.stringify(suggestion), title };
      } else if (ctx.info.line !== undefined) {
        const brace = ctx.index.lineText(ctx.info.line).indexOf("{");
        if (brace >= 0) fix = { line: ctx.info.line, column: brace + 2, endColumn: brace + 2, replacement: `"k": ${JSON.stringify(suggestion)}, `, title };
      } else {
        fix = { line: 1, column: 1, endColumn: 1, replacement: serializeHeader({ k: suggestion }) + "\n", title: `Add a header line with k = ${JSON.stringify(suggestion)}` };
      }
    }
    if (inHeader) {
      // One problem per offending entry, each underlining its own number.
      for (const issue of kIssues) sink.add({ ...settingRange(ctx, "k", issue.item), severity: "error", code: issue.code, message: issue.message, hint: issue.hint, fix });
    } else {
      const big = kIssues.map((i) => settings.k[i.item!]);
      sink.add({
        ...settingRange(ctx, "k"),
        severity: "error",
        code: "k-too-large",
        message: `k = ${big.join(", ")}${origin(ctx, "k")} ${big.length === 1 ? "needs" : "need"} more examples than the ${n} valid one${n === 1 ? "" : "s"}: every k must leave at least one query (k <= ${n - 1})`,
        hint: firstIssue.hint + (ctx.overridden.has("k") ? " Change the k setting." : ' Set "k" in the header line.'),
        fix,
      });
    }
  }
  const maxK = Math.max(0, ...settings.k.filter((k) => k <= n - 1));
  const left = n - maxK;
  // Only when "queries" was asked for explicitly: the default simply means "up to 64".
  const queriesSet = ctx.overridden.has("queries") || ctx.info.keys.has("queries");
  if (kIssues.length === 0 && queriesSet && settings.queries > left) {
    sink.add({
      ...settingRange(ctx, "queries"),
      severity: "info",
      code: "queries-capped",
      message: `queries = ${settings.queries}${origin(ctx, "queries")}, but only ${left} example${left === 1 ? " is" : "s are"} left after ${maxK} demonstration${maxK === 1 ? "" : "s"}; every one of them is used as a query`,
      hint: 'Add examples for more queries, or lower "queries" to silence this note.',
    });
  }

  // 5. Duplicates and conflicting labels. Keyed by input only (plain strings from the parser,
  // no concatenated keys) and mapped to the example itself (no new object per example); the rare
  // repeated input keeps a short list of the examples seen with it.
  const firstByInput = new Map<string, Example>();
  const repeats = new Map<string, Example[]>();
  for (const [i, e] of examples.entries()) {
    const first = firstByInput.get(e.input);
    if (first === undefined) {
      firstByInput.set(e.input, e);
      continue;
    }
    let list = repeats.get(e.input);
    if (!list) repeats.set(e.input, (list = [first]));
    const same = list.find((x) => x.label === e.label);
    if (same !== undefined) {
      // Clearing the line deletes the example (blank lines are skipped); only offered when the
      // example sits on one line (not a multi-line CSV row).
      const r = defined(exampleRows[i], "row of an example"); // pushed together with the example
      const oneLine = ctx.lineFixes !== false && (r.start === undefined || r.end === undefined || ctx.index.position(r.end).line === e.line);
      const len = ctx.index.lineText(e.line).length;
      sink.add({
        line: e.line,
        column: 1,
        endLine: e.line,
        severity: "warning",
        code: "duplicate-example",
        message: `duplicate of the example on line ${same.line}`,
        hint: "Delete one copy: a repeated example can be both a demonstration and its own query.",
        fix: oneLine ? { line: e.line, column: 1, endColumn: len + 1, replacement: "", title: "Delete this duplicate" } : undefined,
      });
      continue;
    }
    sink.add({
      line: e.line,
      column: 1,
      endLine: e.line,
      severity: "warning",
      code: "conflicting-labels",
      message: `the same input is labelled ${quote(first.label)} on line ${first.line} and ${quote(e.label)} here`,
      hint: "Keep one label for this input; contradictory demonstrations blur what the probe measures.",
    });
    list.push(e);
  }

  // 6. Balance.
  if (present.length >= 2) {
    let maxC = defined(present[0], "a present class");
    let minC = maxC;
    for (const c of present) {
      if (counts.get(c)! > counts.get(maxC)!) maxC = c;
      if (counts.get(c)! < counts.get(minC)!) minC = c;
    }
    const ratio = counts.get(maxC)! / counts.get(minC)!;
    if (ratio >= UNBALANCED_RATIO) {
      sink.add({
        ...settingRange(ctx, "classes"),
        severity: "warning",
        code: "unbalanced-classes",
        message: `classes are heavily unbalanced: ${quote(maxC)} has ${counts.get(maxC)} examples, ${quote(minC)} only ${counts.get(minC)} (${ratio.toFixed(1)}:1)`,
        hint: 'Add examples of the rare classes, or set "balance": true so each demo set has every class equally often. Compare accuracy with the majority-class baseline.',
      });
    }
  }

  // 7. Labels that differ only in case ("positive" / "Positive"): the variants compare label words
  // ignoring case and most tokenizers give them different tokens, so they are an error with the
  // rarer one's first line (any number of classes: one pass over a lower-case map).
  const caseOnly = new Set<string>();
  {
    const byLower = new Map<string, string>();
    for (const c of classes) {
      const l = c.toLowerCase();
      const other = byLower.get(l);
      if (other === undefined) {
        byLower.set(l, c);
        continue;
      }
      caseOnly.add(c).add(other);
      const [common, rare] = (counts.get(other) ?? 0) >= (counts.get(c) ?? 0) ? [other, c] : [c, other];
      const line = firstLine.get(rare);
      const row = line === undefined ? undefined : exampleRows.find((r) => r.line === line);
      const range = row ? labelRange(row) : undefined;
      const where = range ? { line: range.line, column: range.column, endLine: range.line, endColumn: range.endColumn } : line !== undefined ? { line, column: 1 } : settingRange(ctx, "classes");
      sink.add({
        ...where,
        severity: "error",
        code: "case-only-labels",
        message: `labels ${quote(rare)} (${counts.get(rare) ?? 0}x${line !== undefined ? `, first on line ${line}` : ""}) and ${quote(common)} (${counts.get(common) ?? 0}x${firstLine.has(common) ? `, first on line ${firstLine.get(common)}` : ""}) differ only in case`,
        hint: `If they are one class, write ${quote(common)} everywhere${settings.labelMap ? ' (or map both to it in "labelMap")' : ""}; if they are two, give one of them another label word with "verbalizers".`,
        fix: range && row && fixable(row) ? { line: range.line, column: range.column, endColumn: range.endColumn, replacement: range.literal(common), title: `Change to ${quote(common)}` } : undefined,
      });
    }
  }

  // 8. Undeclared labels that look like typos of each other ("positive" / "positve").
  if (!declared && classes.length <= 200) {
    for (const [i, a] of classes.entries()) {
      for (const b of classes.slice(i + 1)) {
        if (caseOnly.has(a) && caseOnly.has(b) && a.toLowerCase() === b.toLowerCase()) continue;
        const similar = Math.min(a.length, b.length) >= 5 && editDistance(a, b) <= 1;
        if (!similar) continue;
        const [common, rare] = counts.get(a)! >= counts.get(b)! ? [a, b] : [b, a];
        const line = firstLine.get(rare)!;
        const row = exampleRows.find((r) => r.line === line);
        const range = row ? labelRange(row) : undefined;
        sink.add({
          ...(range ? { line: range.line, column: range.column, endLine: range.line, endColumn: range.endColumn } : { line, column: 1 }),
          severity: "warning",
          code: "similar-labels",
          message: `labels ${quote(rare)} (${counts.get(rare)}x) and ${quote(common)} (${counts.get(common)}x) look like the same class`,
          hint: `If they are the same class, write ${quote(common)} everywhere; declare "labels" in a header line to catch such typos as errors.`,
          fix:
            range && row && fixable(row) ? { line: range.line, column: range.column, endColumn: range.endColumn, replacement: range.literal(common), title: `Change to ${quote(common)}` } : undefined,
        });
      }
    }
  }

  // 9. Class numbers as labels (GLUE's 0/1, AG News' 1..4): the model would be asked to answer
  // with a digit. Runnable, but one warning says how to name the classes.
  if (!settings.labelMap && classes.length >= 2 && classes.every((c) => /^\d+$/.test(c)) && Object.keys(settings.verbalizers).length === 0) {
    const first = defined(examples[0], "first example"); // there are classes, so examples
    const row = exampleRows[0];
    const range = row ? labelRange(row) : undefined;
    const sorted = [...classes].sort((x, y) => Number(x) - Number(y));
    sink.add({
      ...(range ? { line: range.line, column: range.column, endLine: range.line, endColumn: range.endColumn } : { line: first.line, column: 1 }),
      severity: "warning",
      code: "numeric-labels",
      message: `the labels are class numbers (${sorted.slice(0, 6).join(", ")}${sorted.length > 6 ? ", ..." : ""}): the model would answer with a digit`,
      hint: `Name the classes with a label map, e.g. "labelMap": ${JSON.stringify(Object.fromEntries(sorted.slice(0, 4).map((c, i) => [c, sorted.length === 2 ? ["negative", "positive"][i] : `name of class ${c}`])))} in the header (--label-map on the command line, or --classes FILE with one class name per line).`,
    });
  }
  return { examples, classes };
}
