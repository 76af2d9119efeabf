// Score summaries of scored queries (mean gold rank, mean gold log-prob). Structural types so
// they work on QueryRecord and on anything shaped like it.

export interface ScoredQuery {
  gold: string;
  goldRank: number;
  labels: readonly { label: string; logProb: number; score?: number }[];
}

/**
 * log p(gold | prompt) of one query, or undefined when the gold label is not a candidate or was
 * not scored by the language model (a g-linear label has a `score`, and its logProb is only a
 * normalisation of it).
 */
export function goldLogProb(q: ScoredQuery): number | undefined {
  for (const l of q.labels) if (l.label === q.gold) return l.score === undefined ? l.logProb : undefined;
  return undefined;
}

/** Mean 1-based rank of the gold label (1 = always top); NaN for no queries. */
export function meanGoldRank(qs: readonly ScoredQuery[]): number {
  if (qs.length === 0) return NaN;
  let s = 0;
  for (const q of qs) s += q.goldRank;
  return s / qs.length;
}

/** Mean gold log-prob over queries whose gold is a candidate with a finite score; NaN if none. */
export function meanGoldLogProb(qs: readonly ScoredQuery[]): number {
  let s = 0;
  let n = 0;
  for (const q of qs) {
    const lp = goldLogProb(q);
    if (lp !== undefined && Number.isFinite(lp)) {
      s += lp;
      n++;
    }
  }
  return n ? s / n : NaN;
}
