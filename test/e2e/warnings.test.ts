// Scenario 8: a probe on a demo file whose label merges with the template ("{input} -{label}" with
// the label ">": icl-toy's tokenizer turns "-" + ">" into "->"). The results panel shows a warnings
// badge on the run, the list with the count of each code as on disk, and one click lists the
// affected queries in the grid; picking one shows its warning message in the detail pane.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Frame } from "playwright-core";
import { chartsIn, clickCodeLens, findWebview, missingPrerequisite, openFile, sleep, startSession, step, waitUntil, type Session } from "./harness";
import { missingModel, modelSettings, resultsFiles, waitForNewResults, type ResultsOnDisk } from "./flows";
import { arrowDemoText } from "../support/warningFixture";
import type { ScoreWarning } from "../../src/core/warnings";
import { at } from "../support/at";

const why = missingPrerequisite() ?? missingModel();
const DEMO = "arrows.icl.jsonl";

const codesOn = (r: { warnings?: ScoreWarning[] }) => new Set((r.warnings ?? []).map((w) => w.code));

test("warnings in a real VS Code: a label that merges with the template", { skip: why, timeout: 420_000 }, async (t) => {
  let s: Session | undefined;
  let run: ResultsOnDisk | undefined;
  let panel: Frame | undefined;
  try {
    s = await startSession({ scenario: "warnings", settings: modelSettings() });
    const session = s;
    const page = s.page;
    writeFileSync(join(s.workspace, DEMO), arrowDemoText({ k: [0, 2], seeds: [1], queries: 6, variants: ["gold", "flipped"], calibrate: false }));

    await t.test("8a: the run's warnings badge and list show the counts on disk", () =>
      step(session, "scenario8a", async () => {
        await openFile(page, DEMO);
        const before = resultsFiles(session.workspace);
        await clickCodeLens(page, /run probe/i);
        run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 180_000);
        const records = run.data.records;
        const merged = records.filter((r) => codesOn(r).has("boundary-merge"));
        assert.equal(merged.length, records.length, "every query has the label '>' among its candidates, so every record carries the merge");
        panel = await findWebview(page, async (f) => (await chartsIn(f)).some((c) => c.testid === "accuracy-chart"), "the results panel", 60_000);
        const badge = panel.locator('[data-testid="warnings-badge"]').first();
        await badge.waitFor({ timeout: 30_000 });
        const withAny = records.filter((r) => r.warnings?.length).length;
        assert.equal(await badge.getAttribute("data-count"), String(withAny), "the badge counts the queries that carry warnings");
        assert.match(await badge.innerText(), new RegExp(`⚠\\s*${withAny}`));
        // The panel redraws once more when the finished run's last snapshot lands; a scroll that
        // meets the old element is tried again on the new one.
        await waitUntil(
          () =>
            badge.scrollIntoViewIfNeeded({ timeout: 2_000 }).then(
              () => true,
              () => undefined,
            ),
          "the warnings badge in view",
          15_000,
        );
        await sleep(300);
        await session.shot("warnings-badge");
        const row = panel.locator('[data-testid="warning-row"][data-code="boundary-merge"]');
        await row.waitFor({ timeout: 15_000 });
        assert.equal(await row.getAttribute("data-queries"), String(merged.length));
        assert.match(await row.locator('[data-testid="warning-count"]').innerText(), new RegExp(`^${merged.length} queries`));
        assert.match(await row.locator('[data-testid="warning-title"]').innerText(), /label merges with the prompt/);
        // Every code on disk has its row, with the same count.
        const onDisk = new Map<string, number>();
        for (const r of records) for (const c of codesOn(r)) onDisk.set(c, (onDisk.get(c) ?? 0) + 1);
        const shown = await panel.locator('[data-testid="warning-row"]').evaluateAll((rows) => rows.map((x) => [x.getAttribute("data-code"), Number(x.getAttribute("data-queries"))]));
        assert.deepEqual(new Map(shown as [string, number][]), onDisk);
        await row.locator("summary").click();
        await row.scrollIntoViewIfNeeded();
        assert.match(await row.innerText(), /What to do: Separate the label from the text before it/);
        await sleep(300);
        await session.shot("warnings-list");
      }),
    );

    await t.test("8b: one click lists the affected queries; a query's detail shows its warning", () =>
      step(session, "scenario8b", async () => {
        assert.ok(panel && run, "scenario 8a produced a panel and a run");
        const records = run.data.records;
        await panel.locator('[data-testid="warning-row"][data-code="boundary-merge"] [data-testid="warning-show-queries"]').click();
        await waitUntil(async () => /Queries with warning boundary-merge/.test(await panel!.locator('[data-testid="query-explorer-title"]').innerText()), "the grid filtered by the warning", 15_000);
        // The title changes at the click; the filtered page comes from the extension host a moment
        // later (a request/reply), so wait for the pager to count the affected queries.
        const merged = records.filter((r) => codesOn(r).has("boundary-merge"));
        let pager = "";
        await waitUntil(
          async () => {
            pager = await panel!
              .locator('[data-testid="query-pager"]')
              .innerText()
              .catch(() => "");
            return new RegExp(`of ${merged.length}\\b`).test(pager) ? pager : undefined;
          },
          "the filtered grid's pager",
          15_000,
        ).catch(() => assert.fail(`the grid lists every affected query, across variants and k: the pager says '${pager}', the results JSON has ${merged.length}`));
        const rows = panel.locator('[data-testid="query-row"]');
        const n = await rows.count();
        assert.equal(n, Math.min(100, merged.length));
        const variants = new Set<string>();
        for (let i = 0; i < n; i++) {
          const key = Number(await rows.nth(i).getAttribute("data-key"));
          assert.ok(codesOn(at(records, key)).has("boundary-merge"), `row ${i} (record ${key}) carries the warning on disk`);
          variants.add(at(records, key).variant);
        }
        assert.deepEqual([...variants].sort(), ["flipped", "gold"], "both variants' queries are listed");
        await sleep(300);
        await session.shot("warning-queries");
        // Pick one: the detail shows the record's warning messages.
        const key = Number(await rows.nth(1).getAttribute("data-key"));
        await rows.nth(1).click();
        const items = panel.locator('[data-testid="query-detail"] [data-testid="query-warning"]');
        await waitUntil(
          async () => ((await panel!.locator('[data-testid="query-detail"]').getAttribute("data-key")) === String(key) && (await items.count()) > 0 ? true : undefined),
          "the picked query's warnings",
          15_000,
        );
        const shown = await items.evaluateAll((li) => li.map((x) => ({ code: x.getAttribute("data-code"), text: (x as HTMLElement).innerText })));
        const want = at(records, key).warnings ?? [];
        assert.deepEqual(
          shown.map((x) => x.code),
          want.map((w) => w.code),
        );
        shown.forEach((x, i) => assert.ok(x.text.replace(/\s+/g, " ").includes(at(want, i).message.replace(/\s+/g, " ")), `message ${i}: ${x.text}`));
        await panel.locator('[data-testid="query-warnings"]').scrollIntoViewIfNeeded();
        await sleep(300);
        await session.shot("query-warning-detail");
        // Back to the selected cell.
        await panel.locator('[data-testid="warning-filter-clear"]').click();
        await waitUntil(async () => /^Queries \(/.test(await panel!.locator('[data-testid="query-explorer-title"]').innerText()), "the grid back on the selected cell", 15_000);
      }),
    );
  } finally {
    await s?.close();
  }
});
