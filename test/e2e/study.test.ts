// Scenario 9: the Li et al. study from the command palette, and the Hypotheses view.
// 19a *ICL Probe: Run the Li et al. Study* (small counts through iclProbe.study.*) says how many
//    queries it scores and, once the first demo set is measured, how long that takes; the results
//    file is a complete study run; the panel opens on the Hypotheses view, and each of the six
//    figures draws exactly the numbers recomputed from the results JSON on disk (read from the SVG
//    marks inside the webview, as the accuracy chart is read from its Chart.js objects);
// 19b a figure's SVG and another's PNG (2x the figure's size) are saved through the save dialog;
// 19c a plain probe (gold, ra-string) shows figure 1 as partial; "Run just these" adds ra-token to
//    the same run (its earlier records kept) and the figure becomes complete.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Frame } from "playwright-core";
import { findWebview, missingPrerequisite, openFile, runCommand, sleep, startSession, step, waitUntil, type Session } from "./harness";
import { accuracyBySeed, accuracyByVariantK, close, missingModel, modelSettings, resultsFiles, toastsText, waitForNewResults, writeSmallDemo, type ResultsOnDisk } from "./flows";
import { at } from "../support/at";

const why = missingPrerequisite() ?? missingModel();
const DEMO = "sentiment.icl.jsonl";
const FIGURES = ["h1-ra-vs-k", "h2-pa-vs-logreg", "h2-icl-vs-linear", "h3-ra-vs-g", "h3-natural-vs-random", "h3-chain"];
const STUDY = { "iclProbe.study.seeds": 2, "iclProbe.study.queries": 4, "iclProbe.study.k": 4, "iclProbe.study.kCurve": [0, 2, 4], "iclProbe.study.draws": 3 };

interface Mark {
  figure: string;
  panel: string;
  attrs: Record<string, string>;
}

/** Every mark of every figure drawn in the webview, with its data-* attributes. */
async function figureMarks(frame: Frame): Promise<{ figures: { id: string; status: string }[]; marks: Mark[] }> {
  return frame.evaluate(() => {
    const svgs = [...document.querySelectorAll("svg[data-figure]")];
    const marks = svgs.flatMap((svg) =>
      [...svg.querySelectorAll("[data-mark]")].map((m) => ({
        figure: svg.getAttribute("data-figure")!,
        panel: m.closest(".panel")?.getAttribute("data-kind") ?? "",
        attrs: Object.fromEntries([...m.attributes].filter((a) => a.name.startsWith("data-")).map((a) => [a.name.slice(5), a.value])),
      })),
    );
    return { figures: svgs.map((s) => ({ id: s.getAttribute("data-figure")!, status: s.getAttribute("data-status")! })), marks };
  });
}

/** Logistic regression on the demos of (variant, k): the mean over seeds of each seed's share, from results.baselines. */
function logregOf(run: ResultsOnDisk, variant: string, k: number): number | undefined {
  const rows = ((run.data.baselines ?? []) as { variant: string; k: number; seed: number; n: number; logregCorrect: number }[]).filter((b) => b.variant === variant && b.k === k && b.n > 0);
  const seeds = [...new Set(rows.map((r) => r.seed))];
  if (!seeds.length) return undefined;
  return (
    seeds.map((s) => rows.filter((r) => r.seed === s).reduce((a, r) => a + r.logregCorrect, 0) / rows.filter((r) => r.seed === s).reduce((a, r) => a + r.n, 0)).reduce((a, b) => a + b, 0) /
    seeds.length
  );
}

