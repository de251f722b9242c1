#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 served to a browser; the last release that runs on
# Node 20) into .tools/code-server, outside the project's package.json: code-server's own postinstall
# downloads things and would break `npm ci` on a machine without internet.
#
# The end-to-end suite drives it through scripts/e2e/code-server-shim when desktop VS Code cannot be
# downloaded. Idempotent: a finished install is recognised by a marker file and left alone.
#
# Usage: scripts/e2e/install-code-server.sh [--force]
set -euo pipefail

version=4.100.3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest=${SAFE_MIGRATIONS_CODE_SERVER_DIR:-$root/.tools/code-server}
pkg=$dest/node_modules/code-server
vscode=$pkg/lib/vscode
marker=$dest/.installed-$version

log() { printf '[install-code-server] %s\n' "$*"; }

if [[ ${1:-} != --force && -f $marker && -f $vscode/out/server-main.js ]]; then
  log "code-server $version already installed in $dest"
  exit 0
fi

# --- system packages: Kerberos headers (the kerberos addon), ripgrep (search), chromium (the page) ---
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    log "missing system packages: ${missing[*]}; install them (sudo apt-get install -y ${missing[*]}) and run again" >&2
    exit 1
  fi
  log "apt-get install ${missing[*]}"
  # A fresh machine has no package lists yet; an install without them finds nothing.
  if ! compgen -G '/var/lib/apt/lists/*_Packages' >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

npm_quiet=(--no-audit --no-fund --loglevel=error)

# --- code-server itself, without its install scripts (they fetch from the internet) ---
mkdir -p "$dest"
rm -f "$marker"
# Its own package.json stops npm from walking up to the project's and installing there.
[[ -f $dest/package.json ]] || printf '{ "name": "code-server-host", "private": true }\n' >"$dest/package.json"
cd "$dest"
log "npm install code-server@$version"
npm install --ignore-scripts "${npm_quiet[@]}" "code-server@$version"
log "npm rebuild argon2"
npm rebuild argon2 "${npm_quiet[@]}"

# --- the bundled VS Code server's own dependencies ---
cd "$vscode"
log "npm install (lib/vscode)"
npm install --omit=dev --ignore-scripts "${npm_quiet[@]}"
# @vscode/ripgrep's postinstall downloads a binary; the system's rg does the same job.
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
log "npm rebuild (lib/vscode native modules)"
npm_config_yes=true npm rebuild "${npm_quiet[@]}"
# The server loads its modules from node_modules.asar in a packaged build.
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh

# --- the built-in extensions' dependencies (TypeScript, Git, ...) ---
cd "$vscode/extensions"
log "npm install (lib/vscode/extensions)"
npm install --omit=dev "${npm_quiet[@]}"

[[ -f $vscode/out/server-main.js ]] || { log "server-main.js missing after install" >&2; exit 1; }
touch "$marker"
log "code-server $version installed in $dest"
