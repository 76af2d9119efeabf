// Real data as it comes: the shapes public data sets ship in open without hand conversion, each
// written here in a small file of that shape (the data sets themselves are not needed), with the
// column mapping and label map that probe them, and one diagnosis when a file cannot be read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeDemoBytes, parseDemoBytes, parseDemoFile, printable } from "../../src/core/demoFile";
import type { DemoFile, ProbeSettings } from "../../src/core/types";
import { at } from "../support/at";
import { onlyProblem as only } from "../support/problems";

const errors = (f: DemoFile) => f.problems.filter((p) => p.severity === "error");

// --- SST-2 (GLUE): a TSV with a header row "sentence\tlabel" and 0/1 labels -------------------
const SST2_ROWS = [
  ["hide new secretions from the parental units ", "0"],
  ["contains no wit , only labored gags ", "0"],
  ["that loves its characters and communicates something rather beautiful about human nature ", "1"],
  ["remains utterly satisfied to remain the same throughout ", "0"],
  ["on the worst revenge-of-the-nerds clichés the filmmakers could dredge up ", "0"],
  ["are more deeply thought through than in most ` right-thinking ' films ", "1"],
  ["the greatest musicians ", "1"],
  ["a charming and often affecting journey ", "1"],
];
const sst2 = (header = "") => (header ? header + "\n" : "") + ["sentence\tlabel", ...SST2_ROWS.map((r) => r.join("\t"))].join("\n") + "\n";

test("SST-2-like TSV: header row sentence/label, 0/1 labels read as classes with one warning", () => {
  const f = parseDemoFile(sst2(), "SST-2/train.tsv", { k: [0, 4] });
  assert.deepEqual(errors(f), []);
  assert.equal(f.format, "tsv");
  assert.match(f.shape, /^TSV with a header row, 2 columns \(input "sentence", label "label"\)/);
  assert.equal(f.examples.length, 8);
  assert.deepEqual(f.classes, ["0", "1"]);
  assert.equal(at(f.examples, 0).input, "hide new secretions from the parental units ");
  const w = only(f, "numeric-labels");
  assert.equal(w.line, 2);
});

test("SST-2-like TSV with a label map in a header line: classes negative/positive, in map order", () => {
  const f = parseDemoFile(sst2('{"icl-probe": 1, "labelMap": {"0": "negative", "1": "positive"}, "k": [0, 2]}'), "train.tsv");
  assert.deepEqual(errors(f), []);
  assert.deepEqual(f.classes, ["negative", "positive"]);
  assert.deepEqual(
    f.examples.slice(0, 3).map((e) => [e.line, e.label]),
    [
      [3, "negative"],
      [4, "negative"],
      [5, "positive"],
    ],
  );
  assert.equal(f.problems.filter((p) => p.code === "numeric-labels").length, 0);
  assert.match(f.shape, /labels mapped by "labelMap"/);
  // The same through overrides (CLI flags, editor): no header line needed.
  const g = parseDemoFile(sst2(), "train.tsv", { labelMap: { "0": "negative", "1": "positive" }, k: [0, 2] });
  assert.deepEqual(
    g.examples.map((e) => e.label),
    f.examples.map((e) => e.label),
  );
});

test("a raw label missing from the label map is one error per raw label, at its first line", () => {
  const f = parseDemoFile(sst2('{"icl-probe": 1, "labelMap": {"0": "negative"}, "k": [0]}'), "train.tsv");
  const p = only(f, "unmapped-label");
  assert.equal(p.line, 5);
  assert.match(p.message, /label '1' is not in "labelMap".*\(4 lines have it; the first is reported\)/);
  assert.ok(!f.problems.every((p) => p.severity !== "error"));
});

