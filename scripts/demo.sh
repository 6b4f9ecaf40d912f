#!/usr/bin/env bash
# Labbook demo: builds the extension, makes demo-workspace/ with real training runs plus one live
# run, and opens it in VS Code with the extension loaded:
#   - desktop VS Code (`code` on PATH and a display): an Extension Development Host window;
#   - otherwise code-server in the browser on http://127.0.0.1:${LABBOOK_PORT:-8080}.
# Ctrl-C stops the server and the live run. LABBOOK_DEMO_WEB=1 forces the browser variant.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
WS="$REPO/demo-workspace"
PORT="${LABBOOK_PORT:-8080}"
PIDFILE="$WS/labbook/.demo-live.pid"

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

bash scripts/tools/ensure-node-modules.sh
say "building the extension"
npm run --silent build
say "making the demo workspace"
python3 demo/make_demo.py "$WS" --live
# Next to them, what other trackers left in real projects (read-only; Labbook reads them in place).
FIX="$REPO/test/fixtures/trackers"
copy_once() { [ -e "$WS/$2" ] || { mkdir -p "$(dirname "$WS/$2")"; cp -a "$FIX/$1" "$WS/$2"; }; }
copy_once mlflow-files/ultralytics-boat/runs/mlflow mlruns
copy_once tensorboard/lightning-lstm/lightning_logs lightning_logs
copy_once dvclive/eda-stress-keras/dvclive dvclive
copy_once wandb/reversal-gpt/wandb wandb
trap 'stop_live' EXIT
trap 'exit 130' INT TERM

has_display() {
  [ "$(uname -s)" = "Darwin" ] || [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]
}

if [ "${LABBOOK_DEMO_WEB:-0}" != "1" ] && command -v code >/dev/null 2>&1 && has_display; then
  say "opening desktop VS Code with the extension from $REPO"
  code --extensionDevelopmentPath="$REPO" "$WS"
  say "the live run keeps logging to $WS/labbook; press Ctrl-C to stop it"
  while [ -f "$PIDFILE" ] && grep -qa "train.py" "/proc/$(tr -dc 0-9 <"$PIDFILE")/cmdline" 2>/dev/null; do sleep 2; done
  say "the live run has ended"
  exit 0
fi

bash scripts/tools/ensure-code-server.sh
node test/support/build.mjs >/dev/null
say "starting code-server on 127.0.0.1:$PORT"
# Install the fresh build (not an older labbook.vsix).
LABBOOK_INSTALL=dist node out/harness/support/serve.js "$WS" "$PORT"
