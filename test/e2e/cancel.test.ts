// Scenario 7: cancel a running probe, then a probe that fails. One state owner: from the cancel on,
// every view follows it at once and stays there: the status bar shows no percentage or ETA, the
// side panel no progress, the lens says "Run probe" (not "Cancel probe"), the editor title offers
// Run again, the results panel shows the cancelled run (never blank), and the query lines keep
// the complete run's results instead of switching silently to the partial one. A probe that
// fails on a broken model leaves no "Cancel probe" lens and no running state either.
// Robust without wall-clock assumptions: the cancelled run's grid (14,400 queries, set through
// the settings so the file's text, and so the earlier complete run, stay valid) cannot finish
// between its first checkpoint and the cancel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeTruncatedGguf } from "../../src/gguf/fixtures";
import { clickCodeLens, codeLensTitles, missingPrerequisite, notificationTexts, openFile, runCommand, sleep, startSession, step, waitUntil, type Session } from "./harness";
import { missingModel, modelSettings, resultsFiles, waitForNewResults, writeSmallDemo } from "./flows";
import { editorTitleActions, lineResultTexts, openSidebar, panelFrame, samples, setSettings, sidebarFrame, startProbe, statusBarText } from "./views";

const why = missingPrerequisite() ?? missingModel();
const BIG = { "iclProbe.seeds": Array.from({ length: 20 }, (_, i) => i + 1), "iclProbe.queries": 60, "iclProbe.k": [0, 2, 4, 8] };

