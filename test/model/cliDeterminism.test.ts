// Issue 9 through the CLI path: `icl-probe run` twice on the same file, model and flags writes
// byte-identical scores.csv files (no timestamps in them: those live in the manifest), and every
// label log-prob in scores.csv is within 1e-4 of a from-scratch evaluation of the same prompt
// (rebuilt here from the plan, each query in a fresh context: test/support/scratchScores.ts).
// The grid is the reproduction (sentiment example, gold and ra-string, seeds 1 and 2)
// with k = 0 and 2 and fewer queries.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { parseDemoFile } from "../../src/core/demoFile";
import { materializeGroup, planExperiment, VariantCache } from "../../src/core/experiment/plan";
import { parseResults } from "../../src/core/results/load";
import type { TextScoreItem } from "../../src/engine/protocol";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { scratchScores } from "../support/scratchScores";

const root = join(__dirname, "..", "..", "..");
const CLI = join(root, "out", "src", "cli", "main.js");
const EXAMPLE = join(root, "examples", "sentiment.icl.jsonl");
const GRID = { variants: ["gold", "ra-string"], k: [0, 2], seeds: [1, 2], queries: 16 };
const ARGS = ["--variants", GRID.variants.join(","), "--k", GRID.k.join(","), "--seeds", GRID.seeds.join(","), "--queries", String(GRID.queries)];
const TOL = 1e-4;
const dir = mkdtempSync(join(tmpdir(), "icl-cli-determinism-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const shared = process.env.ICL_SHARED_MODELS;
const MODELS: { name: string; path?: string; why: string }[] = [
  { name: "icl-toy (embedded)", path: existsSync(defaultModelPath()) ? defaultModelPath() : undefined, why: "models/icl-toy.gguf is missing" },
  ...["stories260K.gguf", "llama-2-tiny-random.gguf"].map((f) => ({
    name: f,
    path: shared && existsSync(join(shared, f)) ? join(shared, f) : undefined,
    why: `${f} not found in ICL_SHARED_MODELS (${shared ?? "unset"})`,
  })),
];

function run(model: string, out: string): void {
  const r = spawnSync(process.execPath, [CLI, "run", EXAMPLE, "--model", model, ...ARGS, "--out", out], { encoding: "utf8", cwd: dir, timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
}

/** The prompts of the run, rebuilt from the plan (what the runner sends, without going through it). */
function planItems(): TextScoreItem[] {
  const file = parseDemoFile(readFileSync(EXAMPLE, "utf8"), EXAMPLE, GRID);
  const plan = planExperiment({ file, settings: file.settings });
  const variants = new VariantCache(file, file.settings);
  return plan.groups.flatMap((g) =>
    materializeGroup(plan, g, file, variants)
      .filter((i) => i.kind === "query")
      .map((i) => ({ id: `${g.variant}|${g.k}|${g.seed}|${i.queryIndex}`, prefix: i.prefix, query: i.query, labelSep: i.labelSep, labels: i.labels })),
  );
}

for (const m of MODELS) {
  test(`icl-probe run twice on ${m.name}: byte-identical scores.csv, log-probs within ${TOL} of from scratch`, async (t) => {
    if (!m.path) {
      t.skip(m.why);
      return;
    }
    const name = m.name.replace(/\W+/g, "-");
    const [a, b] = [join(dir, `${name}-1`), join(dir, `${name}-2`)];
    run(m.path, a);
    run(m.path, b);
    const csv = readFileSync(join(a, "scores.csv"), "utf8");
    assert.ok(readFileSync(join(b, "scores.csv"), "utf8") === csv, "scores.csv differs between two identical runs");
    assert.doesNotMatch(csv, /\d{4}-\d\d-\d\dT\d\d:\d\d/, "scores.csv must hold no timestamps");
    const manifest = parseResults(readFileSync(join(a, "results.json"), "utf8"), "results.json").manifest;
    assert.equal(manifest.engine.mode, "exact");
    assert.match(manifest.startedAt, /^\d{4}-\d\d-\d\dT/, "the timestamps are in the manifest");

    const rows = Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
    assert.equal(rows.length, GRID.variants.length * GRID.k.length * GRID.seeds.length * GRID.queries * 2);
    const items = planItems();
    const ref = new Map((await scratchScores(m.path, items)).map((s) => [s.id, s]));
    let worst = 0;
    for (const row of rows) {
      const s = ref.get(`${row.variant}|${row.k}|${row.seed}|${row.query_index}`);
      assert.ok(s, `no planned prompt for CSV row ${JSON.stringify(row)}`);
      const l = s.labels.find((x) => x.label === row.label);
      assert.ok(l, `label ${row.label}`);
      const d = Math.abs(Number(row.log_prob) - l.logProb);
      worst = Math.max(worst, d);
      assert.ok(d <= TOL, `${row.variant} k=${row.k} seed=${row.seed} query ${row.query_index} ${row.label}: CSV ${row.log_prob} vs from scratch ${l.logProb}`);
    }
    t.diagnostic(`${rows.length} label rows, max |scores.csv - scratch| = ${worst.toExponential(2)}`);
  });
}