// --- AG News: headerless, fully quoted CSV "class","title","description", classes 1..4 -----------
const AG_ROWS = [
  ["3", "Wall St. Bears Claw Back Into the Black (Reuters)", "Reuters - Short-sellers, Wall Street's dwindling\\band of ultra-cynics, are seeing green again."],
  ["3", "Carlyle Looks Toward Commercial Aerospace (Reuters)", "Reuters - Private investment firm Carlyle Group, which has a reputation for making well-timed deals."],
  ["4", "IBM Invents Plastic Chip Storage", 'IBM said it has invented a way to store data on a plastic chip, "the first" of its kind.'],
  ["2", "Phelps Wins Another Gold", "Michael Phelps won his sixth gold medal of the Athens Olympics on Friday."],
  ["1", "Iraq Halts Oil Exports from Main Southern Pipeline", "Authorities have halted oil export flows from the main pipeline in southern Iraq."],
  ["4", "New Mars Rover Images", "NASA released new images from the Spirit rover, showing layered rocks."],
  ["2", "Dodgers Clinch Division", "The Los Angeles Dodgers clinched the National League West on Saturday."],
  ["1", "Talks Resume in Sudan", "Peace talks between the government and rebels resumed on Monday."],
];
const agCsv = AG_ROWS.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\n") + "\n";
const AG_HEADER = '{"icl-probe": 1, "columns": {"input": "{2}. {3}", "label": 1}, "labelMap": ["World", "Sports", "Business", "Sci/Tech"], "k": [0, 2]}';

