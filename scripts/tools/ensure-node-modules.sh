#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing or older than package-lock.json (idempotent).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
stamp=node_modules/.labbook-lock-sha
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -d node_modules ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "[node_modules] up to date"
  exit 0
fi
if [ -d node_modules ] && [ ! -f "$stamp" ] && [ -f node_modules/.package-lock.json ] \
   && [ ! package-lock.json -nt node_modules/.package-lock.json ] && [ ! package.json -nt node_modules/.package-lock.json ]; then
  echo "$want" > "$stamp"
  echo "[node_modules] up to date"
  exit 0
fi
echo "[node_modules] npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
