#!/usr/bin/env bash
# CI smoke test of the main job: ./spindle bench --quick must finish, and its results must hold a
# row for every case and every peer present on this machine (erlang may be absent).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
start=$(date +%s)
./spindle bench --quick --out "$out" > "$out/stdout.txt" 2> "$out/stderr.txt" || {
  echo "spindle bench --quick failed:"; cat "$out/stderr.txt"; exit 1; }
cat "$out/stdout.txt"
secs=$(( $(date +%s) - start ))
cases="pingpong-same pingpong-cross ring skynet spawn fanin threadring counting chameneos big forkjoin-create forkjoin-throughput fairness placement"
peers="spindle spindle-javaq vthreads pekko pekko-affinity limit"
command -v erl >/dev/null && peers="$peers erlang"
fail=0
for c in $cases; do
  for p in $peers; do
    grep -q "^$c,$p," "$out/results.csv" || { echo "missing result: $c on $p"; fail=1; }
  done
  # Spindle itself must produce a number for every case.
  grep -q "^$c,spindle,[^,]*,[^,]*,[0-9]" "$out/results.csv" || { echo "no spindle figure for $c"; fail=1; }
done
for f in results.json results.csv report.html; do
  [ -s "$out/$f" ] || { echo "missing $f"; fail=1; }
done
[ "$fail" = 0 ] || exit 1
echo "bench smoke: every case and peer present, ${secs}s"
