// The embedded default model: models/icl-toy.gguf at the repository root (development, tests,
// CLI from a checkout) or at the extension root (VSIX), found by packageRoot.
import { join } from "node:path";
import { packageRoot } from "../node/packageRoot";

export const DEFAULT_MODEL_FILE = "icl-toy.gguf";

/** <repo or extension root>/models/icl-toy.gguf (the file may not exist yet; the engine reports that clearly). */
export function defaultModelPath(from: string = __dirname): string {
  return join(packageRoot(from) ?? join(from, "..", ".."), "models", DEFAULT_MODEL_FILE);
}
