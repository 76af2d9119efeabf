// Smoke scenario: the harness itself. The workbench loads in Chromium, the extension under test
// is installed, opening an *.icl.jsonl file activates it (read from the extension host's log,
// which names the activation event) and its commands are in the palette.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { extensionId, missingPrerequisite, openFile, paletteEntries, waitUntil, withSession } from "./harness";

const why = missingPrerequisite();

test("smoke: workbench loads, extension activates on an .icl.jsonl file, commands in the palette", { skip: why }, async () => {
  await withSession({ scenario: "smoke", files: { "smoke.icl.jsonl": join(__dirname, "..", "..", "..", "test", "e2e", "fixtures", "smoke.icl.jsonl") } }, async (s) => {
    await s.shot("workbench");
    await openFile(s.page, "smoke.icl.jsonl");
    // The language mode in the status bar shows the file association took effect.
    await s.page
      .locator(".statusbar-item", { hasText: /ICL Demonstrations|icl-jsonl/ })
      .first()
      .waitFor({ timeout: 20_000 });
    const activation = await waitUntil(
      () =>
        s
          .exthostLog()
          .split("\n")
          .find((l) => l.includes(`_doActivateExtension ${extensionId}`)),
      `activation of ${extensionId} in the extension host log`,
      30_000,
    );
    assert.match(activation, /onLanguage:icl-jsonl/, `activated by the file type: ${activation}`);
    const failed = s
      .exthostLog()
      .split("\n")
      .filter((l) => l.includes(`Activating extension '${extensionId}' failed`) || l.includes(`Activating extension ${extensionId} failed`));
    assert.deepEqual(failed, [], "activation did not fail");
    await s.shot("opened-demo-file");
    const rows = await paletteEntries(s.page, "ICL Probe:");
    assert.ok(
      rows.some((r) => r.includes("ICL Probe: Run Probe on Active File")),
      `palette rows: ${rows.join(" | ")}`,
    );
    assert.ok(
      rows.some((r) => r.includes("ICL Probe: Preview a Variant")),
      `palette rows: ${rows.join(" | ")}`,
    );
  });
});
