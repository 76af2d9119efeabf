// Command-line parsing: flags become setting overrides; bad input is a usage error with a message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCommand, UsageError, USAGE, EXIT } from "../../src/cli/args";

test("run: every flag maps to its override", () => {
  const c = parseCommand([
    "run",
    "a.icl.jsonl",
    "--model",
    "m.gguf",
    "--variants",
    "gold, ra-string",
    "--k",
    "0,4,8",
    "--seeds",
    "1,2",
    "--queries",
    "16",
    "--selection",
    "per-query",
    "--balance",
    "--calibrate",
    "--out",
    "o",
    "--resume",
    "--json",
  ]);
  assert.deepEqual(c, {
    cmd: "run",
    file: "a.icl.jsonl",
    model: "m.gguf",
    overrides: { variants: ["gold", "ra-string"], k: [0, 4, 8], seeds: [1, 2], queries: 16, selection: "per-query", balance: true, calibrate: true },
    out: "o",
    resume: true,
    json: true,
    batchSize: undefined,
    onOverflow: "stop",
    mode: "exact",
  });
});

test("run: exact scoring unless --fast", () => {
  const exact = parseCommand(["run", "a.icl.jsonl"]);
  const fast = parseCommand(["run", "a.icl.jsonl", "--fast"]);
  assert.equal(exact.cmd === "run" && exact.mode, "exact");
  assert.equal(fast.cmd === "run" && fast.mode, "fast");
  assert.match(USAGE, /--fast/);
});

test("run: absent flags leave the file's settings alone", () => {
  const c = parseCommand(["run", "a.icl.jsonl"]);
  assert.equal(c.cmd, "run");
  if (c.cmd === "run") assert.deepEqual(c.overrides, {});
});

test("usage errors say what is wrong", () => {
  const cases: [string[], RegExp][] = [
    [["run"], /run: missing demo file/],
    [["run", "a", "b"], /unexpected argument "b"/],
    [["run", "a", "--k", "0,x"], /--k: "x" is not an integer >= 0/],
    [["run", "a", "--k=-4"], /--k: "-4" is not an integer >= 0/],
    [["run", "a", "--queries", "0"], /--queries: "0" is not an integer >= 1/],
    [["run", "a", "--selection", "random"], /--selection must be "fixed" or "per-query"/],
    [["run", "a", "--frobnicate"], /frobnicate/],
    [["preview", "a"], /--variant <id> is required/],
    [["report"], /report: missing results file/],
    [["explode"], /unknown command "explode"/],
  ];
  for (const [argv, re] of cases)
    assert.throws(
      () => parseCommand(argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      argv.join(" "),
    );
});

test("preview and report parse their options", () => {
  assert.deepEqual(parseCommand(["preview", "f.icl.jsonl", "--variant", "ra-string#2", "--seed", "3", "--k", "4"]), {
    cmd: "preview",
    file: "f.icl.jsonl",
    variant: "ra-string#2",
    seed: 3,
    k: 4,
    query: undefined,
    model: undefined,
    full: false,
    overrides: {},
  });
  assert.deepEqual(parseCommand(["report", "r.json", "--out", "x.html"]), { cmd: "report", file: "r.json", out: "x.html" });
  assert.deepEqual(parseCommand([]), { cmd: "help" });
});

test("the usage text documents every exit code", () => {
  for (const code of Object.values(EXIT)) assert.match(USAGE, new RegExp(`^  ${code}\\s`, "m"));
});

test("column mapping flags (run, preview, import) become overrides; --classes is read by main", () => {
  const c = parseCommand(["run", "train.csv", "--input", "{2}. {3}", "--label", "1", "--classes", "classes.txt", "--no-header", "--format", "csv"]);
  assert.equal(c.cmd, "run");
  if (c.cmd === "run") {
    assert.deepEqual(c.overrides, { columns: { input: "{2}. {3}", label: 1 }, headerRow: false, format: "csv" });
    assert.equal(c.classesFile, "classes.txt");
  }
  const p = parseCommand(["preview", "train.tsv", "--variant", "gold", "--label-map", "0=negative, 1=positive", "--full"]);
  assert.ok(p.cmd === "preview" && p.full);
  if (p.cmd === "preview") assert.deepEqual(p.overrides, { labelMap: { "0": "negative", "1": "positive" } });
  const i = parseCommand(["import", "trec.label", "--label", "{coarse}:{fine}", "--out", "t.icl.jsonl", "--labels", "a,b", "--template", "Q: {input}\\nA: {label}", "--force"]);
  assert.deepEqual(i, {
    cmd: "import",
    file: "trec.label",
    out: "t.icl.jsonl",
    force: true,
    overrides: { columns: { label: "{coarse}:{fine}" }, classes: ["a", "b"], template: "Q: {input}\nA: {label}" },
  });
  for (const [argv, re] of [
    [["run", "a", "--label-map", "0negative"], /--label-map: "0negative" is not raw=class/],
    [["run", "a", "--label-map", "0=a", "--classes", "c.txt"], /both give the label map/],
    [["run", "a", "--format", "xlsx"], /--format must be one of jsonl, json, csv, tsv, label-text/],
    [["import"], /import: missing data file/],
  ] as [string[], RegExp][])
    assert.throws(
      () => parseCommand(argv),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      argv.join(" "),
    );
});
