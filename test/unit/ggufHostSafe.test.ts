// The extension host reads model files through the one pre-check (engine/ggufCheck.ts, which
// uses node-llama-cpp's readGgufFileInfo): that must never load node-llama-cpp's native addon,
// which may abort the process on a bad file. Checked in a child process: after describing the
// embedded model, no native module (.node) or llama/ggml library is mapped into it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");
const why = process.platform !== "linux" ? "reads /proc/self/maps (Linux only)" : undefined;

test("describing a GGUF file in the host loads no native part of node-llama-cpp", { skip: why }, () => {
  const check = join(root, "out", "src", "engine", "ggufCheck.js");
  const model = join(root, "models", "icl-toy.gguf");
  assert.ok(existsSync(check) && existsSync(model));
  const script = `
    const { describeGgufFile } = require(${JSON.stringify(check)});
    describeGgufFile(${JSON.stringify(model)}).then((s) => {
      const maps = require("node:fs").readFileSync("/proc/self/maps", "utf8").split("\\n");
      const native = [...new Set(maps.map((l) => l.split(/\\s+/).pop()).filter((p) => /\\.node$|llama|ggml/.test(p)))];
      process.stdout.write(JSON.stringify({ summary: s, native }));
    });`;
  const out = JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { summary: { architecture: string; quantization: string; vocabSize?: number }; native: string[] };
  assert.equal(out.summary.architecture, "llama");
  assert.equal(out.summary.quantization, "F32");
  assert.ok((out.summary.vocabSize ?? 0) > 0);
  assert.deepEqual(out.native, [], "native libraries mapped into the process");
});

test("the check above would see a loaded native addon", { skip: why }, () => {
  // getLlama loads the addon: the same scan then lists it (so an empty list above means something).
  const script = `
    import("node-llama-cpp").then(async (m) => {
      await m.getLlama({ gpu: false, build: "never" });
      const maps = require("node:fs").readFileSync("/proc/self/maps", "utf8");
      process.stdout.write(String(/\\.node\\n|libllama|libggml/.test(maps)));
    });`;
  assert.equal(execFileSync(process.execPath, ["-e", script], { encoding: "utf8", cwd: root }), "true");
});
