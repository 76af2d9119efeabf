// The token-level variants of Li et al. 2024 (ra-token, g-token, pa-token), completed against a TokenizerAccess
// (ctx.tokenizer) supplied by the caller: the model's tokenizer in the engine process, or a
// cache filled from EngineClient.tokenize() (see core/tokenizer.ts withTokenizer). Without a
// tokenizer, createVariant throws VariantError("... needs the model's tokenizer").
import { buildPrompt, renderDemo, splitTemplate } from "../prompt";
import { rngFor } from "../rng";
import {
  classifyTokens,
  fileTokenExclusion,
  MissingTokenization,
  permutableIds,
  permuteTokens,
  pickLabelTokens,
  splitPromptTokens,
  templateSegments,
  tokenPermutation,
  vocabSurface,
  type SegmentKind,
  type TokenizerAccess,
} from "../tokenizer";
import { base, classWordOf, gTaskInstance, labelMapInstance, labelWords, requireClasses, type Base, type LabelMapRow } from "./common";
import { defined } from "../defined";
import { VariantError, type VariantContext, type VariantDefinition, type VariantInstance } from "./types";

export function needTokenizer(ctx: VariantContext, variant: string): TokenizerAccess {
  if (!ctx.tokenizer)
    throw new VariantError(variant, `${variant} needs the model's tokenizer; load a model first (token-level variants run only with a model).`, "Load a GGUF model, then run this variant.");
  return ctx.tokenizer;
}

/** A sample input per class (the first example of that class), for in-context probes. */
function sampleInputs(ctx: VariantContext): string[] {
  return ctx.classes.map((c) => ctx.examples?.find((e) => e.label === c)?.input ?? "x");
}

/** The first class's sample input ("x", as for a class without examples, when there are no classes). */
function sampleInput(ctx: VariantContext): string {
  return sampleInputs(ctx)[0] ?? "x";
}

/**
 * The random-token g for (seed, draw): one distinct random single vocabulary token per class,
 * shared by ra-token and g-token (so that ra-token#n and g-token#n pair up for the H3
 * correlation study, as ra-string#n and g-string#n do). Unlike the authors' code, the tokens are
 * distinct, of type normal (no control, byte, special or unused token), word-like, never a token
 * that occurs in the file's inputs, labels, template or instruction tokenized in context, nor a
 * piece of one of the file's words (fileTokenExclusion), and verified to be ONE token in context: after a query's text and
 * labelSep, as the engine tokenizes labels. The context is the template's query with the first
 * class's sample input; the label position ("...Sentiment: <token>") is the same in the tau_g
 * prompt, where the input is a label word. `notes` receives the fallbacks taken.
 */
export function randomTokenG(ctx: VariantContext, draw: number, variant: string, notes?: string[]): LabelMapRow[] {
  return randomTokens(ctx, draw, variant, notes).map((p) => ({ to: p.word, note: `token ${p.id}` }));
}

/**
 * The file's texts as a prompt shows them, for the exclusion: the instruction, every example
 * rendered as a demonstration (with its label word and, when a verbalizer renames it, its label
 * as written) followed by the separator, and every label word and class name in the template.
 */
function fileTexts(ctx: VariantContext): string[] {
  const words = labelWords(ctx);
  const template = ctx.settings?.template ?? "{input} {label}";
  const sep = ctx.settings?.separator ?? "\n";
  const texts: string[] = [];
  if (ctx.settings?.instruction) texts.push(ctx.settings.instruction + sep);
  const classOf = new Map(ctx.classes.map((c, i) => [c, i]));
  for (const e of ctx.examples ?? []) {
    // An example outside the class list (a caller's own context) is rendered as written.
    const word = words[classOf.get(e.label) ?? -1] ?? e.label;
    texts.push(renderDemo(template, { input: e.input, label: word }) + sep);
    if (e.label !== word) texts.push(renderDemo(template, { input: e.input, label: e.label }) + sep);
  }
  const sample = sampleInput(ctx);
  for (const w of new Set([...words, ...ctx.classes])) texts.push(renderDemo(template, { input: sample, label: w }));
  return texts;
}

/** The random tokens of randomTokenG with their ids (g-linear embeds them). */
export function randomTokens(ctx: VariantContext, draw: number, variant: string, notes?: string[]): { id: number; word: string }[] {
  const tokenizer = needTokenizer(ctx, variant);
  const words = labelWords(ctx);
  let context = "Answer:";
  let labelSep = " ";
  if (ctx.settings) {
    const p = buildPrompt(ctx.settings, [], sampleInput(ctx), []);
    context = p.prefix + p.query;
    labelSep = p.labelSep;
  }
  const file = fileTokenExclusion(tokenizer, fileTexts(ctx));
  try {
    return pickLabelTokens({
      tokenizer,
      count: words.length,
      rng: rngFor(ctx.seed, "g-token", draw),
      context,
      labelSep,
      exclude: new Set(words.map((w) => w.toLowerCase())),
      excludeIds: file.ids,
      excludeWord: file.excludesWord,
      notes,
    });
  } catch (e) {
    if (e instanceof MissingTokenization) throw e;
    throw new VariantError(variant, `${variant}: ${(e as Error).message}.`, `This model's vocabulary has too few word tokens; use ${variant.replace(/-(token|linear)$/, "-string")}.`);
  }
}

