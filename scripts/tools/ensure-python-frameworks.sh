#!/usr/bin/env bash
# A Python virtual environment with the ML frameworks the SDK's helpers are tested against for real:
# PyTorch, Lightning, Keras (torch backend), Hugging Face Transformers + Accelerate, TensorBoard,
# Optuna and Ray Tune. Lives in <tools>/pyenv (LABBOOK_TOOLS, default <repo>/.tools, gitignored) and
# is reused while it holds the same package list. pip uses the machine's own configuration: where
# that names package indexes, only those are asked (no slow retries of unreachable ones).
# Prints the interpreter's path last. Env: LABBOOK_PYTHON (the python3 to make the venv with).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${LABBOOK_TOOLS:-$REPO/.tools}"
VENV="$TOOLS/pyenv"
PY="${LABBOOK_PYTHON:-python3}"
PACKAGES=(torch lightning keras transformers accelerate tensorboard optuna "ray[tune]")
say() { echo "[ensure-python-frameworks] $*" >&2; }

want="${PACKAGES[*]} / $("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.labbook-ok" 2>/dev/null)" = "$want" ]; then
  say "present: $VENV"
  echo "$VENV/bin/python"
  exit 0
fi

rm -rf "$VENV"
mkdir -p "$TOOLS"
"$PY" -m venv "$VENV"
args=(--quiet --disable-pip-version-check)
# Indexes the machine's pip configuration names: ask exactly those (the first as the index).
extra="$("$VENV/bin/python" -m pip config get global.extra-index-url 2>/dev/null || true)"
if [ -n "$extra" ]; then
  read -r -a urls <<<"$extra"
  args+=(--index-url "${urls[0]}")
  for u in "${urls[@]:1}"; do args+=(--extra-index-url "$u"); done
fi
say "installing ${PACKAGES[*]} (a few minutes, about 2 GB)"
start=$(date +%s)
"$VENV/bin/python" -m pip install "${args[@]}" "${PACKAGES[@]}" >"$TOOLS/pyenv-install.log" 2>&1 || {
  tail -n 30 "$TOOLS/pyenv-install.log" >&2; say "pip install failed (log: $TOOLS/pyenv-install.log)"; exit 1; }
KERAS_BACKEND=torch "$VENV/bin/python" -c 'import torch, lightning, keras, transformers, accelerate, tensorboard, optuna, ray.tune' >&2
echo "$want" >"$VENV/.labbook-ok"
say "installed in $(( $(date +%s) - start ))s: $VENV"
echo "$VENV/bin/python"
