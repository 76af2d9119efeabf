// Demo-file parsing (JSONL): examples, aliases, the header, and every problem code with its
// exact line and column.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDemoFile } from "../../src/core/demoFile";

const isRunnable = (f: { problems: { severity: string }[] }) => !f.problems.some((p) => p.severity === "error");
import { at } from "../support/at";
import { onlyProblem as only } from "../support/problems";

const P = "demo.icl.jsonl";
const lines = (...ls: string[]) => ls.join("\n");
const ex = (input: string, label: string) => JSON.stringify({ input, label });
const parse = (text: string) => parseDemoFile(text, P);

/** 1-based column of `needle` in `line`. */
const col = (line: string, needle: string) => {
  const i = line.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in ${line}`);
  return i + 1;
};

/** Ten balanced examples: enough for k up to 9. */
function body(n = 10): string[] {
  return Array.from({ length: n }, (_, i) => ex(`review number ${i}`, i % 2 ? "positive" : "negative"));
}

test("reads examples with every alias pair, skipping blank and comment lines", () => {
  const f = parse(
    lines(
      '{"input": "a gorgeous, witty film", "label": "positive"}',
      "",
      '{"text": "dull", "label": "negative"}',
      "# a comment",
      "  // another comment",
      '{"prompt": "fine", "response": "positive"}',
      '{"x": "awful", "y": "negative"}',
    ),
  );
  assert.deepEqual(f.examples, [
    { index: 0, line: 1, input: "a gorgeous, witty film", label: "positive" },
    { index: 1, line: 3, input: "dull", label: "negative" },
    { index: 2, line: 6, input: "fine", label: "positive" },
    { index: 3, line: 7, input: "awful", label: "negative" },
  ]);
  assert.deepEqual(f.classes, ["positive", "negative"]);
  assert.equal(f.format, "jsonl");
  assert.equal(f.headerLine, undefined);
  assert.deepEqual(
    f.problems.filter((p) => p.severity === "error"),
    [{ file: P, line: 1, column: 1, endLine: 1, endColumn: 57, severity: "error", code: "k-too-large", message: at(f.problems, 0).message, hint: at(f.problems, 0).hint, fix: at(f.problems, 0).fix }],
  );
});

test("the header line maps onto settings; labels become classes", () => {
  const header =
    '{"icl-probe": 1, "template": "News: {input}\\nTopic: {label}", "separator": "\\n", "instruction": "Classify.", "labels": ["b", "a"], "verbalizers": {"a": "alpha"}, "k": [0, 2], "seeds": [7], "queries": 2, "selection": "per-query", "balance": true, "calibrate": true, "variants": ["gold", "ra-string#2"]}';
  const f = parse(lines(header, ex("one", "a"), ex("two", "b"), ex("three", "a"), ex("four", "b")));
  assert.deepEqual(f.problems, []);
  assert.equal(f.headerLine, 1);
  assert.deepEqual(f.header, {
    template: "News: {input}\nTopic: {label}",
    separator: "\n",
    instruction: "Classify.",
    classes: ["b", "a"],
    verbalizers: { a: "alpha" },
    k: [0, 2],
    seeds: [7],
    queries: 2,
    selection: "per-query",
    balance: true,
    calibrate: true,
    variants: ["gold", "ra-string#2"],
  });
  assert.deepEqual(f.settings, { ...f.header });
  assert.deepEqual(f.classes, ["b", "a"]);
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [2, 3, 4, 5],
  );
  assert.equal(f.headerLine, 1);
  assert.deepEqual(
    f.examples.map((e) => ({ index: e.index, line: e.line, label: e.label })),
    [
      { index: 0, line: 2, label: "a" },
      { index: 1, line: 3, label: "b" },
      { index: 2, line: 4, label: "a" },
      { index: 3, line: 5, label: "b" },
    ],
  );
  assert.ok(isRunnable(f));
});

test("a header with single numbers for k and seeds, and 'classes' as alias of labels", () => {
  const f = parse(lines('{"icl-probe": 1, "k": 2, "seeds": 5, "classes": ["x", "y"]}', ex("a", "x"), ex("b", "y"), ex("c", "x")));
  assert.deepEqual(f.problems, []);
  assert.deepEqual(f.settings.k, [2]);
  assert.deepEqual(f.settings.seeds, [5]);
  assert.deepEqual(f.settings.classes, ["x", "y"]);
});

test("invalid JSON: message, column and hint for the usual mistakes", () => {
  const cases: [string, number, RegExp][] = [
    ['{"input": "a", "label": "b",}', 29, /trailing comma/],
    ["{'input': 'a', 'label': 'b'}", 2, /double quotes/],
    ['{input: "a", "label": "b"}', 2, /double quotes/],
    ['{"input": "a, "label": "b"}', 16, /expected ',' or '}'/],
    ['{"input": "a", "label": "b"', 28, /ends before/],
    ['{"input": "a", "label": "b"} extra', 30, /after the end/],
    ['{"input": "unclosed, "label": "b"', 23, /expected ',' or '}' but found 'label'/],
    ['{"input": "tab\there", "label": "b"}', 15, /control character/],
    ['{"input": "a" "label": "b"}', 15, /expected ',' or '}'/],
  ];
  for (const [text, column, msg] of cases) {
    const f = parse(lines(ex("ok one", "a"), text, ex("ok two", "b")));
    const p = only(f, "invalid-json");
    assert.equal(p.line, 2, text);
    assert.equal(p.column, column, `${text}: ${p.message}`);
    assert.match(p.message + " " + p.hint, msg, text);
    assert.equal(p.severity, "error");
    assert.deepEqual(
      f.examples.map((e) => e.line),
      [1, 3],
    );
  }
});

test("an unclosed string is reported at its opening quote", () => {
  const text = '{"input": "a", "label": "b';
  const p = only(parse(lines(ex("x", "a"), ex("y", "b"), text)), "invalid-json");
  assert.deepEqual([p.line, p.column], [3, col(text, '"b')]);
  assert.match(p.message, /never closed/);
});

test("non-object lines are errors", () => {
  for (const [text, kind] of [
    ['["a", "b"]', "an array"],
    ["42", "a number"],
    ['"just text"', "a string"],
    ["null", "null"],
  ] as const) {
    const p = only(parse(lines(ex("x", "a"), ex("y", "b"), text)), "not-an-object");
    assert.deepEqual([p.line, p.column, p.endColumn], [3, 1, text.length + 1]);
    assert.match(p.message, new RegExp(kind));
  }
});

test("missing, empty and non-string fields", () => {
  const rows = [
    '{"label": "a"}',
    '{"input": "x"}',
    '{"input": "", "label": "a"}',
    '{"input": "x", "label": "  "}',
    '{"input": "x", "label": true}',
    '{"input": ["x"], "label": "a"}',
    '{"input": "x", "label": null}',
  ];
  const f = parse(lines(ex("p", "a"), ex("q", "b"), ...rows));
  const problemsAt = (code: string) => f.problems.filter((p) => p.code === code).map((p) => [p.line, p.column, p.endColumn]);
  assert.deepEqual(problemsAt("missing-input"), [[3, 1, at(rows, 0).length + 1]]);
  assert.deepEqual(problemsAt("missing-label"), [[4, 1, at(rows, 1).length + 1]]);
  assert.deepEqual(problemsAt("empty-input"), [[5, col(at(rows, 2), '""'), col(at(rows, 2), '""') + 2]]);
  assert.deepEqual(problemsAt("empty-label"), [[6, col(at(rows, 3), '"  "'), col(at(rows, 3), '"  "') + 4]]);
  assert.deepEqual(problemsAt("non-string-label"), [
    [7, col(at(rows, 4), "true}"), col(at(rows, 4), "true}") + 4],
    [9, col(at(rows, 6), "null"), col(at(rows, 6), "null") + 4],
  ]);
  assert.deepEqual(problemsAt("non-string-input"), [[8, col(at(rows, 5), '["x"]'), col(at(rows, 5), '["x"]') + 5]]);
  const bool = f.problems.find((p) => p.code === "non-string-label" && p.line === 7)!;
  assert.deepEqual(bool.fix, { line: 7, column: col(at(rows, 4), "true}"), endColumn: col(at(rows, 4), "true}") + 4, replacement: '"true"', title: "Write true as a string" });
  assert.equal(f.examples.length, 2);
});

test("numbers are read as text: class indices as labels (with one warning), numeric inputs", () => {
  const f = parse(lines('{"input": "good", "label": 1}', '{"input": "bad", "label": 0}', '{"input": 42, "label": 1}'));
  assert.deepEqual(
    f.examples.map((e) => [e.input, e.label]),
    [
      ["good", "1"],
      ["bad", "0"],
      ["42", "1"],
    ],
  );
  const w = only(f, "numeric-labels");
  assert.equal(w.severity, "warning");
  assert.match(w.hint, /"labelMap": \{"0":"negative","1":"positive"\}/);
});

test("a label outside the declared set: fix with the closest label when close", () => {
  const header = '{"icl-probe": 1, "labels": ["negative", "positive"], "verbalizers": {"negative": "bad"}, "k": [0, 1]}';
  const typo = '{"input": "meh", "label": "positve"}';
  const far = '{"input": "huh", "label": "neutral"}';
  const word = '{"input": "boo", "label": "bad"}';
  const f = parse(lines(header, ex("a", "negative"), typo, ex("b", "positive"), far, word));
  const ps = f.problems.filter((p) => p.code === "unknown-label");
  assert.equal(ps.length, 3);
  assert.deepEqual([at(ps, 0).line, at(ps, 0).column, at(ps, 0).endColumn], [3, col(typo, '"positve"'), col(typo, '"positve"') + 9]);
  assert.deepEqual(at(ps, 0).fix, { line: 3, column: col(typo, '"positve"'), endColumn: col(typo, '"positve"') + 9, replacement: '"positive"', title: "Change to 'positive'" });
  assert.equal(at(ps, 1).line, 5);
  assert.equal(at(ps, 1).fix, undefined);
  assert.match(at(ps, 1).hint, /add 'neutral' to "labels"/);
  assert.equal(at(ps, 2).line, 6);
  assert.match(at(ps, 2).hint, /label word of class 'negative'/);
  assert.equal(at(ps, 2).fix?.replacement, '"negative"');
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [2, 4],
  );
});

test("fewer than two classes: declared and from the data", () => {
  const h = '{"icl-probe": 1, "labels": ["only"], "k": [0]}';
  const declared = only(parse(lines(h, ex("a", "only"), ex("b", "only"))), "too-few-classes");
  assert.deepEqual([declared.line, declared.column, declared.endColumn], [1, col(h, '["only"]'), col(h, '["only"]') + 8]);
  const data = parse(lines('{"icl-probe": 1, "k": [0, 1]}', ex("a", "yes"), ex("b", "yes"), ex("c", "yes")));
  const p = only(data, "too-few-classes");
  assert.equal(p.line, 1);
  assert.match(p.message, /all examples have the label 'yes'/);
});

test("k larger than the examples allow: per entry in the header, one problem for defaults", () => {
  const h = '{"icl-probe": 1, "k": [0, 2, 5, 4]}';
  const f = parse(lines(h, ex("a", "x"), ex("b", "y"), ex("c", "x"), ex("d", "y")));
  const ps = f.problems.filter((p) => p.code === "k-too-large");
  assert.deepEqual(
    ps.map((p) => [p.line, p.column, p.endColumn]),
    [
      [1, col(h, "5"), col(h, "5") + 1],
      [1, col(h, "4]"), col(h, "4]") + 1],
    ],
  );
  assert.match(at(ps, 0).message, /k = 5 needs at least 6 examples .* only 4 valid examples/);
  assert.deepEqual(at(ps, 0).fix, { line: 1, column: col(h, "["), endColumn: col(h, "]") + 1, replacement: "[0,2]", title: "Set k to [0,2]" });
  // k = n - 1 is allowed: it leaves exactly one query.
  assert.equal(parse(lines('{"icl-probe": 1, "k": [3]}', ex("a", "x"), ex("b", "y"), ex("c", "x"), ex("d", "y"))).problems.filter((p) => p.code === "k-too-large").length, 0);

  const noHeader = parse(lines(...body(5)));
  const d = only(noHeader, "k-too-large");
  assert.deepEqual([d.line, d.column], [1, 1]);
  assert.match(d.message, /k = 8, 16 \(the default k\)/);
  assert.deepEqual(d.fix, { line: 1, column: 1, endColumn: 1, replacement: '{"icl-probe":1,"k":[0,4]}\n', title: "Add a header line with k = [0,4]" });
});

test("template without {input} or {label}, or with them in the wrong order", () => {
  const mk = (t: string) => `{"icl-probe": 1, "template": ${JSON.stringify(t)}, "k": [0]}`;
  for (const [t, code] of [
    ["Review: {text}\nSentiment: {label}", "template-missing-input"],
    ["Review: {input}\nSentiment:", "template-missing-label"],
    ["{label}: {input}", "template-label-before-input"],
  ] as const) {
    const h = mk(t);
    const f = parse(lines(h, ex("a", "x"), ex("b", "y")));
    const p = only(f, code);
    const c = col(h, JSON.stringify(t));
    assert.deepEqual([p.line, p.column, p.endColumn, p.severity], [1, c, c + JSON.stringify(t).length, "error"]);
    assert.equal(f.settings.template, "Review: {input}\nSentiment: {label}", "a bad template falls back to the default");
  }
  const unknown = only(parse(lines(mk("Review: {text}\nSentiment: {label} {input}"), ex("a", "x"), ex("b", "y"))), "template-unknown-placeholder");
  assert.equal(unknown.severity, "warning");
  assert.match(unknown.hint, /\{input\}/);
});

test("bad header value types are errors at the value", () => {
  const h = '{"icl-probe": 1, "k": "four", "seeds": [1.5], "queries": 0, "selection": "per_query", "balance": "yes", "labels": "a,b", "verbalizers": ["x"], "separator": 2, "variants": []}';
  const f = parse(lines(h, ex("a", "x"), ex("b", "y")));
  const bad = f.problems.filter((p) => p.code === "invalid-setting");
  const expect = ['"four"', "1.5", "0,", '"per_query"', '"yes"', '"a,b"', '["x"]', "2,", "[]"];
  assert.deepEqual(
    bad.map((p) => p.column),
    expect.map((n) => col(h, n)),
  );
  assert.ok(bad.every((p) => p.line === 1 && p.severity === "error"));
  assert.match(bad.find((p) => p.message.includes("selection"))!.hint, /per-query/);
  assert.equal(f.settings.queries, 64, "an invalid value falls back to the default");
  const ver = only(parse(lines('{"icl-probe": "one"}', ex("a", "x"))), "invalid-setting");
  assert.equal(ver.fix?.replacement, "1");
});

test("unknown header key: warning at the key with the closest known key", () => {
  const h = '{"icl-probe": 1, "lables": ["x", "y"], "k": [0], "colour": "red"}';
  const f = parse(lines(h, ex("a", "x"), ex("b", "y")));
  const ps = f.problems.filter((p) => p.code === "unknown-header-key");
  assert.deepEqual(
    ps.map((p) => [p.line, p.column, p.endColumn, p.severity]),
    [
      [1, col(h, '"lables"'), col(h, '"lables"') + 8, "warning"],
      [1, col(h, '"colour"'), col(h, '"colour"') + 8, "warning"],
    ],
  );
  assert.match(at(ps, 0).hint, /Did you mean "labels"\?/);
  assert.deepEqual(at(ps, 0).fix, { line: 1, column: col(h, '"lables"'), endColumn: col(h, '"lables"') + 8, replacement: '"labels"', title: 'Rename to "labels"' });
  assert.equal(at(ps, 1).fix, undefined);
});

test("duplicate examples and conflicting labels are warnings on the later line", () => {
  const f = parse(lines('{"icl-probe": 1, "k": [0]}', ex("same", "x"), ex("other", "y"), ex("same", "x"), ex("same", "y")));
  const dup = only(f, "duplicate-example");
  assert.deepEqual([dup.line, dup.column, dup.severity], [4, 1, "warning"]);
  assert.match(dup.message, /line 2/);
  assert.deepEqual(dup.fix, { line: 4, column: 1, endColumn: ex("same", "x").length + 1, replacement: "", title: "Delete this duplicate" });
  const conf = only(f, "conflicting-labels");
  assert.deepEqual([conf.line, conf.severity], [5, "warning"]);
  assert.match(conf.message, /'x' on line 2 and 'y' here/);
  assert.equal(f.examples.length, 4, "warnings keep the examples");
});

test("heavily unbalanced classes: warning with the ratio", () => {
  const rows = [...Array.from({ length: 9 }, (_, i) => ex(`p${i}`, "pos")), ex("n0", "neg"), ex("n1", "neg"), ex("n2", "neg")];
  const h = '{"icl-probe": 1, "labels": ["neg", "pos"], "k": [0, 4]}';
  const p = only(parse(lines(h, ...rows)), "unbalanced-classes");
  assert.deepEqual([p.line, p.column, p.severity], [1, col(h, '["neg"'), "warning"]);
  assert.match(p.message, /'pos' has 9 examples, 'neg' only 3 \(3\.0:1\)/);
  assert.equal(parse(lines(h, ...rows.slice(1))).problems.filter((x) => x.code === "unbalanced-classes").length, 0, "8:3 is below the threshold");
});

test("header not on the first line is applied with a warning; a second header is ignored", () => {
  const f = parse(lines(ex("a", "x"), '{"icl-probe": 1, "k": [0, 1]}', ex("b", "y"), '{"icl-probe": 1, "k": [0]}', ex("c", "x")));
  const late = only(f, "header-not-first");
  assert.deepEqual([late.line, late.column, late.severity], [2, 1, "warning"]);
  const second = only(f, "duplicate-header");
  assert.equal(second.line, 4);
  assert.equal(f.headerLine, 2);
  assert.deepEqual(f.settings.k, [0, 1]);
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [1, 3, 5],
  );
  // Comments and blank lines before the header are fine.
  assert.equal(parse(lines("# my probe", "", '{"icl-probe": 1, "k": [0]}', ex("a", "x"), ex("b", "y"))).problems.length, 0);
});

test("label whitespace, classes without examples, similar undeclared labels", () => {
  const row = '{"input": "a", "label": " x "}';
  const f = parse(lines('{"icl-probe": 1, "labels": ["x", "y", "z"], "k": [0]}', row, ex("b", "y")));
  const ws = only(f, "label-whitespace");
  assert.deepEqual([ws.line, ws.column, ws.fix?.replacement], [2, col(row, '" x "'), '"x"']);
  assert.equal(at(f.examples, 0).label, "x");
  const empty = only(f, "class-without-examples");
  assert.match(empty.message, /'z'/);

  const sim = parse(lines('{"icl-probe": 1, "k": [0]}', ex("a", "positive"), ex("b", "positive"), ex("c", "negative"), ex("d", "positve")));
  const s = only(sim, "similar-labels");
  assert.equal(s.line, 5);
  assert.equal(s.fix?.replacement, '"positive"');
});

test("labels that differ only in case are an error at the rarer label's first line", () => {
  const row = ex("d", "Positive");
  const f = parse(lines('{"icl-probe": 1, "k": [0]}', ex("a", "positive"), ex("b", "positive"), ex("c", "negative"), row));
  const p = only(f, "case-only-labels");
  assert.deepEqual([p.severity, p.line, p.column], ["error", 5, col(row, '"Positive"')]);
  assert.match(p.message, /'Positive' \(1x, first on line 5\) and 'positive' \(2x, first on line 2\) differ only in case/);
  assert.equal(p.fix?.replacement, '"positive"');
  assert.equal(f.problems.filter((x) => x.code === "similar-labels").length, 0);
  // Found among many classes too (no pairwise limit).
  const many = Array.from({ length: 400 }, (_, i) => ex(`w${i}`, `class${i}`));
  const g = parse(lines(...many, ex("z", "CLASS7")));
  assert.equal(only(g, "case-only-labels").line, 401);
});

test("no examples at all, and an empty file", () => {
  for (const text of ["", "\n\n", "# only a comment", '{"icl-probe": 1}']) {
    const f = parse(text);
    const p = only(f, "no-examples");
    assert.deepEqual([p.line, p.column], [1, 1]);
    assert.ok(!isRunnable(f));
  }
});

test("unused keys are noted once; queries beyond the examples are capped (info)", () => {
  const f = parse(lines('{"icl-probe": 1, "k": [0, 2], "queries": 50}', '{"id": 1, "input": "a", "label": "x"}', '{"id": 2, "input": "b", "label": "y"}', ex("c", "x"), ex("d", "y")));
  const ig = only(f, "ignored-key");
  assert.deepEqual([ig.line, ig.column, ig.severity], [2, 2, "info"]);
  const cap = only(f, "queries-capped");
  assert.equal(cap.severity, "info");
  assert.match(cap.message, /only 2 examples are left after 2 demonstrations/);
});

test("duplicate verbalizer words are errors", () => {
  const h = '{"icl-probe": 1, "labels": ["a", "b"], "verbalizers": {"a": "b"}, "k": [0]}';
  const p = only(parse(lines(h, ex("x", "a"), ex("y", "b"))), "duplicate-verbalizer");
  assert.equal(p.column, col(h, '{"a"'));
  const h2 = '{"icl-probe": 1, "verbalizers": {"a": "w", "b": "w"}, "k": [0]}';
  assert.equal(only(parse(lines(h2, ex("x", "a"), ex("y", "b"))), "duplicate-verbalizer").severity, "error");
});

test("CRLF and CR line endings and a byte-order mark keep line numbers right", () => {
  const text = "\uFEFF" + ['{"icl-probe": 1, "k": [0]}', ex("a", "x"), "", '{"input": "b", "label": "y",}', ex("c", "y")].join("\r\n") + "\r" + ex("d", "x");
  const f = parse(text);
  assert.deepEqual(
    f.examples.map((e) => e.line),
    [2, 5, 6],
  );
  const p = only(f, "invalid-json");
  assert.deepEqual([p.line, p.column], [4, 29]);
});

test("problems come sorted by line and column and carry the file path", () => {
  const f = parse(lines(ex("a", "x"), "{bad", ex("b", "y"), '{"input": 3}', "oops"));
  const keys = f.problems.map((p) => p.line * 1e6 + p.column);
  assert.deepEqual(
    keys,
    [...keys].sort((a, b) => a - b),
  );
  assert.ok(f.problems.every((p) => p.file === P && p.hint.length > 0 && p.message.length > 0));
});
