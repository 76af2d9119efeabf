// The packaged extension as a user installs it: `code-server --install-extension <vsix>` (the
// same as "Install from VSIX..."), then one probe with the embedded default model. Proves the
// VSIX carries everything that runs: the bundle, node-llama-cpp with its linux-x64 binary, the
// model. scripts/e2e.mjs builds the VSIX first (npm run package).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { extensionId, missingPrerequisite, openFile, repoRoot, runCommand, sleep, startSession, step, type Session } from "./harness";
import { defaultModel, missingModel, modelSettings, resultsFiles, waitForNewResults, writeSmallDemo } from "./flows";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
const vsix = process.env.ICL_E2E_VSIX ?? join(repoRoot, "artifacts", "vsix", `${pkg.name}-linux-x64-${pkg.version}.vsix`);
const why = missingPrerequisite() ?? missingModel() ?? (existsSync(vsix) ? undefined : `no VSIX at ${vsix}: run npm run package`);

test("the VSIX installs into code-server and runs a probe", { skip: why, timeout: 300_000 }, async () => {
  let s: Session | undefined;
  try {
    s = await startSession({ scenario: "vsix", extension: { vsix }, settings: modelSettings() });
    const session = s;
    await step(session, "vsix", async () => {
      // Installed as a real copy, not a link to the working tree.
      const installed = readdirSync(session.extensionsDir).find((d) => d.startsWith(`${extensionId}-`));
      assert.ok(installed, `the extension is in ${session.extensionsDir}: ${readdirSync(session.extensionsDir).join(", ")}`);
      const dir = join(session.extensionsDir, installed);
      assert.ok(!lstatSync(dir).isSymbolicLink(), "installed from the VSIX, not linked");
      assert.ok(existsSync(join(dir, "node_modules", "@node-llama-cpp", "linux-x64")), "the linux-x64 binary package is inside");
      assert.ok(!existsSync(join(dir, "node_modules", "@node-llama-cpp", "linux-x64-cuda")), "no CUDA binaries");
      assert.ok(!existsSync(join(dir, "src")) && !existsSync(join(dir, "test")), "no sources or tests");
      writeSmallDemo(session.workspace, "sentiment.icl.jsonl", { k: [0, 2], seeds: [1], queries: 4, variants: ["gold"] });
      await openFile(session.page, "sentiment.icl.jsonl");
      await session.shot("installed");
      const before = resultsFiles(session.workspace);
      await runCommand(session.page, "ICL Probe: Run Probe on Active File");
      const run = await waitForNewResults(session.workspace, before, (r) => r.data.manifest?.status === "complete" && r.data.records.length > 0, 180_000);
      assert.ok(run.data.records.length > 0, "the probe from the VSIX wrote records");
      const model = JSON.stringify(run.data.manifest?.model ?? "");
      if (existsSync(defaultModel)) assert.ok(model.includes(installed), `the run used the model embedded in the VSIX: ${model}`);
      else console.log("# e2e: the VSIX has no embedded model (models/icl-toy.gguf missing); the probe used the shared model");
      await sleep(500);
      await session.shot("probe-done");
    });
  } finally {
    await s?.close();
  }
});
