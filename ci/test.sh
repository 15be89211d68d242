#!/usr/bin/env bash
# The README's test command: everything CI checks, in the order that fails fastest.
#  1. mvn verify: builds libspindle with CMake, runs its ctest stress tests, the JUnit suites of
#     the runtime and the benchmarks, and packs the native library into the runtime jar.
#  2. The native queues again under ThreadSanitizer (and AddressSanitizer unless SPINDLE_CI_FAST=1).
#  3. The Spin model of the native sleep/wake protocol (installs the Debian package spin if needed).
#  4. ./spindle bench --quick as a smoke test, its output checked for every case and peer.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== mvn verify"
mvn -B -ntp verify

echo "== native queues under ThreadSanitizer"
bash ci/native-sanitize.sh tsan
if [ "${SPINDLE_CI_FAST:-0}" != "1" ]; then
  echo "== native queues under AddressSanitizer"
  bash ci/native-sanitize.sh asan
fi

echo "== native sleep/wake protocol model (spin)"
bash ci/native-model.sh

echo "== spindle bench --quick"
bash ci/bench-smoke.sh
