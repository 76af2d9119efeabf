// The served-model settings (iclProbe.remote.*): one spec from url + model, validation, defaults,
// and the workspace-trust rule (a workspace must not choose where prompts and keys are sent).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSettings, type ConfigInspect, type ConfigLike } from "../../src/extension/settings";
import { DEFAULT_CONCURRENCY, DEFAULT_CONFIRM_ABOVE_TOKENS, DEFAULT_TIMEOUT_MS } from "../../src/remote/spec";

function cfg(values: Record<string, ConfigInspect<unknown>>): ConfigLike {
  return { inspect: <T>(k: string) => values[k] as ConfigInspect<T> | undefined };
}

test("remote.url + remote.model make the spec; defaults for concurrency, timeout and the confirmation threshold", () => {
  const s = readSettings(cfg({ "remote.url": { globalValue: "http://gpu1:8000/v1" }, "remote.model": { globalValue: "meta-llama/Llama-2-70b-hf" } }), true);
  assert.equal(s.remoteSpec, "http://gpu1:8000/v1#meta-llama/Llama-2-70b-hf");
  assert.deepEqual([s.remoteConcurrency, s.remoteTimeoutSeconds, s.remoteConfirmAboveTokens], [DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS / 1000, DEFAULT_CONFIRM_ABOVE_TOKENS]);
  assert.deepEqual(s.problems, []);
  assert.equal(readSettings(cfg({}), true).remoteSpec, undefined);
});

test("an invalid server URL or bound is reported with the setting's name; no spec", () => {
  const s = readSettings(cfg({ "remote.url": { globalValue: "http://user:secret@gpu1:8000/v1" }, "remote.concurrency": { globalValue: 0 }, "remote.timeoutSeconds": { globalValue: 1.5 } }), true);
  assert.equal(s.remoteSpec, undefined);
  assert.equal(s.problems.length, 3);
  assert.ok(s.problems.some((p) => p.startsWith("iclProbe.remote.url") && p.includes("credentials") && !p.includes("secret")));
  assert.ok(s.problems.some((p) => p.startsWith("iclProbe.remote.concurrency")));
  assert.equal(s.remoteConcurrency, DEFAULT_CONCURRENCY);
});

test("untrusted workspace: a workspace server URL is ignored, the user's is kept", () => {
  const ws = { "remote.url": { workspaceValue: "http://evil.example:80/v1" } };
  assert.equal(readSettings(cfg(ws), false).remoteSpec, undefined);
  assert.equal(readSettings(cfg({ "remote.url": { workspaceValue: "http://evil.example:80/v1", globalValue: "http://127.0.0.1:8000" } }), false).remoteSpec, "http://127.0.0.1:8000");
});

test("package.json declares the remote settings machine-scoped with the code's defaults, and the key command", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props["iclProbe.remote.url"].scope, "machine");
  assert.equal(props["iclProbe.remote.model"].scope, "machine");
  assert.equal(props["iclProbe.remote.concurrency"].default, DEFAULT_CONCURRENCY);
  assert.equal(props["iclProbe.remote.timeoutSeconds"].default, DEFAULT_TIMEOUT_MS / 1000);
  assert.equal(props["iclProbe.remote.confirmAboveTokens"].default, DEFAULT_CONFIRM_ABOVE_TOKENS);
  assert.ok(pkg.contributes.commands.some((c: { command: string }) => c.command === "iclProbe.setServerApiKey"));
});
