// Settings: defaults, merge order defaults <- header <- overrides, validateSettings for editor
// settings and CLI flags, header serialisation, and overrides passed to parseDemoFile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_SETTINGS, parseDemoFile, resolveSettings, serializeHeader, validateSettings } from "../../src/core/demoFile";
import { at } from "../support/at";

const ex = (input: string, label: string) => JSON.stringify({ input, label });

test("defaults are the documented ones", () => {
  assert.equal(DEFAULT_SETTINGS.template, "Review: {input}\nSentiment: {label}");
  assert.equal(DEFAULT_SETTINGS.separator, "\n\n");
  assert.equal(DEFAULT_SETTINGS.instruction, "");
  assert.deepEqual(DEFAULT_SETTINGS.k, [0, 4, 8, 16]);
  assert.deepEqual(DEFAULT_SETTINGS.seeds, [1, 2, 3]);
  assert.equal(DEFAULT_SETTINGS.queries, 64);
  assert.equal(DEFAULT_SETTINGS.selection, "fixed");
  assert.equal(DEFAULT_SETTINGS.balance, false);
  assert.equal(DEFAULT_SETTINGS.calibrate, false);
  assert.deepEqual(DEFAULT_SETTINGS.variants, ["gold", "random-labels", "flipped", "abstract-letters", "ra-string", "pa-word"]);
  assert.deepEqual(validateSettings(DEFAULT_SETTINGS), []);
});

test("resolveSettings merges defaults <- header <- overrides and copies values", () => {
  const s = resolveSettings({ k: [1, 2], queries: 5, classes: ["a", "b"] }, { queries: 7, seeds: [9], balance: undefined });
  assert.deepEqual(s.k, [1, 2]);
  assert.equal(s.queries, 7);
  assert.deepEqual(s.seeds, [9]);
  assert.equal(s.balance, false);
  assert.deepEqual(s.classes, ["a", "b"]);
  assert.equal(s.template, DEFAULT_SETTINGS.template);
  s.k.push(99);
  s.variants.push("x");
  assert.deepEqual(DEFAULT_SETTINGS.variants.length, 6, "defaults are not shared");
  assert.throws(() => DEFAULT_SETTINGS.k.push(1), TypeError, "defaults are frozen");
  assert.equal(resolveSettings({}).classes, undefined);
});

test("validateSettings reports bad values, unknown keys and k against the examples", () => {
  const issues = validateSettings({ k: [0, 40], queries: -1, selection: "random", template: "{input}" } as never, 10);
  const codes = issues.map((i) => `${i.key ?? ""}:${i.code}`);
  assert.deepEqual(codes.sort(), ["k:k-too-large", "queries:invalid-setting", "selection:invalid-setting", "template:template-missing-label"].sort());
  const k = issues.find((i) => i.code === "k-too-large")!;
  assert.equal(k.item, 1);
  assert.match(k.message, /k = 40 needs at least 41 examples/);
  const unknown = validateSettings({ seed: [1] } as never);
  assert.equal(at(unknown, 0).code, "unknown-setting");
  assert.match(at(unknown, 0).hint, /"seeds"/);
  const variants = validateSettings({ variants: ["gold", "ra-strng", "ra-string#3", "Bad Id"] });
  assert.deepEqual(
    variants.map((v) => [v.code, v.item]),
    [
      ["unknown-variant", 1],
      ["invalid-setting", 3],
    ],
  );
  assert.match(at(variants, 0).hint, /ra-string/);
});

test("serializeHeader writes a header that parses back to the same settings", () => {
  const settings = {
    template: "Q: {input}\nA: {label}",
    classes: ["no", "yes"],
    verbalizers: { no: "No" },
    k: [0, 1],
    seeds: [4],
    queries: 2,
    selection: "per-query" as const,
    balance: true,
    calibrate: false,
    variants: ["gold"],
    separator: "\n",
    instruction: "Answer.",
  };
  const header = serializeHeader(settings);
  assert.ok(header.startsWith('{"icl-probe":1,'));
  assert.ok(!header.includes("\n"), "one line");
  assert.ok(header.includes('"labels":["no","yes"]'));
  const f = parseDemoFile([header, ex("a", "no"), ex("b", "yes"), ex("c", "no")].join("\n"), "s.icl.jsonl");
  assert.deepEqual(f.problems, []);
  assert.deepEqual(f.settings, settings);
  assert.deepEqual(f.header, settings);
});

test("overrides win over the header; invalid overrides are reported and ignored", () => {
  const text = ['{"icl-probe": 1, "k": [0, 1], "seeds": [1]}', ex("a", "x"), ex("b", "y"), ex("c", "x")].join("\n");
  const f = parseDemoFile(text, "o.icl.jsonl", { seeds: [5, 6], queries: 0 });
  assert.deepEqual(f.settings.seeds, [5, 6]);
  assert.deepEqual(f.settings.k, [0, 1]);
  assert.equal(f.settings.queries, 64);
  assert.deepEqual(f.header.seeds, [1], "the header keeps what the file says");
  const p = f.problems.find((x) => x.code === "invalid-setting")!;
  assert.deepEqual([p.line, p.column], [1, 1]);
  assert.match(p.message, /^settings override: "queries"/);

  const g = parseDemoFile(text, "o.icl.jsonl", { k: [0, 5] });
  const k = g.problems.find((x) => x.code === "k-too-large")!;
  assert.match(k.message, /from the settings override/);
  assert.equal(k.fix, undefined, "no file edit can fix an override");
});

test("override classes are checked against the data", () => {
  const text = [ex("a", "x"), ex("b", "y"), ex("c", "z")].join("\n");
  const f = parseDemoFile(text, "c.icl.jsonl", { classes: ["x", "y"], k: [0] });
  const p = f.problems.find((x) => x.code === "unknown-label")!;
  assert.equal(p.line, 3);
  assert.deepEqual(f.classes, ["x", "y"]);
});
