// The remote backend's parsers on server bodies shaped as vLLM and SGLang document and test them
// (test/fixtures/remote/README.md says where each comes from), so the loopback test server is
// not the only judge of the format. Every test can fail: each asserts exact values read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  errorMessageOf,
  isSglangModelInfo,
  parseModels,
  parseSglangGenerate,
  parseTokenize,
  parseVllmCompletion,
  sglangGenerateRequest,
  vllmCompletionRequest,
  WireError,
} from "../../src/remote/wire";
import { at } from "../support/at";

const dir = join(__dirname, "..", "..", "..", "test", "fixtures", "remote");
const fixture = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8")) as { source: string; request: Record<string, unknown>; response: unknown };

test("vLLM prompt_logprobs: each prompt's positions in choice order, NaN for the first token", () => {
  const f = fixture("vllm-completion-prompt-logprobs.json");
  const seqs = f.request.prompt as number[][];
  const [a, b] = parseVllmCompletion(f.response, seqs);
  assert.ok(a && b, "log-probs for both prompts");
  assert.ok(Number.isNaN(a[0]));
  assert.deepEqual([...a.slice(1)], [-9.123456789, -11.56789]);
  assert.deepEqual([...b.slice(1)], [-4.25, -1.5, -0.0625]);
});

test("vLLM choices are matched by their index, not their order", () => {
  const f = fixture("vllm-completion-prompt-logprobs.json");
  const body = f.response as { choices: unknown[] };
  const swapped = { ...body, choices: [body.choices[1], body.choices[0]] };
  const [a, b] = parseVllmCompletion(swapped, f.request.prompt as number[][]);
  assert.ok(a && b, "log-probs for both prompts");
  assert.equal(a[2], -11.56789);
  assert.equal(b[3], -0.0625);
});

test("vLLM echo + logprobs (OpenAI's legacy form) is read from logprobs.token_logprobs", () => {
  const f = fixture("vllm-completion-echo.json");
  const [a] = parseVllmCompletion(f.response, f.request.prompt as number[][]);
  assert.ok(a, "log-probs for the prompt");
  assert.deepEqual([...a.slice(1)], [-4.25, -1.5, -0.0625]);
});

test("a prompt_logprobs entry for another token than the prompt's is malformed", () => {
  const f = fixture("vllm-completion-prompt-logprobs.json");
  const seqs = (f.request.prompt as number[][]).map((s) => [...s]);
  at(seqs, 1)[2] = 767;
  assert.throws(
    () => parseVllmCompletion(f.response, seqs),
    (e: unknown) => e instanceof WireError && e.kind === "malformed" && /token 767/.test(e.message),
  );
});

test("llama.cpp's completion (generated-token log-probs only) is 'unsupported', naming vLLM and SGLang", () => {
  const f = fixture("llamacpp-completion.json");
  assert.throws(
    () => parseVllmCompletion(f.response, f.request.prompt as number[][]),
    (e: unknown) => e instanceof WireError && e.kind === "unsupported" && /llama\.cpp/.test(e.message) && /vLLM/.test(e.message) && /SGLang/.test(e.message),
  );
});

test("SGLang input_token_logprobs are placed on the prompt's last positions and checked token by token", () => {
  const f = fixture("sglang-generate-logprobs.json");
  const seqs = f.request.input_ids as number[][];
  const [a, b] = parseSglangGenerate(f.response, seqs);
  assert.ok(a && b, "log-probs for both inputs");
  assert.deepEqual([...a.slice(0, 4)].map(Number.isNaN), [true, true, true, true]);
  assert.deepEqual([...a.slice(4)], [-3.375, -2.0, -1.25, -0.5]);
  assert.deepEqual([...b.slice(4)], [-7.125, -0.875]);
  const bad = seqs.map((s) => [...s]);
  at(bad, 0)[6] = 2970;
  assert.throws(() => parseSglangGenerate(f.response, bad), /position 6 holds 2970/);
});

test("older SGLang (list starting one position later) aligns from the end too", () => {
  const f = fixture("sglang-generate-logprobs-older.json");
  const [a] = parseSglangGenerate(f.response, f.request.input_ids as number[][]);
  assert.ok(a, "log-probs for the input");
  assert.ok(Number.isNaN(a[4]));
  assert.deepEqual([...a.slice(5)], [-2.0, -1.25, -0.5]);
});

