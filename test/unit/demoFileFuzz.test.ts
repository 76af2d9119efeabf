// Property-based proof that parseDemoFile never throws and always reports positions inside the
// text: random bytes, structured random lines, random headers and overrides, and mutations of
// the shipped example files. Seeds are fixed so a failure reproduces; fast-check prints the
// shrunk counterexample.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parseDemoFile, HEADER_KEYS, locateJsonError } from "../../src/core/demoFile";
import type { DemoFile, ProbeSettings } from "../../src/core/types";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const PATHS = ["f.icl.jsonl", "f.csv", "f.tsv"];
const RUNS = 250;

/** Lines as an editor sees them (independent of the parser's own splitting). */
function editorLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r\n|\r|\n/);
}

/** Every position (problem, its end, its fix; example lines) lies inside the text. */
function assertInBounds(text: string, file: DemoFile): void {
  const lines = editorLines(text);
  const inLine = (line: number) => Number.isInteger(line) && line >= 1 && line <= lines.length;
  const inCol = (line: number, column: number) => Number.isInteger(column) && column >= 1 && column <= at(lines, line - 1).length + 1;
  for (const p of file.problems) {
    const where = `${p.code} at ${p.line}:${p.column} (${lines.length} lines)`;
    assert.notEqual(p.code, "internal-error", p.message);
    assert.ok(inLine(p.line) && inCol(p.line, p.column), where);
    if (p.endLine !== undefined || p.endColumn !== undefined) {
      assert.ok(p.endLine !== undefined && p.endColumn !== undefined, where);
      assert.ok(inLine(p.endLine) && inCol(p.endLine, p.endColumn) && (p.endLine > p.line || p.endColumn >= p.column), `end of ${where}`);
    }
    if (p.fix) {
      assert.ok(inLine(p.fix.line) && inCol(p.fix.line, p.fix.column) && inCol(p.fix.line, p.fix.endColumn) && p.fix.endColumn >= p.fix.column, `fix of ${where}`);
    }
    assert.ok(["error", "warning", "info"].includes(p.severity));
    assert.ok(p.message.length > 0 && p.hint.length > 0, where);
  }
  for (const e of file.examples) assert.ok(inLine(e.line), `example line ${e.line}`);
  if (file.headerLine !== undefined) assert.ok(inLine(file.headerLine));
  file.examples.forEach((e, i) => assert.equal(e.index, i));
}

function check(text: string, path: string, overrides?: Partial<ProbeSettings>): DemoFile {
  let file: DemoFile | undefined;
  assert.doesNotThrow(() => {
    file = parseDemoFile(text, path, overrides);
  });
  assertInBounds(text, file!);
  return file!;
}

test("the bounds check itself rejects out-of-range positions (it is not vacuous)", () => {
  const text = "ab\ncd";
  const good = parseDemoFile(text, "b.icl.jsonl");
  const bad = (patch: object) => ({ ...good, problems: [{ ...at(good.problems, 0, "problem"), ...patch }] });
  assert.doesNotThrow(() => assertInBounds(text, good));
  assert.throws(() => assertInBounds(text, bad({ line: 3 })));
  assert.throws(() => assertInBounds(text, bad({ line: 1, column: 4 })));
  assert.throws(() => assertInBounds(text, bad({ line: 2, column: 1, endLine: 2, endColumn: 5 })));
  assert.throws(() => assertInBounds(text, bad({ fix: { line: 1, column: 2, endColumn: 1, replacement: "", title: "" } })));
  assert.throws(() => assertInBounds(text, bad({ code: "internal-error" })));
});

test("random bytes decoded as UTF-8 never crash the parser", () => {
  const decoder = new TextDecoder("utf-8");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(...PATHS), (bytes, path) => {
      check(decoder.decode(bytes), path);
    }),
    { numRuns: RUNS, seed: 20240601 },
  );
});

test("random strings (binary code points, lone surrogates) never crash the parser", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.constantFrom(...PATHS), (text, path) => {
      check(text, path);
    }),
    { numRuns: RUNS, seed: 7 },
  );
});

/** Lines that look like the format: JSON values, example objects with odd values, headers with random values. */
const anyValue = fc.jsonValue({ maxDepth: 2 });
const structuredLine = fc.oneof(
  fc.string({ unit: fc.constantFrom("{", "}", "[", "]", '"', ":", ",", "\\", " ", "\t", "#", "/", "a", "1", "-", "e", ".", "\r", "'"), maxLength: 40 }),
  anyValue.map((v) => JSON.stringify(v)),
  fc.record({ input: fc.oneof(fc.string(), anyValue), label: fc.oneof(fc.constantFrom("a", "b", " a", ""), anyValue) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.dictionary(fc.constantFrom("icl-probe", ...Object.keys(HEADER_KEYS), "lables", "__proto__", "constructor"), anyValue, { maxKeys: 6 }).map((o) => JSON.stringify({ "icl-probe": 1, ...o })),
  fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 5 })).map(([a, b]) => `"${a}",${b}`),
  fc.constant("input,label"),
  fc.constant("input\tlabel"),
);

test("structured random lines and random header values never crash the parser", () => {
  fc.assert(
    fc.property(fc.array(structuredLine, { maxLength: 25 }), fc.constantFrom("\n", "\r\n", "\r"), fc.constantFrom(...PATHS), (ls, nl, path) => {
      check(ls.join(nl), path);
    }),
    { numRuns: RUNS * 2, seed: 99 },
  );
});

