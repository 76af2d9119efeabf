// The embedded default model: models/icl-toy.gguf at the repository root (development, tests,
// CLI from a checkout) or at the extension root (VSIX). Compiled code runs from out/src/engine/
// and bundled code from dist/, so the root is found by walking up to the first directory that
// has a package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const DEFAULT_MODEL_FILE = "icl-toy.gguf";

/** Nearest ancestor of `from` (inclusive) holding a package.json, or undefined. */
export function packageRoot(from: string = __dirname): string | undefined {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** <repo or extension root>/models/icl-toy.gguf (the file may not exist yet; the engine reports that clearly). */
export function defaultModelPath(from: string = __dirname): string {
  return join(packageRoot(from) ?? join(from, "..", ".."), "models", DEFAULT_MODEL_FILE);
}
