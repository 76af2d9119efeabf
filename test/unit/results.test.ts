// Results file: validation with clear errors (file + first failing path), migration from v1, and
// that docs/results.schema.json is the schema the loader enforces.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseResults } from "../../src/core/results/load";
import { ResultsError } from "../../src/core/results/migrate";
import { ResultsFileSchema } from "../../src/core/results/schema";
import { fixtureResults } from "../support/resultsFixture";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");

test("a valid current-version file round-trips", () => {
  const r = fixtureResults();
  const back = parseResults(JSON.stringify(r), "results.json");
  assert.deepEqual(back, r);
});

test("an invalid file names the file and the first failing path", () => {
  const r = fixtureResults() as unknown as { records: { labels: { prob: unknown }[] }[] };
  at(at(r.records, 3).labels, 1).prob = "high";
  assert.throws(
    () => parseResults(JSON.stringify(r), "/tmp/run/results.json"),
    (e: unknown) =>
      e instanceof ResultsError && e.path === "/records/3/labels/1/prob" && /^\/tmp\/run\/results\.json: at \/records\/3\/labels\/1\/prob: invalid results file: must be number/.test(e.message),
  );
});

test("a missing property is named", () => {
  const r = fixtureResults() as unknown as { manifest: Record<string, unknown> };
  delete r.manifest.model;
  assert.throws(() => parseResults(JSON.stringify(r), "x.json"), /x\.json: at \/manifest: invalid results file: missing property "model"/);
});

test("not JSON, not an object, no version and a newer version each get their own message", () => {
  assert.throws(() => parseResults('{"schemaVersion": 2, ', "a.json"), /a\.json: not valid JSON/);
  assert.throws(() => parseResults("[1,2]", "a.json"), /a\.json: not an ICL Probe results file/);
  assert.throws(() => parseResults('{"records": []}', "a.json"), /a\.json: at \/schemaVersion: missing or not an integer/);
  assert.throws(() => parseResults('{"schemaVersion": 99}', "a.json"), /version 99 was written by a newer icl-probe/);
});

test("version 1 files are migrated: probabilities, gold rank, status and progress derived", () => {
  const v1 = {
    schemaVersion: 1,
    manifest: {
      tool: { name: "icl-probe", version: "0.0.1" },
      engine: { name: "node-llama-cpp", version: "3.21.1" },
      model: { path: "/m/toy.gguf", fileName: "toy.gguf", sizeBytes: 10, sha256: "c".repeat(64), architecture: "llama", vocabSize: 50 },
      demoFile: { path: "a.icl.jsonl", sha256: "d".repeat(64), format: "jsonl", examples: 20, classes: ["a", "b"] },
      settings: { template: "{input} {label}", separator: "\n", k: [2], seeds: [1], queries: 2, selection: "fixed", variants: ["gold"] },
      startedAt: "2025-01-01T00:00:00Z",
      endedAt: "2025-01-01T00:00:10Z",
      machine: { threads: 4 },
    },
    records: [
      {
        variant: "gold",
        k: 2,
        seed: 1,
        queryIndex: 5,
        demoIndices: [1, 2],
        input: "x",
        gold: "b",
        predicted: "a",
        scores: [
          { label: "a", logProb: Math.log(0.6), meanLogProb: Math.log(0.6), firstTokenLogProb: Math.log(0.6), tokens: 1 },
          { label: "b", logProb: Math.log(0.2), meanLogProb: Math.log(0.2), firstTokenLogProb: Math.log(0.2), tokens: 1 },
        ],
      },
    ],
  };
  const r = parseResults(JSON.stringify(v1), "old.json");
  assert.equal(r.schemaVersion, 3);
  assert.equal(at(r.records, 0).goldRank, 2);
  assert.ok(Math.abs(at(at(r.records, 0).labels, 0).prob - 0.75) < 1e-12, "0.6 / (0.6 + 0.2)");
  assert.ok(Math.abs(at(at(r.records, 0).labels, 1).prob - 0.25) < 1e-12);
  assert.equal(r.manifest.status, "complete");
  assert.deepEqual(r.manifest.progress, { done: 1, total: 2 });
  assert.equal(r.manifest.engine.threads, 4);
  assert.equal((r.records[0] as unknown as Record<string, unknown>).scores, undefined);
});

