// The studies ICL Probe runs from one command (`icl-probe study`, *ICL Probe: Run the Li et al.
// Study*), as data: each entry names its variants, at which k, its default seeds, queries and
// number of random draws, and the figures it is read with. A later study (Pan et al. 2023, Wei et
// al. 2023) is a new entry here, not new code: src/core/study/resolve.ts turns any entry into the
// grid of an ordinary plan (src/core/experiment/plan.ts), which the one runner runs and resumes.
import type { FigureId } from "../figures/types";

/** Which k a block runs at: the study's main k, its k curve, or fixed values. */
export type StudyK = "main" | "curve" | readonly number[];

export interface StudyBlock {
  /** Stable name, e.g. "curve", "draws" (messages, --figures). */
  id: string;
  /** Variant keys run as they are. */
  variants?: readonly string[];
  /** Variant ids run as `id#0..N-1`, N = the study's draws: the same n shares its random g across these ids. */
  draws?: readonly string[];
  k: StudyK;
  /** Figures this block's runs feed (a `--figures` subset runs only their blocks). */
  figures: readonly FigureId[];
}

export interface StudyDefaults {
  /** The main k (the paper's). */
  k: number;
  /** The k curve (H1's accuracy versus k); empty when the study has none. */
  kCurve: readonly number[];
  /** Number of seeds (seeds 1..n): the units of replication (docs/STATISTICS.md). */
  seeds: number;
  /** Queries per seed (capped to what the demo file leaves after the largest k). */
  queries: number;
  /** Random functions g drawn for the correlation study (blocks' `draws`). */
  draws: number;
}

export interface StudyDefinition {
  id: string;
  /** Short name for commands and titles: "Li et al. 2024". */
  name: string;
  /** Full reference. */
  source: string;
  /** One sentence: what the study asks. */
  question: string;
  defaults: StudyDefaults;
  blocks: readonly StudyBlock[];
  /** The Hypotheses figures, in the order they are shown (empty: the study is read from the ordinary charts). */
  figures: readonly FigureId[];
  /** Why the defaults are what they are (printed by the CLI and shown in docs). */
  notes: readonly string[];
}

export const STUDIES: readonly StudyDefinition[] = [
  {
    id: "li2024",
    name: "Li et al. 2024",
    source: "Li, Hou, Sachan, Cotterell. What Do Language Models Learn in Context? The Structured Task Hypothesis. ACL 2024 (arXiv 2406.04216)",
    question: "Does in-context learning select a pre-trained task (H1), learn like a general algorithm (H2), or compose pre-trained tasks (H3)?",
    defaults: { k: 32, kCurve: [0, 4, 8, 16, 32], seeds: 10, queries: 32, draws: 50 },
    blocks: [
      // tau_RA (string and token) and tau_PA (word and token) over k, with gold: figures 1 and 2;
      // logistic regression is fitted on every demo set, so figure 2's baseline comes with it.
      { id: "curve", variants: ["gold", "ra-string", "ra-token", "pa-word", "pa-token"], k: "curve", figures: ["h1-ra-vs-k", "h2-pa-vs-logreg", "h3-natural-vs-random", "h3-chain"] },
      { id: "natural", variants: ["ra-synonym", "ra-antonym", "ra-keyword"], k: "main", figures: ["h3-natural-vs-random"] },
      { id: "chain", variants: ["ra-chain-1", "ra-chain-2", "ra-chain-3", "ra-chain-4", "ra-chain-5"], k: "main", figures: ["h3-chain"] },
      // One random single-token g per draw and seed, shared by tau_RA, tau_g-ICL and tau_g-Linear:
      // figures 3 (ICL vs least squares across g) and 4 (tau_RA vs tau_g-ICL across g).
      { id: "draws", draws: ["ra-token", "g-token", "g-linear"], k: "main", figures: ["h2-icl-vs-linear", "h3-ra-vs-g"] },
    ],
    figures: ["h1-ra-vs-k", "h2-pa-vs-logreg", "h2-icl-vs-linear", "h3-ra-vs-g", "h3-natural-vs-random", "h3-chain"],
    notes: [
      "k = 32 as in the paper; tau_RA, tau_PA and gold also run on the k curve 0, 4, 8, 16, 32 (H1's figure).",
      "10 seeds (the paper used 20): the verdicts test across seeds with exact sign-flip tests, Bonferroni-corrected over the runs they examine; H1 and H2 examine 8 runs each (2 variants x 4 k > 0), which needs at least 9 seeds before anything can be significant (docs/STATISTICS.md), the synonym chain's 5 orders need 8. Fewer seeds make the verdicts say 'inconclusive: n seeds'.",
      "32 queries per seed (the paper used 256), capped to what the demo file leaves after the largest k; every query of a seed shares its demo set (fixed selection), while the paper re-drew the demos per query (--selection per-query does that, at the cost of one prompt prefix per query).",
      "50 random functions g for the correlation study (figure 4), each drawn per seed, so 50 x 10 = 500 points; the same g serves tau_RA (ra-token#n), tau_g-ICL (g-token#n) and tau_g-Linear (g-linear#n).",
    ],
  },
  {
    id: "min2022",
    name: "Min et al. 2022",
    source: "Min, Lyu, Holtzman, Artetxe, Lewis, Hajishirzi, Zettlemoyer. Rethinking the Role of Demonstrations: What Makes In-Context Learning Work? EMNLP 2022",
    question: "Do the demonstrations' gold labels matter, or the label space, the input distribution and the format?",
    defaults: { k: 16, kCurve: [], seeds: 6, queries: 32, draws: 0 },
    blocks: [
      { id: "no-demos", variants: ["gold"], k: [0], figures: [] },
      { id: "labels", variants: ["gold", "random-labels", "correct-0", "correct-25", "correct-50", "correct-75"], k: "main", figures: [] },
      { id: "format", variants: ["labels-only", "inputs-only", "no-label-space"], k: "main", figures: [] },
    ],
    figures: [],
    notes: [
      "k = 16 as in the paper, plus gold at k = 0 (no demonstrations) for reference.",
      "6 seeds (the paper used 5): 5 seeds cannot give a 95% interval or a significant sign-flip test (2^-5 > 0.025), 6 is the least that can; the comparisons with gold pair the seeds.",
      "Labels are scored by their summed log-probability (Min et al. used the mean per token; both are in scores.csv).",
    ],
  },
];

export function findStudy(id: string): StudyDefinition | undefined {
  return STUDIES.find((s) => s.id === id);
}