test("AG-News-like headerless quoted CSV: one problem asking for the columns, with the exact fix", () => {
  const f = parseDemoFile(agCsv, "ag_news_csv/train.csv");
  const p = only(f, "columns-needed");
  assert.equal(errors(f).length, 1, JSON.stringify(errors(f)));
  assert.equal(p.line, 1);
  assert.match(p.message, /headerless CSV with 3 columns \(first row 1: '3', 2: 'Wall St\. Bears Claw Bac…'/);
  assert.match(p.hint, /"columns": \{"input": "\{2\}\. \{3\}", "label": 1\}/);
  assert.match(p.hint, /icl-probe import FILE --input '\{2\}\. \{3\}' --label 1/);
});

test("AG-News-like CSV with columns + classes-file label map: title and description joined, classes from 1", () => {
  const f = parseDemoFile(AG_HEADER + "\n" + agCsv, "train.csv");
  assert.deepEqual(errors(f), []);
  assert.match(f.shape, /^headerless CSV, 3 columns \(input "\{2\}\. \{3\}", label column 1\); labels mapped by "labelMap" \(class names in order, counting from 1\)/);
  assert.deepEqual(f.classes, ["World", "Sports", "Business", "Sci/Tech"]);
  assert.equal(at(f.examples, 0).label, "Business");
  assert.equal(at(f.examples, 0).input, "Wall St. Bears Claw Back Into the Black (Reuters). Reuters - Short-sellers, Wall Street's dwindling\\band of ultra-cynics, are seeing green again.");
  assert.equal(at(f.examples, 2).input.includes('"the first"'), true);
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  // The same mapping as overrides (CLI: --input '{2}. {3}' --label 1 --classes classes.txt).
  const g = parseDemoFile(agCsv, "train.csv", { columns: { input: "{2}. {3}", label: 1 }, labelMap: ["World", "Sports", "Business", "Sci/Tech"], k: [0, 2] });
  assert.deepEqual(
    g.examples.map((e) => [e.input, e.label]),
    f.examples.map((e) => [e.input, e.label]),
  );
});

test("headerless two-column files: the label column is inferred (classes repeat and are short)", () => {
  const text = ["a gorgeous, witty film that never loses its nerve,pos", "two hours i will never get back,neg", "the best thing i saw all year,pos", "flat and dull from start to end,neg"]
    .map((l) => l.replace(/^(.*),(pos|neg)$/, '"$1",$2'))
    .join("\n");
  const f = parseDemoFile(text, "reviews.csv", { k: [0] });
  assert.deepEqual(errors(f), []);
  assert.match(f.shape, /headerless CSV, 2 columns \(input column 1, label column 2\)/);
  assert.deepEqual(f.classes, ["pos", "neg"]);
  const bad = parseDemoFile(text, "reviews.csv", { columns: { input: "review" } });
  assert.match(only(bad, "csv-missing-column").hint, /refer to columns by number/);
});

// --- TREC: `COARSE:fine question` lines --------------------------------------------------------
const TREC = [
  "DESC:manner How did serfdom develop in and then leave Russia ?",
  "ENTY:cremat What films featured the character Popeye Doyle ?",
  "DESC:manner How can I find a list of celebrities ' real names ?",
  "ENTY:animal What fowl grabs the spotlight after the Chinese Year of the Monkey ?",
  "ABBR:exp What is the full form of .com ?",
  "HUM:ind What contemptible scoundrel stole the cork from my lunch ?",
  "HUM:gr What team did baseball 's St. Louis Browns become ?",
  "NUM:date When was Ozzy Osbourne born ?",
  "LOC:other Where is the Loop ?",
  "NUM:count How many states have a `` lemon law '' for new automobiles ?",
].join("\n");

test("TREC-like COARSE:fine lines: coarse classes by default, the question as input", () => {
  const f = parseDemoFile(TREC, "train_5500.label", { k: [0, 2] });
  assert.deepEqual(errors(f), []);
  assert.equal(f.format, "label-text");
  assert.match(f.shape, /^TREC-style COARSE:fine lines \(input "text", label "coarse"\)/);
  assert.deepEqual(f.classes, ["DESC", "ENTY", "ABBR", "HUM", "NUM", "LOC"]);
  assert.equal(at(f.examples, 0).input, "How did serfdom develop in and then leave Russia ?");
  // Fine classes through a label template; verbose class names through a label map.
  const fine = parseDemoFile(TREC, "train_5500.label", { columns: { label: "{coarse}:{fine}" }, k: [0] });
  assert.equal(at(fine.examples, 1).label, "ENTY:cremat");
  const named = parseDemoFile(TREC, "t.txt", { labelMap: { ABBR: "abbreviation", DESC: "description", ENTY: "entity", HUM: "human", LOC: "location", NUM: "number" }, k: [0] });
  assert.deepEqual(errors(named), []);
  assert.equal(at(named.examples, 0).label, "description");
  // Even under an .icl.jsonl name, such content is read as what it is.
  assert.equal(parseDemoFile(TREC, "trec.icl.jsonl", { k: [0] }).format, "label-text");
});

test("plain LABEL:text lines", () => {
  const f = parseDemoFile(["positive: a gorgeous film", "negative: two hours lost", "positive: witty and warm", "negative: flat"].join("\n"), "s.txt", { k: [0] });
  assert.deepEqual(errors(f), []);
  assert.deepEqual(
    f.examples.map((e) => [e.label, e.input]),
    [
      ["positive", "a gorgeous film"],
      ["negative", "two hours lost"],
      ["positive", "witty and warm"],
      ["negative", "flat"],
    ],
  );
});

// --- Function-vector word pairs: JSON arrays of {input, output}, hundreds of distinct outputs -----
function wordPairs(n: number, pretty: boolean): string {
  const pairs = Array.from({ length: n }, (_, i) => ({ input: `word${i}`, output: `WORD${i}x` }));
  return pretty ? JSON.stringify(pairs, null, 2) : JSON.stringify(pairs);
}

test("JSON array of {input, output} word pairs, 196 distinct outputs (pretty-printed, lines kept)", () => {
  const text = wordPairs(196, true);
  const f = parseDemoFile(text, "antonym.json", { k: [0, 4], queries: 8 });
  assert.deepEqual(errors(f), []);
  assert.equal(f.format, "json");
  assert.match(f.shape, /^JSON array of 196 objects \(input "input", label "output"\)/);
  assert.equal(f.classes.length, 196);
  const lines = text.split("\n");
  for (const e of [0, 57, 195].map((i) => at(f.examples, i, "example")))
    assert.ok(at(lines, e.line - 1).trim() === "{" && at(lines, e.line).includes(JSON.stringify(e.input)), `example ${e.index} on line ${e.line}`);
});

test("JSON array with 1,727 distinct outputs, on one line; a .jsonl name does not matter", () => {
  const f = parseDemoFile(wordPairs(1727, false), "country-capital.icl.jsonl", { k: [0, 1], queries: 4 });
  assert.deepEqual(errors(f), []);
  assert.equal(f.format, "json");
  assert.equal(f.classes.length, 1727);
  assert.equal(f.examples.length, 1727);
  // A label typo gets a located problem inside the array.
  const typo = parseDemoFile('[\n{"input": "a", "output": "x"},\n{"input": "b", "output": "y"},\n{"input": "c", "output": 7}\n]', "p.json", { classes: ["x", "y"], k: [0] });
  const p = only(typo, "unknown-label");
  assert.deepEqual([p.line, p.column, p.endColumn], [4, 26, 27]);
});

test("invalid JSON in an array: the first syntax error, located", () => {
  const f = parseDemoFile('[\n{"input": "a", "output": "x"},\n{"input": "b" "output": "y"}\n]', "p.json", { k: [0] });
  const p = only(f, "invalid-json");
  assert.deepEqual([p.line, p.column], [3, 15]);
  assert.match(p.message + p.hint, /comma/i);
  assert.equal(f.examples.length, 1);
});

// --- JSON Lines with the common key pairs -------------------------------------------------------
test("JSON Lines with text/label, sentence/label, question/answer, input/output keys", () => {
  for (const [ik, lk] of [
    ["text", "label"],
    ["sentence", "label"],
    ["question", "answer"],
    ["input", "output"],
  ] as const) {
    const text = (
      [
        ["a fine film", "good"],
        ["a dull film", "bad"],
        ["witty", "good"],
      ] as const
    )
      .map(([i, l]) => JSON.stringify({ [ik]: i, [lk]: l, idx: 1 }))
      .join("\n");
    const f = parseDemoFile(text, "d.jsonl", { k: [0] });
    assert.deepEqual(errors(f), [], `${ik}/${lk}`);
    assert.equal(f.shape, `JSON Lines (input "${ik}", label "${lk}")`);
    assert.deepEqual(
      f.examples.map((e) => e.label),
      ["good", "bad", "good"],
    );
  }
  // Other keys through "columns" (GLUE/HF exports: premise/hypothesis, integer labels).
  const nli = [0, 1, 0, 1].map((l, i) => JSON.stringify({ premise: `p${i}`, hypothesis: `h${i}`, label: l })).join("\n");
  const g = parseDemoFile(nli, "rte.jsonl", { columns: { input: "{premise} Question: {hypothesis}" }, labelMap: { "0": "yes", "1": "no" }, k: [0] });
  assert.deepEqual(errors(g), []);
  assert.deepEqual(g.examples[1], { index: 1, line: 2, input: "p1 Question: h1", label: "no" });
});

// --- One diagnosis, not a flood -----------------------------------------------------------------
test("records without an input key: one problem listing the keys and the mapping to write", () => {
  const text = Array.from({ length: 50 }, (_, i) => JSON.stringify({ premise: `p${i}`, hypothesis: `h${i}`, label: i % 2 })).join("\n");
  const f = parseDemoFile(text, "rte.jsonl");
  const p = only(f, "missing-input");
  assert.equal(errors(f).filter((x) => x.code !== "no-examples").length, 1);
  assert.equal(p.line, 1);
  assert.match(p.message, /the same on 49 more lines \(50 of 50 examples fail this way, reported once\)/);
  assert.match(p.hint, /The keys found are "premise", "hypothesis", "label"\. Say which one holds the input: a first line \{"icl-probe": 1, "columns": \{"input": "premise"\}\}/);
});

test("a pretty-printed JSON object in a .jsonl file: one problem that says so", () => {
  const text = JSON.stringify(
    {
      data: [
        { text: "a", label: "b" },
        { text: "c", label: "d" },
      ],
    },
    null,
    2,
  );
  const f = parseDemoFile(text, "d.jsonl");
  const p = only(f, "invalid-json");
  assert.match(p.hint, /one JSON value spread over several lines/);
});

test("declared class names over numeric data labels: one problem suggesting the label map", () => {
  const rows = Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `t${i}`, label: String(i % 2) }));
  const f = parseDemoFile(['{"icl-probe": 1, "labels": ["negative", "positive"]}', ...rows].join("\n"), "d.jsonl");
  const p = only(f, "unknown-label");
  assert.match(p.hint, /"labelMap": \{"0":"negative","1":"positive"\}/);
});

