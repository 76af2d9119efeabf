// node-llama-cpp is ESM-only (top-level await). tsc (module Node16, CommonJS output) keeps a
// literal `import()` as is, but esbuild's CJS bundle (dist/worker.js) rewrites it into require(),
// which cannot load an ES module; a Function-constructed import() is left alone by both.
import type * as NodeLlamaCppModule from "node-llama-cpp" with { "resolution-mode": "import" };
export type { GgufFileInfo, Llama, LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp" with { "resolution-mode": "import" };

export type NodeLlamaCpp = typeof NodeLlamaCppModule;

const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<unknown>;

let loaded: Promise<NodeLlamaCpp> | undefined;

/** Loads node-llama-cpp once per process. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loaded ??= importEsm("node-llama-cpp") as Promise<NodeLlamaCpp>;
  return loaded;
}
