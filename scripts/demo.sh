#!/usr/bin/env bash
# Labbook demo: makes demo-workspace/ with real training runs plus one live run, and opens it in
# VS Code with the extension and a small start-up helper (scripts/demo-extension) that shows the
# Labbook view and the live run's panel:
#   - desktop VS Code (`code` on PATH and a display): an Extension Development Host window;
#   - otherwise code-server in the browser on http://127.0.0.1:${LABBOOK_PORT:-8080}, with the
#     extension installed from labbook.vsix (`npm run package`), as users install it. The first
#     time, Node 24 and code-server are installed into .tools/ (scripts/tools/ensure-code-server.sh).
# Ctrl-C stops the server and the live run. LABBOOK_DEMO_WEB=1 forces the browser variant.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
WS="$REPO/demo-workspace"
PORT="${LABBOOK_PORT:-8080}"
PIDFILE="$WS/labbook/.demo-live.pid"
T0=$(date +%s)

say() { echo "[demo] $*"; }

stop_live() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid="$(tr -dc 0-9 <"$PIDFILE")"
  # Only our own live run: a train.py process with that pid.
  if [ -n "$pid" ] && grep -qa "train.py" "/proc/$pid/cmdline" 2>/dev/null; then
    say "stopping the live run (pid $pid)"
    kill "$pid" 2>/dev/null || true
  fi
}

has_display() {
  [ "$(uname -s)" = "Darwin" ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}
DESKTOP=0
if [ "${LABBOOK_DEMO_WEB:-0}" != "1" ] && command -v code >/dev/null 2>&1 && has_display; then DESKTOP=1; fi

bash scripts/tools/ensure-node-modules.sh
# Everything that can fail or take long comes before the live run starts.
if [ "$DESKTOP" = 1 ]; then
  say "building the extension"
  npm run --silent build
else
  bash scripts/tools/ensure-code-server.sh
  say "packaging the extension (labbook.vsix)"
  npm run --silent package >/dev/null
  node test/support/build.mjs >/dev/null
fi
trap 'stop_live' EXIT
trap 'exit 130' INT TERM
say "making the demo workspace"
python3 demo/make_demo.py "$WS" --live
# Next to them, what other trackers left in real projects (read-only; Labbook reads them in place).
FIX="$REPO/test/fixtures/trackers"
copy_once() { [ -e "$WS/$2" ] || { mkdir -p "$(dirname "$WS/$2")"; cp -a "$FIX/$1" "$WS/$2"; }; }
copy_once mlflow-files/ultralytics-boat/runs/mlflow mlruns
copy_once tensorboard/lightning-lstm/lightning_logs lightning_logs
copy_once dvclive/eda-stress-keras/dvclive dvclive
copy_once wandb/reversal-gpt/wandb wandb

if [ "$DESKTOP" = 1 ]; then
  say "opening desktop VS Code with the extension from $REPO"
  code --extensionDevelopmentPath="$REPO" --extensionDevelopmentPath="$REPO/scripts/demo-extension" "$WS"
  say "the live run keeps logging to $WS/labbook; press Ctrl-C to stop it"
  while [ -f "$PIDFILE" ] && grep -qa "train.py" "/proc/$(tr -dc 0-9 <"$PIDFILE")/cmdline" 2>/dev/null; do sleep 2; done
  say "the live run has ended"
  exit 0
fi

say "starting code-server on 127.0.0.1:$PORT ($(( $(date +%s) - T0 ))s since the start)"
node out/harness/support/serve.js "$WS" "$PORT"
