// Scenarios 5 and 6: what a user sees when the input is bad.
// 5 a broken demo file shows its problems in the Problems panel, and running it says clearly why not;
// 6 selecting a corrupt GGUF shows a clear error; afterwards a probe with the default model still
//   works (the extension host survived the engine's failure). Without models/icl-toy.gguf the
//   "default" is the configured shared model (flows.modelSettings).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { writeTruncatedGguf } from "../../src/gguf/fixtures";
import { missingPrerequisite, notificationTexts, openFile, pickQuickItem, problems, runCommand, sleep, startSession, step, waitUntil, type Session } from "./harness";
import { defaultModel, sharedModel, fixtures, missingModel, modelSettings, resultsFiles, writeSmallDemo, type ResultsOnDisk } from "./flows";

const why = missingPrerequisite() ?? missingModel();

test("bad input in a real VS Code", { skip: why, timeout: 300_000 }, async (t) => {
  let s: Session | undefined;
  try {
    s = await startSession({ scenario: "errors", files: { "broken.icl.jsonl": join(fixtures, "broken.icl.jsonl") }, settings: modelSettings() });
    const session = s;
    const page = s.page;
    writeSmallDemo(s.workspace, "sentiment.icl.jsonl");
    // Cut off in its tensor data: the header parses, llama.cpp refuses to load it.
    writeTruncatedGguf(join(s.workspace, "models"), "corrupt.gguf");
    // Without the embedded default the picker has no "default" entry: offer the shared model as a
    // workspace GGUF (a link, not a copy) so the user can switch back to a working model.
    if (!existsSync(defaultModel)) symlinkSync(sharedModel, join(s.workspace, "models", "stories260K.gguf"));

    await t.test("5: a broken demo file shows diagnostics and running it gives a clear message", () =>
      step(session, "scenario5", async () => {
        await openFile(page, "broken.icl.jsonl");
        const rows = await waitUntil(
          async () => {
            const r = await problems(page);
            return r.filter((x) => /broken\.icl\.jsonl|line|label|input|JSON/i.test(x)).length >= 3 ? r : undefined;
          },
          "the file's problems in the Problems panel",
          30_000,
        );
        const all = rows.join("\n");
        assert.match(all, /JSON/i, `the invalid JSON line is reported:\n${all}`);
        assert.match(all, /postive|positive/i, `the misspelt label is reported:\n${all}`);
        assert.match(all, /empty|input/i, `the empty input is reported:\n${all}`);
        await session.shot("problems-panel");
        await openFile(page, "broken.icl.jsonl");
        await runCommand(page, "ICL Probe: Run Probe on Active File");
        const msg = await waitUntil(async () => (await notificationTexts(page)).find((x) => /broken\.icl\.jsonl|problem|error|fix/i.test(x)), "a notification saying why the file cannot run", 30_000);
        assert.match(msg, /problem|error|fix/i, `the message says what is wrong: ${msg}`);
        await sleep(300);
        await session.shot("run-refused");
        assert.equal(resultsFiles(session.workspace).length, 0, "no results written for a broken file");
      }),
    );

    await t.test("6: a corrupt GGUF gives a clear error; the default model still works afterwards", () =>
      step(session, "scenario6", async () => {
        await openFile(page, "sentiment.icl.jsonl");
        await runCommand(page, "ICL Probe: Select Model...");
        await pickQuickItem(page, /corrupt\.gguf/);
        await sleep(500);
        await session.shot("corrupt-selected");
        // The error may come when it is selected (header check) or when a probe loads it.
        let err = (await notificationTexts(page)).find((x) => /corrupt\.gguf|GGUF|model/i.test(x) && /error|invalid|corrupt|truncat|cannot|could not|failed|broken/i.test(x));
        if (!err) {
          await openFile(page, "sentiment.icl.jsonl");
          await runCommand(page, "ICL Probe: Run Probe on Active File");
          err = await waitUntil(
            async () => (await notificationTexts(page)).find((x) => /corrupt\.gguf|GGUF|model/i.test(x) && /error|invalid|corrupt|truncat|cannot|could not|failed|broken/i.test(x)),
            "a clear error about the corrupt model",
            60_000,
          );
        }
        assert.match(err, /corrupt\.gguf|GGUF/i, `the error names the file or the format: ${err}`);
        await sleep(300);
        await session.shot("corrupt-error");
        // Back to the default model, and a probe runs to the end.
        await openFile(page, "sentiment.icl.jsonl");
        await runCommand(page, "ICL Probe: Select Model...");
        // The embedded default when it exists (else the configured shared model; see modelSettings).
        const fallback = existsSync(defaultModel) ? /icl-toy/i : /stories260K/i;
        await pickQuickItem(page, fallback);
        const before = resultsFiles(session.workspace);
        await openFile(page, "sentiment.icl.jsonl");
        await runCommand(page, "ICL Probe: Run Probe on Active File");
        // A "probe is running: queue or cancel?" question here means the failed probe was never
        // cleared; say so instead of waiting for a results file that will not come.
        let run: ResultsOnDisk | undefined;
        for (const t0 = Date.now(); !run;) {
          const stuck = (await notificationTexts(page)).find((x) => /is running/i.test(x));
          if (stuck) throw new Error(`the failed probe still counts as running: "${stuck}"`);
          run = resultsFiles(session.workspace).find((r) => !before.some((b) => b.path === r.path) && r.data.manifest?.status === "complete" && r.data.records.length > 0);
          if (Date.now() - t0 > 90_000) throw new Error("no completed probe with the good model within 90 s");
          await sleep(500);
        }
        const model = JSON.stringify(run.data.manifest?.model ?? "");
        assert.match(model, fallback, `the run used the ${fallback.source} model: ${model}`);
        await sleep(500);
        await session.shot("default-model-run");
      }),
    );
  } finally {
    await s?.close();
  }
});
