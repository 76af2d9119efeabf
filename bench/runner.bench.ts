// Runner benchmark (`npm run bench`): the standard probe (bench/engine.bench.ts STANDARD_PROBE:
// sentiment example, 2 labels, 64 queries, k in {0,4,8,16,32}, 6 variants, 3 seeds, demos fixed per
// seed) through runExperiment and through the icl-probe CLI, on the embedded model (or, when
// models/icl-toy.gguf is absent, a random-weight model from the project's GGUF writer).
// Prints the runner's overhead over the engine's own scoring time (engine ScoreStats.ms):
// (runner wall - engine ms) / engine ms, covering planning, prompt building, result records,
// journal and atomic snapshots, manifest hashing and the model-free baselines (fitted while the
// engine scores; their CPU time alone is shown for information). Goal: under 5%. Also the CLI's
// wall time (engine start, model load, outputs and report included).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDemoFile } from "../src/core/demoFile";
import { planExperiment, VariantCache, type ExperimentPlan } from "../src/core/experiment/plan";
import type { DemoFile } from "../src/core/types";
import { computeBaselines } from "../src/core/experiment/baselines";
import { EngineClient } from "../src/engine/client";
import { defaultModelPath } from "../src/engine/defaultModel";
import { packageRoot } from "../src/node/packageRoot";
import { randomLlamaSpec } from "../src/gguf/llamaSpec";
import { wordVocab } from "../src/gguf/vocab";
import { writeGguf } from "../src/gguf/writer";
import { runExperiment } from "../src/runner/run";
import { STANDARD_PROBE } from "./engine.bench";

const QUERIES = Number(process.env.ICL_BENCH_QUERIES ?? STANDARD_PROBE.queries);

/** The sentiment example, topped up with deterministic synthetic reviews when it is too small for 64 queries + k = 32. */
export function probeFileText(root: string): { text: string; note: string } {
  const need = QUERIES + Math.max(...STANDARD_PROBE.k);
  const lines = readFileSync(join(root, STANDARD_PROBE.file), "utf8")
    .split("\n")
    .filter((l) => l.trim());
  const header = lines[0]?.includes('"icl-probe"') ? [lines.shift()!] : [];
  const pos = ["wonderful", "moving", "clever", "gorgeous", "charming", "gripping", "funny", "brilliant"];
  const neg = ["tedious", "clumsy", "dull", "shallow", "messy", "bland", "grating", "forgettable"];
  const nouns = ["script", "cast", "story", "ending", "score", "pacing", "dialogue", "direction"];
  const extra: string[] = [];
  for (let i = 0; lines.length + extra.length < need; i++) {
    const good = i % 2 === 0;
    const w = good ? pos : neg;
    extra.push(
      JSON.stringify({ input: `the ${nouns[i % 8]} is ${w[(i * 5 + 3) % 8]} and the ${nouns[(i * 7 + 1) % 8]} feels ${w[(i + Math.floor(i / 8)) % 8]}`, label: good ? "positive" : "negative" }),
    );
  }
  return { text: [...header, ...lines, ...extra].join("\n") + "\n", note: `${lines.length} examples${extra.length ? ` + ${extra.length} synthetic` : ""}` };
}

/** The standard probe's file and plan (its variants, k, seeds; fixed demo sets, no balancing or calibration). */
export function standardProbe(text: string, demoPath: string): { file: DemoFile; plan: ExperimentPlan } {
  const overrides = {
    variants: [...STANDARD_PROBE.variants],
    k: [...STANDARD_PROBE.k],
    seeds: [...STANDARD_PROBE.seeds],
    queries: QUERIES,
    selection: "fixed" as const,
    balance: false,
    calibrate: false,
  };
  const file = parseDemoFile(text, demoPath, overrides);
  const errors = file.problems.filter((p) => p.severity === "error");
  if (errors.length) throw new Error(`standard probe file: ${errors.map((e) => e.message).join("; ")}`);
  return { file, plan: planExperiment({ file, settings: file.settings }) };
}