test("files that are not text data: one problem naming what they are", () => {
  const cases: [number[] | string, RegExp][] = [
    [[0x50, 0x41, 0x52, 0x31, 0, 0, 1], /Parquet/],
    [[0x50, 0x4b, 0x03, 0x04, 20, 0], /zip archive \(or an Excel \.xlsx workbook\)/],
    [[0x1f, 0x8b, 8, 0], /gzip/],
    ["version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n", /Git LFS pointer/],
    ["<!DOCTYPE html><html><body>train.jsonl</body></html>", /HTML page/],
    [[0x7b, 0, 0, 1, 0, 0x9b, 2, 0, 0, 0, 5, 0], /binary file/],
  ];
  for (const [content, re] of cases) {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : Uint8Array.from(content);
    const f = parseDemoBytes(bytes, "x.jsonl");
    assert.equal(f.problems.length, 1, String(re));
    assert.equal(at(f.problems, 0).code, "unsupported-shape");
    assert.match(at(f.problems, 0).message, re);
  }
});

test("UTF-16 with a BOM (spreadsheet exports), and Windows-1252 text, are decoded", () => {
  const text = "text,label\ncafé crème,good\nnaïve plot,bad\n";
  const le = new Uint8Array(2 + text.length * 2);
  le[0] = 0xff;
  le[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    le[2 + 2 * i] = text.charCodeAt(i) & 0xff;
    le[3 + 2 * i] = text.charCodeAt(i) >> 8;
  }
  const f = parseDemoBytes(le, "export.csv", { k: [0] });
  assert.deepEqual(errors(f), []);
  assert.equal(f.encoding, "utf-16le");
  assert.match(f.shape, /, utf-16le$/);
  assert.equal(at(f.examples, 0).input, "café crème");
  const be = new Uint8Array(le.length);
  be[0] = 0xfe;
  be[1] = 0xff;
  for (let i = 2; i < le.length; i += 2) [be[i], be[i + 1]] = [at(le, i + 1), at(le, i)];
  assert.equal(decodeDemoBytes(be).text, text);
  const latin = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
  const w = parseDemoBytes(latin, "export.csv", { k: [0] });
  assert.equal(w.encoding, "windows-1252");
  assert.equal(at(w.examples, 1).input, "naïve plot");
  assert.equal(only(w, "not-utf8").severity, "info");
});

test("control bytes from a file never reach a message raw", () => {
  const evil = "\u001b[31mred\u001b[0m\u0007";
  const f = parseDemoFile([JSON.stringify({ input: "a", label: evil }), JSON.stringify({ input: "b", label: "x" })].join("\n"), "e.jsonl", { classes: ["x", "y"], k: [0] } as Partial<ProbeSettings>);
  const p = only(f, "unknown-label");
  assert.doesNotMatch(p.message + p.hint, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(p.message, /\\u001b\[31mred/);
  assert.equal(printable("a\u202eb\tc"), "a\\u202eb\tc");
});
