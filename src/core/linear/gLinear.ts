// tau_g-Linear (Li et al. 2024, the paper's second test of H2): ordinary linear regression on the
// same single-token pairs <p, r> that tau_g-ICL (g-token) shows the model in context. The inputs
// are the model's input embeddings (token_embd rows): X holds the prompts' embeddings, Y the
// responses', one row per demonstration; W = argmin ||X W - Y||^2 (minimum norm, see
// leastSquares.ts); the query's response is predicted as x_q W, and the candidate response whose
// embedding is most similar to the prediction is chosen.
//
// Score: cosine similarity. The prediction of an interpolated prompt equals the demo's response
// exactly, which has cosine 1 with it and less with any other (non-parallel) candidate; a dot
// product would prefer a wrong candidate with a larger norm (|r_wrong| cos > |r_right|), and
// embedding norms vary a lot between tokens (frequency). Cosine is also what "nearest token
// embedding" usually means. A zero prediction (k = 0, or a prompt orthogonal to every demo)
// scores 0 against every candidate: a tie, which under the project's one rule
// (../labelDecision.ts) is no prediction and counts as wrong.
import type { LabelScore, PromptExample } from "../types";
import type { LinearTask } from "../variants/types";
import { probsFromLogProbs } from "../calibration";
import { fitMinNormLeastSquares } from "./leastSquares";
import { defined } from "../defined";

/** Mean of embedding rows (a multi-token prompt is represented by the mean of its tokens' rows). */
export function meanRow(rows: readonly (readonly number[])[]): number[] {
  const first = rows[0];
  if (first === undefined) throw new RangeError("meanRow: no rows");
  const out = new Array<number>(first.length).fill(0);
  // Embedding rows all have the model's width, first.length.
  for (const r of rows) r.forEach((v, i) => (out[i]! += v / rows.length));
  return out;
}

/** Cosine similarity; 0 when either vector is zero. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  // a and b are vectors of one width: i < a.length indexes both.
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    ab += ai * bi;
    aa += ai * ai;
    bb += bi * bi;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

export interface LinearPair {
  /** Embedding of the prompt p. */
  x: readonly number[];
  /** Embedding of the response r = g(p). */
  y: readonly number[];
}

/**
 * Fits W on the demonstration pairs and scores every candidate response for every query prompt:
 * scores[q][c] = cosine(x_q W, candidates[c]).
 */
export function gLinearScores(demos: readonly LinearPair[], queries: readonly (readonly number[])[], candidates: readonly (readonly number[])[], dim: number): number[][] {
  const map = fitMinNormLeastSquares(
    demos.map((d) => d.x),
    demos.map((d) => d.y),
    dim,
  );
  return queries.map((x) => {
    const yhat = map.predict(x);
    return candidates.map((c) => cosine(yhat, c));
  });
}

/**
 * Label scores of a g-linear query in the shape every view reads. `score` is the cosine;
 * logProb (= meanLogProb = firstTokenLogProb) is log of `prob`, the softmax of the cosines over
 * the candidates: a normalisation so that ranks, shares and charts work as for the model's
 * scores, not a probability any model assigned. Each response is one token.
 */
export function linearLabelScores(labels: readonly string[], scores: readonly number[]): LabelScore[] {
  const probs = probsFromLogProbs(scores);
  return labels.map((label, i) => {
    const score = defined(scores[i], "cosine of a label");
    const prob = defined(probs[i], "softmax of a label's cosine");
    const lp = Math.log(prob);
    return { label, logProb: lp, meanLogProb: lp, firstTokenLogProb: lp, tokens: 1, prob, score };
  });
}

/**
 * Label scores of every query of one g-linear demo set: W is fitted once on the demos' (p, r)
 * pairs, as the variant shows them (demo.input = p, demo.label = r), with the embeddings of the
 * task's tokens (`embed`: token id -> its input-embedding row); candidates are `labels` (the
 * variant's label space, each a response token). A p of several tokens is their mean row.
 */
export function linearGroupScores(
  task: LinearTask,
  demos: readonly PromptExample[],
  queryInputs: readonly string[],
  labels: readonly string[],
  embed: (id: number) => readonly number[],
): LabelScore[][] {
  const prompt = (word: string): number[] => {
    const ids = task.inputTokens[word];
    if (!ids) throw new Error(`internal: g-linear has no tokens for the prompt '${word}'`);
    return meanRow(ids.map(embed));
  };
  const response = (word: string): readonly number[] => {
    const id = task.responseTokens[word];
    if (id === undefined) throw new Error(`internal: g-linear has no token for the response '${word}'`);
    return embed(id);
  };
  const candidates = labels.map(response);
  const dim = candidates[0]?.length ?? 0;
  const scores = gLinearScores(
    demos.map((d) => ({ x: prompt(d.input), y: response(d.label) })),
    queryInputs.map(prompt),
    candidates,
    dim,
  );
  return scores.map((s) => linearLabelScores(labels, s));
}
