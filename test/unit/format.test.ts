// The one duration and size formatter of the CLI, the extension and the webviews.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBytes, formatDuration } from "../../src/core/format";

test("durations are seconds, shown as s / m ss / h mm, unknown as a dash", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(42.4), "42s");
  assert.equal(formatDuration(59.6), "1m 00s");
  assert.equal(formatDuration(185), "3m 05s");
  assert.equal(formatDuration(3600 * 2 + 7 * 60 + 20), "2h 07m");
  assert.equal(formatDuration(-3), "0s");
  for (const x of [undefined, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(formatDuration(x), "–");
});

test("sizes use multiples of 1024", () => {
  assert.equal(formatBytes(812), "812 B");
  assert.equal(formatBytes(1.3 * 1024 * 1024), "1.3 MB");
  assert.equal(formatBytes(40 * 1024 ** 3), "40 GB");
});
