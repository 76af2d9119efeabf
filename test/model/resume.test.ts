// Checkpoint and resume on a real engine: kill the engine process (SIGKILL) mid-run, or cancel,
// then resume with a new engine; the final records must equal those of an uninterrupted run.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { parseDemoFile } from "../../src/core/demoFile";
import { parseResults } from "../../src/core/results/load";
import { recordKey, RESULTS_SCHEMA_VERSION, type ResultsFile } from "../../src/core/results/schema";
import { runExperiment } from "../../src/runner/run";
import { sha256Text } from "../../src/runner/manifest";
import { writeProbeFiles } from "../support/probeFixture";

const dir = mkdtempSync(join(tmpdir(), "icl-resume-"));
const { model, demo } = writeProbeFiles(dir);
const engines: EngineClient[] = [];
after(async () => {
  for (const e of engines) await e.dispose().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function engine(mode: "exact" | "fast" = "exact"): Promise<EngineClient> {
  const e = await EngineClient.start();
  engines.push(e);
  await e.load(model, { mode });
  return e;
}

const text = readFileSync(demo, "utf8");
const file = parseDemoFile(text, demo, { variants: ["gold", "ra-string"], k: [0, 3], seeds: [1, 2], queries: 4, calibrate: true });
const cfg = { file, fileText: text, settings: file.settings, modelPath: model };
let reference: ResultsFile;

before(async () => {
  const out = await runExperiment(cfg, { engine: await engine(), outDir: join(dir, "reference") });
  assert.equal(out.status, "complete", out.error?.message);
  reference = out.results;
});

test("SIGKILL of the engine mid-run keeps every finished demo set; resume ends with exactly the reference records", async () => {
  const out = join(dir, "killed");
  const e1 = await engine();
  let killedAt = -1;
  const first = await runExperiment(cfg, {
    engine: e1,
    outDir: out,
    onProgress: (p) => {
      if (killedAt < 0 && p.done >= 6) {
        killedAt = p.done;
        e1.kill("SIGKILL");
      }
    },
  });
  assert.equal(first.status, "failed");
  assert.match(first.error?.message ?? "", /engine process was killed by signal SIGKILL/);
  const onDisk = parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json");
  assert.equal(onDisk.manifest.status, "failed");
  assert.ok(onDisk.records.length >= killedAt && onDisk.records.length < reference.records.length, `kept ${onDisk.records.length} records (killed at ${killedAt})`);
  assert.deepEqual(onDisk.records, reference.records.slice(0, onDisk.records.length), "what was kept is exactly the reference prefix");
  assert.ok(existsSync(join(out, "results.journal.jsonl")));

  const second = await runExperiment(cfg, { engine: await engine(), outDir: out, resume: true });
  assert.equal(second.status, "complete", second.error?.message);
  assert.equal(second.resumed, onDisk.records.length);
  assert.deepEqual(second.results.records, reference.records);
  assert.deepEqual(second.results.calibration, reference.calibration);
  assert.deepEqual(second.results.baselines, reference.baselines);
  assert.equal(second.results.manifest.startedAt, onDisk.manifest.startedAt, "the run keeps its original start time");
});

test("with streamed item results, a SIGKILL in the middle of a demo set loses only what was in flight", async () => {
  const out = join(dir, "mid-group");
  const e1 = await engine();
  // Kill the engine as soon as the 6th query result of the run has arrived: the middle of the
  // second demo set (4 queries each), so batch-level checkpoints alone would keep only 4.
  // What the worker had already sent when the kill landed (later items, even the request's
  // whole answer) is dropped too, as a real crash would: the toy model scores the rest of the
  // demo set faster than the signal arrives.
  let queries = 0;
  let killed = false;
  const killer = {
    info: () => e1.info(),
    score: (items: Parameters<EngineClient["score"]>[0], o: Parameters<EngineClient["score"]>[1] = {}) =>
      e1
        .score(items, {
          ...o,
          onItem: (it) => {
            if (killed) return;
            o.onItem?.(it);
            if (/\|q\d+$/.test(it.id) && ++queries === 6) {
              killed = true;
              e1.kill("SIGKILL");
            }
          },
        })
        .then((r) => {
          if (killed) throw new Error("The engine process was killed by signal SIGKILL.");
          return r;
        }),
  };
  const first = await runExperiment(cfg, { engine: killer, outDir: out });
  assert.equal(first.status, "failed");
  const kept = parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json").records;
  // Results already in the IPC pipe when the signal lands still arrive (on a loaded machine the
  // rest of the second set may): at least the 6th, and fewer than the whole run.
  assert.ok(kept.length >= 6 && kept.length < reference.records.length, `kept ${kept.length} records; the 6th arrived before the kill`);
  // The engine streams a demo set's queries in its own (token) order, so whether the 7th arrived
  // before the kill decides which queries of the second set were kept: compare them by key.
  const byKey = new Map(reference.records.map((r) => [recordKey(r), r]));
  for (const r of kept) assert.deepEqual(r, byKey.get(recordKey(r)), recordKey(r));
  const second = await runExperiment(cfg, { engine: await engine(), outDir: out, resume: true });
  assert.equal(second.status, "complete");
  assert.deepEqual(second.results.records, reference.records);
});

test("cancel (abort) then resume, with a torn journal line from a kill during a write", async () => {
  const out = join(dir, "cancelled");
  const ac = new AbortController();
  const first = await runExperiment(cfg, {
    engine: await engine(),
    outDir: out,
    signal: ac.signal,
    onProgress: (p) => {
      if (p.done >= 4) ac.abort();
    },
  });
  assert.equal(first.status, "interrupted");
  assert.ok(first.results.records.length < reference.records.length);
  // A process killed while appending leaves half a line: it must be ignored, not fatal.
  appendFileSync(join(out, "results.journal.jsonl"), '{"type":"record","fingerprint":"');
  const second = await runExperiment(cfg, { engine: await engine(), outDir: out, resume: true });
  assert.equal(second.status, "complete");
  assert.deepEqual(second.results.records, reference.records);
});

test("records only in the journal are restored (results.json lost or older)", async () => {
  const out = join(dir, "journal-only");
  const e = await engine();
  const ac = new AbortController();
  await runExperiment(cfg, { engine: e, outDir: out, signal: ac.signal, onProgress: (p) => p.done >= 8 && ac.abort() });
  // Without the snapshot, everything must come from the journal.
  rmSync(join(out, "results.json"));
  const journalLines = readFileSync(join(out, "results.journal.jsonl"), "utf8")
    .trim()
    .split("\n")
    .filter((l) => l.includes('"type":"record"')).length;
  assert.ok(journalLines >= 8);
  const resumed = await runExperiment(cfg, { engine: e, outDir: out, resume: true });
  assert.equal(resumed.resumed, journalLines);
  assert.deepEqual(resumed.results.records, reference.records);
});

test("resume never mixes scoring modes: an exact run cannot be continued in fast mode", async () => {
  const out = join(dir, "mode-switch");
  const ac = new AbortController();
  const first = await runExperiment(cfg, { engine: await engine("exact"), outDir: out, signal: ac.signal, onProgress: (p) => p.done >= 4 && ac.abort() });
  assert.equal(first.status, "interrupted");
  assert.equal(first.results.manifest.engine.mode, "exact");
  await assert.rejects(runExperiment(cfg, { engine: await engine("fast"), outDir: out, resume: true }), /different run \(demo file, model, settings or scoring mode differ\)/);
  // The same mode resumes as usual.
  const again = await runExperiment(cfg, { engine: await engine("exact"), outDir: out, resume: true });
  assert.equal(again.status, "complete");
  assert.deepEqual(again.results.records, reference.records);
});

test("a run scored under the scoring plan before issue 11 (the template's lead in the query) is neither resumed nor extended, and is left as it was", async () => {
  const out = join(dir, "old-plan");
  const ac = new AbortController();
  const first = await runExperiment(cfg, { engine: await engine(), outDir: out, signal: ac.signal, onProgress: (p) => p.done >= 4 && ac.abort() });
  assert.equal(first.status, "interrupted");
  // What a build of the earlier plan wrote: the same fingerprint without the plan's version.
  const m = first.results.manifest;
  const old = sha256Text(JSON.stringify({ v: RESULTS_SCHEMA_VERSION, fileSha: m.demoFile.sha256, modelSha: m.model.sha256, settings: m.settings, mode: m.engine.mode })).slice(0, 32);
  const files = ["results.json", "results.journal.jsonl"].map((f) => join(out, f));
  for (const f of files) writeFileSync(f, readFileSync(f, "utf8").split(m.planFingerprint).join(old));
  const before = files.map((f) => readFileSync(f, "utf8"));
  await assert.rejects(runExperiment(cfg, { engine: await engine(), outDir: out, resume: true }), /scored by another version of icl-probe, whose scoring plan differs/);
  // Extending it (a study's added variants) is refused the same way: its records would mix plans.
  const grown = parseDemoFile(text, demo, { variants: ["gold", "ra-string", "flipped"], k: [0, 3], seeds: [1, 2], queries: 4, calibrate: true });
  await assert.rejects(runExperiment({ ...cfg, file: grown, settings: grown.settings }, { engine: await engine(), outDir: out, resume: true }), /another version of icl-probe/);
  assert.deepEqual(
    files.map((f) => readFileSync(f, "utf8")),
    before,
    "nothing on disk changed",
  );
  // Scored anew in place (no --resume), it is the reference.
  const fresh = await runExperiment(cfg, { engine: await engine(), outDir: out });
  assert.deepEqual(fresh.results.records, reference.records);
});
