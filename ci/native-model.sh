#!/usr/bin/env bash
# Model-checks the native core's sleep/wake protocol (native/model/wake.pml) with Spin.
# Usage: bash ci/native-model.sh [--full]
#   default: exhaustive safety checks of every scenario (no entry runs twice; when nothing can move
#            any more, nothing is stranded) plus the "must fail" variants that drop one fence or
#            re-check each: spin has to find the lost wake-up there, or the model proves nothing.
#   --full:  also searches for livelocks (non-progress cycles under weak fairness); minutes.
# Installs Spin from Debian (package "spin") when it is missing. Scratch files go to a temp dir.
# docs/native-core.md describes the model, its abstraction and the verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
model="$PWD/native/model/wake.pml"
full=0
[ "${1:-}" = "--full" ] && full=1

if ! command -v spin >/dev/null 2>&1; then
  echo "spin not found: installing the Debian package"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q spin >/dev/null; else sudo apt-get install -y -q spin >/dev/null; fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# check NAME EXPECT DEFINES...: EXPECT is "pass" or "fail".
failures=0
check() {
  local name="$1" expect="$2"
  shift 2
  spin -a "$@" "$model" >spin.log 2>&1 || { cat spin.log; echo "FAIL $name: spin could not parse the model"; failures=$((failures + 1)); return; }
  gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=4096 -o pan pan.c
  local out errors
  out="$(./pan -m200000 2>&1 || true)"
  errors="$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)"
  if grep -q "reached -DMEMLIM bound\|max search depth too small" <<<"$out"; then
    echo "FAIL $name: search incomplete"; failures=$((failures + 1)); return
  fi
  local states
  states="$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' <<<"$out" | head -1)"
  if [ "$expect" = pass ] && [ "$errors" = 0 ]; then
    echo "ok   $name: no violation in $states states"
  elif [ "$expect" = fail ] && [ -n "$errors" ] && [ "$errors" != 0 ]; then
    echo "ok   $name: violation found as expected ($(grep -m1 -o 'assertion violated.*\|invalid end state.*' <<<"$out" || echo error))"
  else
    echo "FAIL $name: expected $expect, got errors=$errors"; echo "$out" | tail -20; failures=$((failures + 1))
  fi
}

# Scenarios (wake.pml's header). Scheduler count drives the state space: 3 schedulers ~10M states.
R1="-DNS=1 -DLOCAL0=0 -DPROD0=3"              # remote hand-offs, three producers, inject queue spills
R2="-DNS=2 -DLOCAL0=0 -DPROD0=2"              # remote hand-offs with an idle thief (--full: ~15M states)
L="-DNS=3 -DLOCAL0=2 -DPROD0=0 -DSTUCK"       # local pushes on a stuck scheduler, two idle thieves
M="-DNS=2 -DLOCAL0=2 -DPROD0=1"               # both on two schedulers
check "remote hand-offs, spills" pass $R1
check "local pushes, stuck owner, two thieves" pass $L
check "mixed, stuck owner" pass $M -DSTUCK
check "mixed, owner never stuck" pass $M
check "without sp_park's fence" fail $R1 -DNO_PARK_FENCE
check "without sp_push_remote's fence" fail $R1 -DNO_PUSH_FENCE
check "without sp_push_local's fence" fail $L -DNO_LOCAL_FENCE
check "without the steal re-check in sp_park" fail $L -DNO_STEAL_RECHECK

if [ "$full" = 1 ]; then
  check "remote hand-offs with an idle thief" pass $R2
  spin -a $M -DSTUCK "$model" >/dev/null
  gcc -O2 -w -DNP -DNFAIR=4 -DCOLLAPSE -DMEMLIM=8192 -o pan pan.c
  out="$(./pan -m200000 -l -f 2>&1 || true)"
  if grep -q "errors: 0" <<<"$out" && ! grep -q "MEMLIM bound" <<<"$out"; then
    echo "ok   livelock search (non-progress cycles, weak fairness), mixed scenario"
  else
    echo "FAIL livelock search"; echo "$out" | tail -20; failures=$((failures + 1))
  fi
fi

if [ "$failures" != 0 ]; then
  echo "native-model: $failures check(s) failed"
  exit 1
fi
echo "native-model: all checks passed"
