// One run, four outputs, the same numbers (issue 10): the CLI summary, summary.csv, the HTML
// report (its embedded data and its static table) and the results panel's view model all show
// the accuracies, intervals, p-values and verdicts of the run's one analysis. A real probe on the
// embedded model through the CLI, as a user runs it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Papa from "papaparse";
import { runCli } from "../support/cliRun";
import { parseResults } from "../../src/core/results/load";
import { analyseRun } from "../../src/core/analysis";
import { buildRunView } from "../../src/shared/viewModel";
import type { ReportData } from "../../src/report/model";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "icl-identical-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const norm = (s: string): string => s.replace(/\s+/g, " ").trim();

test("the CLI summary, summary.csv, the report and the panel show identical numbers for one run", async () => {
  const out = join(dir, "run");
  // 6 seeds: the fewest that give 95% intervals, so every output has intervals to compare.
  const r = await runCli("run", join(root, "examples", "toy-lookup.icl.jsonl"), "--variants", "gold,ra-token,pa-word", "--k", "0,4", "--seeds", "1,2,3,4,5,6", "--queries", "12", "--out", out);
  assert.equal(r.code, 0, r.err);

  const csv = Papa.parse<Record<string, string>>(readFileSync(join(out, "summary.csv"), "utf8"), { header: true, skipEmptyLines: true }).data;
  assert.equal(csv.length, 6);
  const results = parseResults(readFileSync(join(out, "results.json"), "utf8"), "results.json");
  const html = readFileSync(join(out, "report.html"), "utf8");
  const data = JSON.parse(
    at(/<script id="icl-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html)!, 1)
      .replace(/\\u003c/g, "<")
      .replace(/\\u003e/g, ">")
      .replace(/\\u0026/g, "&"),
  ) as ReportData;
  const table = at(/<table id="summary">([\s\S]*?)<\/table>/.exec(html)!, 1);
  const tableRows = [...table.matchAll(/<tr><td class="l">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[0].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) =>
      at(c, 1)
        .replace(/<[^>]+>/g, "")
        .trim(),
    ),
  );
  // The panel: the extension loads results.json and projects its analysis.
  const view = buildRunView("run", results as never, analyseRun(results));
  const cliLines = r.out.split("\n");

  for (const row of csv) {
    const v = row.variant;
    assert.ok(v, "the CSV row names its variant");
    const k = Number(row.k);
    const acc = Number(row.accuracy);
    const lo = Number(row.accuracy_low);
    const hi = Number(row.accuracy_high);
    const p = Number(row.p_above_chance);
    assert.ok(Number.isFinite(lo) && Number.isFinite(hi), `${v} k=${k}: 6 seeds give an interval`);
    // Report data: exactly the CSV's numbers.
    const d = data.summary.find((s) => s.variant === v && s.k === k)!;
    assert.deepEqual([d.accuracy.value, d.accuracy.low, d.accuracy.high, d.pAboveChance], [acc, lo, hi, p], `report data ${v} k=${k}`);
    // Panel: exactly the CSV's numbers.
    const point = view.series.find((s) => s.variant === v)!.points.find((x) => x.k === k)!;
    assert.deepEqual([point.acc, point.lo, point.hi], [acc, lo, hi], `panel ${v} k=${k}`);
    // Report table and CLI line: the same numbers at the precision they print.
    const cells = tableRows.find((c) => at(c, 0).startsWith(v + " ") && c[1] === String(k))!;
    assert.equal(cells[4], pct(acc));
    assert.equal(cells[5], `${pct(lo)}–${pct(hi)}`);
    const line = cliLines.find((l) => new RegExp(`^${v.replace(/[-]/g, "\\-")}\\s+${k}\\s`).test(l))!;
    assert.ok(line, `CLI line for ${v} k=${k}`);
    const printed = line.match(/\d+\.\d%/g)!.map((s) => s.trim());
    assert.deepEqual(printed.slice(0, 3), [pct(acc), pct(lo), pct(hi)], `CLI ${v} k=${k}: ${line}`);
    assert.ok(line.includes(` ${cells[6]} `), `CLI p "${cells[6]}" as in the report: ${line}`);
    if (!at(cells, 6).startsWith("n/a")) assert.ok(Math.abs(Number(cells[6]) - p) <= 0.5 * 10 ** (Math.floor(Math.log10(p)) - 1) + 1e-12, `p ${cells[6]} vs ${p}`);
  }
  // Verdicts: the report's and the panel's cards are the same objects; the CLI prints each text whole.
  assert.deepEqual(view.verdicts, data.verdicts);
  const cli = norm(r.out);
  for (const v of data.verdicts) {
    assert.ok(cli.includes(`${v.id} ${v.status.toUpperCase()}`), v.id);
    assert.ok(cli.includes(norm(v.text)), `CLI prints the whole ${v.id} text`);
    for (const c of v.conditions) assert.ok(cli.includes(norm(`${c.text}: ${c.detail}`)), `CLI prints ${v.id}'s condition "${c.text}"`);
  }
  const h1 = data.verdicts.find((v) => v.id === "H1")!;
  assert.equal(h1.status, "contradicted", "ra-token is learnt at k = 4 by the copier");
});
