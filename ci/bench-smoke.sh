#!/usr/bin/env bash
# CI smoke test of the main job: ./spindle bench --quick must finish, and its results must hold a
# row for every case and every peer present on this machine (erlang may be absent; spindle-preempt
# runs fairness-hogs only and is n/a elsewhere), the timers case a line per runtime variant
# (Spindle: one per idle mode), and --repeat must fold its runs.
# Early or lost timers are flagged in the output (!!! TIMERS ...): an early timer of any runtime, or
# an early or lost timer of Spindle's, fails this script (peers may lose timers under load: their
# schedulers starve them, docs/benchmarks.md "Timers").
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
start=$(date +%s)
./spindle bench --quick --out "$out" > "$out/stdout.txt" 2> "$out/stderr.txt" || {
  echo "spindle bench --quick failed:"; cat "$out/stderr.txt"; exit 1; }
cat "$out/stdout.txt"
secs=$(( $(date +%s) - start ))
cases="pingpong-same pingpong-cross ring skynet spawn fanin threadring counting chameneos big forkjoin-create forkjoin-throughput fairness fairness-hogs timers placement remote"
peers="spindle spindle-preempt spindle-javaq spindle-vt vthreads pekko pekko-affinity limit"
command -v erl >/dev/null && peers="$peers erlang"
fail=0
for c in $cases; do
  for p in $peers; do
    grep -q "^$c,$p," "$out/results.csv" || { echo "missing result: $c on $p"; fail=1; }
  done
  # Spindle itself must produce a number for every case (fairness-hogs: with the agent's rewriting;
  # plain Spindle cannot preempt those loops and reports its ping-pong starved).
  subject=spindle; [ "$c" = fairness-hogs ] && subject=spindle-preempt
  grep -q "^$c,$subject,[^,]*,[^,]*,[0-9]" "$out/results.csv" || { echo "no $subject figure for $c"; fail=1; }
done
# fairness-hogs: every runtime's hogs stopped when the case ended (no runtime left spinning).
if grep -q '"hogs_not_stopped": [1-9]' "$out/results.json"; then
  echo "fairness-hogs: hogs did not stop"; fail=1
fi
# Timers: idle gaps and load, each kind, for every runtime variant.
variants="spindle-spin spindle-backoff spindle-park ${peers/spindle spindle-preempt /}"  # spindle-preempt: no timers
for v in $variants; do
  for k in idle/receive idle/sendafter idle/call load/receive load/sendafter load/call; do
    grep -q "\"$v/$k/samples\"" "$out/results.json" || { echo "missing timers figures: $v $k"; fail=1; }
  done
done
# remote: two JVMs over Aeron; its figures must include the one-way throughput.
grep -q '"case": "remote", "peer": "spindle".*"oneway_msgs_per_s"' "$out/results.json" || { echo "remote: no Spindle throughput"; fail=1; }
if grep -E '^!!! TIMERS (EARLY|LOST): spindle|^!!! TIMERS EARLY' "$out/stdout.txt"; then
  echo "Spindle lost a timer, or a runtime fired one early"; fail=1
fi
for f in results.json results.csv report.html; do
  [ -s "$out/$f" ] || { echo "missing $f"; fail=1; }
done
grep -q "^# load average at start: " "$out/results.csv" || { echo "results.csv does not record the load average"; fail=1; }
# The spindle command runs bench on a fixed, pre-touched heap (docs/benchmarks.md); the report says so.
grep -Eq '"heap": "fixed at [0-9]+m, pre-touched"' "$out/results.json" || { echo "results.json: the heap was not fixed and pre-touched"; fail=1; }

# --repeat, cheaply: one quick case run twice must report the median of 2 runs with its spread.
./spindle bench --quick --cases pingpong-same --peers spindle,limit --repeat 2 --out "$out/repeat" > "$out/repeat.txt" 2>&1 || {
  echo "spindle bench --repeat 2 failed:"; cat "$out/repeat.txt"; exit 1; }
grep -Eq "^pingpong-same,spindle,.*,2\.0,[0-9.E]+,[0-9.E]+$" "$out/repeat/results.csv" || {
  echo "--repeat 2: no median of 2 runs with min/max in results.csv"; cat "$out/repeat/results.csv"; fail=1; }
grep -q "±" "$out/repeat.txt" || { echo "--repeat 2: no spread in the table"; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "bench smoke: every case and peer present, timers for every variant, --repeat folds runs; ${secs}s for --quick"
