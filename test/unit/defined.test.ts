import { test } from "node:test";
import assert from "node:assert/strict";
import { defined } from "../../src/core/defined";

test("defined() returns present values, including falsy ones", () => {
  assert.equal(defined(0, "zero"), 0);
  assert.equal(defined("", "empty"), "");
  assert.equal(defined(null, "null"), null);
});

test("defined() names what was missing", () => {
  assert.throws(() => defined([1, 2][5], "row 5 of the grid"), /internal error: row 5 of the grid is missing/);
});
