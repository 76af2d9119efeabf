// package-lock.json keeps an entry for every node-llama-cpp platform package, including those the
// registry does not serve; without them `npm ci` refuses the lock (LOCKFILE.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

test("package-lock.json has an entry for every node-llama-cpp platform package (npm ci needs them)", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "lock-platform-packages.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; optional?: boolean; os?: string[]; cpu?: string[]; optionalDependencies?: Record<string, string> }>;
  };
  const nlc = lock.packages["node_modules/node-llama-cpp"];
  assert.ok(nlc, "package-lock.json has node-llama-cpp");
  const names = Object.keys(nlc.optionalDependencies ?? {});
  assert.ok(names.length >= 10, `node-llama-cpp lists ${names.length} platform packages`);
  for (const name of names) {
    const e = lock.packages[`node_modules/${name}`];
    assert.ok(e, `package-lock.json has ${name}`);
    assert.equal(e.version, nlc.optionalDependencies![name], name);
    assert.equal(e.optional, true, name);
    assert.ok(e.os?.length && e.cpu?.length, `${name} has os and cpu`);
  }
});
