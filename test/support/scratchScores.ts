// The reference for the determinism and exactness tests: every query scored from scratch in a
// context of its own, in this (test) process, without the engine's prefix cache, request
// grouping or query order. Each label's whole sequence is evaluated from an empty KV cache and its
// log-prob summed from the exact float32 next-token distributions (docs/ENGINE.md, "Scoring
// math"). Tokenization is the engine's own (prepareItem), so only the evaluation differs.
import { loadNodeLlamaCpp, type LlamaModel, type Token } from "../../src/engine/esm";
import { tokenizerFor } from "../../src/engine/llamaAdapter";
import { prepareItem, PROB_FLOOR } from "../../src/engine/scorer";
import type { TextScoreItem } from "../../src/engine/protocol";

export interface ScratchScore {
  id: string;
  labels: { label: string; logProb: number; firstTokenLogProb: number; tokens: number }[];
}

/** Loads `modelPath` in this process and scores each item in a fresh single-sequence context (F32 KV, no flash attention). */
export async function scratchScores(modelPath: string, items: TextScoreItem[]): Promise<ScratchScore[]> {
  const { getLlama } = await loadNodeLlamaCpp();
  // One thread: node-llama-cpp's default of 4 is hundreds of times slower on a 2-core machine.
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: 1 });
  const model: LlamaModel = await llama.loadModel({ modelPath });
  try {
    const tok = tokenizerFor(model);
    const out: ScratchScore[] = [];
    for (const [i, item] of items.entries()) {
      const prepared = prepareItem(tok, item, i);
      const longest = Math.max(...prepared.labels.map((l) => l.full.length));
      const size = Math.ceil(longest / 256) * 256;
      const ctx = await model.createContext({
        contextSize: size,
        sequences: 1,
        threads: 1,
        batchSize: size,
        flashAttention: false,
        experimentalKvCacheKeyType: "F32",
        experimentalKvCacheValueType: "F32",
      });
      try {
        const seq = ctx.getSequence();
        const labels: ScratchScore["labels"] = [];
        for (const l of prepared.labels) {
          await seq.clearHistory();
          // The distribution after token j scores token j + 1: ask for it at every label position.
          const input = l.full.slice(0, -1).map((t, j) => (j >= l.start - 1 ? ([t as Token, { generateNext: { probabilities: true } }] as const) : (t as Token)));
          const res = await seq.controlledEvaluate(input as Parameters<typeof seq.controlledEvaluate>[0]);
          let logProb = 0;
          let first = 0;
          for (let j = l.start; j < l.full.length; j++) {
            const p = res[j - 1]?.next.probabilities?.get(l.full[j] as Token) ?? 0;
            const lp = Math.log(Math.max(p, PROB_FLOOR));
            if (j === l.start) first = lp;
            logProb += lp;
          }
          labels.push({ label: l.label, logProb, firstTokenLogProb: first, tokens: l.full.length - l.start });
        }
        out.push({ id: item.id, labels });
      } finally {
        await ctx.dispose();
      }
    }
    return out;
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}