function fallbackModel(dir: string, text: string): string {
  const words = [...new Set(text.match(/[A-Za-z]+|[^\sA-Za-z]/g) ?? [])];
  const p = join(dir, "bench-random.gguf");
  writeGguf(p, randomLlamaSpec({ vocab: wordVocab(words, { bare: true }), dim: 64, layers: 2, heads: 4, kvHeads: 2, ff: 128, context: 2048, type: "F32", seed: 5 }));
  return p;
}

export async function run(): Promise<object> {
  const root = packageRoot(__dirname) ?? process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "icl-runner-bench-"));
  try {
    const { text, note } = probeFileText(root);
    const demoPath = join(dir, "standard.icl.jsonl");
    writeFileSync(demoPath, text);
    const embedded = defaultModelPath(__dirname);
    const modelPath = existsSync(embedded) ? embedded : fallbackModel(dir, text);
    const modelName = existsSync(embedded) ? "icl-toy.gguf (embedded)" : "random-weight word-vocabulary model (embedded model absent)";
    const { file, plan } = standardProbe(text, demoPath);
    console.log(`standard probe: ${note}; ${plan.totalQueries} queries in ${plan.groups.length} demo sets; model ${modelName}`);

    const engine = await EngineClient.start();
    let runner;
    try {
      await engine.load(modelPath);
      const outDir = join(dir, "runner");
      const r = await runExperiment({ file, fileText: text, settings: file.settings, modelPath }, { engine, outDir });
      if (r.status !== "complete") throw new Error(`runner: ${r.status} ${r.error?.message ?? ""}`);
      // The runner fits baselines while the engine scores; their CPU time alone, for information.
      const tb = performance.now();
      computeBaselines(plan, file, new VariantCache(file, file.settings));
      const baselineMs = performance.now() - tb;
      const overheadMs = r.wallMs - r.engineMs;
      runner = { wallMs: r.wallMs, engineMs: r.engineMs, baselineCpuMs: baselineMs, overheadMs, overhead: overheadMs / r.engineMs, queries: r.results.records.length };
    } finally {
      await engine.dispose();
    }

    const cli = join(root, "bin", "icl-probe.js");
    const t0 = performance.now();
    const argv = [
      cli,
      "run",
      demoPath,
      "--model",
      modelPath,
      "--variants",
      STANDARD_PROBE.variants.join(","),
      "--k",
      STANDARD_PROBE.k.join(","),
      "--seeds",
      STANDARD_PROBE.seeds.join(","),
      "--queries",
      String(QUERIES),
      "--out",
      join(dir, "cli"),
      "--json",
    ];
    const c = spawnSync(process.execPath, argv, { encoding: "utf8", maxBuffer: 64 << 20 });
    const cliMs = performance.now() - t0;
    if (c.status !== 0) throw new Error(`CLI exited ${c.status}: ${c.stderr.slice(-500)}`);

    const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
    console.log("");
    console.log("| measure                                   | value        |");
    console.log("| ----------------------------------------- | ------------ |");
    console.log(`| queries scored                            | ${String(runner.queries).padEnd(12)} |`);
    console.log(`| engine scoring time (ScoreStats.ms)       | ${(runner.engineMs / 1000).toFixed(2).padStart(9)} s  |`);
    console.log(`| runner wall time                          | ${(runner.wallMs / 1000).toFixed(2).padStart(9)} s  |`);
    console.log(`| runner overhead over engine (goal < 5%)   | ${pct(runner.overhead).padStart(12)} |`);
    console.log(`| baseline fitting CPU (overlapped, info)   | ${(runner.baselineCpuMs / 1000).toFixed(2).padStart(9)} s  |`);
    console.log(`| CLI wall time (start, load, run, outputs) | ${(cliMs / 1000).toFixed(2).padStart(9)} s  |`);
    return { model: modelName, ...runner, cliMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
