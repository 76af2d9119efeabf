// The root of the icl-probe package (the repository, or the extension's folder in a VSIX):
// compiled code runs from out/src/<layer>/ and bundled code from dist/, and other folders of the
// repository have package.json files of their own (webview/, e2e/), so the root is the nearest
// ancestor whose package.json is icl-probe's.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE_NAME = "icl-probe";

/** Nearest ancestor of `from` (inclusive) holding icl-probe's package.json, or undefined. */
export function packageRoot(from: string = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const p = join(dir, "package.json");
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        /* not readable as JSON: keep looking */
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** icl-probe's version from its package.json ("unknown" when it cannot be read). */
export function toolVersion(): string {
  const root = packageRoot();
  try {
    return root ? (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version : "unknown";
  } catch {
    return "unknown";
  }
}
