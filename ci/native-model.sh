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
  gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=6144 -o pan pan.c
  local out errors
  out="$(./pan -m1000000 2>&1 || true)"
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

# Scenarios (wake.pml's header). The scheduler count drives the state space.
R="-DNS=1 -DLOCAL0=0 -DPROD0=3"                         # remote hand-offs, three producers, inject queue spills
L="-DNS=3 -DLOCAL0=2 -DPROD0=0 -DTO1=0 -DSTUCK"         # local pushes on a stuck scheduler, two idle thieves
M="-DNS=2 -DLOCAL0=2 -DPROD0=1"                         # local and remote, an idle thief, a bound... see below
S="-DNS=2 -DLOCAL0=1 -DPROD0=1 -DTO1=0 -DSTUCK"         # stall: the thief must rescue what is pushed to a stuck owner
S2="-DNS=2 -DLOCAL0=0 -DPROD0=2 -DTO1=0 -DSTUCK"        # stall after waking: the push must recruit a watcher
B="-DNS=2 -DLOCAL0=1 -DPROD0=0 -DBOUND0=2 -DTO1=0 -DSTUCK"  # bound entries of a stuck owner stay; never stolen
check "remote hand-offs, spills" pass $R
check "local pushes, stuck owner, two thieves" pass $L
check "mixed, owner never stuck" pass $M
check "bound entries, stuck owner" pass $B
check "without sp_park's fence" fail $R -DNO_PARK_FENCE
check "without sp_push_remote's fence" fail $R -DNO_PUSH_FENCE
check "without sp_push_local's fence" fail $L -DNO_LOCAL_FENCE
check "without the steal re-check in sp_park" fail $L -DNO_STEAL_RECHECK
check "without the watcher" fail $S -DNO_WATCHER
check "without recruiting a watcher" fail $S2 -DNO_RECRUIT
check "thieves popping the inject queue without the CAS" fail $S -DTHIEF_POP_SINGLE

if [ "$full" = 1 ]; then
  check "stall: rescue from a stuck owner (~40M states)" pass $S
  check "stall after waking: recruiting a watcher" pass $S2
  check "mixed, stuck owner" pass $M -DSTUCK
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
