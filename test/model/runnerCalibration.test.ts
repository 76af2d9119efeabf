// Contextual calibration needs every content-free score of a demo set before a query's
// calibrated prediction is computed. Engines stream items in their own order (the local scorer
// walks prompts depth-first, so "N/A", "" and "[MASK]" may come after queries); the runner must
// hold such queries back instead of calibrating them with a partial set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EngineClient } from "../../src/engine/client";
import { parseDemoFile } from "../../src/core/demoFile";
import { calibrateLabelScores } from "../../src/core/calibration";
import { runExperiment } from "../../src/runner/run";

const root = join(__dirname, "..", "..", "..");
const MODEL = join(root, "models", "icl-toy.gguf");
const DEMO = join(root, "examples", "toy-lookup.icl.jsonl");

test("every calibrated prediction uses all content-free scores of its demo set, whatever order the engine streams", { skip: existsSync(MODEL) ? false : `${MODEL} is absent` }, async () => {
  const text = readFileSync(DEMO, "utf8");
  const file = parseDemoFile(text, DEMO, { variants: ["gold", "random-labels"], k: [0, 2], seeds: [1], queries: 8, calibrate: true });
  const engine = await EngineClient.start();
  try {
    await engine.load(MODEL);
    const out = await runExperiment({ file, fileText: text, settings: file.settings, modelPath: MODEL }, { engine });
    assert.equal(out.status, "complete", out.error?.message);
    const { records, calibration = [] } = out.results;
    assert.equal(calibration.length, 4 * 3);
    for (const r of records) {
      const cf = calibration.filter((c) => c.variant === r.variant && c.k === r.k && c.seed === r.seed).map((c) => c.labels);
      assert.equal(cf.length, 3);
      assert.deepEqual(r.calibrated, calibrateLabelScores(r.labels, cf), `${r.variant} k=${r.k} query ${r.queryIndex}`);
    }
  } finally {
    await engine.dispose();
  }
});
