// Runs the compiled tests with Node's built-in runner so CI reads its pass/fail summary.
// Model-free tests live in out/test/unit, model-dependent ones in out/test/model (they skip
// with a printed reason when ../shared/models is absent). `npm test -- unit` runs one group.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const groups = process.argv.slice(2);
const dirs = (groups.length ? groups : ["unit", "model"]).map((g) => join(root, "out", "test", g)).filter(existsSync);
const env = { ...process.env };
env.ICL_SHARED_MODELS ??= resolve(root, "..", "shared", "models");
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=1", "--test-reporter=spec", ...dirs], { stdio: "inherit", env, cwd: root });
process.exit(r.status ?? 1);
