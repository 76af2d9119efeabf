// `npm run bench:against -- <commit> [rounds]`: the engine benchmark of this tree against the same
// benchmark of an earlier commit, on the same machine, in alternating runs (old, new, old, new,
// ...) so that drift in the machine's load hits both. This is how "exact mode is N x faster than
// before issue 11" is measured: the old scorer no longer exists in this tree, so one bench run
// cannot time both. The old commit is checked out as a detached worktree in the temp folder,
// installed with `npm ci` and built once (kept for later runs). Both sides run exact mode only,
// without label tasks or the reuse loop; the ICL_BENCH_* switches given here (for example
// ICL_BENCH_QUERIES=8 ICL_BENCH_MODELS=smollm-135m-q8) go to both. Prints each run's seconds per
// model and the ratio of the medians; writes bench-results/against-<commit>.json.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [commitArg, roundsArg] = process.argv.slice(2);
if (!commitArg) {
  console.error("usage: npm run bench:against -- <commit> [rounds (default 2)]");
  process.exit(2);
}
const rounds = Number(roundsArg ?? 2);
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`rounds must be a positive integer, not ${JSON.stringify(roundsArg)}`);
  process.exit(2);
}
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
let commit;
try {
  commit = git("rev-parse", "--verify", `${commitArg}^{commit}`);
} catch {
  console.error(`${commitArg} is not a commit of this repository (git rev-parse failed).`);
  process.exit(2);
}
const short = commit.slice(0, 7);
const old = join(tmpdir(), `icl-probe-bench-against-${short}`);
const run = (cwd, cmd, args, env = process.env) => execFileSync(cmd, args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
if (!existsSync(join(old, "package.json"))) {
  console.log(`checking out ${short} in ${old}`);
  git("worktree", "add", "--detach", old, commit);
}
if (!existsSync(join(old, "out", "bench", "engine.bench.js"))) {
  console.log(`installing and building ${short} (npm ci, npm run build)`);
  run(old, "npm", ["ci", "--no-audit", "--no-fund"]);
  run(old, "npm", ["run", "build"]);
}
console.log("building this tree");
run(root, "npm", ["run", "build"]);

const env = { ...process.env, ICL_BENCH_MODES: "exact", ICL_BENCH_TASKS: "0", ICL_BENCH_REUSE: "0" };
/** Seconds and queries per model from a tree's bench-results/latest.json (older benches key models without the mode). */
function figures(dir) {
  const perModel = JSON.parse(readFileSync(join(dir, "bench-results", "latest.json"), "utf8")).results.engine.perModel;
  const out = {};
  for (const [key, f] of Object.entries(perModel)) out[key.split("/")[0]] = { seconds: f.seconds, queries: f.queries };
  return out;
}
const runs = { old: [], new: [] };
for (let r = 0; r < rounds; r++)
  for (const [side, dir] of [
    ["old", old],
    ["new", root],
  ]) {
    console.log(`\n--- round ${r + 1}, ${side === "old" ? short : "this tree"} ---`);
    run(dir, "node", ["scripts/bench.mjs", "engine"], env);
    runs[side].push(figures(dir));
  }
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = {};
console.log(`\nexact mode, this tree against ${short} (${rounds} alternating rounds):`);
for (const model of Object.keys(runs.new[0] ?? {})) {
  const o = runs.old.map((x) => x[model]?.seconds).filter((x) => x !== undefined);
  const n = runs.new.map((x) => x[model].seconds);
  if (!o.length) {
    console.log(`  ${model}: not run by ${short}`);
    continue;
  }
  const queries = { old: runs.old[0][model].queries, new: runs.new[0][model].queries };
  const ratio = median(o) / median(n);
  summary[model] = { oldSeconds: o, newSeconds: n, queries, speedup: ratio };
  console.log(`  ${model}: ${short} ${o.map((s) => s.toFixed(1)).join(", ")} s; this tree ${n.map((s) => s.toFixed(1)).join(", ")} s; ${queries.new} queries; ${ratio.toFixed(2)}x faster (medians)`);
  if (queries.old !== queries.new) console.log(`    (the two benches scored different numbers of queries: ${queries.old} vs ${queries.new})`);
}
mkdirSync(join(root, "bench-results"), { recursive: true });
writeFileSync(join(root, "bench-results", `against-${short}.json`), JSON.stringify({ date: new Date().toISOString(), commit, rounds, summary }, null, 2));
console.log(`wrote bench-results/against-${short}.json`);
