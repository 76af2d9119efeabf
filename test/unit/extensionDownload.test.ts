// Model download through node-llama-cpp's downloader in a child process, against a local HTTP
// server on 127.0.0.1 serving a small GGUF written to a temp dir (no network needed).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { randomLlamaSpec, writeGguf } from "../../src/gguf";
import { createHash } from "node:crypto";
import { downloadModel, DownloadError, validateModelUri, findChildScript, partialDownloads } from "../../src/extension/download";
import { MODEL_CATALOG, catalogProblem, loadCatalog } from "../../src/extension/modelCatalog";
import { describeGgufFile } from "../../src/engine/ggufCheck";

let dir: string;
let model: Buffer;
let server: Server;
let base: string;
/** Byte offset asked for by each GET (from the Range header), to see resuming happen. */
const rangeStarts: number[] = [];
/** Bytes served since the counter was last reset (to see that a resumed download fetches less). */
let servedBytes = 0;
/** ipull saves progress per completed 5 MB chunk: /slow.gguf is 11 MB and slows past 6 MB. */
const SLOW_FROM = 6 * 1024 * 1024;
const SLOW_CHUNK = 64 * 1024;
let big: Buffer;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "icl-dl-"));
  const src = join(dir, "src.gguf");
  writeGguf(src, randomLlamaSpec({ vocab: 300, dim: 64, layers: 1, heads: 2, kvHeads: 2, ff: 128, context: 128, type: "F32", seed: 1, name: "dl-fixture" }));
  model = readFileSync(src);
  // Same valid header, padded with trailing bytes so the file spans several download chunks.
  big = Buffer.concat([model, Buffer.alloc(11 * 1024 * 1024 - model.length, 7)]);
  server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/page.gguf")) {
      const body = "<html><body>Sign in</body></html>".repeat(20);
      res.writeHead(200, { "content-type": "text/html", "content-length": Buffer.byteLength(body) });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    if (!url.startsWith("/model.gguf") && !url.startsWith("/slow.gguf")) {
      res.writeHead(404).end("not found");
      return;
    }
    const file = url.startsWith("/slow.gguf") ? big : model;
    const m = /bytes=(\d+)-(\d*)/.exec(String(req.headers.range ?? ""));
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Number(m[2]) : file.length - 1;
    const headers: Record<string, string | number> = { "accept-ranges": "bytes", "content-type": "application/octet-stream", "content-length": end - start + 1 };
    if (req.method === "HEAD") {
      res.writeHead(200, { ...headers, "content-length": file.length }).end();
      return;
    }
    rangeStarts.push(start);
    if (m) headers["content-range"] = `bytes ${start}-${end}/${file.length}`;
    res.writeHead(m ? 206 : 200, headers);
    const body = file.subarray(start, end + 1);
    if (url.startsWith("/model.gguf")) {
      res.end(body);
      return;
    }
    let off = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      // Fast below SLOW_FROM (absolute offset), slow above it.
      const n = start + off < SLOW_FROM ? SLOW_FROM - (start + off) : SLOW_CHUNK;
      const chunk = body.subarray(off, off + n);
      if (m) servedBytes += chunk.length; // ranged transfers only: ipull's size probe is a plain GET it aborts
      off += chunk.length;
      if (off >= body.length) {
        clearInterval(timer);
        res.end(chunk);
      } else res.write(chunk);
    }, 40);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server?.close();
  server?.closeAllConnections?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const childScript = () => findChildScript(join(__dirname, "..", "..", ".."));

test("validateModelUri accepts URLs and hf: URIs and explains bad ones", () => {
  assert.equal(validateModelUri("https://example.com/m.gguf"), undefined);
  assert.equal(validateModelUri("hf:user/repo:Q4_K_M"), undefined);
  assert.match(validateModelUri("hf:repo") ?? "", /hf:<user>\/<repo>/);
  assert.match(validateModelUri("ftp://x/y.gguf") ?? "", /http\(s\)/);
  assert.match(validateModelUri("") ?? "", /Enter/);
});

test("downloads a GGUF from 127.0.0.1 with progress and reads its header", async () => {
  const out = join(dir, "a");
  const progress: number[] = [];
  const r = await downloadModel({ uri: `${base}/model.gguf`, dirPath: out, childScript: childScript(), onProgress: (p) => progress.push(p.downloadedBytes) });
  assert.equal(r.path, join(out, "model.gguf"));
  assert.deepEqual(readFileSync(r.path), model);
  assert.equal(r.header.architecture, "llama");
  assert.equal(r.header.name, "dl-fixture");
  assert.equal(r.header.quantization, "F32");
  assert.ok(progress.length > 0, "no progress events");
  assert.equal(progress[progress.length - 1], model.length);
});

