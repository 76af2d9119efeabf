// `icl-probe study` end to end on real models (reduced counts): the Li et al. 2024 plan runs as one
// run, writes every figure's data (figures.json, figures/*.svg) and the report shows all six
// figures; a study run grows by a figure's runs with --resume (keeping every record, and giving the
// records a fresh full run gives), refuses to shrink, and --estimate stops after the first demo set.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResults } from "../../src/core/results/load";
import { analyseRun } from "../../src/core/analysis";
import { FIGURE_IDS, type Figure, type PointsPanel } from "../../src/core/figures/types";
import { recordKey, type ResultsFile } from "../../src/core/results/schema";
import { runCli } from "../support/cliRun";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const DEMO = join(root, "examples", "sentiment.icl.jsonl");
const EMBEDDED = join(root, "models", "icl-toy.gguf");
const STORIES = join(process.env.ICL_SHARED_MODELS ?? join(root, "..", "shared", "models"), "stories260K.gguf");
const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "icl-study-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ["--seeds", "1..2", "--queries", "4", "--k", "4", "--k-curve", "0,2,4", "--draws", "3"];
const load = (out: string): ResultsFile => parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json");

async function checkStudy(model: string, name: string): Promise<void> {
  const out = join(dir, name);
  const r = await runCli("study", DEMO, "--model", model, ...SMALL, "--out", out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^Li et al\. 2024 on sentiment\.icl\.jsonl: [\d,]+ queries in [\d,]+ demo sets \(2 seeds x 4 queries; k = 4; k curve 0, 2, 4; 3 random g;/m);
  assert.match(r.err, /first demo set measured: about \d[^;]*? left for \d+ queries on /);
  const res = load(out);
  assert.equal(res.manifest.status, "complete");
  assert.equal(res.records.length, res.manifest.progress.total);
  assert.deepEqual(res.manifest.study, { id: "li2024", name: "Li et al. 2024", k: 4, kCurve: [0, 2, 4], draws: 3, figures: [...FIGURE_IDS] });
  // Every figure's data, as the one analysis gives it.
  const figs = (JSON.parse(readFileSync(join(out, "figures.json"), "utf8")) as { figures: Figure[] }).figures;
  const analysis = analyseRun(res);
  assert.deepEqual(figs, JSON.parse(JSON.stringify(analysis.figures)));
  assert.deepEqual(
    figs.map((f) => f.id),
    FIGURE_IDS,
  );
  assert.deepEqual(
    figs.map((f) => f.status),
    FIGURE_IDS.map(() => "complete"),
  );
  for (const f of figs) assert.ok(existsSync(join(out, "figures", `${f.number}-${f.id}.svg`)), `figure ${f.number} written`);
  // Figure 1's marks are the summary's accuracies.
  const f1 = at(figs, 0).panels[0] as PointsPanel;
  for (const s of f1.series) for (const p of s.points) assert.equal(p.y, analysis.summary.find((x) => x.variant === p.run!.variant && x.k === p.run!.k)!.accuracy.value);
  // Figure 4: one point per random g = draw x seed.
  assert.equal((at(figs, 3).panels[1] as { points: unknown[] }).points.length, 3 * 2);
  // The report shows all six figures, each with its verdict card and its marks.
  const html = readFileSync(join(out, "report.html"), "utf8");
  assert.deepEqual(
    [...html.matchAll(/<div class="figure-row panels-\d" id="figure-(\d)" data-figure="([a-z0-9-]+)"/g)].map((m) => m[2]),
    FIGURE_IDS,
  );
  for (const f of figs) for (const v of f.verdicts) assert.ok(html.includes(`id="figure-${f.number}-verdict-${v}"`), `figure ${f.number} has the ${v} card beside it`);
  if (existsSync(CHROMIUM)) {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`file://${join(out, "report.html")}`);
      const drawn = await page.$$eval(".figure-row svg[data-figure]", (svgs) =>
        svgs.map((s) => ({ id: s.getAttribute("data-figure"), marks: s.querySelectorAll("[data-mark]").length, visible: s.getBoundingClientRect().width > 100 })),
      );
      assert.deepEqual(errors, []);
      assert.deepEqual(
        drawn.map((d) => d.id),
        FIGURE_IDS,
      );
      assert.ok(drawn.every((d) => d.visible));
      const expected = figs.map((f) =>
        f.panels.reduce((n, p) => n + (p.kind === "points" ? p.series.reduce((a, s) => a + s.points.length, 0) : p.kind === "scatter" ? p.points.length : p.bins.filter((b) => b.count > 0).length), 0),
      );
      assert.deepEqual(
        drawn.map((d) => d.marks),
        expected,
      );
    } finally {
      await browser.close();
    }
  }
}

