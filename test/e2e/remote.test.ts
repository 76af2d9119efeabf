// A served model from the editor, against the loopback vLLM-format server (test/support/
// remoteServer.ts, node-llama-cpp on the embedded model behind it, 127.0.0.1 only) that demands
// an API key: "ICL Probe: Set API Key for Server..." stores it (SecretStorage), "Select Model..."
// -> "OpenAI-compatible server..." selects the server's model, and a probe from the code lens
// runs through it, writing results that name the server and hold no key; a cancel while its
// requests hang on the server closes them and keeps the run as cancelled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  codeLensTitles,
  clickCodeLens,
  missingPrerequisite,
  notificationTexts,
  openFile,
  runCommand,
  pickQuickItem,
  startSession,
  step,
  waitForNotification,
  waitUntil,
  sleep,
  type Session,
} from "./harness";
import { defaultModel, resultsFiles, waitForNewResults, writeSmallDemo } from "./flows";
import { spawnLoopbackServer, type LoopbackProcess } from "../support/remoteServerProcess";

const why = missingPrerequisite() ?? (existsSync(defaultModel) ? undefined : `the embedded model ${defaultModel} is absent`);
const DEMO = "sentiment.icl.jsonl";
const KEY = "sk-e2e-loopback-5d1c";

/** Every file under `dir` (bounded depth), for the no-key-anywhere check. */
function filesUnder(dir: string, depth = 6): string[] {
  if (depth < 0 || !existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p);
    return st.isDirectory() ? filesUnder(p, depth - 1) : st.size < 5_000_000 ? [p] : [];
  });
}

