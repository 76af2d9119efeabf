// tau_g-Linear (Li et al. 2024): the variant whose answers come from least squares on the model's
// input embeddings instead of from the model (the fit itself is in src/core/linear).
import { splitTemplate } from "../prompt";
import { classifyTokens, templateSegments, vocabSurface, type SegmentKind, type TokenizerAccess } from "../tokenizer";
import { base, gTaskInstance, labelWords, requireClasses } from "./common";
import { needTokenizer, randomTokens } from "./token";
import { VariantError, type VariantContext, type VariantDefinition } from "./types";
import { defined } from "../defined";

/**
 * The token ids of each label word at the query's input position, from the in-context
 * tokenization of the query rendered with that word as its input (instruction, template text
 * before {input}, the word, the template text after it up to {label}).
 */
function inputTokensInContext(ctx: VariantContext, tokenizer: TokenizerAccess, words: readonly string[], variant: string): number[][] {
  if (!ctx.settings) throw new VariantError(variant, `${variant} needs the template (ctx.settings) to find how the label words are tokenized as inputs.`);
  const { template, separator, instruction } = ctx.settings;
  if (!splitTemplate(template).before.includes("{input}")) {
    throw new VariantError(
      variant,
      `${variant} needs an {input} placeholder before {label} in the template, where the label word is shown.`,
      'Use a template like "Review: {input}\\nSentiment: {label}".',
    );
  }
  return words.map((w) => {
    const segments: { text: string; kind: SegmentKind }[] = [];
    if (instruction !== "") segments.push({ text: instruction + separator, kind: "template" });
    segments.push(...templateSegments(splitTemplate(template).before.replace(/\s+$/u, ""), w, ""));
    const { tokens, kinds } = classifyTokens(tokenizer, segments);
    const ids = tokens.filter((_, i) => kinds[i] === "input");
    if (ids.length === 0)
      throw new VariantError(
        variant,
        `${variant}: the label word '${w}' merges with the template text around it when tokenized, so it has no tokens of its own.`,
        "Put a space or a line break between the template text and {input}.",
      );
    return ids;
  });
}

/**
 * g-linear (Li et al. 2024 ACL, tau_g-Linear; von Oswald et al. 2023 on linear regression as
 * what in-context learning might implement): the pairs g-token#n shows the model (label word ->
 * g's random single token, the same g), learnt instead by minimum-norm least squares on the
 * model's input embeddings (token_embd rows) of the same k demonstrations, and answered by the
 * candidate whose embedding is most similar (cosine) to the predicted one; see src/core/linear.
 * The model is not asked: `linear` gives the runner the token ids to embed. A label word that is
 * several tokens in context is represented by the mean of their embeddings (a warning says so).
 */
export const gLinear: VariantDefinition = {
  id: "g-linear",
  family: "task",
  title: "tau_g-Linear: least squares on token embeddings",
  description:
    "The pairs of g-token (label word -> random token, same g) learnt by linear regression on the model's input embeddings instead of in context (needs the model's tokenizer and embedding table).",
  source: "Li et al. 2024 (ACL), tau_g-Linear",
  needsTokenizer: true,
  create(ctx, draw, key) {
    requireClasses(ctx, this.id, 2);
    const tokenizer = needTokenizer(ctx, this.id);
    const words = labelWords(ctx);
    const inputs = inputTokensInContext(ctx, tokenizer, words, this.id);
    const picked = randomTokens(ctx, draw, this.id);
    const inst = gTaskInstance(
      ctx,
      base(ctx, this, draw, key),
      picked.map((p) => ({ to: p.word, note: `token ${p.id}` })),
    );
    inst.mapping.kind = "token";
    const text = new Map(tokenizer.vocab.map((v) => [v.id, vocabSurface(v)]));
    inputs.forEach((ids, i) => {
      if (ids.length > 1) {
        inst.mapping.warnings.push(
          `label word '${words[i]}' is ${ids.length} tokens in context (${ids.map((t) => JSON.stringify(text.get(t) ?? `#${t}`)).join(", ")}); g-linear represents it by the mean of their embeddings`,
        );
      }
    });
    inst.linear = {
      inputTokens: Object.fromEntries(words.map((w, i) => [w, defined(inputs[i], "tokens of a label word")])), // one per word
      responseTokens: Object.fromEntries(picked.map((p) => [p.word, p.id])),
    };
    return inst;
  },
};
