// Scenario 7: cancel a running probe. It stops, the partial results stay on disk (status
// "interrupted", fewer records than planned), and a new run afterwards completes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { missingPrerequisite, notificationTexts, openFile, runCommand, sleep, startSession, step, waitUntil, type Session } from "./harness";
import { missingModel, modelSettings, resultsFiles, waitForNewResults, writeSmallDemo } from "./flows";

const why = missingPrerequisite() ?? missingModel();

test("cancel a running probe in a real VS Code", { skip: why, timeout: 300_000 }, async (t) => {
  let s: Session | undefined;
  try {
    s = await startSession({ scenario: "cancel", settings: modelSettings() });
    const session = s;
    const page = s.page;
    // A grid big enough to still be running when we cancel it (hundreds of queries).
    writeSmallDemo(s.workspace, "sentiment.icl.jsonl", { k: [0, 2, 4, 8], seeds: [1, 2, 3], queries: 40, variants: ["gold", "flipped", "random-labels"] });
    writeSmallDemo(s.workspace, "topic.icl.jsonl", { k: [0, 2], seeds: [1], queries: 4, variants: ["gold"] });

    await t.test("7: cancel stops the probe, keeps partial results, and a new run works", () => step(session, "scenario7", async () => {
      await openFile(page, "sentiment.icl.jsonl");
      const before = resultsFiles(session.workspace);
      await runCommand(page, "ICL Probe: Run Probe on Active File");
      // Wait until some queries are scored and saved, then cancel from the palette.
      const partial = await waitForNewResults(session.workspace, before, (r) => r.data.records.length > 0, 120_000);
      assert.equal(partial.data.manifest?.status, "running", "the probe is still running when we cancel");
      await session.shot("running");
      await runCommand(page, "ICL Probe: Cancel Running Probe");
      const stopped = await waitUntil(() => {
        const r = resultsFiles(session.workspace).find((x) => x.path === partial.path);
        return r && r.data.manifest?.status !== "running" ? r : undefined;
      }, "the run to stop", 60_000, 300);
      const planned = Number((stopped.data.manifest?.progress as { total?: number } | undefined)?.total ?? 0);
      assert.equal(stopped.data.manifest?.status, "interrupted", "the results file says the run was interrupted");
      assert.ok(stopped.data.records.length > 0, "partial results are kept");
      assert.ok(stopped.data.records.length < planned, `fewer records (${stopped.data.records.length}) than planned (${planned})`);
      // The file is final before the notification is shown: wait for it.
      const told = await waitUntil(async () => (await notificationTexts(page)).find((x) => /cancel|stopp|interrupt/i.test(x)), "a notification that the probe stopped", 15_000);
      assert.match(told, /cancel|stopp|interrupt/i);
      await sleep(300);
      await session.shot("cancelled");
      // Nothing keeps scoring after the cancel: the file stays as it is.
      const n = stopped.data.records.length;
      await sleep(3000);
      const later = resultsFiles(session.workspace).find((x) => x.path === partial.path)!;
      assert.equal(later.data.records.length, n, "no records are added after the cancel");
      // A new run works.
      const before2 = resultsFiles(session.workspace);
      await openFile(page, "topic.icl.jsonl");
      await runCommand(page, "ICL Probe: Run Probe on Active File");
      const next = await waitForNewResults(session.workspace, before2, (r) => r.data.manifest?.status === "complete" && r.data.records.length > 0, 180_000);
      assert.ok(next.data.records.length > 0, "the new run wrote records");
      await sleep(500);
      await session.shot("new-run-done");
    }));
  } finally {
    await s?.close();
  }
});
