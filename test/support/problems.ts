import assert from "node:assert/strict";
import type { DemoFile, Problem } from "../../src/core/types";
import { at } from "./at";

/** The one problem of `code` in a parsed demo file; the test fails listing every problem otherwise. */
export function onlyProblem(file: DemoFile, code: string): Problem {
  const found = file.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `expected one '${code}', got ${JSON.stringify(file.problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.message}`))}`);
  return at(found, 0, code);
}
