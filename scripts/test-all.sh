#!/usr/bin/env bash
# The one test command (npm test). Runs every step in order and stops at the first failure:
#   deps pydeps build typecheck lint unit python python-frameworks package tools harness integration e2e
# `bash scripts/test-all.sh integration e2e` runs only the named steps (plus what they need).
# Ends with one line `N passed, M failed` summing the test tiers (a failed step that is not a
# test tier counts as one failure).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CI="${CI:-true}"
export NO_COLOR=1 FORCE_COLOR=0 npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Every temporary file of the run (test workspaces, indexes, editor and browser profiles) goes in one
# folder, removed when the run ends: running the tests again and again leaves nothing behind.
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/labbook-tests-XXXXXX")"
chmod 755 "$SCRATCH"  # some hostile tests run a process as an unprivileged user
export TMPDIR="$SCRATCH"
trap 'rm -rf "$SCRATCH"' EXIT

ALL_STEPS=(deps pydeps build typecheck lint unit python python-frameworks package tools harness integration e2e)
if [ "$#" -gt 0 ]; then
  # Selected steps, in the usual order; integration/e2e bring the tools and the compiled harness.
  want=" $* "
  case "$want" in *" integration "*|*" e2e "*) want="$want tools harness " ;; esac
  STEPS=()
  for s in "${ALL_STEPS[@]}"; do
    case "$want" in *" $s "*) STEPS+=("$s") ;; esac
  done
  for s in "$@"; do
    case " ${ALL_STEPS[*]} " in *" $s "*) ;; *) echo "unknown step: $s (steps: ${ALL_STEPS[*]})"; echo "0 passed, 1 failed"; exit 2 ;; esac
  done
else
  STEPS=("${ALL_STEPS[@]}")
fi

LOGDIR=test-results/logs
mkdir -p "$LOGDIR"
PASSED=0
FAILED=0
SUMMARY=()
T0=$(date +%s)

finish() {
  local code=$1
  echo
  echo "==== summary ($(( $(date +%s) - T0 ))s)"
  for line in "${SUMMARY[@]}"; do echo "  $line"; done
  echo "$PASSED passed, $FAILED failed"
  exit "$code"
}

# run_step NAME TIER CMD...   TIER: a tier name whose "TIER: N passed, M failed" line is counted, or "-"
run_step() {
  local name=$1 tier=$2; shift 2
  local log="$LOGDIR/step-$name.log" start rc line p f
  start=$(date +%s)
  echo
  echo "==== $name: $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local secs=$(( $(date +%s) - start ))
  if [ "$tier" != "-" ]; then
    line="$(grep -E "^$tier: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1 || true)"
    if [ -n "$line" ]; then
      p=$(sed -E 's/^[a-z0-9-]+: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")
      f=$(sed -E 's/^[a-z0-9-]+: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
      PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
      SUMMARY+=("$line (${secs}s)")
      if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then
        echo "==== $name ran no test"; FAILED=$((FAILED + 1)); SUMMARY+=("$name: ran no test"); finish 1
      fi
      if [ "$rc" -eq 0 ] && [ "$f" -gt 0 ]; then rc=1; fi
    else
      echo "==== $name printed no '$tier: N passed, M failed' line"
      FAILED=$((FAILED + 1))
      SUMMARY+=("$name: no summary line (exit $rc, ${secs}s)")
      finish 1
    fi
  else
    SUMMARY+=("$name: $([ "$rc" -eq 0 ] && echo ok || echo "FAILED (exit $rc)") (${secs}s)")
  fi
  if [ "$rc" -ne 0 ]; then
    echo "==== $name FAILED (exit $rc) after ${secs}s; log: $log"
    if [ "$tier" = "-" ]; then FAILED=$((FAILED + 1)); fi
    finish 1
  fi
  echo "==== $name ok (${secs}s)"
}

for step in "${STEPS[@]}"; do
  case "$step" in
    deps)        run_step deps - bash scripts/tools/ensure-node-modules.sh ;;
    pydeps)
      # A venv with the ML frameworks (torch, Lightning, Keras, Transformers, Optuna, Ray): the SDK's
      # framework helpers are tested for real. Required where LABBOOK_REQUIRE_FRAMEWORKS=1 (CI).
      if [ "${LABBOOK_REQUIRE_FRAMEWORKS:-0}" = "1" ]; then
        run_step pydeps - bash scripts/tools/ensure-python-frameworks.sh
      elif ! bash scripts/tools/ensure-python-frameworks.sh >"$LOGDIR/step-pydeps.log" 2>&1; then
        echo "==== pydeps: the framework venv could not be made; framework tests will skip (log: $LOGDIR/step-pydeps.log)"
        SUMMARY+=("pydeps: no framework venv (framework tests skip)")
      fi
      FW_PY="$(tail -n 1 "$LOGDIR/step-pydeps.log" 2>/dev/null || true)"
      if [ -x "$FW_PY" ]; then export LABBOOK_FRAMEWORK_PYTHON="$FW_PY"; else unset LABBOOK_FRAMEWORK_PYTHON; fi ;;
    build)       run_step build - npm run --silent build ;;
    typecheck)   run_step typecheck - bash -c 'npm run --silent typecheck && npx --no-install tsc --noEmit -p tsconfig.test.json' ;;
    lint)        run_step lint - npm run --silent lint ;;
    unit)        run_step unit unit npm run --silent test:unit ;;
    # The plain interpreter: framework tests skip here (they run for real in python-frameworks).
    python)      run_step python python env -u LABBOOK_REQUIRE_FRAMEWORKS python3 sdk/python/tests/run_tests.py ;;
    python-frameworks)
      # The SDK suite again in the framework venv: Lightning, Keras, Hugging Face and torch helpers for real.
      if [ -n "${LABBOOK_FRAMEWORK_PYTHON:-}" ]; then
        run_step python-frameworks python env LABBOOK_REQUIRE_FRAMEWORKS=1 "$LABBOOK_FRAMEWORK_PYTHON" sdk/python/tests/run_tests.py
      else
        SUMMARY+=("python-frameworks: skipped (no framework venv)")
      fi ;;
    package)     run_step package - npm run --silent package ;;
    tools)       run_step tools - bash -c 'bash scripts/tools/ensure-code-server.sh && bash scripts/tools/ensure-chromium.sh' ;;
    harness)     run_step harness - node test/support/build.mjs ;;
    integration) run_step integration integration timeout -k 10 900 node out/harness/integration/host.js ;;
    e2e)         run_step e2e e2e timeout -k 10 900 node out/harness/e2e/run.js ;;
    *) echo "unknown step: $step (steps: ${ALL_STEPS[*]})"; FAILED=$((FAILED + 1)); finish 2 ;;
  esac
done
finish 0
