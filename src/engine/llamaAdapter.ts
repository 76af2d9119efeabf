// Adapters from node-llama-cpp objects to the scorer's small interfaces (scorer.ts). Shared by
// the worker and by in-process tokenizer tests, so both tokenize exactly the same way.
import { EngineFailure } from "./protocol";
import type { LlamaContextSequence, LlamaModel, Token } from "./esm";
import type { NextTokenLogits, SequenceBackend, Tokenizer } from "./scorer";

/** The scorer's tokenizer over a loaded model: user text with special tokens off, BOS only when the model asks. */
export function tokenizerFor(mdl: LlamaModel): Tokenizer {
  return {
    tokenize: (text) => mdl.tokenize(text, false),
    bosToPrepend: mdl.tokens.shouldPrependBosToken ? mdl.tokens.bos : null,
  };
}

let evaluateCalls = 0;

/**
 * controlledEvaluate calls so far. Each one creates a node-llama-cpp sampler whose native
 * candidate array (vocabulary × 12 bytes: 1.8 MB at 152k tokens) is freed only when V8 collects
 * the sampler object, and V8 does not see that memory (see worker.ts, collectIfDue).
 */
export function evaluateCallCount(): number {
  return evaluateCalls;
}

/**
 * The scorer's sequence over node-llama-cpp 3.22: controlledEvaluate with generateNext.logits
 * filtered to the label tokens (plus the top token, for the maximum) and totalLogitWeight
 * (Σ exp(logit − max) over the vocabulary), so log p(t) = logit(t) − max − log(total) is exact
 * without building the whole vocabulary's probability map. No sampling options: the sampler
 * is then greedy and leaves every logit as llama.cpp computed it. Rollback by
 * eraseContextTokenRanges. `includeTop: 1`, not `includeMax`: 3.22.1's includeMax adds the
 * maximum only when it is already in the filter (docs/ENGINE.md "Raw logits").
 */
export function backendFor(seq: LlamaContextSequence): SequenceBackend {
  return {
    async evaluate(tokens, want) {
      evaluateCalls++;
      const input = (tokens as Token[]).map((t, i) => {
        const wanted = want.get(i);
        return wanted ? ([t, { generateNext: { logits: { filter: { tokens: wanted as Token[], includeTop: 1 } }, totalLogitWeight: true } }] as const) : t;
      });
      const res = await seq.controlledEvaluate(input as Parameters<typeof seq.controlledEvaluate>[0]);
      const out = new Map<number, NextTokenLogits>();
      for (const i of want.keys()) {
        const next = res[i]?.next;
        const logits = next?.logits;
        const total = next?.totalLogitWeight;
        if (!logits || logits.size === 0 || total === undefined) throw new EngineFailure("internal", `node-llama-cpp returned no logits at position ${i}`);
        let max = -Infinity;
        for (const l of logits.values()) if (l > max) max = l;
        out.set(i, { logits: logits as ReadonlyMap<number, number>, logNormaliser: max + Math.log(total) });
      }
      return out;
    },
    async eraseFrom(from) {
      await seq.eraseContextTokenRanges([{ start: from, end: seq.nextTokenIndex }]);
    },
  };
}

/**
 * Copies `source`'s KV state to `target` up to `upTo` tokens (fast mode's prefix sharing) with
 * node-llama-cpp 3.22.1's internal `_copyStateFromOtherSequence` (llama_memory_seq_cp): a copy,
 * so the target's prefix has the source's numbers exactly. Internal API, hence this one wrapper
 * and a loud failure when it is missing or does not leave `upTo` tokens (a changed version).
 */
export async function copySequenceState(target: LlamaContextSequence, source: LlamaContextSequence, upTo: number): Promise<void> {
  const copy = (target as unknown as { _copyStateFromOtherSequence?: (s: LlamaContextSequence, upTo: number) => Promise<boolean> })._copyStateFromOtherSequence;
  if (typeof copy !== "function")
    throw new EngineFailure(
      "internal",
      "fast mode needs node-llama-cpp's sequence state copy (_copyStateFromOtherSequence, 3.22.1), which this node-llama-cpp lacks.",
      "Use exact mode, or the pinned node-llama-cpp 3.22.1.",
    );
  const ok = await copy.call(target, source, upTo);
  if (!ok || target.nextTokenIndex !== upTo)
    throw new EngineFailure(
      "internal",
      `fast mode: copying a ${upTo}-token prefix between sequences left ${target.nextTokenIndex} tokens.`,
      "Use exact mode, and report this with the node-llama-cpp version.",
    );
}
