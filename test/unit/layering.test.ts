// src/core must stay pure: no editor API and no native engine, so it runs everywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { at } from "../support/at";

const root = join(__dirname, "..", "..", "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const forbidden = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](vscode|node-llama-cpp|@node-llama-cpp\/[^"']*|node:fs|fs|node:child_process|child_process)["']/;

test("src/core imports neither vscode, node-llama-cpp, fs nor child_process", () => {
  const files = tsFiles(join(root, "src", "core"));
  assert.ok(files.length > 0, "src/core has no files");
  const offenders = files.filter((f) => forbidden.test(readFileSync(f, "utf8")));
  assert.deepEqual(offenders, []);
});

test("the layering rule detects an offending import", () => {
  assert.ok(forbidden.test(`import * as vscode from "vscode";`));
  assert.ok(forbidden.test(`const m = await import("node-llama-cpp");`));
  assert.ok(!forbidden.test(`import { x } from "./vscodeish";`));
});

// Which layers each layer may import (docs/ARCHITECTURE.md): dependencies point downwards only.
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  gguf: [],
  node: ["core"],
  engine: ["core", "gguf", "node"],
  remote: ["core", "engine"],
  shared: ["core"],
  report: ["core", "shared"],
  runner: ["core", "engine", "node", "report"],
  cli: ["core", "engine", "node", "remote", "report", "runner"],
  extension: ["core", "engine", "node", "remote", "report", "runner", "shared"],
  webview: ["core", "shared"],
};

/** The layer of a file: its folder under src/, or "webview". */
function layerOf(file: string): string | undefined {
  const rel = file.slice(root.length + 1).split(/[\\/]/);
  if (rel[0] === "webview") return "webview";
  return rel[0] === "src" ? rel[1] : undefined;
}

/** Relative imports of a file (static, dynamic and type-only), resolved to the layers they reach. */
function importedLayers(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, "utf8").matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
    const layer = layerOf(join(file, "..", at(m, 1)));
    if (layer) out.push(layer);
  }
  return out;
}

test("layers import only the layers below them (no cycles between report and runner, no upward imports)", () => {
  const files = [...tsFiles(join(root, "src")), ...tsFiles(join(root, "webview"))];
  const offences: string[] = [];
  for (const f of files) {
    const own = layerOf(f)!;
    const allowed = MAY_IMPORT[own];
    assert.ok(allowed, `no layer rule for ${own} (${f}): add it to MAY_IMPORT and to docs/ARCHITECTURE.md`);
    for (const l of importedLayers(f)) if (l !== own && !allowed.includes(l)) offences.push(`${f.slice(root.length + 1)} (${own}) imports ${l}`);
  }
  assert.deepEqual(offences, []);
});

test("the layer rule sees an upward import", () => {
  const f = join(root, "src", "report", "x.ts");
  assert.deepEqual(
    [...`import { writeFileAtomic } from "../runner/checkpoint";`.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => layerOf(join(f, "..", at(m, 1)))),
    ["runner"],
  );
  assert.ok(MAY_IMPORT.report?.includes("runner") === false, "report is listed and may not import runner");
});