test("cancel keeps the partial file and the next attempt resumes from it", async () => {
  const out = join(dir, "b");
  const ac = new AbortController();
  servedBytes = 0;
  let seen = 0;
  const first = downloadModel({
    uri: `${base}/slow.gguf`,
    dirPath: out,
    childScript: childScript(),
    signal: ac.signal,
    onProgress: (p) => {
      seen = p.downloadedBytes;
      // Well past the first 5 MB chunk, so ipull has written it and saved its progress record.
      if (p.downloadedBytes >= SLOW_FROM + 768 * 1024 && !ac.signal.aborted) ac.abort();
    },
  });
  await assert.rejects(first, (e: unknown) => e instanceof DownloadError && e.code === "cancelled");
  assert.ok(seen > 0 && seen < big.length, `cancel should land mid-transfer (saw ${seen} of ${big.length})`);
  assert.ok(existsSync(join(out, "slow.gguf.ipull")), `the partial file should be kept for resuming (found: ${require("node:fs").readdirSync(out).join(", ")})`);
  const firstServed = servedBytes;
  servedBytes = 0;
  let resumedAt = -1;
  const r = await downloadModel({ uri: `${base}/slow.gguf`, dirPath: out, childScript: childScript(), onStart: (_t, already) => (resumedAt = already) });
  assert.deepEqual(readFileSync(r.path), big, "resumed file must equal the source byte for byte");
  assert.ok(servedBytes <= big.length - 5 * 1024 * 1024, `second attempt fetched ${servedBytes} bytes after ${firstServed}: it should skip the saved 5 MB chunk (resumed at ${resumedAt})`);
  assert.ok(resumedAt >= 0);
});

test("a closed port gives a clear offline error", async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(
    downloadModel({ uri: `http://127.0.0.1:${port}/model.gguf`, dirPath: join(dir, "c"), childScript: childScript() }),
    (e: unknown) => e instanceof DownloadError && e.code === "offline" && /cannot reach the server/.test(e.message) && !/download failed|resumes/.test(e.message),
  );
  assert.deepEqual(partialDownloads(join(dir, "c")), [], "nothing was downloaded, so nothing is there to resume");
});

test("a listed model's sha256 is checked: the right file is kept, a wrong one is deleted with both hashes named", async () => {
  const sha = createHash("sha256").update(model).digest("hex");
  const ok = await downloadModel({ uri: `${base}/model.gguf`, dirPath: join(dir, "e"), fileName: "listed.gguf", sha256: sha, childScript: childScript() });
  assert.equal(ok.path, join(dir, "e", "listed.gguf"));
  const wrong = "0".repeat(64);
  await assert.rejects(
    downloadModel({ uri: `${base}/model.gguf`, dirPath: join(dir, "f"), sha256: wrong, childScript: childScript() }),
    (e: unknown) => e instanceof DownloadError && e.code === "checksum" && e.message.includes(sha) && e.message.includes(wrong) && /deleted/.test(e.message),
  );
  assert.equal(existsSync(join(dir, "f", "model.gguf")), false, "the mismatching file is not left to be picked as a model");
});

test("the curated model list: every entry has a size, a licence and a 64-digit sha256; a catalog file replaces it and a bad one is named", () => {
  assert.ok(MODEL_CATALOG.length >= 2);
  for (const m of MODEL_CATALOG) assert.equal(catalogProblem(m), undefined, m.name);
  assert.equal(loadCatalog({}), MODEL_CATALOG);
  const f = join(dir, "catalog.json");
  const entry = { ...MODEL_CATALOG[0], name: "mirror", uri: `${base}/model.gguf` };
  require("node:fs").writeFileSync(f, JSON.stringify([entry]));
  assert.deepEqual(loadCatalog({ ICL_PROBE_MODEL_CATALOG: f }), [entry]);
  require("node:fs").writeFileSync(f, JSON.stringify([{ ...entry, sha256: "abc" }]));
  assert.throws(() => loadCatalog({ ICL_PROBE_MODEL_CATALOG: f }), /catalog\.json: entry 1: "sha256" is not 64/);
});

test("a URL serving an HTML page is reported as not a GGUF model", async () => {
  await assert.rejects(
    downloadModel({ uri: `${base}/page.gguf`, dirPath: join(dir, "d"), childScript: childScript() }),
    (e: unknown) => e instanceof DownloadError && e.code === "not-gguf" && /GGUF/.test(e.message),
  );
});

test("the one GGUF pre-check rejects truncated files with a specific message", async () => {
  const p = join(dir, "trunc.gguf");
  require("node:fs").writeFileSync(p, model.subarray(0, 40));
  await assert.rejects(describeGgufFile(p), /trunc\.gguf is truncated/);
});
