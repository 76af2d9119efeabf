// Checks that run before any scoring, so that a run never spends model time on cells that must
// fail, and every failure is said once, located, with what to do:
//  - variants that cannot be built for this file (a label without a synonym...) are skipped with a
//    recorded reason while the others run (all of them unbuildable: an error);
//  - class label words whose token sequences are identical for this model: the file's problem,
//    with the lines of the first example of each;
//  - prompts longer than the context: the cells (variant, k, seed) and the largest k that fits;
//    skipped with a recorded reason or the run stops, as the user chooses.
import type { DemoFile, ProbeSettings } from "../core/types";
import { defined } from "../core/defined";
import { exampleAt, examplesAt, type ExperimentPlan, type PlanGroup, type VariantCache } from "../core/experiment/plan";
import { buildPrompt, renderDemo } from "../core/prompt";
import { createVariant, getVariant, labelWords, VariantError, type VariantContext } from "../core/variants";
import type { SkippedCell } from "../core/results/schema";

/** A problem found before scoring that stops the run (exit 2 in the CLI; never worth a --resume). */
export class PreflightError extends Error {
  override readonly name = "PreflightError";
  constructor(
    readonly code: "labels-share-tokens" | "context-overflow" | "no-buildable-variant",
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export type OverflowPolicy = "skip" | "stop";

/**
 * Variants that cannot be built for this file and settings, with the reason (token-level
 * variants, which need the model's tokenizer, are checked later by the runner). Pure apart from
 * the lexicon in `extra`; the CLI calls it before the model loads.
 */
export function unbuildableVariants(variants: readonly string[], file: Pick<DemoFile, "examples" | "classes">, settings: ProbeSettings, extra: Partial<VariantContext>): SkippedCell[] {
  const out: SkippedCell[] = [];
  for (const variant of variants) {
    const def = getVariant(variant);
    if (!def || def.needsTokenizer) continue;
    for (const seed of settings.seeds) {
      try {
        createVariant(variant, { seed, examples: file.examples, classes: file.classes, verbalizers: settings.verbalizers, settings, wordLists: settings.wordLists, ...extra });
      } catch (e) {
        if (!(e instanceof VariantError)) throw e;
        out.push({ variant, code: "variant-unbuildable", reason: `${e.message}${e.hint ? ` ${e.hint}` : ""}` });
        break; // the same labels fail for every seed
      }
    }
  }
  return out;
}

/** Drops groups from the plan in place (skipped cells), keeping totals right. */
export function dropGroups(plan: ExperimentPlan, drop: (g: PlanGroup) => boolean): void {
  plan.groups = plan.groups.filter((g) => !drop(g));
  plan.variants = plan.variants.filter((v) => plan.groups.some((g) => g.variant === v));
  plan.totalQueries = plan.groups.reduce((a, g) => a + g.queries.length, 0);
  plan.totalCalibration = plan.groups.reduce((a, g) => a + g.calibrationInputs.length, 0);
}

type Tokenize = (texts: string[]) => Promise<number[][]>;

/** The whitespace a label follows in a prompt (usually " "): from the template, as buildPrompt moves it. */
function labelSepOf(settings: ProbeSettings): string {
  return buildPrompt(settings, [], "x", ["y"]).labelSep;
}

/**
 * Class label words with identical token sequences (after the label separator) cannot be told
 * apart by their scores: a problem of the file, located at each label's first example.
 */
export async function checkLabelTokens(file: Pick<DemoFile, "path" | "examples" | "classes">, settings: ProbeSettings, tokenize: Tokenize): Promise<void> {
  const words = labelWords({ seed: 0, classes: file.classes, verbalizers: settings.verbalizers });
  const sep = labelSepOf(settings);
  const ids = await tokenize(words.map((w) => sep + w));
  const seen = new Map<string, { cls: string; word: string }>();
  const clashes: string[] = [];
  const lineOf = (cls: string) => file.examples.find((e) => e.label === cls)?.line;
  for (const [i, seq] of ids.entries()) {
    const label = { cls: defined(file.classes[i], `class ${i}`), word: defined(words[i], `label word of class ${i}`) };
    const key = seq.join(",");
    const first = seen.get(key);
    if (!first) {
      seen.set(key, label);
      continue;
    }
    clashes.push(
      `${file.path}:${lineOf(first.cls) ?? 1}: label '${first.word}' and ${file.path}:${lineOf(label.cls) ?? 1}: label '${label.word}' are the same tokens [${seq.join(", ")}] for this model`,
    );
  }
  if (clashes.length) {
    throw new PreflightError(
      "labels-share-tokens",
      clashes.slice(0, 10).join("; ") + (clashes.length > 10 ? `; and ${clashes.length - 10} more` : ""),
      'Give the classes label words the model can tell apart ("verbalizers" in the header, or "labelMap" for raw labels).',
    );
  }
}

export interface OverflowCell {
  variant: string;
  k: number;
  seed: number;
  /** Tokens of the longest prompt + label of the cell (a close estimate; exact near the limit). */
  tokens: number;
  /** About the largest k whose prompts fit, from this cell's demo lengths. */
  largestK: number;
}

/** Margin within which the estimate (sum of parts) is replaced by an exact joint tokenization. */
const EXACT_MARGIN = 16;

/**
 * Prompts longer than `limit` tokens, per (variant, k, seed) cell. Each distinct demo rendering,
 * query and label is tokenized once (so the cost is about that of tokenizing the file once per
 * variant and seed); a cell within EXACT_MARGIN of the limit is measured exactly with its longest
 * prompt tokenized as a whole.
 */
export async function findOverflows(
  plan: ExperimentPlan,
  file: Pick<DemoFile, "examples" | "classes">,
  variants: VariantCache,
  tokenize: Tokenize,
  limit: number,
  addsBos: boolean,
): Promise<OverflowCell[]> {
  const s = plan.settings;
  const counts = new Map<string, number>();
  const need = new Set<string>();
  const render = (g: PlanGroup) => {
    const v = variants.get(g.variant, g.seed);
    if (v.tokens) return undefined; // token-level prompts are measured by the engine (demoTokenLengths)
    const demos = v.demos(examplesAt(file.examples, g.demoIndices));
    const demoTexts = demos.map((d) => renderDemo(s.template, d) + s.separator);
    const instr = s.instruction !== "" ? s.instruction + s.separator : "";
    const queries = g.queries.map((q) => {
      const p = buildPrompt(s, [], v.query(exampleAt(file.examples, q)).input, v.labelSpace);
      return p.query;
    });
    const sep = buildPrompt(s, [], "x", v.labelSpace).labelSep;
    const labels = v.labelSpace.map((l) => sep + l);
    return { v, demos, demoTexts, instr, queries, labels };
  };
  const rendered = plan.groups.map((g) => ({ g, r: render(g) }));
  for (const { r } of rendered) {
    if (!r) continue;
    for (const t of [...r.demoTexts, r.instr, ...r.queries, ...r.labels]) if (!counts.has(t)) need.add(t);
  }
  const list = [...need];
  for (let i = 0; i < list.length; i += 2000) {
    const chunk = list.slice(i, i + 2000);
    const ids = await tokenize(chunk);
    for (const [j, t] of chunk.entries()) counts.set(t, defined(ids[j], `the tokens of text ${i + j}`).length);
  }
  const len = (t: string) => counts.get(t) ?? 0;
  const out: OverflowCell[] = [];
  const bos = addsBos ? 1 : 0;
  /** The index of the longest text in tokens (the first on ties; 0 for none). */
  const longest = (texts: readonly string[]) => texts.reduce((best, t, i) => (len(t) > best.tokens ? { i, tokens: len(t) } : best), { i: 0, tokens: -Infinity }).i;
  for (const { g, r } of rendered) {
    if (!r) continue;
    const demoLens = r.demoTexts.map(len);
    const prefix = bos + len(r.instr) + demoLens.reduce((a, b) => a + b, 0);
    const worstQ = longest(r.queries);
    const worstL = longest(r.labels);
    let total = prefix + len(r.queries[worstQ] ?? "") + len(r.labels[worstL] ?? "");
    if (total > limit - EXACT_MARGIN) {
      const p = buildPrompt(s, r.demos, r.v.query(exampleAt(file.examples, defined(g.queries[worstQ], "the longest query"))).input, r.v.labelSpace);
      const whole = defined((await tokenize([p.prefix + p.query + p.labelSep + defined(r.v.labelSpace[worstL], "the longest label")]))[0], "the longest prompt's tokens");
      total = bos + whole.length;
    }
    if (total <= limit) continue;
    // Largest k: the rest of the prompt plus the longest demos first (conservative, as the engine's report).
    const sorted = [...demoLens].sort((a, b) => b - a);
    let k = 0;
    let sum = total - prefix + bos + len(r.instr);
    for (const d of sorted) {
      if (sum + d > limit) break;
      sum += d;
      k++;
    }
    out.push({ variant: g.variant, k: g.k, seed: g.seed, tokens: total, largestK: k });
  }
  // One entry per cell (per-query selection has a group per query): the longest.
  const byCell = new Map<string, OverflowCell>();
  for (const c of out) {
    const key = `${c.variant}|${c.k}|${c.seed}`;
    const prev = byCell.get(key);
    if (!prev || c.tokens > prev.tokens) byCell.set(key, { ...c, largestK: Math.min(c.largestK, prev?.largestK ?? Infinity) });
  }
  return [...byCell.values()];
}

/** The message for cells that do not fit: which, how long, and the largest k. */
export function overflowMessage(cells: readonly OverflowCell[], limit: number, model: string): string {
  const shown = cells.slice(0, 8).map((c) => `${c.variant} k=${c.k} seed ${c.seed}: ${c.tokens} tokens`);
  const largest = Math.min(...cells.map((c) => c.largestK));
  return `${cells.length} cell${cells.length === 1 ? "" : "s"} of the grid would not fit the context of ${model} (${limit} tokens): ${shown.join("; ")}${cells.length > 8 ? `; and ${cells.length - 8} more` : ""}. The largest k that fits these demos is about ${largest}.`;
}
