// Text of a variant preview: the exact prompt the runner builds for one query of a (variant, k,
// seed) demo set, plus the variant's mapping table. Uses the same planner and materializer as
// the runner (src/core/experiment/plan.ts), so what the preview shows is what gets scored.
// Never runs the model: token-level variants, which need the model's tokenizer, say so instead.
// No `vscode` import (unit-tested).
import { parseDemoFile } from "../core/demoFile";
import { planExperiment, materializeGroup, VariantCache } from "../core/experiment/plan";
import { getVariant } from "../core/variants";
import type { VariantContext } from "../core/variants";
import type { ProbeSettings } from "../core/types";
import { buildPrompt, renderPromptText } from "../core/prompt";

export interface PreviewRequest {
  text: string;
  path: string;
  variant: string;
  seed?: number;
  k?: number;
  overrides?: Partial<ProbeSettings>;
  /** WordNet relations for natural-g variants (node side loads them on demand). */
  lexicon?: VariantContext["lexicon"];
}

const RULE = "─".repeat(72);

export function buildPreview(req: PreviewRequest): string {
  const file = parseDemoFile(req.text, req.path, req.overrides);
  const out: string[] = [];
  const def = getVariant(req.variant);
  const seed = req.seed ?? file.settings.seeds[0] ?? 0;
  const k = req.k ?? file.settings.k.find((x) => x > 0) ?? file.settings.k[0] ?? 4;
  out.push(`ICL Probe preview (read-only; the model is not run)`);
  out.push(`file: ${req.path}`);
  out.push(`variant: ${req.variant}${def ? ` — ${def.title}` : ""}`);
  if (def) out.push(`what it does: ${def.description}`, `source: ${def.source}`);
  out.push(`seed: ${seed}   k: ${k}   selection: ${file.settings.selection}`);
  out.push(RULE);
  const errors = file.problems.filter((p) => p.severity === "error");
  if (errors.length) {
    out.push(`The file has ${errors.length} error(s); fix them to preview:`);
    for (const p of errors.slice(0, 20)) out.push(`  line ${p.line}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
    return out.join("\n") + "\n";
  }
  if (!def) {
    out.push(`Unknown variant "${req.variant}". Known variants: gold, ra-string, pa-word, random-labels, flipped, ... (see "ICL Probe: Preview a Variant").`);
    return out.join("\n") + "\n";
  }
  if (def.needsTokenizer) {
    out.push(`${req.variant} works on the model's token ids, so its prompt depends on the model's tokenizer.`);
    out.push(`A preview never starts the model; run the probe and open the query in the results panel to see its prompt.`);
    return out.join("\n") + "\n";
  }
  try {
    const settings: ProbeSettings = { ...file.settings, variants: [req.variant], k: [k], seeds: [seed], calibrate: false };
    // One query is enough for a preview, but the plan must reserve the same pool as a run would.
    const plan = planExperiment({ file, settings });
    const group = plan.groups[0];
    const cache = new VariantCache(file, settings, req.lexicon ? { lexicon: req.lexicon } : {});
    const inst = cache.get(req.variant, seed);
    const items = group ? materializeGroup(plan, group, file, cache).filter((i) => i.kind === "query") : [];
    const first = items[0];
    if (!group || !first) {
      out.push("No query in the plan.");
      return out.join("\n") + "\n";
    }
    out.push(
      `Prompt for query example ${first.queryIndex} (gold: ${first.gold}${first.goldAlt ? `, original: ${first.goldAlt}` : ""}); each label is scored as the continuation ${JSON.stringify(first.labelSep)} + label:`,
    );
    out.push(RULE);
    out.push(renderPromptText({ prefix: first.prefix, query: first.query, labelSep: first.labelSep, labels: first.labels }));
    out.push(RULE);
    if (items.length > 1) {
      out.push(`Other queries with the same demonstrations (${items.length - 1}):`);
      for (const it of items.slice(1, 30)) out.push(`  #${it.queryIndex}: ${it.input.length > 100 ? it.input.slice(0, 99) + "…" : it.input}  => ${it.gold}`);
      if (items.length > 30) out.push(`  ... ${items.length - 30} more`);
    }
    out.push(RULE);
    out.push(`Mapping (${inst.mapping.kind}):`);
    if (inst.mapping.rows.length === 0) out.push("  (none: labels and inputs as written)");
    for (const r of inst.mapping.rows.slice(0, 60)) {
      out.push(`  ${r.from}  ->  ${r.to}${r.chain ? `   chain: ${r.chain.join(" -> ")}` : ""}${r.note ? `   (${r.note})` : ""}`);
    }
    if (inst.mapping.rows.length > 60) out.push(`  ... ${inst.mapping.rows.length - 60} more rows`);
    for (const w of inst.mapping.warnings) out.push(`  warning: ${w}`);
    out.push(`Candidate labels: ${inst.labelSpace.join(", ")}`);
    out.push(`Demonstrations (example indices, prompt order): ${group.demoIndices.join(", ") || "none (k = 0)"}`);
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    out.push(`Cannot build this preview: ${(e as Error).message}${hint ? ` (${hint})` : ""}`);
  }
  return out.join("\n") + "\n";
}

/**
 * Rebuilds the full prompt of one scored query from the demo file, the run's settings and the
 * record's demo indices (results files keep indices, not prompt text). Returns undefined with a
 * reason when the file changed or the variant needs the model's tokenizer.
 */
export function promptForRecord(
  text: string,
  path: string,
  settings: ProbeSettings,
  record: { variant: string; seed: number; queryIndex: number; demoIndices: number[] },
  lexicon?: VariantContext["lexicon"],
): { prompt?: string; note?: string } {
  const file = parseDemoFile(text, path, settings);
  const def = getVariant(record.variant);
  if (!def) return { note: `unknown variant ${record.variant}` };
  if (def.needsTokenizer) return { note: `${record.variant} works on token ids; its prompt is not rebuilt without the model` };
  const demoExamples = record.demoIndices.flatMap((i) => file.examples[i] ?? []);
  const queryExample = file.examples[record.queryIndex];
  if (demoExamples.length < record.demoIndices.length || !queryExample) return { note: "the demo file changed since the run; its examples no longer match the record" };
  try {
    const cache = new VariantCache(file, settings, lexicon ? { lexicon } : {});
    const v = cache.get(record.variant, record.seed);
    const demos = v.demos(demoExamples);
    const q = v.query(queryExample);
    return { prompt: renderPromptText(buildPrompt(settings, demos, q.input, v.labelSpace)) };
  } catch (e) {
    return { note: `cannot rebuild the prompt: ${(e as Error).message}` };
  }
}
