// Adapters from node-llama-cpp objects to the scorer's small interfaces (scorer.ts). Shared by
// the worker and by in-process tokenizer tests, so both tokenize exactly the same way.
import { EngineFailure } from "./protocol";
import type { LlamaContextSequence, LlamaModel, Token } from "./esm";
import type { ProbLookup, SequenceBackend, Tokenizer } from "./scorer";

/** The scorer's tokenizer over a loaded model: user text with special tokens off, BOS only when the model asks. */
export function tokenizerFor(mdl: LlamaModel): Tokenizer {
  return {
    tokenize: (text) => mdl.tokenize(text, false),
    bosToPrepend: mdl.tokens.shouldPrependBosToken ? mdl.tokens.bos : null,
  };
}

/**
 * The scorer's sequence over node-llama-cpp: controlledEvaluate with generateNext.probabilities
 * (no sampling options, so the map is the exact float32 softmax of the logits) and rollback by
 * eraseContextTokenRanges. 3.21.1 returns probabilities only, never raw logits (see docs/ENGINE.md).
 */
export function backendFor(seq: LlamaContextSequence): SequenceBackend {
  return {
    async evaluate(tokens, probsAt) {
      const want = new Set(probsAt);
      const input = (tokens as Token[]).map((t, i) => (want.has(i) ? ([t, { generateNext: { probabilities: true } }] as [Token, { generateNext: { probabilities: boolean } }]) : t));
      const res = await seq.controlledEvaluate(input);
      const out = new Map<number, ProbLookup>();
      for (const i of probsAt) {
        const probs = res[i]?.next.probabilities;
        if (!probs) throw new EngineFailure("internal", `node-llama-cpp returned no probabilities at position ${i}`);
        out.set(i, (tok) => probs.get(tok as Token) ?? 0);
      }
      return out;
    },
    async eraseFrom(from) {
      await seq.eraseContextTokenRanges([{ start: from, end: seq.nextTokenIndex }]);
    },
  };
}

