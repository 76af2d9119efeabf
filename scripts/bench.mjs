// `npm run bench`: runs every compiled benchmark (out/bench/*.bench.js) in one process, in name
// order. Each module exports `run(): Promise<object>`, prints its own table, and returns figures
// that are merged into bench-results/latest.json under the module's name. Benchmarks report
// ratios measured within the same run; tests never assert timings.
import { mkdirSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "out", "bench");
const only = process.argv.slice(2);
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".bench.js")).sort() : [];
const results = {};
for (const f of files) {
  const name = f.replace(/\.bench\.js$/, "");
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name} ===`);
  const mod = await import(pathToFileURL(join(dir, f)).href);
  const run = mod.run ?? mod.default?.run;
  results[name] = await run();
}
mkdirSync(join(root, "bench-results"), { recursive: true });
writeFileSync(join(root, "bench-results", "latest.json"), JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
console.log(`\nwrote bench-results/latest.json (${Object.keys(results).length} benchmarks)`);
