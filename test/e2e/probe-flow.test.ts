// Scenarios 1-4 in one VS Code window (each builds on the previous run, as a user's session does):
// 1 code lens -> Run probe -> progress -> results panel whose charts hold the numbers on disk;
// 2 picking a query in the data grid changes the per-label score chart to that query's scores;
// 3 the side panel lists the run, and a window reload restores the results panel;
// 4 Preview tau_PA opens a read-only virtual document with ciphered inputs and intact labels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame } from "playwright-core";
import {
  chartsIn,
  clickCodeLens,
  codeLensTitles,
  findWebview,
  missingPrerequisite,
  openFile,
  sleep,
  startSession,
  step,
  waitUntil,
  type Session,
} from "./harness";
import { accuracyByVariantK, asFractions, close, matchAccuracyChart, pointValue, resultsFiles, waitForNewResults, writeSmallDemo, type ResultsOnDisk } from "./flows";

const why = missingPrerequisite();
const DEMO = "sentiment.icl.jsonl";

test("probe flow in a real VS Code", { skip: why, timeout: 420_000 }, async (t) => {
  let s: Session | undefined;
  let run: ResultsOnDisk | undefined;
  let panel: Frame | undefined;
  try {
    s = await startSession({ scenario: "probe-flow" });
    const session = s;
    const demoPath = writeSmallDemo(s.workspace, DEMO);
    const demoText = readFileSync(demoPath, "utf8");
    const page = s.page;

    await t.test("1: code lens, Run probe, progress, results panel charts equal the results JSON", () => step(session, "scenario1", async () => {
      await openFile(page, DEMO);
      const lenses = await waitUntil(async () => {
        const l = await codeLensTitles(page);
        return l.some((x) => /run probe/i.test(x)) ? l : undefined;
      }, "the Run probe code lens", 30_000);
      assert.ok(lenses.some((x) => /tau_?PA|τ_?PA/i.test(x)), `a Preview tau_PA lens among ${lenses.join(" | ")}`);
      await session.shot("code-lens");
      const before = resultsFiles(session.workspace);
      await clickCodeLens(page, /run probe/i);
      // Progress: a notification with a progress bar, or the status-bar item counting.
      await waitUntil(async () => {
        const toast = await page.locator(".notification-toast", { hasText: /ICL Probe|probe|scor/i }).count();
        const bar = await page.locator(".statusbar-item", { hasText: /\d+\s*\/\s*\d+|%|ICL Probe.*(run|scor)/i }).count();
        return toast + bar > 0;
      }, "progress (notification or status bar)", 30_000, 100);
      await session.shot("progress");
      run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 180_000);
      assert.ok(run.data.records.length > 0, "the run wrote records");
      const expected = accuracyByVariantK(run.data.records);
      assert.deepEqual([...expected.keys()].sort(), ["flipped", "gold"], "the run covers the file's variants");
      // The panel's accuracy-versus-k chart must draw exactly the accuracies on disk.
      panel = await findWebview(page, async (f) => (await chartsIn(f)).length >= 2, "the results panel with its charts", 60_000);
      const match = await waitUntil(async () => {
        const m = matchAccuracyChart(await chartsIn(panel!), expected);
        return m.problems.length === 0 ? m : undefined;
      }, "an accuracy chart matching the results JSON", 30_000).catch(async (e) => {
        const m = matchAccuracyChart(await chartsIn(panel!), expected);
        throw new Error(`${(e as Error).message}\n${m.problems.join("\n")}`);
      });
      assert.ok(match.chart, "accuracy chart found");
      await sleep(500);
      await session.shot("results-panel");
    }));

    await t.test("2: picking a query in the data grid shows that query's label scores", () => step(session, "scenario2", async () => {
      assert.ok(panel && run, "scenario 1 produced a panel and a run");
      const labels = ["negative", "positive"];
      const scoreChart = async () => (await chartsIn(panel!)).find((c) => c.labels.length === labels.length && labels.every((l) => c.labels.includes(l)) && c.datasets.some((d) => d.data.length === labels.length) && !/bias|share|confusion/i.test(`${c.canvasId} ${c.ariaLabel} ${c.datasets.map((d) => d.label).join(" ")}`));
      const rows = panel.locator("vscode-data-grid-row[row-type='default'], vscode-data-grid-row:not([row-type='header']):not([row-type='sticky-header']), table tbody tr");
      await rows.first().waitFor({ timeout: 30_000 });
      const n = await rows.count();
      assert.ok(n >= 2, `the grid lists queries (${n} rows)`);
      const probsOf = async () => {
        const c = await scoreChart();
        if (!c) return undefined;
        const d = c.datasets.find((x) => x.data.length === labels.length)!;
        const vals = asFractions(d.data.map(pointValue));
        return new Map(c.labels.map((l, i) => [String(l), vals[i]!]));
      };
      const checkRow = async (i: number) => {
        const row = rows.nth(i);
        const text = (await row.innerText()).replace(/\s+/g, " ").trim();
        await row.click();
        // The record behind the row: same input text (the grid shows the query input).
        const candidates = run!.data.records.filter((r) => text.includes(r.input.slice(0, 40).replace(/\s+/g, " ").trim()));
        assert.ok(candidates.length > 0, `row ${i} ("${text}") names a record on disk`);
        const probs = await waitUntil(async () => {
          const p = await probsOf();
          return p && candidates.some((r) => r.labels.every((l) => close(p.get(l.label), l.prob, 1e-4))) ? p : undefined;
        }, `the label-score chart showing row ${i}'s scores`, 15_000).catch(async (e) => {
          throw new Error(`${(e as Error).message}: chart ${JSON.stringify(await scoreChart())}, expected one of ${JSON.stringify(candidates.map((r) => r.labels))}`);
        });
        return probs;
      };
      const first = await checkRow(0);
      await session.shot("grid-first-query");
      // A second query with different scores must redraw the chart.
      let changed = false;
      for (let i = 1; i < Math.min(n, 8) && !changed; i++) {
        const p = await checkRow(i);
        changed = [...p].some(([l, v]) => !close(first.get(l), v!, 1e-9));
      }
      assert.ok(changed, "the per-label score chart changed with another query");
      await session.shot("grid-second-query");
    }));

    await t.test("3: the side panel lists the run; a reload restores the results panel", () => step(session, "scenario3", async () => {
      assert.ok(run, "scenario 1 produced a run");
      // Open the ICL Probe activity-bar container.
      await page.locator(".activitybar .action-item a[aria-label*='ICL Probe'], .activitybar .action-label[aria-label*='ICL Probe']").first().click();
      const runId = String(run.data.manifest?.runId ?? "");
      const side = await findWebview(page, async (f) => {
        const txt = await f.locator("body").innerText();
        return /sentiment/i.test(txt) && (runId === "" || txt.includes(runId.slice(0, 8)) || /gold|flipped/.test(txt)) && !(await f.locator("vscode-data-grid, table").count());
      }, "the side panel listing the run", 30_000);
      const sideText = await side.locator("body").innerText();
      assert.match(sideText, /sentiment/i, "the run's demo file is listed");
      await session.shot("side-panel");
      await session.reload();
      const restored = await findWebview(page, async (f) => {
        const charts = await chartsIn(f);
        return matchAccuracyChart(charts, accuracyByVariantK(run!.data.records)).problems.length === 0;
      }, "the restored results panel with the same numbers", 60_000);
      assert.ok(restored, "restored");
      await sleep(500);
      await session.shot("restored-after-reload");
    }));

    await t.test("4: Preview tau_PA shows ciphered inputs and intact labels in a read-only document", () => step(session, "scenario4", async () => {
      await openFile(page, DEMO);
      await clickCodeLens(page, /tau_?PA|τ_?PA/i);
      const editor = page.locator(".editor-group-container.active .monaco-editor .view-lines").first();
      const text = await waitUntil(async () => {
        const tab = await page.locator(".tab.active").innerText();
        if (/sentiment\.icl\.jsonl$/.test(tab.trim())) return undefined;
        const t2 = await editor.innerText();
        return /positive|negative/.test(t2) ? t2 : undefined;
      }, "the tau_PA preview document", 30_000);
      await sleep(300);
      await session.shot("preview-tau-pa");
      const inputs = demoText.split("\n").slice(1).filter(Boolean).map((l) => (JSON.parse(l) as { input: string }).input);
      const shownOriginal = inputs.filter((inp) => text.includes(inp));
      assert.deepEqual(shownOriginal, [], "no original input appears verbatim (inputs are ciphered)");
      assert.match(text, /Sentiment:\s*(positive|negative)/, "labels stay intact after the template's label slot");
      // Read-only: typing is refused and the document is not a file in the workspace.
      await editor.click();
      await page.keyboard.type("x");
      await page.locator(".monaco-editor-overlaymessage", { hasText: /read-only|readonly/i }).first().waitFor({ timeout: 5_000 });
      assert.ok(!existsSync(join(session.workspace, "tau_PA")), "no file written");
    }));
  } finally {
    await s?.close();
  }
});
