// What a served model cannot do here: token-level variants draw from, or fit on, the model's
// whole vocabulary (and g-linear its input embeddings), which neither vLLM nor SGLang exposes.
// Checked before connecting, so the CLI and the editor say so before any request.
import { getVariant, parseVariantKey } from "../core/variants";

/** A sentence saying which variants cannot run on a server, or undefined when all can. */
export function unsupportedOnServer(variants: readonly string[]): string | undefined {
  const tokenLevel = variants.filter((v) => getVariant(parseVariantKey(v).id)?.needsTokenizer);
  if (tokenLevel.length === 0) return undefined;
  const them = tokenLevel.length > 1 ? "them" : "it";
  return `${tokenLevel.join(", ")} work${tokenLevel.length > 1 ? "" : "s"} on the model's token ids and need${tokenLevel.length > 1 ? "" : "s"} its whole vocabulary, which vLLM and SGLang servers do not expose; run ${them} with a local GGUF model, or leave ${them} out of the variants`;
}