test("cancel and failure in a real VS Code: every view follows one state", { skip: why, timeout: 420_000 }, async (t) => {
  let s: Session | undefined;
  try {
    s = await startSession({ scenario: "cancel", settings: modelSettings() });
    const session = s;
    const page = s.page;
    // The file's own header is small (6 queries, k 0 and 2): the first run completes quickly.
    writeSmallDemo(s.workspace, "sentiment.icl.jsonl", { variants: ["gold", "flipped", "random-labels"] });
    writeSmallDemo(s.workspace, "topic.icl.jsonl", { k: [0, 2], seeds: [1], queries: 4, variants: ["gold"] });
    writeTruncatedGguf(join(s.workspace, "models"), "corrupt.gguf");

    await t.test("7a: cancel stops the probe, keeps partial results; every view leaves the running state at once", () =>
      step(session, "scenario7a", async () => {
        await openSidebar(page);
        await openFile(page, "sentiment.icl.jsonl");
        let before = resultsFiles(session.workspace);
        await startProbe(page, session.workspace, before);
        const complete = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 180_000);
        const lines = await waitUntil(
          async () => {
            const l = await lineResultTexts(page);
            return l.length ? l : undefined;
          },
          "the complete run's results at the end of the query lines",
          30_000,
        );
        assert.ok(
          lines.every((l) => /^gold, k=2: [✓✗◐] /.test(l)),
          `lines name the variant and k: ${lines.join(" | ")}`,
        );

        // Now the big grid: the same file text, so the complete run stays the file's results.
        await setSettings(session, BIG, /settings changed: .*"seeds":\[1,2,3/);
        before = resultsFiles(session.workspace);
        await startProbe(page, session.workspace, before);
        const partial = await waitForNewResults(session.workspace, before, (r) => r.data.records.length > 0, 120_000);
        assert.equal(partial.data.manifest?.status, "running", "the probe is still running when we cancel");
        const planned = Number((partial.data.manifest?.progress as { total?: number } | undefined)?.total ?? 0);
        assert.equal(planned, 3 * 4 * 20 * 60, "the planned grid is the big one");
        const side = await sidebarFrame(page);
        await side.locator('[data-testid="sidebar-progress"]').waitFor({ timeout: 30_000 });
        assert.match(await statusBarText(page), /\d+%/, "the status bar shows the running probe");
        await waitUntil(async () => (await codeLensTitles(page)).some((x) => /cancel probe/i.test(x)), "the Cancel probe lens while running", 15_000);
        assert.ok(
          (await editorTitleActions(page)).some((a) => /Cancel Running Probe/.test(a)),
          "the editor title offers Cancel while running",
        );
        await session.shot("running");

        await clickCodeLens(page, /cancel probe/i);
        const stopped = await waitUntil(
          () => {
            const r = resultsFiles(session.workspace).find((x) => x.path === partial.path);
            return r && r.data.manifest?.status !== "running" ? r : undefined;
          },
          "the run to stop",
          60_000,
          300,
        );
        assert.equal(stopped.data.manifest?.status, "interrupted", "the results file says the run was interrupted");
        assert.ok(stopped.data.records.length > 0, "partial results are kept");
        assert.ok(stopped.data.records.length < planned, `fewer records (${stopped.data.records.length}) than planned (${planned})`);
        const told = await waitUntil(async () => (await notificationTexts(page)).find((x) => /cancelled;/i.test(x)), "a notification that the probe was cancelled", 15_000);
        assert.match(told, /\d+ of \d+ queries kept/);

        // The lens follows the state through VS Code's own refresh of code lenses.
        await waitUntil(async () => (await codeLensTitles(page)).some((x) => /run probe/i.test(x)), "the Run probe lens back", 10_000, 100);
        // From here on every view is idle, and stays so (sampled for a few seconds).
        const views = await samples(
          async () => ({
            status: await statusBarText(page),
            lensCancel: (await codeLensTitles(page)).some((x) => /cancel probe/i.test(x)),
            titleCancel: (await editorTitleActions(page)).some((a) => /Cancel Running Probe/.test(a)),
            sideProgress: await side.locator('[data-testid="sidebar-progress"]').count(),
          }),
          12,
          250,
        );
        for (const v of views) {
          assert.doesNotMatch(v.status, /%|left|cancelling/, `the status bar has left the running state: "${v.status}"`);
          assert.equal(v.lensCancel, false, "no Cancel probe lens after the cancel");
          assert.equal(v.titleCancel, false, "the editor title offers Run again");
          assert.equal(v.sideProgress, 0, "the side panel shows no progress");
        }
        assert.equal(await side.locator('[data-testid="sidebar-last-outcome"]').getAttribute("data-outcome"), "interrupted");
        assert.match(await side.locator('[data-testid="sidebar-last-outcome"]').innerText(), /cancelled, \d+ of 14400 queries kept/);
        const cancelledItem = side.locator(`[data-testid="run-item"][data-status="interrupted"]`);
        assert.equal(await cancelledItem.count(), 1, "the history marks the run cancelled");

        // The results panel shows the cancelled run, not a blank page.
        const panel = await panelFrame(page);
        const col = panel.locator('[data-testid="run-column"]');
        await waitUntil(
          async () =>
            (await col.count()) === 1 &&
            /cancelled/.test(
              await col
                .locator('[data-testid="run-status"]')
                .innerText()
                .catch(() => ""),
            ),
          "the panel showing the cancelled run",
          30_000,
        );
        assert.match(await col.locator('[data-testid="run-partial-note"]').innerText(), new RegExp(`${stopped.data.records.length} queries scored before it stopped`));
        assert.equal(await panel.locator('[data-testid="progress"]').count(), 0, "no progress line in the panel");
        assert.ok((await panel.locator('[data-testid="accuracy-chart"]').count()) === 1, "its accuracy chart is drawn");

        // The query lines keep the complete run's results, and the lens says a newer run was cancelled.
        const after = await lineResultTexts(page);
        assert.deepEqual(after, lines, "the lines did not switch to the partial run");
        const lens = (await codeLensTitles(page)).find((x) => /gold, k=2/.test(x));
        assert.ok(lens, "the results lens names the variant and k");
        await sleep(300);
        await session.shot("cancelled");
        // Nothing keeps scoring after the cancel: the file stays as it is.
        const later = resultsFiles(session.workspace).find((x) => x.path === partial.path)!;
        assert.equal(later.data.records.length, stopped.data.records.length, "no records are added after the cancel");
        assert.ok(complete, "the earlier complete run is still on disk");
        await setSettings(session, Object.fromEntries(Object.keys(BIG).map((k) => [k, undefined])), /settings changed: .*header overrides \{\}/);
      }),
    );

    await t.test("7b: a probe that fails on a broken model leaves no running state", () =>
      step(session, "scenario7b", async () => {
        await setSettings(session, { "iclProbe.modelPath": join(session.workspace, "models", "corrupt.gguf") }, /settings changed: model corrupt\.gguf/);
        await openFile(page, "topic.icl.jsonl");
        await clickCodeLens(page, /run probe/i);
        const err = await waitUntil(async () => (await notificationTexts(page)).find((x) => /failed/i.test(x) && /corrupt\.gguf|GGUF|model/i.test(x)), "the error of the failed probe", 90_000);
        assert.match(err, /corrupt\.gguf|GGUF/i);
        const side = await sidebarFrame(page);
        const views = await samples(
          async () => ({
            status: await statusBarText(page),
            lenses: await codeLensTitles(page),
            titleCancel: (await editorTitleActions(page)).some((a) => /Cancel Running Probe/.test(a)),
            sideProgress: await side.locator('[data-testid="sidebar-progress"]').count(),
          }),
          8,
          250,
        );
        for (const v of views) {
          assert.ok(v.lenses.some((x) => /run probe/i.test(x)) && !v.lenses.some((x) => /cancel probe/i.test(x)), `Run probe, not Cancel probe, after the failure: ${v.lenses.join(" | ")}`);
          assert.doesNotMatch(v.status, /%|left|cancelling|loading/, `status bar idle: "${v.status}"`);
          assert.equal(v.titleCancel, false);
          assert.equal(v.sideProgress, 0);
        }
        assert.equal(await side.locator('[data-testid="sidebar-last-outcome"]').getAttribute("data-outcome"), "failed");
        assert.equal(await side.locator('[data-testid="model-status"]').getAttribute("data-state"), "error");
        await sleep(300);
        await session.shot("failed");
        await setSettings(session, { "iclProbe.modelPath": modelSettings()["iclProbe.modelPath"] }, /settings changed: model (?!corrupt)/);
      }),
    );

    await t.test("7c: a new run afterwards completes", () =>
      step(session, "scenario7c", async () => {
        const before2 = resultsFiles(session.workspace);
        await openFile(page, "topic.icl.jsonl");
        await runCommand(page, "ICL Probe: Run Probe on Active File");
        const next = await waitForNewResults(session.workspace, before2, (r) => r.data.manifest?.status === "complete" && r.data.records.length > 0, 180_000);
        assert.ok(next.data.records.length > 0, "the new run wrote records");
        await sleep(500);
        await session.shot("new-run-done");
      }),
    );
  } finally {
    await s?.close();
  }
});
