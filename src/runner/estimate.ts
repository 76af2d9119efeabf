// How much work a probe sends to a server, before it starts: scoring requests, label sequences
// and prompt tokens for the whole plan (a resumed run sends less). Prompts are built exactly as
// the runner builds them (materializeGroup); tokens are estimated from the characters with the
// server's own tokenizer's ratio on a sample, so no full tokenization is needed up front.
import type { DemoFile, ProbeSettings } from "../core/types";
import { defined } from "../core/defined";
import { planExperiment, materializeGroup, VariantCache } from "../core/experiment/plan";
import { getVariant, type VariantContext } from "../core/variants";
import { tryLoadLexicon } from "../node/lexicon";

export interface WorkEstimate {
  /** Queries and calibration inputs to score. */
  items: number;
  /** Label sequences (one per item and label). */
  sequences: number;
  /** Scoring requests: one per item, more when an item has over `perRequest` labels. */
  requests: number;
  /** Characters of all label sequences (prefix + query + labelSep + label). */
  chars: number;
  /** The longest label sequence's text, to measure the tokenizer's tokens per character. */
  sample: string;
}

export function estimateWork(file: DemoFile, settings: ProbeSettings, perRequest: number, variantContext: Partial<VariantContext> = {}): WorkEstimate {
  const plan = planExperiment({ file, settings });
  const extra = { ...variantContext };
  if (!extra.lexicon && plan.variants.some((v) => getVariant(v)?.needsLexicon)) {
    const lex = tryLoadLexicon();
    if (lex) extra.lexicon = lex;
  }
  const variants = new VariantCache(file, settings, extra);
  const est: WorkEstimate = { items: 0, sequences: 0, requests: 0, chars: 0, sample: "" };
  for (const group of plan.groups) {
    if (getVariant(group.variant)?.needsTokenizer) continue;
    for (const it of materializeGroup(plan, group, file, variants)) {
      est.items++;
      est.sequences += it.labels.length;
      est.requests += Math.ceil(it.labels.length / perRequest);
      for (const l of it.labels) {
        const n = it.prefix.length + it.query.length + it.labelSep.length + l.length;
        est.chars += n;
        if (n > est.sample.length) est.sample = it.prefix + it.query + it.labelSep + l;
      }
    }
  }
  return est;
}

/** Prompt tokens of the estimate, from the tokens per character of its sample. */
export function estimatedTokens(est: WorkEstimate, sampleTokens: number): number {
  return est.sample.length === 0 ? 0 : Math.round((est.chars * sampleTokens) / est.sample.length);
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * The estimate as said before a run of a served model: "about 1,234 scoring requests (2,468
 * label sequences), ~3.1M prompt tokens". `tokenize` is the server's tokenizer (one request for
 * the sample); `perRequest` the label sequences one request carries.
 */
export async function describeEstimate(
  file: DemoFile,
  settings: ProbeSettings,
  perRequest: number,
  tokenize: (texts: string[]) => Promise<readonly (readonly number[])[]>,
): Promise<{ text: string; requests: number; tokens: number }> {
  const est = estimateWork(file, settings, perRequest);
  const sampleTokens = est.sample ? defined((await tokenize([est.sample]))[0], "the sample prompt's tokens").length : 0;
  const tokens = estimatedTokens(est, sampleTokens);
  const t = tokens >= 1e6 ? `${(tokens / 1e6).toFixed(1)}M` : fmt(tokens);
  return { text: `about ${fmt(est.requests)} scoring requests (${fmt(est.sequences)} label sequences), ~${t} prompt tokens`, requests: est.requests, tokens };
}
