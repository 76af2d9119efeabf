// The benchmark's third baseline (bench-only): a plain prefix-reuse scorer, written the way a
// user would write one against node-llama-cpp, like the independent harness issue 11 measured
// the engine against. Per item: the prefix is tokenized once per distinct prefix and evaluated
// once while the cache holds it; the query and each `labelSep + label` are tokenized on their
// own (no joint tokenization, so no boundary-merge handling), the query is evaluated from the
// prefix, and every label's first-token logit is read from the query's last position, later
// label tokens teacher-forced. No canonical cuts, no warnings, no clamping. Its numbers are
// therefore not the project's (separate tokenization can change the tokens at the seams) and
// only its time is used: what the project's exactness bookkeeping and joint tokenization cost
// over the simplest reuse loop.
import { EngineFailure, isTokenItem, type ScoreItem } from "./protocol";
import { logProbOf, type PrefixCache, type Tokenizer } from "./scorer";
import { defined } from "../core/defined";

/** One label's evaluation: its whole token sequence and the positions whose next-token logits it reads. */
export interface ReuseStep {
  full: number[];
  need: Map<number, number[]>;
  /** Where the item's own tokens start (the cache is rolled back there before the item's first label). */
  prefixLength: number;
  first: boolean;
}

/** Tokenizes every item the simple way (the loop's own tokenization, timed with it). */
export function planReuseLoop(tok: Tokenizer, items: readonly ScoreItem[]): ReuseStep[] {
  const bos = tok.bosToPrepend === null ? [] : [tok.bosToPrepend];
  const prefixes = new Map<string, number[]>();
  const labelTokens = new Map<string, number[]>();
  const steps: ReuseStep[] = [];
  for (const it of items) {
    if (isTokenItem(it)) throw new EngineFailure("invalid-request", `the reuse-loop reference takes text items; "${it.id}" is a token item.`);
    let p = prefixes.get(it.prefix);
    if (!p) prefixes.set(it.prefix, (p = [...bos, ...tok.tokenize(it.prefix)]));
    const q = [...p, ...tok.tokenize(it.query)];
    const labels = it.labels.map((l) => {
      const key = it.labelSep + l;
      let t = labelTokens.get(key);
      if (!t) labelTokens.set(key, (t = tok.tokenize(key)));
      if (t.length === 0) throw new EngineFailure("invalid-request", `label ${JSON.stringify(l)} has no tokens.`);
      return t;
    });
    // Every label's first token is read at the query's last position, in one evaluation.
    const firsts = labels.map((t) => defined(t[0], "a label's first token"));
    labels.forEach((t, li) => {
      const need = new Map<number, number[]>([[q.length - 1, firsts]]);
      for (let j = 1; j < t.length; j++) need.set(q.length + j - 1, [defined(t[j], "a label token")]);
      steps.push({ full: [...q, ...t], need, prefixLength: p.length, first: li === 0 });
    });
  }
  return steps;
}

/** Evaluates the plan on one sequence; returns the sum of the label log-probs (so the work cannot be skipped). */
export async function runReuseLoop(cache: PrefixCache, steps: readonly ReuseStep[]): Promise<number> {
  let sum = 0;
  for (const s of steps) {
    // A new item starts from its prefix: what the previous query left behind is dropped.
    if (s.first) await cache.rollback(s.prefixLength);
    const d = await cache.ensure(s.full, s.full.length - 1, s.need);
    for (const [pos, toks] of s.need) {
      const dist = defined(d.get(pos), `logits at position ${pos}`);
      // The query's last position holds every label's first token; only this label's is its own.
      const own = defined(s.full[pos + 1], `token after position ${pos}`);
      if (toks.includes(own)) sum += logProbOf(dist, own);
    }
  }
  return sum;
}