test("the Li et al. study and the Hypotheses view in a real VS Code", { skip: why, timeout: 600_000 }, async (t) => {
  let s: Session | undefined;
  let panel: Frame | undefined;
  let study: ResultsOnDisk | undefined;
  try {
    s = await startSession({ scenario: "study", settings: { ...modelSettings(), ...STUDY } });
    const session = s;
    const page = s.page;
    writeSmallDemo(s.workspace, DEMO);

    await t.test("19a: Run the Li et al. Study: the count, the measured estimate, and six figures drawing the results' numbers", () =>
      step(session, "scenario19a", async () => {
        await openFile(page, DEMO);
        const before = resultsFiles(session.workspace);
        await runCommand(page, "ICL Probe: Run the Li et al. Study");
        const started = await waitUntil(
          async () => {
            const txt = await toastsText(page);
            return /Li et al\. 2024/.test(txt) && /queries/.test(txt) ? txt : undefined;
          },
          "a notification naming the study and its queries",
          60_000,
        );
        assert.match(started, /Li et al\. 2024/);
        const estimate = await waitUntil(
          async () => {
            const txt = await toastsText(page);
            return /about .+? left on .*measured on the first demo set/.test(txt) ? txt : undefined;
          },
          "the estimate measured on the first demo set",
          120_000,
        );
        assert.match(estimate, /[\d,]+ queries; about \d[^;]*? left on \S+\.gguf \(measured on the first demo set/);
        await session.shot("study-estimate");
        study = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 300_000);
        const manifest = study.data.manifest as { study?: { id: string; draws: number; k: number }; progress: { done: number; total: number } };
        assert.equal(manifest.study?.id, "li2024");
        assert.equal(manifest.study?.draws, 3);
        assert.equal(study.data.records.length, manifest.progress.total);
        // The figures' data is written next to the results (after results.json says complete).
        await waitUntil(() => existsSync(join(dirname(study!.path), "figures.json")) || undefined, "figures.json next to the results", 30_000);

        // A study run opens on the Hypotheses view: six figures, each drawn from the run's numbers.
        panel = await findWebview(page, async (f) => (await f.locator("svg[data-figure]").count()) === 6, "the Hypotheses view with six figures", 60_000);
        const drawn = await figureMarks(panel);
        assert.deepEqual(
          drawn.figures.map((f) => f.id),
          FIGURES,
        );
        assert.deepEqual(
          drawn.figures.map((f) => f.status),
          FIGURES.map(() => "complete"),
        );
        const records = study.data.records;
        const byVK = accuracyByVariantK(records);
        const bySeed = accuracyBySeed(records);
        const marks = (id: string, panelKind?: string) => drawn.marks.filter((m) => m.figure === id && (!panelKind || m.panel === panelKind));
        // Figures 1, 2, 5 and 6: every accuracy mark is its run's accuracy (mean over seeds of distinct-prompt shares).
        let checked = 0;
        for (const id of ["h1-ra-vs-k", "h2-pa-vs-logreg", "h3-natural-vs-random", "h3-chain"]) {
          for (const m of marks(id)) {
            const variant = m.attrs.variant;
            const k = Number(m.attrs.k);
            assert.ok(variant, `${id}: every mark names its run (${JSON.stringify(m.attrs)})`);
            const expected = /logistic regression/.test(m.attrs.series ?? "") ? logregOf(study, variant, k) : byVK.get(variant)?.get(k);
            assert.ok(expected !== undefined && close(Number(m.attrs.y), expected, 1e-9), `${id} ${m.attrs.series} ${variant} k=${k}: drawn ${m.attrs.y}, recomputed ${expected}`);
            checked++;
          }
        }
        assert.equal(marks("h1-ra-vs-k").length, 3 * 3, "ra-string, ra-token and gold at k = 0, 2, 4");
        assert.equal(marks("h3-chain").length, 5, "chain orders m = 1..5");
        // Figures 3 and 4: one point per random g (draw x seed), at the per-seed accuracies of its two runs.
        for (const [id, xId, yId] of [
          ["h2-icl-vs-linear", "g-linear", "g-token"],
          ["h3-ra-vs-g", "g-token", "ra-token"],
        ] as const) {
          const pts = marks(id, "scatter");
          assert.equal(pts.length, 3 * 2, `${id}: 3 draws x 2 seeds`);
          for (const m of pts) {
            const x = bySeed.get(`${xId}#${m.attrs.draw}|4|${m.attrs.seed}`);
            const y = bySeed.get(`${yId}#${m.attrs.draw}|4|${m.attrs.seed}`);
            assert.ok(
              x !== undefined && close(Number(m.attrs.x), x, 1e-9) && y !== undefined && close(Number(m.attrs.y), y, 1e-9),
              `${id} g #${m.attrs.draw} seed ${m.attrs.seed}: drawn (${m.attrs.x}, ${m.attrs.y}), recomputed (${x}, ${y})`,
            );
            checked++;
          }
        }
        const bins = marks("h3-ra-vs-g", "bins");
        assert.equal(
          bins.reduce((a, m) => a + Number(m.attrs.count), 0),
          6,
          "the bins hold every g once",
        );
        assert.ok(checked >= 40, `${checked} marks checked`);
        // Each figure has its verdict card beside it.
        const cards = await panel.$$eval('[data-testid="hypothesis-figure"]', (rows) =>
          rows.map((r) => [r.getAttribute("data-figure"), [...r.querySelectorAll('[data-testid="verdict-card"]')].map((c) => c.getAttribute("data-id"))]),
        );
        assert.deepEqual(cards, [
          ["h1-ra-vs-k", ["H1"]],
          ["h2-pa-vs-logreg", ["H2"]],
          ["h2-icl-vs-linear", ["H2"]],
          ["h3-ra-vs-g", ["H3-correlation"]],
          ["h3-natural-vs-random", ["H3-natural"]],
          ["h3-chain", ["H3-chain"]],
        ]);
        // The view with room to breathe: notifications cleared, a wider window (the webview keeps its state).
        await runCommand(page, "Notifications: Clear All Notifications").catch(() => page.keyboard.press("Escape"));
        const size = page.viewportSize();
        await page.setViewportSize({ width: 2300, height: 1150 });
        await sleep(1000);
        await session.shot("hypotheses-view");
        await panel.locator('[data-testid="hypothesis-figure"][data-figure="h3-ra-vs-g"]').first().scrollIntoViewIfNeeded();
        await sleep(400);
        await session.shot("hypotheses-view-correlation");
        if (size) await page.setViewportSize(size);
        await sleep(500);
      }),
    );

    await t.test("19b: a figure is saved as SVG, another as PNG, through the save dialog", () =>
      step(session, "scenario19b", async () => {
        assert.ok(panel && study, "scenario 19a produced the view");
        await panel.locator('[data-figure="h1-ra-vs-k"] [data-testid="export-svg"]').first().click();
        const input = page.locator(".quick-input-widget .quick-input-box input").first();
        // The save dialog is ready once it shows its default file name (filling it earlier races it).
        const dialogFor = (ext: string) => waitUntil(async () => ((await input.isVisible()) && (await input.inputValue()).endsWith(ext) ? true : undefined), `the save dialog for a .${ext}`, 15_000);
        await dialogFor("svg");
        const target = join(dirname(study.path), "figure-1-h1-ra-vs-k.svg");
        await input.fill(target);
        await page.keyboard.press("Enter");
        const svg = await waitUntil(() => (existsSync(target) ? readFileSync(target, "utf8") : undefined), "the saved SVG", 15_000);
        assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* data-figure="h1-ra-vs-k"/);
        assert.match(svg, /Figure 1\. tau_RA accuracy versus k/);
        // PNG: the webview draws the same SVG on a canvas; the file is a PNG of the figure's size (2x).
        await waitUntil(async () => ((await input.isVisible()) ? undefined : true), "the SVG's save dialog closed", 15_000);
        await panel.locator('[data-figure="h3-ra-vs-g"] [data-testid="export-png"]').first().click();
        await dialogFor("png");
        const png = join(dirname(study.path), "figure-4-h3-ra-vs-g.png");
        await input.fill(png);
        await page.keyboard.press("Enter");
        const bytes = await waitUntil(() => (existsSync(png) && readFileSync(png).length > 1000 ? readFileSync(png) : undefined), "the saved PNG", 15_000);
        assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
        const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
        // The study's own figures/4-h3-ra-vs-g.svg gives the figure's size.
        const m = /^<svg [^>]*? width="([\d.]+)" height="([\d.]+)"/.exec(readFileSync(join(dirname(study.path), "figures", "4-h3-ra-vs-g.svg"), "utf8"));
        assert.ok(m, "figures/4-h3-ra-vs-g.svg has a fixed size");
        assert.ok(Math.abs(w - 2 * Number(m[1])) <= 2 && Math.abs(h - 2 * Number(m[2])) <= 2, `PNG ${w} x ${h}, SVG ${m[1]} x ${m[2]}`);
      }),
    );

    await t.test("19c: a figure with missing runs says what to add; Run just these adds them to the same run", () =>
      step(session, "scenario19c", async () => {
        // A second demo file: the example with a plain probe's header (gold and ra-string only).
        const lines = readFileSync(join(session.workspace, DEMO), "utf8").split("\n");
        lines[0] = JSON.stringify({ ...JSON.parse(at(lines, 0)), k: [0, 2, 4], seeds: [1, 2], queries: 4, variants: ["gold", "ra-string"] });
        writeFileSync(join(session.workspace, "plain.icl.jsonl"), lines.join("\n"));
        await openFile(page, "plain.icl.jsonl");
        const before = resultsFiles(session.workspace);
        await runCommand(page, "ICL Probe: Run Probe on Active File");
        const plain = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete" && /plain/.test(r.path), 180_000);
        const view = await findWebview(
          page,
          async (f) => (await f.locator('[data-testid="view-hypotheses"]').count()) > 0 && (await f.locator('[data-testid="run-column"]').count()) > 0,
          "the results panel",
          60_000,
        );
        await view.locator('[data-testid="view-hypotheses"]').click();
        const fig1 = view.locator('[data-testid="hypothesis-figure"][data-figure="h1-ra-vs-k"]');
        await fig1.waitFor({ timeout: 15_000 });
        assert.equal(await fig1.getAttribute("data-status"), "partial");
        assert.equal(await fig1.locator('[data-testid="figure-missing"]').getAttribute("data-variants"), "ra-token");
        await session.shot("figure-missing");
        const kept = plain.data.records.length;
        await fig1.locator('[data-testid="run-figure"]').click();
        const grown = await waitUntil(
          () => {
            const r = resultsFiles(session.workspace).find((x) => x.path === plain.path && x.data.manifest?.status === "complete" && x.data.records.some((q) => q.variant === "ra-token"));
            return r;
          },
          "the same run with ra-token added",
          180_000,
        );
        assert.equal(grown.data.records.filter((q) => q.variant !== "ra-token").length, kept, "the run's earlier records are kept");
        assert.deepEqual(
          grown.data.records.filter((q) => q.variant !== "ra-token"),
          plain.data.records,
        );
        const done = await waitUntil(
          async () =>
            (await view
              .locator('[data-testid="hypothesis-figure"][data-figure="h1-ra-vs-k"]')
              .getAttribute("data-status")
              .catch(() => null)) === "complete"
              ? true
              : undefined,
          "figure 1 complete",
          60_000,
        );
        assert.ok(done);
        await sleep(300);
        await session.shot("figure-completed");
      }),
    );
  } finally {
    await s?.close();
  }
});
