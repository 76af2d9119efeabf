// The HTML report: self-contained (no external URL), data embedded, and the charts Chromium
// actually renders carry the numbers of results.json. Headless Debian chromium via playwright-core;
// skipped with a printed reason when /usr/bin/chromium is absent.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { renderReport } from "../../src/report";
import { buildReportData } from "../../src/report/model";
import { analyseRun } from "../../src/core/analysis";
import { toVerdictCard } from "../../src/shared/verdictCards";
import { fixtureResults } from "../support/resultsFixture";
import { at } from "../support/at";

const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "icl-report-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the page is self-contained: Chart.js inlined, no external resources, data embedded safely", () => {
  const r = fixtureResults();
  at(r.records, 0).input = "</script><script>alert(1)</script>";
  const html = renderReport(r);
  assert.ok(html.length > 150_000, "Chart.js is inlined");
  assert.doesNotMatch(html, /<script[^>]+src=/i);
  assert.doesNotMatch(html, /<link[^>]+href=/i);
  assert.doesNotMatch(html.replace(/<script[\s\S]*?<\/script>/g, ""), /(src|href)=["']?https?:/i, "markup references no remote resource");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 3, "only the three script elements close: the hostile input cannot end one early");
});

test("report data: confusion matrices and distributions match the records", () => {
  const r = fixtureResults();
  const d = buildReportData(r);
  const gold = d.confusions.find((c) => c.variant === "gold")!;
  assert.equal(gold.k, 4);
  // gold k=4: seed 1 all correct (2 neg, 2 pos); seed 2: one negative predicted positive.
  assert.deepEqual(gold.counts, [
    [3, 1],
    [0, 4],
  ]);
  const dist = d.distributions.find((x) => x.variant === "gold")!;
  const total = dist.perLabel.reduce((a, p) => a + p.whenGold.reduce((x, y) => x + y, 0) + p.whenNotGold.reduce((x, y) => x + y, 0), 0);
  assert.equal(total, 8 * 2, "every query x label lands in one bin");
});

test("Chromium renders the charts with the numbers of results.json", async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} not found: install Debian's chromium to run the report rendering test`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const r = fixtureResults();
  const file = join(dir, "report.html");
  writeFileSync(file, renderReport(r));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) requests.push(req.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (window as unknown as { ICL_REPORT?: { ready: boolean } }).ICL_REPORT?.ready === true, undefined, { timeout: 20_000 });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [], "the report loads nothing from the network");
    type DS = { label: string; data: (number | null)[] };
    const main = await page.evaluate(() => {
      const C = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: { label: string; data: unknown[] }[] } } } }).Chart;
      const d = C.getChart(document.getElementById("chart-acc") as HTMLCanvasElement).data;
      return { labels: d.labels, datasets: d.datasets.map((x) => ({ label: x.label, data: x.data })) };
    });
    const rows = analyseRun(r).summary;
    assert.deepEqual(main.labels, [0, 4]);
    const ds = (label: string) => (main.datasets as DS[]).find((x) => x.label === label)!;
    for (const v of ["gold", "ra-string"]) {
      const vr = rows.filter((x) => x.variant === v);
      assert.deepEqual(
        ds(v).data,
        vr.map((x) => x.accuracy.value),
        `${v} accuracy`,
      );
      // No interval (too few seeds) is NaN in the summary and a gap (null) in the chart.
      const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
      assert.deepEqual(
        ds(`${v} (95% low)`).data,
        vr.map((x) => orNull(x.accuracy.low)),
      );
      assert.deepEqual(
        ds(`${v} (95% high)`).data,
        vr.map((x) => orNull(x.accuracy.high)),
      );
    }
    // Hand-checked values: gold k=0 2/4, k=4 mean of 4/4 and 3/4; ra-string k=0 0/4 (query 3 is a
    // tie: no prediction, wrong), k=4 3/4.
    assert.deepEqual(ds("gold").data, [0.5, 0.875]);
    assert.deepEqual(ds("ra-string").data, [0, 0.75]);
    assert.deepEqual(ds("chance").data, [0.5, 0.5]);
    // Per-variant chart: baselines from the records (gold k=4: majority 4/8, logreg 5/8; none at k=0).
    const gold = await page.evaluate(() => {
      const C = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { label: string; data: unknown[] }[] } } } }).Chart;
      return C.getChart(document.querySelector('canvas[data-variant="gold"]') as HTMLCanvasElement).data.datasets.map((x) => ({ label: x.label, data: x.data }));
    });
    const g = (label: string) => (gold as DS[]).find((x) => x.label === label)!.data;
    assert.deepEqual(g("majority"), [null, 0.5]);
    assert.deepEqual(g("logistic regression"), [null, 0.625]);
    // Tables are static HTML: the confusion matrix of gold reads 3 1 / 0 4.
    const cells = await page.$$eval('table.confusion[data-variant="gold"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(cells, ["3", "1", "0", "4"]);
    // Verdict cards: one per verdict of core/verdicts, with its status; H1 links the ra-string run.
    const expected = analyseRun(r).verdicts.map(toVerdictCard);
    assert.equal(expected.length, 5);
    const cards = await page.$$eval(".cards > .card", (cs) => cs.map((c) => ({ id: c.id, status: c.querySelector(".status")?.textContent })));
    assert.deepEqual(
      cards,
      expected.map((v) => ({ id: `verdict-${v.id}`, status: v.status })),
    );
    assert.deepEqual(expected.find((v) => v.id === "H1")!.runs, ["ra-string"]);
    assert.equal(await page.$eval("#verdict-H1 a", (a) => a.textContent), "ra-string");
    const distCanvases = await page.$$eval("canvas[id^=chart-dist-]", (cs) => cs.length);
    assert.equal(distCanvases, 2);
    // Warnings: the banner at the top names both codes; the table says what each means and what to do.
    const banner = await page.$eval("#warnings-banner", (b) => (b as HTMLElement).innerText);
    assert.match(banner, /2 of 20 queries carry warnings: boundary-merge \(1 query\), label-tie \(1 query\)/);
    const wrows = await page.$$eval("#warnings-table tr[data-code]:not(.warning-examples)", (rs) => rs.map((row) => ({ code: row.getAttribute("data-code"), text: (row as HTMLElement).innerText })));
    assert.deepEqual(
      wrows.map((x) => x.code),
      ["boundary-merge", "label-tie"],
    );
    assert.match(at(wrows, 0).text, /label merges with the prompt[\s\S]*Separate the label from the text before it/);
    assert.ok(await page.$eval("#warnings-banner a", (a) => (a as HTMLAnchorElement).getAttribute("href") === "#warning-boundary-merge"));
  } finally {
    await browser.close();
  }
});

