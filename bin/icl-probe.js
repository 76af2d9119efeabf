#!/usr/bin/env node
// icl-probe command-line shim: runs the bundled CLI (dist/cli.js) or, in a checkout built with tsc
// only, the compiled one (out/src/cli/main.js). `npm run build` produces both.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const root = join(__dirname, "..");
const candidates = [join(root, "dist", "cli.js"), join(root, "out", "src", "cli", "main.js")];
const entry = candidates.find((p) => existsSync(p));
if (!entry) {
  process.stderr.write("icl-probe: not built yet; run `npm run build` first (looked for dist/cli.js and out/src/cli/main.js)\n");
  process.exit(1);
}
const { main } = require(entry);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`icl-probe: ${(e && e.stack) || e}\n`);
    process.exitCode = 1;
  },
);
