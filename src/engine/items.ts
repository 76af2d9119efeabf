// Builds engine score items from core prompts. buildPrompt (src/core/prompt.ts) returns text
// only; the engine's demo-label check and its largest-k report on a context overflow need to
// know where each demonstration and its label sit in the prefix, so they are located here by
// re-rendering each demo exactly as buildPrompt does.
import { renderDemo, type PromptSettings } from "../core/prompt";
import type { Prompt, PromptExample } from "../core/types";
import type { DemoSpan } from "./protocol";

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
