// Warnings as results: every caveat the engine or the runner finds about a query (tokenization
// that does not do what the prompt suggests, clamped probabilities, ties) is a structured value
// with a stable code, stored on the query's record and counted per run. One table here says what
// each code means and what the user should do, so the CLI, the CSV, the report and the panel all
// explain a code in the same words (docs/ENGINE.md quotes it; a unit test keeps them in step).
import type { QueryRecord, RunWarning, RunWarnings, ScoreWarning, WarningCount } from "./results/schema";
export type { RunWarning, RunWarnings, ScoreWarning, WarningCount } from "./results/schema";
import { defined } from "./defined";

export const WARNING_CODES = [
  "boundary-merge",
  "label-context-tokens",
  "demo-label-tokens",
  "demo-label-merge",
  "shared-first-token",
  "prob-underflow",
  "label-tie",
  "token-prompt-merge",
  "demo-spans-missing",
  "variant-fallback",
  "variant-skipped",
  "legacy-file",
] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

export function isWarningCode(x: unknown): x is WarningCode {
  return typeof x === "string" && (WARNING_CODES as readonly string[]).includes(x);
}

export interface WarningInfo {
  /** "warning": the numbers may not mean what they seem; "info": worth knowing, scores are fine. */
  severity: "warning" | "info";
  title: string;
  /** What the code means for the scores. */
  meaning: string;
  /** What the user should do about it. */
  action: string;
  /** Who finds it. */
  source: "engine" | "runner" | "results";
}

export const WARNING_INFO: Record<WarningCode, WarningInfo> = {
  "boundary-merge": {
    severity: "warning",
    title: "label merges with the prompt",
    meaning:
      "Tokenizing the prompt together with the label changes the prompt's last token(s): the label's first characters merge with the template text before it (e.g. 'Label:' + '-1' becomes ':-' '1'). The label is scored from where the two tokenizations part, so its log-prob also covers some template text, and labels that merge differently are compared over different spans.",
    action: "Separate the label from the text before it with a space (e.g. 'Label: {label}' instead of 'Label:{label}'), or choose label words that do not merge with the template.",
    source: "engine",
  },
  "label-context-tokens": {
    severity: "info",
    title: "label tokens depend on context",
    meaning:
      "After the prompt the label gets other tokens than when it is tokenized alone (with or without the space before it). Scores use the in-context tokens, so they are right; single-token assumptions (first-token log-probs, token-level variants) may not hold.",
    action: "Nothing for the scores. If you rely on first-token statistics, check the label's tokens in the query detail and pick labels whose tokens do not change.",
    source: "engine",
  },
  "demo-label-tokens": {
    severity: "warning",
    title: "demos show other label tokens",
    meaning:
      "A label is tokenized differently inside a demonstration than after the query, so the demonstrations show the model other tokens than the ones that are scored. Accuracy then understates what the model learnt from the demos.",
    action: "Make the label's surroundings the same in demos and query: the same text (and spacing) before {label}, and a separator such as a newline right after it.",
    source: "engine",
  },
  "demo-label-merge": {
    severity: "warning",
    title: "demo label merges with the text after it",
    meaning:
      "In a demonstration the label's last token merges with the text that follows it (the rest of the template or the separator), so the model never sees the label's scored tokens on their own in the demos.",
    action: "Put a separator after {label} (a newline, or a space before the next text), or end the template with {label}.",
    source: "engine",
  },
  "shared-first-token": {
    severity: "info",
    title: "labels share their first token",
    meaning: "Several labels start with the same token, so their first-token log-probs are identical. Full-label scores (the ones used for predictions) still tell them apart.",
    action: "Nothing for accuracy. If you use first-token scores, choose labels that start with different tokens.",
    source: "engine",
  },
  "prob-underflow": {
    severity: "warning",
    title: "probability underflow",
    meaning:
      "A label token's probability underflowed to 0 in float32 and was clamped to 1.18e-38 (log -87.3), so the label's log-prob is an upper bound: the model considers the label essentially impossible there.",
    action: "Check the label's spelling and tokens; a label made of unusual tokens (bytes, rare pieces) is often the cause. Comparisons of such labels with each other are not meaningful.",
    source: "engine",
  },
  "label-tie": {
    severity: "warning",
    title: "labels tie",
    meaning:
      "Two or more labels have exactly the same score, so there is no single prediction: the query counts as wrong (its predicted label is empty) even when the gold label is among the tied ones. It is never resolved by label order.",
    action: "Usually the tied labels tokenize to the same tokens (e.g. both to an unknown token). Use label words that the model's vocabulary can tell apart.",
    source: "engine",
  },
  "token-prompt-merge": {
    severity: "info",
    title: "prefix and query merge (token variant)",
    meaning:
      "For a token-level variant (pa-token) the demonstrations and the query merge into one token at their boundary; the prefix was shortened to the tokens they share and the merged token was permuted with the query.",
    action: "Usually harmless. Put a separator between examples (e.g. a newline) to avoid it.",
    source: "runner",
  },
  "demo-spans-missing": {
    severity: "warning",
    title: "demo checks skipped",
    meaning: "The runner could not locate the demonstrations in the prompt, so the demo/query label-token check and the largest-k report on a context overflow did not run for this query.",
    action: "Report it as a bug, with the demo file and the settings.",
    source: "runner",
  },
  "variant-fallback": {
    severity: "warning",
    title: "variant fell back",
    meaning: "A variant could not be built as designed and used a fallback (the message says which), so its results may not test exactly what its name says.",
    action: "Read the message; supply what the variant lacked (word lists, a model with a richer vocabulary) or use another variant.",
    source: "runner",
  },
  "variant-skipped": {
    severity: "warning",
    title: "variant not run",
    meaning:
      "A variant of the settings was left out of the run because this engine or model cannot provide what it needs (g-linear: the model's input embeddings, which a remote backend cannot read or a file may store in a type without a decoder); every other variant ran.",
    action: "Run that variant with a local GGUF model whose token embeddings are F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K or Q6_K, or leave it out.",
    source: "runner",
  },
  "legacy-file": {
    severity: "info",
    title: "warnings not recorded",
    meaning: "This results file was written by an older icl-probe (results schema 2), which did not record tokenization warnings; its predictions were re-derived with today's tie rule.",
    action: "Run the probe again to get its warnings.",
    source: "results",
  },
};