test("report data: warnings per code with meaning, action, where and example queries; ties in the confusion", () => {
  const d = buildReportData(fixtureResults());
  assert.equal(d.warnings.queries, 2);
  assert.equal(d.warnings.records, 20);
  const [bm, tie] = d.warnings.codes;
  assert.ok(bm && tie, "two warning codes");
  assert.equal(bm.code, "boundary-merge");
  assert.deepEqual(bm.cells, [{ variant: "gold", k: 4, queries: 1 }]);
  assert.match(bm.action, /space/);
  assert.deepEqual(
    bm.examples.map((e) => [e.variant, e.k, e.seed, e.queryIndex]),
    [["gold", 4, 1, 3]],
  );
  assert.equal(tie.code, "label-tie");
  const ra0 = d.confusions.find((c) => c.variant === "ra-string");
  assert.equal(ra0?.k, 4, "confusions are drawn at the largest k");
  const html = renderReport(fixtureResults());
  assert.match(html, /<td class="l"><a class="badge-warn" href="#warning-boundary-merge">boundary-merge 1<\/a><\/td><\/tr>/, "the summary row of gold k=4 counts its warning");
  const none = fixtureResults();
  none.records.forEach((r) => delete r.warnings);
  none.warnings = { run: [], summary: [] };
  const clean = renderReport(none);
  assert.doesNotMatch(clean, /id="warnings-banner"/);
  assert.match(clean, /id="no-warnings"/);
});

test("report confusion matrix gets a tie column when queries tie", () => {
  const r = fixtureResults();
  r.records = r.records.filter((x) => !(x.variant === "ra-string" && x.k === 4));
  const html = renderReport(r);
  const ra = buildReportData(r).confusions.find((c) => c.variant === "ra-string")!;
  assert.equal(ra.k, 0);
  assert.deepEqual(ra.ties, [0, 1], "the tie's gold is tusef");
  assert.match(html, /<table class="confusion" data-variant="ra-string">.*<th title="no prediction: tied top scores">tie<\/th>/);
});
