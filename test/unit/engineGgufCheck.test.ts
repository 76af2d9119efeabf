// The engine's pure-JS model-file pre-check on the writer's bad-file fixtures (in-process: no
// native code runs, so a file llama.cpp would abort on is safe here). The same cases through the
// engine process are in test/model/engineProcess.test.ts.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkGgufFile } from "../../src/engine/ggufCheck";
import { EngineFailure } from "../../src/engine/protocol";
import { writeBadModelFixtures, writeMissingKeyGguf, writeTinyModel } from "../../src/gguf/fixtures";

const dir = mkdtempSync(join(tmpdir(), "icl-ggufcheck-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const bad = writeBadModelFixtures(dir);
const tiny = writeTinyModel(dir);

async function code(p: string, opts?: { vocabOnly?: boolean }): Promise<EngineFailure> {
  try {
    await checkGgufFile(p, opts);
  } catch (e) {
    assert.ok(e instanceof EngineFailure, String(e));
    assert.ok(e.message.includes(p), `message names the file: ${e.message}`);
    assert.ok(e.hint, "has a hint");
    return e;
  }
  assert.fail(`${p} passed the check`);
}

test("a valid model passes and reports its architecture and tensors", async () => {
  const r = await checkGgufFile(tiny);
  assert.equal(r.architecture, "llama");
  assert.ok(r.tensorCount > 5);
  assert.equal(r.sizeBytes, readFileSync(tiny).length);
});

test("each bad file gets its own code", async () => {
  assert.equal((await code(join(dir, "missing.gguf"))).code, "file-missing");
  assert.equal((await code(dir)).code, "file-is-directory");
  assert.equal((await code(bad.nonGguf)).code, "not-gguf");
  assert.equal((await code(bad.empty)).code, "not-gguf");
  assert.equal((await code(bad.truncated)).code, "truncated");
  assert.equal((await code(bad.truncatedHeader)).code, "truncated");
  assert.equal((await code(bad.vocabOnly)).code, "vocab-only");
  const corrupt = await code(bad.missingKey);
  assert.equal(corrupt.code, "corrupt");
  assert.match(corrupt.message, /llama\.feed_forward_length/);
  assert.match((await code(writeMissingKeyGguf(dir, "llama.context_length", "noctx.gguf"))).message, /missing required metadata llama\.context_length/);
});

test("a vocab-only file passes when vocabOnly is asked for", async () => {
  const r = await checkGgufFile(bad.vocabOnly, { vocabOnly: true });
  assert.equal(r.tensorCount, 0);
});

test("truncation by a single byte of tensor data is caught", async () => {
  const buf = readFileSync(tiny);
  const p = join(dir, "minus1.gguf");
  writeFileSync(p, buf.subarray(0, buf.length - 1));
  const e = await code(p);
  assert.equal(e.code, "truncated");
  assert.match(e.message, /1 bytes/);
});

test("random bytes after a GGUF magic are corrupt or truncated, never accepted", async () => {
  const p = join(dir, "garbage.gguf");
  const b = Buffer.alloc(4096);
  for (let i = 0; i < b.length; i++) b[i] = (i * 2654435761) >>> 24;
  b.write("GGUF", 0, "latin1");
  b.writeUInt32LE(3, 4);
  writeFileSync(p, b);
  const e = await code(p);
  assert.ok(["corrupt", "truncated"].includes(e.code), e.code + ": " + e.message);
});

test("EngineFailure survives the JSON protocol", () => {
  const e = new EngineFailure("context-overflow", "too long", "use fewer demos");
  const back = EngineFailure.from(JSON.parse(JSON.stringify(e)));
  assert.equal(back.code, "context-overflow");
  assert.equal(back.message, "too long");
  assert.equal(back.hint, "use fewer demos");
  assert.ok(back instanceof Error);
});
