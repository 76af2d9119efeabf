// Scenario "import": a newcomer has a headerless, quoted news-topic CSV with class numbers 1..4
// (the AG News shape). Opening it and running *ICL Probe: Import Dataset...* from the palette asks
// for the input columns (two, joined by a template), the label column and names for the class
// numbers, writes a ready news.icl.jsonl next to it and opens it; its Run probe lens then probes
// it to completion. The written file is read back with the core parser, so what the quick picks
// chose is what the file says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDemoFile } from "../../src/core/demoFile";
import { clickCodeLens, missingPrerequisite, openFile, runCommand, sleep, startSession, step, waitForNotification, waitUntil, type Session } from "./harness";
import { missingModel, modelSettings, resultsFiles, waitForNewResults } from "./flows";

const why = missingPrerequisite() ?? missingModel();
const TOPICS = ["world", "sports", "business", "tech"];

/** Twelve rows "class","title","description", quoted, with a comma inside the description. */
function newsCsv(): string {
  const rows: string[] = [];
  for (let i = 0; i < 12; i++) {
    const c = (i % 4) + 1;
    rows.push(`"${c}","Headline ${i} on ${TOPICS[c - 1]}","A short report, number ${i}."`);
  }
  return rows.join("\n") + "\n";
}

test("import a headerless CSV in a real VS Code", { skip: why, timeout: 360_000 }, async (t) => {
  let s: Session | undefined;
  try {
    s = await startSession({
      scenario: "import",
      settings: { ...modelSettings(), "iclProbe.seeds": [1], "iclProbe.queries": 4, "iclProbe.defaultVariants": ["gold"], "iclProbe.calibrate": false },
    });
    const session = s;
    const page = s.page;
    writeFileSync(join(s.workspace, "news.csv"), newsCsv());
    const target = join(s.workspace, "news.icl.jsonl");

    await t.test("21a: import: quick picks for columns and class names write a ready demo file", () =>
      step(session, "import-a", async () => {
        await openFile(page, "news.csv");
        await runCommand(page, "ICL Probe: Import Dataset...");
        // 1. The input: columns 2 and 3 (multi-select), joined by the offered template.
        const row = (text: string) => page.locator(".quick-input-list .monaco-list-row", { hasText: text }).first();
        await row("column 2").waitFor({ timeout: 20_000 });
        await session.shot("input-columns");
        await row("column 2").click();
        await row("column 3").click();
        await page.keyboard.press("Enter");
        const box = page.locator(".quick-input-widget .quick-input-box input").first();
        await waitUntil(async () => ((await box.inputValue()) === "{2}. {3}" ? true : undefined), "the template box offering {2}. {3}", 15_000);
        await page.keyboard.press("Enter");
        // 2. The label: column 1 (the picked input columns are no longer offered).
        await row("column 1").waitFor({ timeout: 15_000 });
        assert.equal(await page.locator(".quick-input-list .monaco-list-row", { hasText: "column 2" }).count(), 0, "an input column is not offered as the label");
        await row("column 1").click();
        // 3. Names for the class numbers.
        await waitUntil(async () => ((await box.inputValue()).startsWith("1=") ? true : undefined), "the class-name box", 15_000);
        await box.fill(TOPICS.map((name, i) => `${i + 1}=${name}`).join(","));
        await session.shot("class-names");
        await page.keyboard.press("Enter");
        const msg = await waitForNotification(page, /Imported 12 examples, 4 classes/, 20_000);
        assert.match(msg, /headerless CSV/i, `the message names the recognised shape: ${msg}`);
        await page.locator(".tab.active", { hasText: "news.icl.jsonl" }).waitFor({ timeout: 15_000 });
        await session.shot("imported");

        assert.ok(existsSync(target), "news.icl.jsonl is written next to the CSV");
        const file = parseDemoFile(readFileSync(target, "utf8"), target);
        assert.deepEqual(
          file.problems.filter((p) => p.severity === "error"),
          [],
          "the written file parses without errors",
        );
        assert.deepEqual([...file.classes].sort(), [...TOPICS].sort(), "the classes are the names given, not the numbers");
        assert.equal(file.examples.length, 12);
        assert.equal(file.examples[0]!.input, "Headline 0 on world. A short report, number 0.", "the two columns joined by the template, the quoted comma kept");
        assert.equal(file.examples[0]!.label, "world");
        assert.equal(file.examples[5]!.label, "sports");
      }),
    );

    await t.test("21b: import: the imported file probes to completion", () =>
      step(session, "import-b", async () => {
        const before = resultsFiles(session.workspace);
        await clickCodeLens(page, /run probe/i);
        const run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 180_000);
        const labels = new Set(run.data.records.map((r) => r.gold));
        assert.ok(run.data.records.length > 0, "the run scored queries");
        for (const l of labels) assert.ok(TOPICS.includes(l), `gold label ${l} is one of the named classes`);
        await sleep(500);
        await session.shot("probed");
      }),
    );
  } finally {
    await s?.close();
  }
});
