// Adds package-lock.json entries for node-llama-cpp's optional platform packages that the npm
// registry this project installs from does not serve (see LOCKFILE.md). Without them `npm ci`
// refuses the lock ("Missing: @node-llama-cpp/win-x64@ from lock file"), although npm would skip
// those packages anyway: each one is optional and built for another OS or CPU.
//
// Each entry holds only what npm needs to decide that a package does not apply here: `version`,
// `optional: true` and the package's `os` and `cpu` (no `resolved`, no `integrity`). On a machine
// whose registry does serve the package, npm resolves it by name and version as usual.
//
// Run after every change of the node-llama-cpp version: `npm install` then `npm run lock:platforms`.
// `--check` only reports missing entries (exit 1 when there are any).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lockPath = join(root, "package-lock.json");

/**
 * os and cpu of each platform package, as its package.json publishes them (checked against the
 * 3.21.1 and 3.22.1 packages that the registry serves; the Windows, macOS and riscv64 packages
 * are missing here at 3.22.1 and follow the same naming). The name encodes both: a package for
 * another architecture also lists x64 where node-llama-cpp ships it as an emulation fallback.
 */
const PLATFORMS = {
  "linux-arm64": { os: ["linux"], cpu: ["arm64", "x64"] },
  "linux-armv7l": { os: ["linux"], cpu: ["arm", "x64"] },
  "linux-riscv64": { os: ["linux"], cpu: ["riscv64"] },
  "linux-x64": { os: ["linux"], cpu: ["x64"] },
  "linux-x64-cuda": { os: ["linux"], cpu: ["x64"] },
  "linux-x64-cuda-ext": { os: ["linux"], cpu: ["x64"] },
  "linux-x64-vulkan": { os: ["linux"], cpu: ["x64"] },
  "mac-arm64-metal": { os: ["darwin"], cpu: ["arm64", "x64"] },
  "mac-x64": { os: ["darwin"], cpu: ["x64"] },
  "win-arm64": { os: ["win32"], cpu: ["arm64", "x64"] },
  "win-x64": { os: ["win32"], cpu: ["x64"] },
  "win-x64-cuda": { os: ["win32"], cpu: ["x64"] },
  "win-x64-cuda-ext": { os: ["win32"], cpu: ["x64"] },
  "win-x64-vulkan": { os: ["win32"], cpu: ["x64"] },
};

const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const nlc = lock.packages?.["node_modules/node-llama-cpp"];
if (!nlc) throw new Error(`${lockPath} has no node_modules/node-llama-cpp entry: run npm install first`);
const missing = [];
for (const [name, version] of Object.entries(nlc.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const platform = PLATFORMS[name.replace(/^@node-llama-cpp\//, "")];
  if (!platform) throw new Error(`${name} is not in this script's platform table: add its os and cpu from its package.json`);
  missing.push(name);
  lock.packages[key] = { version, os: platform.os, cpu: platform.cpu, optional: true };
}
if (process.argv.includes("--check")) {
  if (missing.length) {
    console.error(`package-lock.json lacks ${missing.length} platform package entr${missing.length === 1 ? "y" : "ies"}: ${missing.join(", ")}; run npm run lock:platforms`);
    process.exit(1);
  }
  console.log("package-lock.json has an entry for every node-llama-cpp platform package");
} else if (missing.length) {
  // Keys sorted as npm writes them, so a later `npm install` does not reorder the file.
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
  writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
  console.log(`added ${missing.length} lock entr${missing.length === 1 ? "y" : "ies"}: ${missing.join(", ")}`);
} else {
  console.log("nothing to add: package-lock.json has every platform package");
}
