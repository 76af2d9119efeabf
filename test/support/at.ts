import assert from "node:assert/strict";

/**
 * Element `i` of a list the test expects to hold it. Under `noUncheckedIndexedAccess` a plain
 * `list[i]` is `T | undefined`; a short list (or a hole, or a regex group that did not match)
 * must fail the test with a message that says what was missing, not with a TypeError some lines
 * later or a check that passes on `undefined`.
 */
export function at<T>(list: ArrayLike<T>, i: number, what = "element"): T {
  const value = list[i];
  assert.ok(value !== undefined, `expected ${what} [${i}] in a list of ${list.length}, found none`);
  return value;
}
