// Bag-of-n-grams features for the logistic-regression baseline (Li et al. 2024 use word 1-2-grams
// and character 1-4-grams on the k demonstrations; eth-lre/LLM_ICL). Choices, fixed in advance:
// - text is lowercased (String.prototype.toLowerCase, locale-independent);
// - words are maximal runs of Unicode letters, digits, "_" and "'" (unlike sklearn's default
//   token pattern, one-character words are kept: ciphers and abstract labels produce them);
// - word n-grams: every word and every pair of adjacent words;
// - char n-grams are taken WITHIN word boundaries, each word padded with one space on both sides
//   (sklearn's analyzer="char_wb"): "cat" -> " ", "c", "a", "t", " c", "ca", "at", "t ", " ca",
//   "cat", "at ", " cat", "cat ". So n-grams never span two words;
// - values are binary (present/absent), then the vector is scaled to unit L2 norm, so long and
//   short inputs weigh the same. Binary rather than counts because with counts the pad
//   1-gram " " (two per word) dominates the norm (value ~0.8 for a 7-word input) and drowns the
//   informative n-grams: on a synthetic keyword task 16 demos then gave chance accuracy,
//   with binary features 0.9+ (test/unit/baselines.test.ts).

/** A sparse feature vector: parallel arrays of feature ids and values. */
export interface SparseVector {
  ids: Int32Array;
  values: Float64Array;
}

const WORD = /[\p{L}\p{N}_']+/gu;

/** Lowercased words of a text. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** All n-gram feature names of a text with their counts (names are prefixed "w:" / "c:"). */
export function ngramCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string): void => {
    counts.set(f, (counts.get(f) ?? 0) + 1);
  };
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    add("w:" + ws[i]);
    if (i + 1 < ws.length) add("w:" + ws[i] + " " + ws[i + 1]);
    // Code points, not UTF-16 units, so n-grams never split a surrogate pair.
    const chars = Array.from(" " + ws[i] + " ");
    for (let n = 1; n <= 4; n++) {
      for (let s = 0; s + n <= chars.length; s++) add("c:" + chars.slice(s, s + n).join(""));
    }
  }
  return counts;
}

/** Maps feature names to ids; built from the training texts only. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();

  /** Feature names in id order. */
  readonly names: string[] = [];

  get size(): number {
    return this.names.length;
  }

  /** Adds every feature of the text (training). */
  addText(text: string): void {
    for (const f of ngramCounts(text).keys()) {
      if (!this.ids.has(f)) {
        this.ids.set(f, this.names.length);
        this.names.push(f);
      }
    }
  }

  /** The unit-L2 binary vector of a text; features not seen in training are dropped. */
  vectorize(text: string): SparseVector {
    const ids: number[] = [];
    for (const f of ngramCounts(text).keys()) {
      const id = this.ids.get(f);
      if (id !== undefined) ids.push(id);
    }
    const value = ids.length > 0 ? 1 / Math.sqrt(ids.length) : 0;
    return { ids: Int32Array.from(ids), values: new Float64Array(ids.length).fill(value) };
  }
}
