// The grammar of a variant key, shared by the demo-file header, the CLI's --variants, the
// iclProbe.defaultVariants setting (package.json's pattern is VARIANT_KEY_PATTERN, checked by
// test/unit/extensionSettings.test.ts) and the verdicts: `<id>`, `<id>#<n>` (the n-th draw of the
// variant's random function) or `<id>#<a>..<b>` (draws a to b, expanded by expandVariantKeys).
// It needs nothing of the variant library but its error type, so any layer can use it.
import { VariantError } from "./types";
import { defined } from "../defined";

/** Any variant key as a user may write it: an id, one draw or a range of draws. */
export const VARIANT_KEY_PATTERN = "^[a-z0-9][a-z0-9-]*(#[0-9]{1,6}(\\.\\.[0-9]{1,6})?)?$";
const VARIANT_KEY = new RegExp(VARIANT_KEY_PATTERN);

/** Whether `key` is written as a variant key (its id may still be unknown to the registry). */
export function isVariantKey(key: unknown): key is string {
  return typeof key === "string" && VARIANT_KEY.test(key);
}

/** The id of a key without its draw or range: "ra-string#0..49" -> "ra-string". */
export function variantIdOf(key: string): string {
  const hash = key.indexOf("#");
  return (hash < 0 ? key : key.slice(0, hash)).trim();
}

/**
 * Splits a key into id and draw: "ra-string#3" -> {id: "ra-string", draw: 3}; "gold" -> {id: "gold"}.
 * Throws VariantError for a malformed draw ("ra-string#x", "#-1").
 */
export function parseVariantKey(key: string): { id: string; draw?: number } {
  const hash = key.indexOf("#");
  if (hash < 0) return { id: key.trim() };
  const id = key.slice(0, hash).trim();
  const n = key.slice(hash + 1).trim();
  if (!/^\d{1,6}$/.test(n)) throw new VariantError(id, `Variant key '${key}': the part after '#' must be a draw number (0, 1, 2...).`, `Write e.g. '${id}#1'.`);
  return { id, draw: Number(n) };
}

/**
 * Expands draw ranges in a variant list: "ra-string#0..49" stands for ra-string#0 ... ra-string#49
 * (the H3 correlation study needs N paired draws of g; nobody should type 100 keys). Other keys
 * pass through; duplicates are dropped, first occurrence wins. A range larger than 10,000 draws
 * or running backwards is an error.
 */
export function expandVariantKeys(keys: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (k: string) => {
    if (!seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  };
  for (const raw of keys) {
    const key = raw.trim();
    const m = /^([^#]+)#(\d{1,6})\.\.(\d{1,6})$/.exec(key);
    if (!m) {
      add(key);
      continue;
    }
    const [, idGroup, a, b] = m;
    const id = defined(idGroup, "variant id of a draw range"); // the pattern's groups always match
    const from = Number(a);
    const to = Number(b);
    if (to < from || to - from >= 10_000) {
      throw new VariantError(id, `Variant key '${key}': a draw range runs from a smaller to a larger number, at most 10,000 draws.`, `Write e.g. '${id}#0..49'.`);
    }
    for (let n = from; n <= to; n++) add(`${id}#${n}`);
  }
  return out;
}
