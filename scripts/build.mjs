// Build: tsc type-checks and emits out/ (what the tests and the CLI run); esbuild bundles
// dist/ (what the VSIX ships). node-llama-cpp is ESM-only with top-level await and its
// maintainers do not support bundling it, so it stays external and is loaded with import().
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
// tsc never deletes outputs: a renamed or deleted module (verdicts.ts -> verdicts/index.ts) would
// leave a stale .js that Node resolves first, and a deleted test would still run. Clear what tsc
// emits; out/lexicon.json (built below, cached by mtime) stays.
for (const entry of existsSync(join(root, "out")) ? readdirSync(join(root, "out")) : []) {
  if (entry !== "lexicon.json") rmSync(join(root, "out", entry), { recursive: true, force: true });
}
execFileSync(process.execPath, [tsc, "-p", root], { stdio: "inherit" });

// docs/results.schema.json is derived from the one definition of the results file
// (src/core/results/schema.ts); test/unit/results.test.ts fails when the committed copy differs.
{
  const { ResultsFileSchema } = createRequire(import.meta.url)(join(root, "out", "src", "core", "results", "schema.js"));
  const doc = join(root, "docs", "results.schema.json");
  const text = JSON.stringify(ResultsFileSchema, null, 2) + "\n";
  if (!existsSync(doc) || readFileSync(doc, "utf8") !== text) writeFileSync(doc, text);
}

const external = ["vscode", "node-llama-cpp", "@node-llama-cpp/*"];
// jsonc-parser's "main" is a UMD build whose internal require() calls esbuild cannot follow;
// its ES module build bundles cleanly.
const alias = { "jsonc-parser": "jsonc-parser/lib/esm/main.js" };
const nodeEntries = {
  extension: "src/extension/extension.ts",
  worker: "src/engine/worker.ts",
  cli: "src/cli/main.ts",
  // The model downloader runs node-llama-cpp's downloader in its own child (ESM + native).
  downloadChild: "src/extension/downloadChild.ts",
};
const present = Object.fromEntries(Object.entries(nodeEntries).filter(([, p]) => existsSync(join(root, p))));
if (Object.keys(present).length > 0) {
  await build({
    absWorkingDir: root,
    entryPoints: present,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outdir: "dist",
    external,
    alias,
    sourcemap: true,
    logLevel: "warning",
  });
}
const webEntries = { panel: "webview/panel/main.ts", sidebar: "webview/sidebar/main.ts" };
const webPresent = Object.fromEntries(Object.entries(webEntries).filter(([, p]) => existsSync(join(root, p))));
if (Object.keys(webPresent).length > 0) {
  await build({
    absWorkingDir: root,
    entryPoints: webPresent,
    bundle: true,
    platform: "browser",
    target: "es2022",
    format: "esm",
    outdir: "dist/webview",
    sourcemap: true,
    logLevel: "warning",
  });
}
// The webview loads the toolkit as a module script from media/ (see docs/ARCHITECTURE.md).
mkdirSync(join(root, "media", "vendor"), { recursive: true });
cpSync(join(root, "node_modules", "@vscode", "webview-ui-toolkit", "dist", "toolkit.min.js"), join(root, "media", "vendor", "toolkit.min.js"));
(await import("./build-lexicon.mjs")).buildLexicon(); // WordNet table for the natural-g variants -> out/lexicon.json, dist/lexicon.json
