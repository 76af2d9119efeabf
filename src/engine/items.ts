// Builds engine score items from core prompts. buildPrompt (src/core/prompt.ts) returns text
// only; the engine's demo-label check and its largest-k report on a context overflow need to
// know where each demonstration and its label sit in the prefix, so they are located here by
// re-rendering each demo exactly as buildPrompt does. The engine's prefix is not quite the
// core's: the template's constant lead ("Review:") moves from the query to the prefix, so that
// the group's canonical prefix covers it (textScoreItem).
import { renderDemo, splitTemplate, type PromptSettings } from "../core/prompt";
import type { Prompt, PromptExample } from "../core/types";
import type { DemoSpan, TextScoreItem } from "./protocol";

/**
 * Version of the scoring plan: how the runner splits a prompt into the engine's prefix and query
 * and, through that, where the engine cuts its evaluate calls (docs/ENGINE.md, "Prefix reuse").
 * Exact-mode numbers move in the last bits when it changes, so it is part of the run's plan and
 * data fingerprints and a run scored under another plan is not resumed or extended.
 * 1: until issue 11 (no version in the fingerprints); 2: the template's lead in the prefix.
 * Bump it with any change to textScoreItem's split or to the engine's cuts (CHUNK_TOKENS).
 */
export const SCORE_PLAN_VERSION = 2;

const SENTINEL = "\u0001";

/**
 * Character spans of the demos in `prompt.prefix` (in order), with the offset of each demo's
 * label when the demo shows one. Demos that cannot be found (a prefix not built by buildPrompt)
 * end the list early rather than guess.
 */
export function demoSpans(settings: PromptSettings, demos: readonly PromptExample[], prompt: Prompt): DemoSpan[] {
  const spans: DemoSpan[] = [];
  let from = settings.instruction !== "" ? settings.instruction.length + settings.separator.length : 0;
  for (const d of demos) {
    const text = renderDemo(settings.template, d);
    const start = prompt.prefix.indexOf(text, from);
    if (start < 0) break;
    const span: DemoSpan = { start, end: start + text.length };
    if ((d.show ?? "both") !== "input" && d.label !== "") {
      // The text before the label is the same whatever the label is: render with a sentinel label.
      const at = renderDemo(settings.template, { ...d, label: SENTINEL }).indexOf(SENTINEL);
      if (at >= 0 && text.startsWith(d.label, at)) {
        span.labelStart = start + at;
        span.label = d.label;
      }
    }
    spans.push(span);
    from = span.end;
  }
  return spans;
}

/**
 * The template's constant text before {input} ("Review:" in "Review: {input}\nSentiment: {label}"),
 * without its trailing whitespace, which stays in the query where it usually merges with the
 * input's first word (" fine" is one token in most BPE vocabularies). "" when {input} does not
 * come before {label}: the query part is then constant and shows no input.
 */
export function templateLead(template: string): string {
  const { before } = splitTemplate(template);
  const at = before.indexOf("{input}");
  return at < 0 ? "" : before.slice(0, at).trimEnd();
}

/**
 * The engine's item for a prompt: the template's lead moved from the start of the query to the
 * end of the prefix. The text the engine tokenizes (prefix + query) is the same string, so the
 * joint tokenization and the scores are unchanged; but the group's canonical prefix (its tokens
 * but the last) now covers the lead, which every query of the group would otherwise evaluate
 * itself. The lead is a function of the template alone, so the prefix is still the same for
 * every item of a demo set and a query's numbers still depend on the query alone. Demo spans
 * stay valid (the lead is appended after them); `leadLength` tells the engine where the last
 * demo's text ends for its largest-k report.
 */
export function textScoreItem(template: string, prompt: Prompt & { id: string; gold?: string }, demos: readonly DemoSpan[] = []): TextScoreItem {
  const lead = templateLead(template);
  const moved = lead !== "" && prompt.query.startsWith(lead);
  return {
    id: prompt.id,
    prefix: moved ? prompt.prefix + lead : prompt.prefix,
    query: moved ? prompt.query.slice(lead.length) : prompt.query,
    labelSep: prompt.labelSep,
    labels: [...prompt.labels],
    ...(prompt.gold !== undefined ? { gold: prompt.gold } : {}),
    ...(demos.length ? { demos: [...demos] } : {}),
    ...(moved ? { leadLength: lead.length } : {}),
  };
}
