// Prompt building. The label continuation is kept apart from the prompt text so that the engine
// tokenizes `prefix + query + labelSep + label` jointly and takes the label tokens as what
// follows the prompt's tokens (docs/ENGINE.md, scoring). The prompt never ends with
// whitespace: whitespace the template puts before {label} (usually one space) moves into
// labelSep, as lm-evaluation-harness moves trailing context whitespace into the continuation.
// (The authors' code left a trailing space on the query that never preceded a label in the
// demos; this avoids that pitfall.)
import type { ProbeSettings, Prompt, PromptExample } from "./types";

export type PromptSettings = Pick<ProbeSettings, "template" | "separator" | "instruction">;

const INPUT = "{input}";
const LABEL = "{label}";

function fill(text: string, input: string, label: string): string {
  // One pass with a replacer function: "$&" in user text stays literal, and an input that
  // itself contains "{label}" is not filled a second time.
  return text.replace(/\{input\}|\{label\}/g, (m) => (m === INPUT ? input : label));
}

/** Throws a clear error when the template cannot render a labelled example. */
export function checkTemplate(template: string): void {
  if (!template.includes(LABEL)) {
    throw new Error(`The example template ${JSON.stringify(template)} has no {label} placeholder; add one where the answer goes, e.g. "Review: {input}\\nSentiment: {label}".`);
  }
}

/** The template split at its first {label}: the query is rendered from `before` only. */
export function splitTemplate(template: string): { before: string; after: string } {
  checkTemplate(template);
  const i = template.indexOf(LABEL);
  return { before: template.slice(0, i), after: template.slice(i + LABEL.length) };
}

/**
 * Renders one demonstration. For the format ablations (Min et al. 2022):
 * - show "label": the template lines that contain {input} but not {label} are dropped; on a line
 *   with both, the text up to and including {input} is dropped when {input} comes first
 *   ("Review: {input}\nSentiment: {label}" -> "Sentiment: positive").
 * - show "input": the template lines that contain {label} but not {input} are dropped; on a line
 *   with both, the text from {label} to the end of the line is dropped when {label} comes last
 *   ("Review: {input}\nSentiment: {label}" -> "Review: a fine film"); trailing whitespace of
 *   the result is removed.
 * The answer format of the query is unchanged in both cases.
 */
export function renderDemo(template: string, demo: PromptExample): string {
  const show = demo.show ?? "both";
  if (show === "both") return fill(template, demo.input, demo.label);
  const keep = show === "label" ? LABEL : INPUT;
  const drop = show === "label" ? INPUT : LABEL;
  const lines = template.split("\n").flatMap((line) => {
    if (!line.includes(drop)) return [line];
    if (!line.includes(keep)) return [];
    if (show === "label") {
      const d = line.indexOf(INPUT);
      return d < line.indexOf(LABEL) ? [line.slice(d + INPUT.length).trimStart()] : [line.split(INPUT).join("")];
    }
    const d = line.lastIndexOf(LABEL);
    return d > line.lastIndexOf(INPUT) ? [line.slice(0, d).trimEnd()] : [line.split(LABEL).join("")];
  });
  const text = fill(lines.join("\n"), demo.input, demo.label);
  return show === "input" ? text.trimEnd() : text;
}

/** Splits trailing whitespace off: [text without it, the whitespace]. */
function splitTrailingWhitespace(text: string): [string, string] {
  const m = /\s+$/u.exec(text);
  return m ? [text.slice(0, m.index), m[0]] : [text, ""];
}

/**
 * Builds the prompt for one query.
 * - prefix: the instruction (when non-empty) and every rendered demo, each followed by the
 *   separator. With k = 0 the prefix is the instruction plus separator, or "" without one.
 *   The prefix is the same for every query of a demo set (the engine evaluates it once).
 * - query: the template up to its first {label}, with {input} filled, trailing whitespace
 *   removed. Template text after {label} is rendered for demos only.
 * - labelSep: the removed whitespace (usually " "); labels are scored as labelSep + label.
 * If the query part is empty after trimming (e.g. template "{input} {label}" with an empty
 * content-free input), trailing whitespace of the prefix also moves into labelSep so that
 * prefix + query never ends with whitespace.
 */
export function buildPrompt(settings: PromptSettings, demos: readonly PromptExample[], queryInput: string, labels: readonly string[]): Prompt {
  const { before } = splitTemplate(settings.template);
  const parts = settings.instruction !== "" ? [settings.instruction] : [];
  for (const d of demos) parts.push(renderDemo(settings.template, d));
  let prefix = parts.map((p) => p + settings.separator).join("");
  let [query, labelSep] = splitTrailingWhitespace(fill(before, queryInput, ""));
  if (query === "") {
    const [p, ws] = splitTrailingWhitespace(prefix);
    prefix = p;
    labelSep = ws + labelSep;
  }
  return { prefix, query, labelSep, labels: labels.slice() };
}

/** The full text for previews: the prompt, and with a label, `labelSep + label` appended. */
export function renderPromptText(prompt: Prompt, label?: string): string {
  return prompt.prefix + prompt.query + (label === undefined ? "" : prompt.labelSep + label);
}
