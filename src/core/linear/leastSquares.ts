// Minimum-norm least squares for tau_g-Linear (Li et al. 2024): the linear map W that minimises
// ||X W - Y||^2 over the k demonstration pairs (rows of X: prompt embeddings, rows of Y: response
// embeddings), and among all minimisers the one with the smallest Frobenius norm: W = X^+ Y,
// with X^+ the Moore-Penrose pseudo-inverse. Prediction for a new prompt x is x W = (x X^+) Y,
// so W (D x D) is never formed: only the D x k pseudo-inverse.
//
// When k < D (always, at the paper's k = 32 and real embedding sizes) the system is
// under-determined: infinitely many W fit the demos exactly (when X has full row rank), and the
// minimum-norm one maps every direction orthogonal to the demos' prompts to 0. A query whose
// prompt is one of the demos' prompts is then mapped exactly to that demo's response
// (interpolation), and a prompt orthogonal to all of them to the zero vector.
//
// X^+ comes from ml-matrix's SVD-based pseudoInverse (small, maintained, pure JS; deterministic:
// the same input gives bit-identical output), with the LAPACK/numpy cut-off: singular values
// below eps * max(k, D) * the largest one count as 0, so repeated prompts (the same label word in
// several demos) and rank-deficient X are handled like numpy.linalg.lstsq / pinv.
import { Matrix, pseudoInverse } from "ml-matrix";

export interface LinearMap {
  /** Demonstration pairs the map was fitted on. */
  readonly k: number;
  /** Embedding length D of prompts and responses. */
  readonly dim: number;
  /** x W for one prompt embedding x (length D). */
  predict(x: readonly number[]): number[];
}

/**
 * Fits the minimum-norm least-squares map W (D x D) from the rows of `X` to the rows of `Y`
 * (both k x D: prompts and responses live in the same embedding space). k = 0 gives W = 0
 * (nothing to learn from): every prediction is the zero vector.
 */
export function fitMinNormLeastSquares(X: readonly (readonly number[])[], Y: readonly (readonly number[])[], dim: number): LinearMap {
  if (X.length !== Y.length) throw new RangeError(`least squares: ${X.length} prompt rows but ${Y.length} response rows`);
  const k = X.length;
  for (const [name, M] of [
    ["prompt", X],
    ["response", Y],
  ] as const) {
    for (const [i, row] of M.entries()) if (row.length !== dim) throw new RangeError(`least squares: ${name} row ${i} has ${row.length} values, expected ${dim}`);
  }
  const check = (x: readonly number[]) => {
    if (x.length !== dim) throw new RangeError(`least squares: a prompt of ${x.length} values for a map fitted on ${dim}`);
  };
  if (k === 0) return { k, dim, predict: (x) => (check(x), new Array<number>(dim).fill(0)) };
  const pinv = pseudoInverse(new Matrix(X.map((r) => [...r]))); // D x k
  const Ym = new Matrix(Y.map((r) => [...r])); // k x D
  return {
    k,
    dim,
    predict(x) {
      check(x);
      return new Matrix([[...x]]).mmul(pinv).mmul(Ym).getRow(0);
    },
  };
}