test("served model from the editor: key command, server picker entry, probe", { skip: why, timeout: 420_000 }, async (t) => {
  let server: LoopbackProcess | undefined;
  let s: Session | undefined;
  try {
    server = await spawnLoopbackServer({ modelPath: defaultModel, mode: "vllm", apiKey: KEY });
    const url = `${server.url}/v1`;
    // Any estimate is above 1 token: the probe must ask before it sends anything.
    s = await startSession({ scenario: "remote", settings: { "iclProbe.remote.confirmAboveTokens": 1 } });
    const session = s;
    const page = s.page;
    writeSmallDemo(s.workspace, DEMO);
    const input = page.locator(".quick-input-widget .quick-input-box input").first();

    await t.test("20a: Set API Key for Server... stores the key for that server", () =>
      step(session, "key", async () => {
        // Opening a demo file activates the extension (its commands are then in the palette).
        await openFile(page, DEMO);
        await waitUntil(async () => ((await codeLensTitles(page)).some((x) => /run probe/i.test(x)) ? true : undefined), "the extension's code lenses", 30_000);
        await runCommand(page, "ICL Probe: Set API Key for Server...");
        await input.waitFor();
        await input.fill(url);
        await page.keyboard.press("Enter");
        await sleep(400);
        await input.waitFor();
        assert.equal(await input.getAttribute("type"), "password", "the key is typed into a password box");
        await input.fill(KEY);
        await page.keyboard.press("Enter");
        await waitForNotification(page, /API key stored for http:\/\/127\.0\.0\.1/);
        await session.shot("key-stored");
      }),
    );

    await t.test("20b: Select Model... -> OpenAI-compatible server... selects the served model", () =>
      step(session, "picker", async () => {
        await runCommand(page, "ICL Probe: Select Model...");
        await pickQuickItem(page, /OpenAI-compatible server/);
        await sleep(400);
        await input.waitFor();
        await input.fill(url);
        await session.shot("server-url");
        await page.keyboard.press("Enter");
        await openFile(page, DEMO);
        const lenses = await waitUntil(
          async () => {
            const l = await codeLensTitles(page);
            return l.some((x) => x.includes(`icl-toy @ 127.0.0.1:${server!.port}`)) ? l : undefined;
          },
          "the code lens naming the served model",
          30_000,
        );
        assert.ok(lenses.some((x) => /run probe/i.test(x)));
        await session.shot("server-selected");
      }),
    );

    await t.test("20c: the probe asks first (estimate above the threshold), shows tok/s and req/s, runs through the server; the results name it and nothing written holds the key", () =>
      step(session, "probe", async () => {
        const before = resultsFiles(session.workspace);
        const scoredBefore = (await server!.stats()).requests["/v1/completions"] ?? 0;
        await clickCodeLens(page, /run probe/i);
        const dialog = page.locator(".monaco-dialog-box").first();
        await dialog.waitFor({ timeout: 60_000 });
        const asked = (await dialog.innerText()).replace(/\s+/g, " ");
        assert.match(asked, /this probe sends about \d+ scoring requests \(\d+ label sequences\), ~[\d,.]+M? prompt tokens to 127\.0\.0\.1:\d+/);
        assert.match(asked, /iclProbe\.remote\.confirmAboveTokens \(1\)/);
        // No query is scored before the answer: connecting sends one check request (prompt
        // log-probs present?), the estimate only tokenizes one sample.
        assert.ok(((await server!.stats()).requests["/v1/completions"] ?? 0) <= scoredBefore + 1, "no scoring request before the confirmation beyond the connect-time check");
        await session.shot("confirm");
        await dialog.locator(".monaco-button", { hasText: /^Run$/ }).first().click();
        // The progress notification gains the measured rates once two requests have returned.
        let rateLine: string | undefined;
        let polling = true;
        const poll = (async () => {
          while (polling && !rateLine) {
            rateLine = (await notificationTexts(page).catch(() => [])).find((x) => /\d[\d,]* tok\/s, \d+\.\d req\/s/.test(x));
            await sleep(150);
          }
        })();
        const run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete", 180_000).finally(() => (polling = false));
        await poll;
        assert.ok(rateLine, "a progress line with tok/s and req/s was shown");
        const m = run.data.manifest as { engine: { name: string; concurrency?: number }; model: { remote?: { api: string; host: string; model: string } } };
        assert.equal(m.engine.name, "vllm");
        assert.deepEqual(m.model.remote, { api: "vllm", host: `127.0.0.1:${server!.port}`, model: "icl-toy" });
        assert.equal(run.data.records.length, 2 * 2 * 6);
        const st = await server!.stats();
        assert.ok((st.requests["/v1/completions"] ?? 0) >= run.data.records.length, `scoring requests: ${JSON.stringify(st.requests)}`);
        await session.shot("probe-done");
        // The run log has the request and retry counts.
        const logText = await waitUntil(
          () => (/remote: \d[\d,]* scoring requests, .*retr/.test(session.exthostLog()) ? session.exthostLog() : undefined),
          "the request/retry summary in the ICL Probe log",
          15_000,
        );
        assert.match(logText, /estimate for the whole plan: about \d+ scoring requests/);
        const written = [
          ...filesUnder(session.workspace),
          ...filesUnder(join(session.userDataDir, "User")),
          ...filesUnder(join(session.userDataDir, "Machine")),
          ...filesUnder(join(session.userDataDir, "logs")),
        ].filter((f) => /\.(json|jsonl|csv|html|log|txt)$/.test(f));
        assert.ok(
          written.some((f) => f.includes(join(session.userDataDir, "logs")) && f.endsWith(".log")),
          "the logs were searched",
        );
        for (const f of written) assert.ok(!readFileSync(f, "utf8").includes(KEY), `the key is not in ${f}`);
      }),
    );

    await t.test("20d: Cancel during a probe whose requests hang on the server closes them at once; the run is kept as cancelled", () =>
      step(session, "cancel", async () => {
        // Every scoring request after the first two hangs for 10 minutes (far beyond the test's
        // timeout): only a cancel that aborts the requests in flight can end this run.
        await server!.setFaults(Array.from({ length: 40 }, (_, i) => ({ nth: i + 3, kind: "stall" as const, stallMs: 600_000 })));
        const before = resultsFiles(session.workspace);
        await clickCodeLens(page, /run probe/i);
        const dialog = page.locator(".monaco-dialog-box").first();
        await dialog.waitFor({ timeout: 60_000 });
        await dialog.locator(".monaco-button", { hasText: /^Run$/ }).first().click();
        await waitUntil(async () => ((await server!.stats()).faultsFired.some((f) => f.startsWith("stall")) ? true : undefined), "requests hanging on the server", 60_000);
        await waitUntil(async () => (await codeLensTitles(page)).some((x) => /cancel probe/i.test(x)), "the Cancel probe lens while running", 15_000);
        await clickCodeLens(page, /cancel probe/i);
        await waitUntil(async () => (await notificationTexts(page)).find((x) => /cancelled;/i.test(x)), "a notification that the probe was cancelled", 30_000);
        const run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "interrupted", 30_000);
        assert.ok(run.data.records.length < 2 * 2 * 6, `fewer records than planned (${run.data.records.length})`);
        const st = await server!.stats();
        assert.ok(st.closedEarly >= 1, `hanging requests closed by the client: ${st.closedEarly}`);
        await session.shot("cancelled");
        await server!.setFaults([]);
      }),
    );
  } finally {
    await s?.close();
    await server?.close();
  }
});