test("SGLang without input_token_logprobs is 'unsupported'", () => {
  assert.throws(
    () => parseSglangGenerate([{ text: "x", meta_info: { prompt_tokens: 3 } }], [[1, 2, 3]]),
    (e: unknown) => e instanceof WireError && e.kind === "unsupported",
  );
});

test("tokenize: vLLM's single list and SGLang's list of lists", () => {
  assert.deepEqual(parseTokenize(fixture("vllm-tokenize.json").response, 1), [[1, 363, 17616, 28740, 851, 349, 264, 1369, 11510, 28723]]);
  assert.deepEqual(parseTokenize(fixture("sglang-tokenize-batch.json").response, 2), [
    [9707, 1879],
    [31712, 3819, 25],
  ]);
  assert.throws(() => parseTokenize({ tokens: [[1], [2]] }, 3), WireError);
  assert.throws(() => parseTokenize({ detail: "Not Found" }, 1), WireError);
});

test("/v1/models: ids and max_model_len", () => {
  assert.deepEqual(parseModels(fixture("vllm-models.json").response), [{ id: "meta-llama/Llama-2-70b-hf", maxModelLen: 4096 }]);
  assert.deepEqual(parseModels({ object: "list", data: [{ id: "m" }] }), [{ id: "m" }]);
});

test("requests ask for raw-distribution log-probs: temperature 1, one generated token, token-id prompts", () => {
  const v = vllmCompletionRequest("m", [[1, 2, 3]]);
  assert.deepEqual([v.prompt, v.prompt_logprobs, v.max_tokens, v.temperature, v.top_p, v.stream], [[[1, 2, 3]], 0, 1, 1, 1, false]);
  const s = sglangGenerateRequest([[1, 2, 3]], [1]);
  assert.deepEqual([s.input_ids, s.logprob_start_len, s.return_logprob, (s.sampling_params as { max_new_tokens: number }).max_new_tokens], [[[1, 2, 3]], [1], true, 1]);
});

test("server error bodies give their message (vLLM and OpenAI shapes)", () => {
  assert.equal(
    errorMessageOf('{"object":"error","message":"This model\'s maximum context length is 4096 tokens.","type":"BadRequestError","param":null,"code":400}'),
    "This model's maximum context length is 4096 tokens.",
  );
  assert.equal(errorMessageOf('{"error":{"message":"bad key","type":"auth"}}'), "bad key");
  assert.equal(errorMessageOf("<html>502 Bad Gateway</html>"), "<html>502 Bad Gateway</html>");
});

// Bodies a real server answered (SGLang's executed documentation notebook, an SGLang pull
// request's curl output), not shaped from the sources: README.md names each.
test("a real SGLang /generate answer without prompt log-probs is refused as unsupported, naming the servers that work (never read as zeros)", () => {
  const f = fixture("sglang-generate-docs.json");
  const meta = (f.response as { meta_info: { prompt_tokens: number } }).meta_info;
  assert.equal(meta.prompt_tokens, 7);
  const seq = Array.from({ length: meta.prompt_tokens }, (_, i) => i + 1);
  assert.throws(
    () => parseSglangGenerate(f.response, [seq]),
    (e: unknown) => e instanceof WireError && e.kind === "unsupported" && /vLLM/.test(e.message) && /SGLang/.test(e.message),
  );
});

test("a real SGLang /get_model_info answer is recognised as SGLang; vLLM's /v1/models body is not", () => {
  assert.equal(isSglangModelInfo(fixture("sglang-get-model-info-docs.json").response), true);
  assert.equal(isSglangModelInfo(fixture("vllm-models.json").response), false);
  assert.equal(isSglangModelInfo({ detail: "Not Found" }), false);
});

test("a real SGLang single-prompt tokenize answer gives its token list (count agrees)", () => {
  const f = fixture("sglang-tokenize-single-pr23981.json");
  const [t] = parseTokenize(f.response, 1);
  assert.ok(t, "the prompt's token list");
  const body = f.response as { count: number; tokens: number[] };
  assert.equal(t.length, body.count);
  assert.deepEqual(t.slice(0, 3), [248045, 8678, 198]);
  assert.throws(() => parseTokenize(f.response, 2), WireError);
});
