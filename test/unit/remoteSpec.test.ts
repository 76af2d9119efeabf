// The remote model spec: API prefixes, /v1, the model after '#', and what is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeSpec, isRemoteSpec, parseRemoteSpec, RemoteSpecError, specFromSettings } from "../../src/remote/spec";
import { parseCommand, UsageError } from "../../src/cli/args";
import { unsupportedOnServer } from "../../src/remote/limits";

test("a vLLM-style URL: /v1 and trailing slashes dropped, model after '#', API detected later", () => {
  assert.deepEqual(parseRemoteSpec("http://gpu1:8000/v1#meta-llama/Llama-2-70b-hf"), { api: "auto", baseUrl: "http://gpu1:8000", host: "gpu1:8000", model: "meta-llama/Llama-2-70b-hf" });
  assert.deepEqual(parseRemoteSpec("https://proxy.example/vllm/v1/"), { api: "auto", baseUrl: "https://proxy.example/vllm", host: "proxy.example", model: undefined });
});

test("vllm+ and sglang+ prefixes choose the API", () => {
  assert.equal(parseRemoteSpec("sglang+http://127.0.0.1:30000#qwen").api, "sglang");
  assert.equal(parseRemoteSpec("VLLM+https://h:1/v1").api, "vllm");
  assert.equal(parseRemoteSpec("sglang+http://h:30000").baseUrl, "http://h:30000");
});

test("percent-encoded model names are decoded", () => {
  assert.equal(parseRemoteSpec("http://h:1#org%2Fmodel%20x").model, "org/model x");
});

test("credentials or a query in the URL are refused, pointing to the key's proper places", () => {
  assert.throws(
    () => parseRemoteSpec("http://user:sk-123@h:8000/v1"),
    (e: unknown) => e instanceof RemoteSpecError && /ICL_PROBE_API_KEY/.test(e.hint) && !e.message.includes("sk-123"),
  );
  assert.throws(() => parseRemoteSpec("http://h:8000/v1?api_key=sk"), RemoteSpecError);
  assert.throws(() => parseRemoteSpec("ftp://h/x"), RemoteSpecError);
  assert.throws(() => parseRemoteSpec("http://"), RemoteSpecError);
});

test("isRemoteSpec tells server specs from GGUF paths", () => {
  assert.ok(isRemoteSpec("http://h:8000/v1#m"));
  assert.ok(isRemoteSpec("sglang+http://h"));
  assert.ok(!isRemoteSpec("models/icl-toy.gguf"));
  assert.ok(!isRemoteSpec("/home/u/http-model.gguf"));
  assert.ok(!isRemoteSpec(undefined));
});

test("settings url + model make one spec; describeSpec shows API, host and model only", () => {
  assert.equal(specFromSettings("http://h:8000/v1", "m"), "http://h:8000/v1#m");
  assert.equal(specFromSettings("http://h:8000/v1#x", "m"), "http://h:8000/v1#x");
  assert.equal(specFromSettings("http://h:8000/v1", " "), "http://h:8000/v1");
  assert.equal(describeSpec(parseRemoteSpec("https://proxy.example/private/path/v1#m"), "vllm"), "vllm+https://proxy.example#m");
});

test("CLI: --concurrency and --timeout for servers, whole numbers >= 1", () => {
  const c = parseCommand(["run", "a.icl.jsonl", "--model", "http://h:8000/v1#m", "--concurrency", "8", "--timeout", "30"]);
  assert.ok(c.cmd === "run" && c.concurrency === 8 && c.timeoutSeconds === 30 && c.model === "http://h:8000/v1#m");
  const d = parseCommand(["run", "a.icl.jsonl"]);
  assert.ok(d.cmd === "run" && !("concurrency" in d) && !("timeoutSeconds" in d));
  assert.throws(
    () => parseCommand(["run", "a", "--concurrency", "0"]),
    (e: unknown) => e instanceof UsageError && /--concurrency/.test(e.message),
  );
  assert.throws(() => parseCommand(["run", "a", "--timeout", "x"]), UsageError);
});

test("token-level variants are named as unsupported on a server; text-level ones pass", () => {
  assert.equal(unsupportedOnServer(["gold", "ra-string", "pa-word", "ra-synonym"]), undefined);
  assert.match(unsupportedOnServer(["gold", "pa-token", "g-linear#2"]) ?? "", /^pa-token, g-linear#2 work on the model's token ids/);
});