/** A version 2 file as icl-probe 0.1 wrote it: ties went to the first label, no warnings. */
function v2File(): Record<string, unknown> {
  const r = fixtureResults() as unknown as Record<string, unknown> & { records: Record<string, unknown>[] };
  const records = r.records.map(({ tied: _t, warnings: _w, ...rest }) => rest);
  // The tie (ra-string k=0 query 3, logProbs -4 / -4, gold "tusef") as v2 stored it.
  const tie = records.find((x) => x.variant === "ra-string" && x.k === 0 && x.queryIndex === 3)!;
  Object.assign(tie, { predicted: "bamok", goldRank: 1 });
  const { warnings: _dropped, ...doc } = r;
  return { ...doc, schemaVersion: 2, records };
}

test("version 2 files are migrated: ties re-derived (no prediction, rank against the gold), a legacy-file warning", () => {
  const r = parseResults(JSON.stringify(v2File()), "v2.json");
  assert.equal(r.schemaVersion, 3);
  const tie = r.records.find((x) => x.variant === "ra-string" && x.k === 0 && x.queryIndex === 3)!;
  assert.equal(tie.predicted, "", "a tie is no prediction");
  assert.deepEqual(tie.tied, ["bamok", "tusef"]);
  assert.equal(tie.goldRank, 2, "the other label scoring the same counts against the gold");
  assert.deepEqual(
    tie.warnings?.map((w) => w.code),
    ["label-tie"],
  );
  // Records without ties keep their prediction and rank.
  const want = fixtureResults();
  r.records.forEach((x, i) => {
    assert.equal(x.predicted, at(want.records, i).predicted, `record ${i}`);
    assert.equal(x.goldRank, at(want.records, i).goldRank, `record ${i}`);
  });
  assert.deepEqual(
    r.warnings?.run.map((w) => w.code),
    ["legacy-file"],
  );
  assert.deepEqual(
    r.warnings?.summary.map((c) => [c.code, c.queries, c.run]),
    [
      ["label-tie", 1, 0],
      ["legacy-file", 0, 1],
    ],
  );
});

test("a warning with an unknown code (a newer build) still loads; a malformed code does not", () => {
  const r = fixtureResults();
  at(r.records, 0).warnings = [{ code: "future-code" as never, message: "something new" }];
  assert.equal(at(parseResults(JSON.stringify(r), "new.json").records, 0).warnings?.[0]?.code, "future-code");
  at(r.records, 0).warnings = [{ code: "Not A Code" as never, message: "x" }];
  assert.throws(() => parseResults(JSON.stringify(r), "bad.json"), /bad\.json: at \/records\/0\/warnings\/0\/code: invalid results file/);
});

test("version 2 files keep their engine block: the v3 engine fields are optional and stay absent", () => {
  const v2 = v2File() as { manifest: { engine: Record<string, unknown> } };
  v2.manifest.engine = { name: "node-llama-cpp", version: "3.21.1", threads: 2 };
  const r = parseResults(JSON.stringify(v2), "v2.json");
  assert.equal(r.schemaVersion, 3);
  assert.deepEqual(r.manifest.engine, { name: "node-llama-cpp", version: "3.21.1", threads: 2 });
});

test("an unknown scoring mode in the manifest is named", () => {
  const r = fixtureResults() as unknown as { manifest: { engine: Record<string, unknown> } };
  r.manifest.engine.mode = "turbo";
  assert.throws(() => parseResults(JSON.stringify(r), "m.json"), /m\.json: at \/manifest\/engine\/mode: invalid results file: must be equal to one of the allowed values/);
});

test("a v1 record without scores fails with its path", () => {
  const bad = { schemaVersion: 1, manifest: {}, records: [{ variant: "gold" }] };
  assert.throws(() => parseResults(JSON.stringify(bad), "old.json"), /old\.json: at \/records\/0\/scores: version 1 record has no scores array/);
});

test("docs/results.schema.json is the schema the loader enforces", () => {
  const doc = JSON.parse(readFileSync(join(root, "docs", "results.schema.json"), "utf8"));
  assert.deepEqual(doc, JSON.parse(JSON.stringify(ResultsFileSchema)), "docs/results.schema.json is written by npm run build from src/core/results/schema.ts: build and commit it");
});