/** ra-token (Li et al. 2024 ACL, tau_RA as in the authors' code): each class is shown and scored as a random single vocabulary token (randomTokenG). */
export const raToken: VariantDefinition = {
  id: "ra-token",
  family: "consistent",
  title: "tau_RA: random tokens",
  description: "Labels replaced by random single vocabulary tokens (needs the model's tokenizer).",
  source: "Li et al. 2024 (ACL), tau_RA with random vocabulary tokens",
  needsTokenizer: true,
  create(ctx, draw, key) {
    return randomTokenInstance(ctx, this, draw, key, (b, g) => labelMapInstance(ctx, b, g));
  },
};

/**
 * ra-token and g-token for a draw: the same random-token g (so that the two pair up by draw),
 * built into the variant's instance, marked as a token mapping, g's notes kept as its warnings.
 */
function randomTokenInstance(ctx: VariantContext, def: VariantDefinition, draw: number, key: string, build: (b: Base, g: LabelMapRow[]) => VariantInstance): VariantInstance {
  requireClasses(ctx, def.id, 2);
  const notes: string[] = [];
  const inst = build(base(ctx, def, draw, key), randomTokenG(ctx, draw, def.id, notes));
  inst.mapping.kind = "token";
  inst.mapping.warnings.push(...notes);
  return inst;
}

/**
 * g-token (Li et al. 2024 ACL, tau_g-ICL with single tokens): the input is the original label
 * word and the answer is g(label word), a random single vocabulary token, with the same g as
 * ra-token for the same seed and #n ("Review: negative / Sentiment: <token>").
 */
export const gToken: VariantDefinition = {
  id: "g-token",
  family: "task",
  title: "tau_g: label word -> random token",
  description: "Input = original label word, answer = g(label) for the random-token g of ra-token (needs the model's tokenizer).",
  source: "Li et al. 2024 (ACL), tau_g-ICL with random vocabulary tokens",
  needsTokenizer: true,
  create(ctx, draw, key) {
    return randomTokenInstance(ctx, this, draw, key, (b, g) => gTaskInstance(ctx, b, g));
  },
};

/**
 * pa-token (Li et al. 2024 ACL, tau_PA): a seeded random permutation of the token ids, applied
 * to every prompt token except the label tokens and a keep-list of template tokens. The
 * keep-list is computed from the IN-CONTEXT tokenization of a probe prompt rendered with the
 * template (instruction, one demo per class, a query with its label): ids found at template
 * positions are kept, ids at label positions are kept (the authors' code tokenized template
 * words on their own, so most template tokens were permuted anyway). Only normal tokens are
 * permuted, among themselves. The demos and queries stay text; instance.tokens(prompt) gives the
 * permuted token ids for the engine (TokenScoreItem).
 */
export const paToken: VariantDefinition = {
  id: "pa-token",
  family: "input",
  title: "tau_PA: token permutation",
  description: "Input tokens replaced through a random permutation of token ids; template and label tokens kept (needs the model's tokenizer).",
  source: "Li et al. 2024 (ACL), tau_PA (token-id permutation)",
  needsTokenizer: true,
  create(ctx, draw, key): VariantInstance {
    requireClasses(ctx, this.id, 2);
    const tokenizer = needTokenizer(ctx, this.id);
    if (!ctx.settings) throw new VariantError(this.id, "pa-token needs the template (ctx.settings) to compute its keep-list.");
    const { template, separator, instruction } = ctx.settings;
    splitTemplate(template);
    const words = labelWords(ctx);
    const inputs = sampleInputs(ctx);
    const segments: { text: string; kind: SegmentKind }[] = [];
    if (instruction !== "") segments.push({ text: instruction + separator, kind: "template" });
    words.forEach((w, i) => {
      segments.push(...templateSegments(template, defined(inputs[i], "sample input of a class"), w)); // one per class
      if (separator !== "") segments.push({ text: separator, kind: "template" });
    });
    segments.push(...templateSegments(splitTemplate(template).before + "{label}", sampleInput(ctx), defined(words[0], "first label word"))); // at least 2 classes
    const { tokens, kinds } = classifyTokens(tokenizer, segments);
    const keepTemplate = new Set<number>();
    const keepLabel = new Set<number>();
    tokens.forEach((t, i) => (kinds[i] === "template" ? keepTemplate : kinds[i] === "label" ? keepLabel : undefined)?.add(t));
    const keep = new Set([...keepTemplate, ...keepLabel]);
    const ids = permutableIds(tokenizer.vocab, keep);
    const perm = tokenPermutation(rngFor(ctx.seed, "pa-token", draw), ids);
    const text = new Map(tokenizer.vocab.map((v) => [v.id, vocabSurface(v)]));
    const show = (id: number) => JSON.stringify(text.get(id) ?? `#${id}`);
    const wordOf = classWordOf(ctx, this.id);
    return {
      ...base(ctx, this, draw, key),
      mapping: {
        kind: "token",
        rows: [
          ...[...keepTemplate].sort((a, b) => a - b).map((id) => ({ from: show(id), to: show(id), note: `kept: template token ${id}` })),
          ...[...keepLabel]
            .filter((id) => !keepTemplate.has(id))
            .sort((a, b) => a - b)
            .map((id) => ({ from: show(id), to: show(id), note: `kept: label token ${id}` })),
          { from: "(every other normal token)", to: "(a random normal token)", note: `${ids.length} token ids permuted` },
        ],
        warnings: [],
      },
      labelSpace: words.slice(),
      demos: (set) => set.map((e) => ({ input: e.input, label: wordOf(e) })),
      query: (q) => ({ input: q.input, gold: wordOf(q) }),
      tokens(prompt) {
        const split = splitPromptTokens(tokenizer, prompt);
        return { ...split, prefixTokens: permuteTokens(split.prefixTokens, perm), queryTokens: permuteTokens(split.queryTokens, perm) };
      },
    };
  },
};