test("icl-probe study on the embedded model: the whole plan, every figure's data, the report's six figures", { skip: existsSync(EMBEDDED) ? false : `${EMBEDDED} missing` }, () =>
  checkStudy(EMBEDDED, "embedded"),
);

test("icl-probe study on stories260K", { skip: existsSync(STORIES) ? false : `${STORIES} missing (set ICL_SHARED_MODELS)` }, () => checkStudy(STORIES, "stories"));

test(
  "a study run grows by a figure's runs (--figures then --resume), keeps its records and equals a fresh full run; it cannot shrink",
  { skip: existsSync(EMBEDDED) ? false : `${EMBEDDED} missing` },
  async () => {
    const grown = join(dir, "grown");
    const first = await runCli("study", DEMO, ...SMALL, "--figures", "1", "--out", grown);
    assert.equal(first.code, 0, first.err);
    const before = load(grown);
    assert.ok(
      before.records.every((x) => ["gold", "ra-string", "ra-token", "pa-word", "pa-token"].includes(x.variant)),
      "figure 1 runs the k curve only",
    );
    assert.match(first.out, /Figure 3 .*: missing\. Add /);
    const more = await runCli("study", DEMO, ...SMALL, "--out", grown, "--resume");
    assert.equal(more.code, 0, more.err);
    const after = load(grown);
    const byKey = new Map(after.records.map((x) => [recordKey(x), x]));
    for (const x of before.records) assert.deepEqual(byKey.get(recordKey(x)), x, "every record of the first run is kept as it was");
    assert.ok(after.records.length > before.records.length);
    assert.equal(after.manifest.startedAt, before.manifest.startedAt);
    const fresh = join(dir, "fresh");
    assert.equal((await runCli("study", DEMO, ...SMALL, "--out", fresh)).code, 0);
    assert.deepEqual(after.records, load(fresh).records, "a grown run has the records of a fresh run of the whole plan");
    const shrink = await runCli("study", DEMO, ...SMALL, "--figures", "1", "--out", grown, "--resume");
    assert.equal(shrink.code, 1);
    assert.match(shrink.err, /would drop \d+ of its records/);
    assert.equal(load(grown).records.length, after.records.length, "nothing was lost");
  },
);

test("--estimate scores the first demo set, says how long the rest takes, and --resume continues", { skip: existsSync(EMBEDDED) ? false : `${EMBEDDED} missing` }, async () => {
  const out = join(dir, "estimate");
  const r = await runCli("study", DEMO, ...SMALL, "--estimate", "--out", out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /first demo set measured: about \d[^;]*? left for \d+ queries/);
  assert.match(r.err, /estimate only: 4 of \d+ queries scored\. Continue with:\n {2}icl-probe study .* --out \S+ --resume/);
  const res = load(out);
  assert.equal(res.manifest.status, "interrupted");
  // One demo set: the main k's blocks run first, so it is a typical one (ra-synonym at k = 4, seed 1).
  assert.equal(res.records.length, 4);
  assert.deepEqual([...new Set(res.records.map((x) => `${x.variant} k=${x.k} seed ${x.seed}`))], ["ra-synonym k=4 seed 1"]);
  const rest = await runCli("study", DEMO, ...SMALL, "--out", out, "--resume");
  assert.equal(rest.code, 0, rest.err);
  assert.equal(load(out).manifest.status, "complete");
});