/** The table entry of a code; a generic one for codes this build does not know (newer files). */
export function warningInfo(code: string): WarningInfo {
  return isWarningCode(code)
    ? WARNING_INFO[code]
    : {
        severity: "warning",
        title: code,
        meaning: "A warning code this version of icl-probe does not know (the file was written by a newer one); the message says what was found.",
        action: "Update icl-probe for the full explanation.",
        source: "results",
      };
}

/** Codes of a record's warnings, each once, in order of first appearance. */
export function warningCodes(ws: readonly ScoreWarning[] | undefined): WarningCode[] {
  return [...new Set((ws ?? []).map((w) => w.code))];
}

/**
 * Counts per code over a run: query records, calibration records and run-level warnings, with
 * the query records per variant and k. Codes in WARNING_CODES order (unknown codes from a newer
 * build last); codes that never occur are left out.
 */
export function summarizeWarnings(
  records: readonly Pick<QueryRecord, "variant" | "k" | "warnings">[],
  calibration: readonly { warnings?: readonly ScoreWarning[] }[] = [],
  run: readonly RunWarning[] = [],
): WarningCount[] {
  const by = new Map<WarningCode, WarningCount & { cellIndex: Map<string, number> }>();
  const entry = (code: WarningCode) => {
    let e = by.get(code);
    if (!e) by.set(code, (e = { code, queries: 0, occurrences: 0, calibration: 0, run: 0, cells: [], cellIndex: new Map() }));
    return e;
  };
  for (const r of records) {
    if (!r.warnings?.length) continue;
    for (const w of r.warnings) entry(w.code).occurrences++;
    for (const code of warningCodes(r.warnings)) {
      const e = entry(code);
      e.queries++;
      const key = `${r.variant}\u0001${r.k}`;
      const i = e.cellIndex.get(key);
      if (i === undefined) {
        e.cellIndex.set(key, e.cells.length);
        e.cells.push({ variant: r.variant, k: r.k, queries: 1 });
      } else defined(e.cells[i], "warning cell").queries++;
    }
  }
  for (const c of calibration) for (const code of warningCodes(c.warnings)) entry(code).calibration++;
  for (const w of run) entry(w.code).run++;
  // Known codes in table order, then codes from a newer build in order of appearance.
  const order = [...WARNING_CODES.filter((c) => by.has(c)), ...[...by.keys()].filter((c) => !isWarningCode(c))];
  return order.map((c) => {
    const { cellIndex: _index, ...count } = by.get(c)!;
    return count;
  });
}

/** "boundary-merge=48 label-tie=2" (WARNING_CODES order), "" when empty: one CSV cell. */
export function formatWarningCounts(counts: Partial<Record<WarningCode, number>>): string {
  const known = WARNING_CODES.filter((c) => counts[c]);
  const other = (Object.keys(counts) as WarningCode[]).filter((c) => !isWarningCode(c) && counts[c]);
  return [...known, ...other].map((c) => `${c}=${counts[c]}`).join(" ");
}

/** The stored run summary, or one computed from the records (files without it, live runs). */
export function runWarningsOf(results: {
  records: readonly Pick<QueryRecord, "variant" | "k" | "warnings">[];
  calibration?: readonly { warnings?: readonly ScoreWarning[] }[];
  warnings?: RunWarnings;
}): RunWarnings {
  if (results.warnings) return results.warnings;
  return { run: [], summary: summarizeWarnings(results.records, results.calibration ?? []) };
}
