// src/core must stay pure: no editor API and no native engine, so it runs everywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

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