test("the JSON error locator agrees with JSON.parse on what is valid", () => {
  const jsonish = fc.oneof(
    fc.string({ unit: fc.constantFrom("{", "}", "[", "]", '"', ":", ",", "\\", " ", "\t", "\n", "a", "u", "0", "1", "-", "+", "e", "E", ".", "t", "r", "f", "n", "l", "s"), maxLength: 30 }),
    fc.jsonValue({ maxDepth: 3 }).chain((v) => fc.nat({ max: JSON.stringify(v).length }).map((cut) => JSON.stringify(v).slice(0, cut))),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v, null, 1)),
  );
  fc.assert(
    fc.property(jsonish, (s) => {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      const err = locateJsonError(s);
      assert.equal(err === undefined, valid, `${JSON.stringify(s)}: ${err?.message}`);
      if (err) assert.ok(err.offset >= 0 && err.offset <= s.length);
    }),
    { numRuns: RUNS * 4, seed: 11 },
  );
});

test("random overrides (any JSON values) never crash the parser", () => {
  const text = readFileSync(join(root, "examples", "sentiment.icl.jsonl"), "utf8");
  const overrides = fc.dictionary(
    fc.constantFrom("template", "separator", "instruction", "classes", "verbalizers", "k", "seeds", "queries", "selection", "balance", "calibrate", "variants", "bogus"),
    anyValue,
    { maxKeys: 5 },
  );
  fc.assert(
    fc.property(overrides, (o) => {
      check(text, "s.icl.jsonl", o as Partial<ProbeSettings>);
    }),
    { numRuns: RUNS, seed: 3 },
  );
});

type Mutation = { op: "delete-line" | "duplicate-line" | "swap-lines" | "insert" | "delete-chars" | "truncate"; a: number; b: number; s: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom("delete-line", "duplicate-line", "swap-lines", "insert", "delete-chars", "truncate"),
  a: fc.nat(),
  b: fc.nat(),
  s: fc.oneof(fc.constantFrom('"', "{", "}", ",", ":", "\n", "\r\n", "\\", "\t", " ", "#", "é", "\uD800", '"label": "x", '), fc.string({ unit: "binary", minLength: 1, maxLength: 3 })),
}) as fc.Arbitrary<Mutation>;

function mutate(text: string, muts: Mutation[]): string {
  let t = text;
  for (const m of muts) {
    const lines = t.split("\n");
    const i = m.a % lines.length;
    const j = m.b % lines.length;
    switch (m.op) {
      case "delete-line":
        lines.splice(i, 1);
        t = lines.join("\n");
        break;
      case "duplicate-line":
        lines.splice(i, 0, at(lines, i));
        t = lines.join("\n");
        break;
      case "swap-lines":
        [lines[i], lines[j]] = [at(lines, j), at(lines, i)];
        t = lines.join("\n");
        break;
      case "insert": {
        const p = m.a % (t.length + 1);
        t = t.slice(0, p) + m.s + t.slice(p);
        break;
      }
      case "delete-chars": {
        const p = m.a % (t.length + 1);
        t = t.slice(0, p) + t.slice(p + 1 + (m.b % 6));
        break;
      }
      case "truncate":
        t = t.slice(0, m.a % (t.length + 1));
        break;
    }
  }
  return t;
}

const EXAMPLES: [string, string][] = (
  [
    ["sentiment.icl.jsonl", "s.icl.jsonl"],
    ["topic.icl.jsonl", "t.icl.jsonl"],
    ["capitals.icl.jsonl", "c.icl.jsonl"],
    ["sentiment.csv", "s.csv"],
  ] as const
).map(([f, p]) => [readFileSync(join(root, "examples", f), "utf8"), p]);

test("mutated example files: no crash, positions in bounds, examples match their lines", () => {
  fc.assert(
    fc.property(fc.constantFrom(...EXAMPLES), fc.array(mutation, { minLength: 1, maxLength: 6 }), ([text, path], muts) => {
      const mutated = mutate(text, muts);
      const file = check(mutated, path);
      if (path.endsWith(".jsonl")) {
        // Every accepted example is exactly what its line says.
        const lines = editorLines(mutated);
        for (const e of file.examples) {
          const obj = JSON.parse(at(lines, e.line - 1)) as Record<string, unknown>;
          const input = obj.input ?? obj.text ?? obj.prompt ?? obj.x;
          const label = obj.label ?? obj.response ?? obj.y;
          assert.equal(input, e.input);
          assert.equal(typeof label === "string" ? label.trim() : label, e.label);
        }
      }
    }),
    { numRuns: RUNS * 2, seed: 42 },
  );
});

test("valid generated files read back exactly, with no errors", () => {
  const text = fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== "");
  const label = fc.constantFrom("alpha", "beta", "gamma");
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(text, label), { minLength: 3, maxLength: 30, selector: ([i]) => i }), (rows) => {
      const header = '{"icl-probe": 1, "labels": ["alpha", "beta", "gamma"], "k": [0]}';
      const jsonl = [header, ...rows.map(([input, l]) => JSON.stringify({ input, label: l }))].join("\n");
      const f = check(jsonl, "g.icl.jsonl");
      assert.deepEqual(
        f.problems.filter((p) => p.severity === "error" && p.code !== "too-few-classes"),
        [],
      );
      assert.deepEqual(
        f.examples.map((e) => [e.input, e.label, e.line]),
        rows.map(([input, l], i) => [input, l, i + 2]),
      );
    }),
    { numRuns: 150, seed: 5 },
  );
});

test("hostile shapes: deep nesting, huge lines, only separators", () => {
  for (const path of PATHS) {
    check("[".repeat(200_000), path);
    check('{"input": "' + "x".repeat(500_000) + '", "label": "a"}', path);
    check("\n".repeat(10_000), path);
    check("\r".repeat(5_000) + "\uFEFF", path);
    check('{"icl-probe": 1, "k": [' + "9,".repeat(10_000) + "9]}", path);
    check('"'.repeat(1001) + ",\n" + ",".repeat(1000), path);
  }
});
