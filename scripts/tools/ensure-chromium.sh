#!/usr/bin/env bash
# Chromium for the browser tests (integration and e2e tiers drive the code-server workbench through
# it; the demo does not need it). Debian's chromium package with apt (about 100 MB download,
# 350 MB installed), unless it is there already. Env: LABBOOK_CHROMIUM (default /usr/bin/chromium).
set -euo pipefail
CHROMIUM="${LABBOOK_CHROMIUM:-/usr/bin/chromium}"
log() { echo "[ensure-chromium] $*"; }
if [ -x "$CHROMIUM" ]; then
  log "chromium present: $("$CHROMIUM" --version 2>/dev/null | head -1)"
  exit 0
fi
if [ -n "${LABBOOK_CHROMIUM:-}" ]; then log "LABBOOK_CHROMIUM=$CHROMIUM is not executable"; exit 1; fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi
log "apt-get install chromium"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] || { log "chromium install failed"; exit 1; }
log "chromium installed: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
