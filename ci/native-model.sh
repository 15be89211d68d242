#!/usr/bin/env bash
# Model-checks the native core's sleep/wake protocol (native/model/wake.pml) with Spin.
# Usage: bash ci/native-model.sh [--full]
#   default: exhaustive safety checks of the smaller scenarios (no entry runs twice, bound ones only
#            at home; when nothing can move any more, nothing is stranded) plus the "must fail"
#            variants that drop one fence, re-check, rule or CAS each: spin has to find the lost
#            wake-up or the duplicate there, or the model proves nothing. About 2 minutes.
#   --full:  also the stall scenarios (tens of millions of states, hash-compacted), the recruit
#            variant (breadth-first) and a livelock search (non-progress cycles under weak
#            fairness); up to an hour on a loaded 2-core machine.
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

# check NAME EXPECT [pan compile flags --] DEFINES...: EXPECT is "pass" or "fail".
failures=0
check() {
  local name="$1" expect="$2"
  shift 2
  local cflags="-DSAFETY -DCOLLAPSE"
  if [ "${1:-}" = "--pan" ]; then cflags="$2"; shift 3; fi
  spin -a "$@" "$model" >spin.log 2>&1 || { cat spin.log; echo "FAIL $name: spin could not parse the model"; failures=$((failures + 1)); return; }
  # shellcheck disable=SC2086
  gcc -O2 -w $cflags -DMEMLIM=6144 -o pan pan.c
  local out errors states start=$SECONDS
  # shellcheck disable=SC2086
  out="$(./pan -m1000000 ${PANRUN:-} 2>&1 || true)"
  errors="$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)"
  states="$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' <<<"$out" | head -1)"
  if [ "$expect" = pass ] && grep -q "reached -DMEMLIM bound\|max search depth too small" <<<"$out"; then
    echo "FAIL $name: search incomplete after $states states"; failures=$((failures + 1)); return
  fi
  if [ "$expect" = pass ] && [ "$errors" = 0 ]; then
    echo "ok   $name: no violation in $states states ($((SECONDS - start)) s)"
  elif [ "$expect" = fail ] && [ -n "$errors" ] && [ "$errors" != 0 ]; then
    echo "ok   $name: violation found as expected after $states states ($(grep -m1 -o 'assertion violated.*\|invalid end state.*' <<<"$out" | cut -c1-60 || echo error))"
  else
    echo "FAIL $name: expected $expect, got errors=$errors after $states states"; echo "$out" | tail -20; failures=$((failures + 1))
  fi
}

# Scenarios (wake.pml's header says what each define does). Scheduler count and watch-timeout
# budget drive the state space: rescue needs two watch periods (a look, then a look that finds the
# poll counter unchanged), so the stall scenarios need TBUDGET=2 and run in --full only.
R="-DNS=1 -DLOCAL0=0 -DPROD0=3"                          # remote hand-offs, three producers, inject spills
L="-DNS=3 -DLOCAL0=2 -DPROD0=0 -DTO1=0 -DSTUCK -DWAKE_ONLY" # wake-to-steal and nsearching, two idle thieves
M="-DNS=2 -DLOCAL0=1 -DPROD0=1 -DTO1=0 -DTBUDGET=1"      # owner and a thief (rescue races, watcher), nobody stuck
S="-DNS=2 -DLOCAL0=1 -DPROD0=1 -DTO1=0 -DSTUCK"          # stall: what is pushed to a stuck owner must be rescued
S2="-DNS=2 -DLOCAL0=0 -DPROD0=2 -DTO1=0 -DSTUCK"         # stall after a wake-up: the push must recruit a watcher
B="-DNS=2 -DLOCAL0=1 -DPROD0=0 -DBOUND0=1 -DTO1=0 -DSTUCK" # a bound entry stays with its stuck owner, never stolen
check "remote hand-offs, spills" pass $R
check "local pushes, stuck owner, two idle thieves" pass $L
check "owner and thief, nobody stuck" pass $M
check "without sp_park's fence" fail $R -DNO_PARK_FENCE
check "without sp_push_remote's fence" fail $R -DNO_PUSH_FENCE
check "without sp_push_local's fence" fail $L -DNO_LOCAL_FENCE
check "without the steal re-check in sp_park" fail $L -DNO_STEAL_RECHECK
check "without the watcher" fail $S -DNO_WATCHER
check "thieves popping the inject queue without the CAS" fail $S -DTHIEF_POP_SINGLE

if [ "$full" = 1 ]; then
  check "stall: rescue from a stuck owner" pass --pan "-DSAFETY -DHC4" -- $S
  # Too large to store (over 135M states): a bitstate search (512 MB of bits) covers it with a
  # small chance of skipping states, so it can miss a violation but never report a false one.
  PANRUN=-w32 check "stall after a wake-up: recruiting a watcher (bitstate)" pass --pan "-DSAFETY -DBITSTATE" -- $S2
  check "bound entry of a stuck owner" pass --pan "-DSAFETY -DHC4" -- $B
  check "without recruiting a watcher (breadth-first)" fail --pan "-DSAFETY -DBFS -DCOLLAPSE" -- $S2 -DTBUDGET=1 -DNO_RECRUIT
  spin -a $L "$model" >/dev/null
  gcc -O2 -w -DNP -DNFAIR=4 -DCOLLAPSE -DMEMLIM=8192 -o pan pan.c
  out="$(./pan -m1000000 -l -f 2>&1 || true)"
  if grep -q "errors: 0" <<<"$out" && ! grep -q "MEMLIM bound" <<<"$out"; then
    echo "ok   livelock search (non-progress cycles, weak fairness), three schedulers"
  else
    echo "FAIL livelock search"; echo "$out" | tail -20; failures=$((failures + 1))
  fi
fi

if [ "$failures" != 0 ]; then
  echo "native-model: $failures check(s) failed"
  exit 1
fi
echo "native-model: all checks passed"
