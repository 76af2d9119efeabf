// Fast mode (issue 11) through `icl-probe run --fast`: the demo prefix shared across 8
// sequences and their queries decoded in one batch (src/engine/batchedScorer.ts). Two runs
// write byte-identical scores.csv files (batch composition follows the plan, never timing:
// issue 9's failure), the manifest says the mode, its sequences and its measured deviation,
// and every label log-prob stays near exact mode's (a query that read another sequence's
// logits, or half-reordered ones, would be off by whole nats, as in issue 9).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { parseResults } from "../../src/core/results/load";
import { EngineClient } from "../../src/engine/client";
import { defaultModelPath } from "../../src/engine/defaultModel";
import { EngineFailure, type TextScoreItem } from "../../src/engine/protocol";

const root = join(__dirname, "..", "..", "..");
const CLI = join(root, "out", "src", "cli", "main.js");
const EXAMPLE = join(root, "examples", "sentiment.icl.jsonl");
// k = 0 (the shortest prefix: issue 9's worst case) and k = 4; 20 queries per group: two full
// batches of 8 and a short one.
const ARGS = ["--variants", "gold,ra-string", "--k", "0,4", "--seeds", "1,2", "--queries", "20"];
/** Loose on purpose: the F16 KV cache and batching move scores by ~1e-2 (docs/ENGINE.md); a mixed-up read moves them by nats. */
const NEAR_EXACT = 0.1;
const dir = mkdtempSync(join(tmpdir(), "icl-fast-mode-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const shared = process.env.ICL_SHARED_MODELS;
const MODELS: { name: string; path?: string; why: string }[] = [
  { name: "icl-toy (embedded)", path: existsSync(defaultModelPath()) ? defaultModelPath() : undefined, why: "models/icl-toy.gguf is missing" },
  {
    name: "llama-2-tiny-random.gguf",
    path: shared && existsSync(join(shared, "llama-2-tiny-random.gguf")) ? join(shared, "llama-2-tiny-random.gguf") : undefined,
    why: `llama-2-tiny-random.gguf not found in ICL_SHARED_MODELS (${shared ?? "unset"})`,
  },
];

function run(model: string, out: string, fast: boolean): string {
  const r = spawnSync(process.execPath, [CLI, "run", EXAMPLE, "--model", model, ...ARGS, ...(fast ? ["--fast"] : []), "--out", out], { encoding: "utf8", cwd: dir, timeout: 600_000 });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(join(out, "scores.csv"), "utf8");
}

const rowsOf = (csv: string) => Papa.parse<Record<string, string>>(csv.trim(), { header: true }).data;
const keyOf = (r: Record<string, string>) => `${r.variant}|${r.k}|${r.seed}|${r.query_index}|${r.label}`;

for (const m of MODELS) {
  test(`icl-probe run --fast twice on ${m.name}: byte-identical scores.csv, 8 sequences in the manifest, log-probs within ${NEAR_EXACT} of exact mode`, async (t) => {
    if (!m.path) {
      t.skip(m.why);
      return;
    }
    const name = m.name.replace(/\W+/g, "-");
    const a = run(m.path, join(dir, `${name}-fast-1`), true);
    const b = run(m.path, join(dir, `${name}-fast-2`), true);
    assert.ok(a === b, "scores.csv differs between two identical fast runs");
    const engine = parseResults(readFileSync(join(dir, `${name}-fast-1`, "results.json"), "utf8"), "results.json").manifest.engine;
    assert.equal(engine.mode, "fast");
    assert.deepEqual(engine.kvCacheType, { key: "F16", value: "F16" });
    assert.equal(engine.sequences, 8);
    assert.ok((engine.measuredDeviationFromExact ?? 0) > 0, `measuredDeviationFromExact ${engine.measuredDeviationFromExact}`);

    const exact = new Map(rowsOf(run(m.path, join(dir, `${name}-exact`), false)).map((r) => [keyOf(r), Number(r.log_prob)]));
    const rows = rowsOf(a);
    assert.equal(rows.length, 2 * 2 * 2 * 20 * 2);
    let worst = 0;
    for (const r of rows) {
      const e = exact.get(keyOf(r));
      assert.ok(e !== undefined, `no exact-mode row for ${keyOf(r)}`);
      const d = Math.abs(Number(r.log_prob) - e);
      worst = Math.max(worst, d);
      assert.ok(d <= NEAR_EXACT, `${keyOf(r)}: fast ${r.log_prob} vs exact ${e}`);
    }
    t.diagnostic(`${rows.length} label rows, max |fast - exact| = ${worst.toExponential(2)}`);
  });
}

/** One demo prefix, `n` queries: a single group, so fast mode scores it 8 queries per batch. */
function items(n: number): TextScoreItem[] {
  const words = ["good", "bad", "fine", "great", "awful", "nice", "dull", "sharp", "cold", "warm"];
  const prefix = "Review: a good film\nSentiment: positive\n\nReview: a dull plot\nSentiment: negative\n\n";
  return Array.from({ length: n }, (_, q) => ({
    id: `q${q}`,
    prefix,
    query: `Review: ${words[q % 10]} ${words[(q * 7) % 10]} ${words[(q * 3 + 1) % 10]} ${q}\nSentiment:`,
    labelSep: " ",
    labels: ["positive", "negative"],
  }));
}

test("fast mode: a cancel stops at a batch boundary and leaves the engine's 8 sequences consistent", async (t) => {
  const model = defaultModelPath();
  if (!existsSync(model)) {
    t.skip("models/icl-toy.gguf is missing");
    return;
  }
  const c = await EngineClient.start();
  try {
    await c.load(model, { mode: "fast" });
    const reference = await c.score(items(20));
    const ac = new AbortController();
    let last = 0;
    await assert.rejects(
      c.score(items(400), {
        signal: ac.signal,
        onProgress: (done) => {
          last = done;
          if (done === 1) ac.abort();
        },
      }),
      (e: EngineFailure) => {
        assert.equal(e.code, "cancelled");
        const m = /after (\d+) of 400 queries/.exec(e.message);
        assert.ok(m, e.message);
        // One group: the worker looks for a cancel before each batch of 8, never inside one.
        assert.equal(Number(m[1]) % 8, 0, e.message);
        return true;
      },
    );
    assert.ok(last >= 8 && last < 400, `stopped after ${last} queries`);
    // Every lane's KV state still matches the scorer's mirror: the same request scores the same.
    assert.deepEqual(await c.score(items(20)), reference);
    assert.equal((await c.info()).sequences, 8);
  } finally {
    await c.dispose();
  }
});
