// `npm run test:e2e`: the real-VS-Code end-to-end tests (docs/E2E.md).
// 1. e2e/install.sh (idempotent; well under a second when everything is in place),
// 2. the build (tsc -> out/, esbuild -> dist/),
// 3. the VSIX (scripts/package-vsix.mjs) for the scenario that installs it,
// 4. node --test on out/test/e2e, one file at a time, so CI reads the runner's summary.
// Arguments filter the scenario files by name: `npm run test:e2e -- smoke probe-run`.
// ICL_E2E_NO_VSIX=1 skips step 3 (the VSIX scenario then skips with a reason);
// ICL_E2E_NO_BUILD=1 skips step 2 (out/ and dist/ are already fresh).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.status !== 0) {
    console.error(`e2e: ${cmd} ${args.join(" ")} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
};

run("bash", [join(root, "e2e", "install.sh")]);
if (!process.env.ICL_E2E_NO_BUILD) run(process.execPath, [join(root, "scripts", "build.mjs")]);
const env = { ...process.env };
env.ICL_SHARED_MODELS ??= resolve(root, "..", "shared", "models");
if (!process.env.ICL_E2E_NO_VSIX) {
  run(process.execPath, [join(root, "scripts", "package-vsix.mjs"), "--no-build"]);
}

const dir = join(root, "out", "test", "e2e");
const filters = process.argv.slice(2);
const files = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => f.endsWith(".test.js"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
  .map((f) => join(dir, f));
if (files.length === 0) {
  console.error(`e2e: no scenario files in ${dir}${filters.length ? ` matching ${filters.join(", ")}` : ""}`);
  process.exit(1);
}
// One scenario at a time: each starts its own code-server and Chromium, and the machine has 2 cores.
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", "--test-timeout=300000", ...files], { stdio: "inherit", cwd: root, env });
process.exit(r.status ?? 1);
