import { test } from "node:test";
import assert from "node:assert/strict";
import { at } from "../support/at";

test("at() returns the element, including falsy ones", () => {
  assert.equal(at([0, 1], 0), 0);
  assert.equal(at(["", "x"], 0), "");
  assert.equal(at("ab", 1), "b");
});

test("at() fails the test on a missing element, saying which and how long the list was", () => {
  assert.throws(
    () => at([1, 2], 2, "row"),
    (e: Error) => e instanceof assert.AssertionError && /expected row \[2\] in a list of 2, found none/.test(e.message),
  );
  assert.throws(() => at([1, 2], -1), /expected element \[-1\] in a list of 2/);
  assert.throws(() => at([1, undefined, 3], 1), /expected element \[1\] in a list of 3/, "a hole is missing too");
});
