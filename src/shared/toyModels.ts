// The two embedded models are toys of known behaviour (docs/MODEL.md), not language models: a
// newcomer who runs the shipped sentiment example on them sees chance-level figures and
// "inconclusive" verdicts and must be told why. This module knows them by file name and says what
// each was made for; the panel, the side panel and the first-run hints use it. Pure.

export interface ToyNotice {
  /** Model file name, e.g. "icl-toy.gguf". */
  model: string;
  /** The example made for it (in examples/). */
  example: string;
  /** True when the run (or the open file) is that example. */
  onItsExample: boolean;
  /** One sentence on what the model is. */
  what: string;
}

const TOYS: Record<string, { example: string; what: string }> = {
  "icl-toy.gguf": {
    example: "toy-lookup.icl.jsonl",
    what: "a 1.3 MB copier trained by this project to show the tool working offline: it copies the label of the demonstration whose key matches the query and knows no language",
  },
  "icl-memoriser.gguf": {
    example: "toy-colours.icl.jsonl",
    what: "an 81 KB fixed word-to-colour table written as a model: demonstrations cannot change any of its scores",
  },
};

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The notice for `modelFile` (a path or file name) when it is an embedded toy; `demoFile` is the file probed or open. */
export function toyNotice(modelFile: string | undefined, demoFile?: string): ToyNotice | undefined {
  if (!modelFile) return undefined;
  const t = TOYS[base(modelFile)];
  if (!t) return undefined;
  return { model: base(modelFile), example: t.example, onItsExample: !!demoFile && base(demoFile) === t.example, what: t.what };
}

/** What the panel and side panel say about a toy (two sentences). */
export function toySentence(t: ToyNotice): string {
  const head = `${t.model} is an embedded toy, not a language model: ${t.what}.`;
  return t.onItsExample
    ? `${head} ${t.example} was made for it, so these figures show what a known behaviour looks like; pick a real model for findings about one.`
    : `${head} On other files its figures say nothing about in-context learning (expect chance); open ${t.example}, the example made for it, or pick a real model.`;
}
