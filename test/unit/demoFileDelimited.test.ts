// CSV and TSV demo files: quoting, real line numbers for multi-line fields, column aliases,
// the optional JSON header line, and located problems.
import { test } from "node:test";
import assert from "node:assert/strict";
import Papa from "papaparse";
import { parseDemoFile, detectFormat } from "../../src/core/demoFile";
import { onlyProblem as only } from "../support/problems";

const csv = (...ls: string[]) => parseDemoFile(ls.join("\n"), "demo.csv");
const HEADER = '{"icl-probe": 1, "k": [0, 1], "queries": 1}';

test("format from the file name", () => {
  assert.equal(detectFormat("a/b.CSV"), "csv");
  assert.equal(detectFormat("x.tsv"), "tsv");
  assert.equal(detectFormat("x.icl.jsonl"), "jsonl");
  assert.equal(detectFormat("x.txt"), "jsonl");
});

test("CSV: quoted commas, doubled quotes and multi-line fields keep later lines right", () => {
  const f = csv(HEADER, "input,label", '"a gorgeous, witty film",positive', '"he said ""wow""",positive', '"line one', "line two", 'line three",negative', "", "plain text,negative");
  assert.deepEqual(f.problems, []);
  assert.equal(f.format, "csv");
  assert.equal(f.headerLine, 1);
  assert.deepEqual(f.settings.k, [0, 1]);
  assert.deepEqual(f.examples, [
    { index: 0, line: 3, input: "a gorgeous, witty film", label: "positive" },
    { index: 1, line: 4, input: 'he said "wow"', label: "positive" },
    { index: 2, line: 5, input: "line one\nline two\nline three", label: "negative" },
    { index: 3, line: 9, input: "plain text", label: "negative" },
  ]);
});

test("CSV: column names are aliases, case-insensitive; extra columns are noted", () => {
  const f = csv(HEADER, "id, Text ,Label", "1,good,pos", "2,bad,neg");
  assert.deepEqual(
    f.examples.map((e) => [e.line, e.input, e.label]),
    [
      [3, "good", "pos"],
      [4, "bad", "neg"],
    ],
  );
  const info = only(f, "ignored-column");
  assert.deepEqual([info.line, info.severity], [2, "info"]);
  const g = csv(HEADER, "prompt,response", "q,a", "r,b");
  assert.deepEqual(
    g.examples.map((e) => e.input),
    ["q", "r"],
  );
  const h = csv(HEADER, "x,y", "q,a", "r,b");
  assert.deepEqual(
    h.examples.map((e) => e.label),
    ["a", "b"],
  );
});

test("CSV: a missing column is an error on the header row", () => {
  const f = csv(HEADER, "premise,label", "good,pos", "bad,neg");
  const p = only(f, "csv-missing-column");
  assert.deepEqual([p.line, p.column, p.severity], [2, 1, "error"]);
  assert.match(p.message, /no input column \(columns: "premise", "label"/);
  assert.match(p.hint, /"columns": \{"input": "<column>"\}/);
  assert.equal(f.examples.length, 0);
  const named = csv("title,body", "Stocks up,markets rally on news", "Cup final,a late goal wins it");
  const n = only(named, "csv-missing-column");
  assert.equal(n.line, 1);
  assert.match(n.message, /no input or label column/);
  assert.equal(named.problems.filter((x) => x.code === "ignored-column").length, 0);
  assert.match(n.hint, /"columns": \{"input": "title", "label": "body"\}/);
});

test("CSV: empty and missing fields are located in their column", () => {
  const f = csv(HEADER, "input,label", "ok,pos", "fine,neg", ",pos", "text,", "lonely");
  const e = only(f, "empty-input");
  assert.deepEqual([e.line, e.column, e.endColumn], [5, 1, 1]);
  const l = only(f, "empty-label");
  assert.deepEqual([l.line, l.column], [6, 6]);
  const m = only(f, "missing-label");
  assert.deepEqual([m.line, m.column], [7, 1]);
});

test("CSV: an unclosed quote is an error at its line", () => {
  const f = csv(HEADER, "input,label", "ok,pos", "fine,neg", '"never closed,pos', "more,neg");
  const p = only(f, "csv-unclosed-quote");
  assert.equal(p.line, 5);
  assert.equal(p.severity, "error");
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [3, 4],
  );
});

test("CSV: unknown label fix writes a CSV field, quoting when needed", () => {
  const f = csv('{"icl-probe": 1, "labels": ["very good", "bad, really"], "k": [0]}', "input,label", "a,very good", 'b,"bad, realy"', "c,very god");
  const ps = f.problems.filter((p) => p.code === "unknown-label");
  assert.deepEqual(
    ps.map((p) => [p.line, p.column, p.endColumn, p.fix?.replacement]),
    [
      [4, 3, 15, '"bad, really"'],
      [5, 3, 11, "very good"],
    ],
  );
});

test("CSV with CRLF line endings, no JSON header", () => {
  const f = parseDemoFile('input,label\r\n"multi\r\nline",a\r\nb,b\r\nc,a\r\n', "x.csv");
  assert.deepEqual(
    f.examples.map((e) => [e.line, e.input]),
    [
      [2, "multi\nline"],
      [4, "b"],
      [5, "c"],
    ],
  );
  assert.equal(f.headerLine, undefined);
});

test("TSV: tabs separate, commas are plain text, quoted tabs work", () => {
  const f = parseDemoFile(['{"icl-probe": 1, "k": [0]}', "input\tlabel", "a, b, c\tpos", '"tab\there"\tneg', "x\tneg"].join("\n"), "demo.tsv");
  assert.equal(f.format, "tsv");
  assert.deepEqual(f.problems, []);
  assert.deepEqual(
    f.examples.map((e) => [e.line, e.input, e.label]),
    [
      [3, "a, b, c", "pos"],
      [4, "tab\there", "neg"],
      [5, "x", "neg"],
    ],
  );
});

test("CSV written by papaparse.unparse reads back with the right lines", () => {
  const rows: [string, string][] = [
    ["input", "label"],
    ['a "quoted" word', "x"],
    ["two\nlines", "y"],
    ["comma, here", "x"],
    ["three\nline\nfield", "y"],
    ["plain", "x"],
  ];
  const text = Papa.unparse(rows, { newline: "\n" });
  const f = parseDemoFile(text, "r.csv");
  assert.deepEqual(
    f.examples.map((e) => [e.input, e.label]),
    rows.slice(1),
  );
  // Line of each row = 1 + number of line breaks before it.
  const expected: number[] = [];
  let line = 2;
  for (const [input] of rows.slice(1)) {
    expected.push(line);
    line += input.split("\n").length;
  }
  assert.deepEqual(
    f.examples.map((e) => e.line),
    expected,
  );
});

test("CSV duplicates: a one-line row gets a delete fix, a multi-line row does not", () => {
  const f = csv(HEADER, "input,label", "a,x", '"m\nl",y', "a,x", '"m\nl",y', "b,y");
  const dups = f.problems.filter((p) => p.code === "duplicate-example");
  assert.deepEqual(
    dups.map((p) => [p.line, p.fix?.title]),
    [
      [6, "Delete this duplicate"],
      [7, undefined],
    ],
  );
});
