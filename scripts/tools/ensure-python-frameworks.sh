#!/usr/bin/env bash
# Debian's PyTorch for the framework tests (a real training run through the SDK's PyTorch helper).
# Installs python3-torch for /usr/bin/python3 with apt when it is missing and this is root; elsewhere
# it only says what it found, and the framework tests skip (unless LABBOOK_REQUIRE_TORCH=1).
set -uo pipefail
say() { echo "[ensure-python-frameworks] $*"; }
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  say "torch present: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "installing python3-torch (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  if apt-get install -y -qq python3-torch python3-numpy >/dev/null; then
    say "torch installed: $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
    exit 0
  fi
  say "apt-get could not install python3-torch"
fi
if [ "${LABBOOK_REQUIRE_TORCH:-0}" = "1" ]; then
  say "torch is required (LABBOOK_REQUIRE_TORCH=1) but missing"
  exit 1
fi
say "torch not available: the framework tests will skip"
