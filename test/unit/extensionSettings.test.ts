// Settings validation and the workspace-trust rule for the model path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSettings, validateSetting, type ConfigInspect, type ConfigLike } from "../../src/extension/settings";
import { VARIANT_KEY_PATTERN } from "../../src/core/variants/keys";

function cfg(values: Record<string, ConfigInspect<unknown>>): ConfigLike {
  return { inspect: <T>(k: string) => values[k] as ConfigInspect<T> | undefined };
}

test("defaults give no overrides and the embedded model", () => {
  const s = readSettings(cfg({}), true);
  assert.equal(s.modelPath, undefined);
  assert.equal(s.modelPathSource, "default");
  assert.deepEqual(s.overrides, {});
  assert.equal(s.gpu, "off");
  assert.equal(s.scoringMode, "exact");
  assert.deepEqual(s.problems, []);
});

test("iclProbe.scoringMode: fast when chosen, exact (with a message) for anything else", () => {
  assert.equal(readSettings(cfg({ scoringMode: { globalValue: "fast" } }), true).scoringMode, "fast");
  const bad = readSettings(cfg({ scoringMode: { globalValue: "turbo" } }), true);
  assert.equal(bad.scoringMode, "exact");
  assert.deepEqual(bad.problems, ['iclProbe.scoringMode must be "exact" or "fast" (got "turbo").']);
});

test("user values become header overrides (sorted, de-duplicated k)", () => {
  const s = readSettings(
    cfg({
      k: { globalValue: [8, 0, 4, 4] },
      seeds: { globalValue: [3, 1] },
      defaultVariants: { globalValue: ["gold", "ra-string#2"] },
      queries: { globalValue: 20 },
      selection: { globalValue: "per-query" },
      calibrate: { globalValue: "on" },
      threads: { globalValue: 2 },
    }),
    true,
  );
  assert.deepEqual(s.overrides, { k: [0, 4, 8], seeds: [3, 1], variants: ["gold", "ra-string#2"], queries: 20, selection: "per-query", calibrate: true });
  assert.equal(s.threads, 2);
});

test("invalid values are reported with the setting's name and ignored", () => {
  const s = readSettings(
    cfg({ k: { globalValue: [1, -2] }, gpu: { globalValue: "quantum" }, threads: { globalValue: 2.5 }, defaultVariants: { globalValue: ["Gold!"] }, modelPath: { globalValue: "/m/model.bin" } }),
    true,
  );
  assert.equal(s.problems.length, 5);
  assert.ok(s.problems.some((p) => p.startsWith("iclProbe.k ")));
  assert.ok(s.problems.some((p) => p.includes("iclProbe.gpu") && p.includes("quantum")));
  assert.ok(s.problems.some((p) => p.includes("iclProbe.modelPath") && p.includes(".gguf")));
  assert.equal(s.gpu, "off");
  assert.equal(s.threads, 0);
  assert.equal(s.modelPath, undefined);
  assert.deepEqual(s.overrides, {});
});

test("untrusted workspace: a workspace model path is ignored, the user's is kept", () => {
  const values = { modelPath: { globalValue: "/home/me/good.gguf", workspaceValue: "./evil.gguf" } };
  const trusted = readSettings(cfg(values), true);
  assert.equal(trusted.modelPath, "./evil.gguf");
  assert.equal(trusted.modelPathSource, "workspace");
  const untrusted = readSettings(cfg(values), false);
  assert.equal(untrusted.modelPath, "/home/me/good.gguf");
  assert.equal(untrusted.modelPathSource, "user");
  assert.equal(untrusted.ignoredWorkspaceModelPath, "./evil.gguf");
  const onlyWs = readSettings(cfg({ modelPath: { workspaceFolderValue: "x.gguf" } }), false);
  assert.equal(onlyWs.modelPath, undefined);
});

test("validateSetting explains each rule", () => {
  assert.equal(validateSetting("k", [0, 1, 2]), undefined);
  assert.match(validateSetting("k", [600]) ?? "", /0 to 512/);
  assert.match(validateSetting("resultsFolder", "../outside") ?? "", /inside the workspace/);
  assert.equal(validateSetting("selection", "fixed"), undefined);
  assert.match(validateSetting("calibrate", true) ?? "", /"header", "on" or "off"/);
});

test("one variant-key grammar: the setting's pattern in package.json is the core's, and draw ranges pass", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
    contributes: { configuration: { properties: Record<string, { items?: { pattern?: string } }> } };
  };
  assert.equal(pkg.contributes.configuration.properties["iclProbe.defaultVariants"]?.items?.pattern, VARIANT_KEY_PATTERN);
  for (const ok of ["gold", "ra-string#3", "ra-string#0..49", "ra-chain-2"]) assert.equal(validateSetting("defaultVariants", [ok]), undefined, ok);
  for (const bad of ["Gold", "ra-string#", "ra-string#0..", "#3", "ra string"]) assert.match(validateSetting("defaultVariants", [bad]) ?? "", /variant keys/, bad);
});

test("study settings: 0 and [] mean the study's defaults; values become study options; bad ones are named", () => {
  assert.deepEqual(readSettings(cfg({}), true).study, { draws: 50 });
  const s = readSettings(
    cfg({ "study.seeds": { globalValue: 3 }, "study.queries": { globalValue: 8 }, "study.k": { globalValue: 16 }, "study.kCurve": { globalValue: [8, 0, 16, 8] }, "study.draws": { globalValue: 5 } }),
    true,
  );
  assert.deepEqual(s.study, { seeds: [1, 2, 3], queries: 8, k: 16, kCurve: [0, 8, 16], draws: 5 });
  assert.deepEqual(s.problems, []);
  const bad = readSettings(cfg({ "study.seeds": { globalValue: -1 }, "study.kCurve": { globalValue: [4, "x"] }, "study.draws": { globalValue: 1.5 } }), true);
  assert.equal(bad.problems.length, 3);
  assert.ok(bad.problems.every((p) => /^iclProbe\.study\.(seeds|kCurve|draws) /.test(p)));
  assert.deepEqual(bad.study, { draws: 50 });
});
