// Command-line parsing: flags become setting overrides; bad input is a usage error with a message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCommand, UsageError, USAGE, EXIT } from "../../src/cli/args";

test("run: every flag maps to its override", () => {
  const c = parseCommand(["run", "a.icl.jsonl", "--model", "m.gguf", "--variants", "gold, ra-string", "--k", "0,4,8", "--seeds", "1,2", "--queries", "16", "--selection", "per-query", "--balance", "--calibrate", "--out", "o", "--resume", "--json"]);
  assert.deepEqual(c, {
    cmd: "run",
    file: "a.icl.jsonl",
    model: "m.gguf",
    overrides: { variants: ["gold", "ra-string"], k: [0, 4, 8], seeds: [1, 2], queries: 16, selection: "per-query", balance: true, calibrate: true },
    out: "o",
    resume: true,
    json: true,
    batchSize: undefined,
  });
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
  for (const [argv, re] of cases) assert.throws(() => parseCommand(argv), (e: unknown) => e instanceof UsageError && re.test(e.message), argv.join(" "));
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
  });
  assert.deepEqual(parseCommand(["report", "r.json", "--out", "x.html"]), { cmd: "report", file: "r.json", out: "x.html" });
  assert.deepEqual(parseCommand([]), { cmd: "help" });
});

test("the usage text documents every exit code", () => {
  for (const code of Object.values(EXIT)) assert.match(USAGE, new RegExp(`^  ${code}\\s`, "m"));
});
