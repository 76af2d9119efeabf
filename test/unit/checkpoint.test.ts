// Atomic writes that really are: every byte written (short writes looped), fsync, rename; on a
// full disk or a failing rename the previous file is intact, no temp file is left, and the error
// says what happened. The journal never glues a new entry to a torn line. A full disk is simulated
// through the write function (writeFs), since a small tmpfs is not available everywhere.
import { test, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal, OutputError, checkOutputDir, writeFileAtomic, writeFs, type JournalEntry } from "../../src/runner/checkpoint";

const dir = mkdtempSync(join(tmpdir(), "icl-ckpt-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const original = { ...writeFs };
afterEach(() => Object.assign(writeFs, original));

/** writeSync that writes at most `chunk` bytes per call and fails with ENOSPC after `budget` bytes. */
function limitedDisk(budget: number, chunk = 7): { written: () => number } {
  let total = 0;
  writeFs.writeSync = (fd, buf, off, len) => {
    const n = Math.min(len, chunk, budget - total);
    if (n <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    total += n;
    return original.writeSync(fd, buf, off, n);
  };
  return { written: () => total };
}

test("short writes are looped until every byte is written", () => {
  const p = join(dir, "short.json");
  limitedDisk(1e9, 3);
  const text = JSON.stringify({ a: "x".repeat(1000), é: "ü" });
  writeFileAtomic(p, text);
  assert.equal(readFileSync(p, "utf8"), text);
});

test("a full disk keeps the previous file whole and leaves no temp file", () => {
  const p = join(dir, "results.json");
  writeFileAtomic(p, JSON.stringify({ version: 1, records: [1, 2, 3] }));
  const disk = limitedDisk(100);
  assert.throws(
    () => writeFileAtomic(p, JSON.stringify({ version: 2, records: Array.from({ length: 500 }, (_, i) => i) })),
    (e: unknown) => e instanceof OutputError && e.code === "disk-full" && /disk full while writing .*results\.json/.test(e.message) && /--resume/.test(e.hint),
  );
  assert.equal(disk.written(), 100);
  assert.deepEqual(JSON.parse(readFileSync(p, "utf8")), { version: 1, records: [1, 2, 3] });
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes(".tmp-")),
    [],
  );
});

test("a write that returns 0 bytes counts as a full disk, not an endless loop", () => {
  const p = join(dir, "zero.json");
  writeFs.writeSync = () => 0;
  assert.throws(
    () => writeFileAtomic(p, "{}"),
    (e: unknown) => e instanceof OutputError && e.code === "disk-full",
  );
  assert.ok(!existsSync(p));
});

test("a failing rename keeps the previous file", () => {
  const p = join(dir, "rename.json");
  writeFileAtomic(p, "old");
  writeFs.renameSync = () => {
    throw Object.assign(new Error("EIO: i/o error, rename"), { code: "EIO" });
  };
  assert.throws(
    () => writeFileAtomic(p, "new"),
    (e: unknown) => e instanceof OutputError && e.code === "io" && /EIO/.test(e.message),
  );
  assert.equal(readFileSync(p, "utf8"), "old");
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes(".tmp-")),
    [],
  );
});

const entry = (i: number): JournalEntry => ({ type: "record", fingerprint: "f", record: { variant: "gold", k: 0, seed: 1, queryIndex: i } as never });

test("a journal append torn by a full disk: whole lines counted, the torn one skipped, the next append on a new line", () => {
  const p = join(dir, "results.journal.jsonl");
  const j = new Journal(p);
  j.append([entry(0)]);
  j.append([entry(1)]);
  limitedDisk(20);
  assert.throws(
    () => j.append([entry(2)]),
    (e: unknown) => e instanceof OutputError && e.code === "disk-full",
  );
  j.close();
  assert.equal(j.records, 2);
  assert.ok(!readFileSync(p, "utf8").endsWith("\n"), "the last line is torn");
  assert.deepEqual(
    Journal.read(p, "f").map((e) => (e.record as { queryIndex: number }).queryIndex),
    [0, 1],
  );
  Object.assign(writeFs, original);
  const again = new Journal(p);
  again.append([entry(3)]);
  again.close();
  assert.deepEqual(
    Journal.read(p, "f").map((e) => (e.record as { queryIndex: number }).queryIndex),
    [0, 1, 3],
  );
});

test("checkOutputDir: a path under a file, a read-only file system, a full disk", () => {
  const file = join(dir, "plain-file");
  writeFileSync(file, "x");
  assert.throws(
    () => checkOutputDir(join(file, "results")),
    (e: unknown) => e instanceof OutputError && e.code === "not-writable" && /part of the path is a file/.test(e.message),
  );
  writeFs.openSync = () => {
    throw Object.assign(new Error("EROFS: read-only file system, open"), { code: "EROFS" });
  };
  assert.throws(
    () => checkOutputDir(join(dir, "ro")),
    (e: unknown) => e instanceof OutputError && /read-only/.test(e.message),
  );
  Object.assign(writeFs, original);
  limitedDisk(0);
  assert.throws(
    () => checkOutputDir(join(dir, "full")),
    (e: unknown) => e instanceof OutputError && e.code === "disk-full",
  );
  Object.assign(writeFs, original);
  checkOutputDir(join(dir, "fine", "nested"));
  assert.deepEqual(readdirSync(join(dir, "fine", "nested")), []);
});
