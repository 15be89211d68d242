#!/usr/bin/env bash
# The README's test command: everything CI checks, in the order that fails fastest.
#  1. mvn install: builds libspindle with CMake, runs its ctest stress tests, the JUnit suites of the
#     runtime (distribution's multi-JVM tests included), the observer, the benchmarks and the
#     examples, packs the native library into the runtime jar and installs the artifacts (with
#     sources and javadoc) for the embedding check below.
#  2. The native queues again under ThreadSanitizer (and AddressSanitizer unless SPINDLE_CI_FAST=1).
#  3. jcstress (quick mode) on the runtime's handshakes.
#  4. A one-minute soak: every message accounted for under kills, churn and node restarts.
#  5. The observer page in headless Chromium (Debian's packages; installed when missing).
#  6. The README's embedding section in a fresh Maven project, and the examples.
#  7. The Spin model of the native sleep/wake protocol, quick mode (installs Debian's spin if needed).
#  8. ./spindle bench --quick as a smoke test, its output checked for every case and peer.
# Full modes (jcstress full, the long soak, the 1M-message distribution soak) are in docs/.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo "== $1 ($(( $(date +%s) - start )) s)"; }

step "mvn install"
mvn -B -ntp install

step "native queues under ThreadSanitizer"
bash ci/native-sanitize.sh tsan
if [ "${SPINDLE_CI_FAST:-0}" != "1" ]; then
  step "native queues under AddressSanitizer"
  bash ci/native-sanitize.sh asan
fi

step "jcstress, quick mode"
bash ci/jcstress.sh

step "soak, one minute"
bash ci/soak-smoke.sh

step "observer page in a browser"
bash ci/browser-test.sh

step "embedding: the README in a fresh project, the examples"
SPINDLE_EMBED_SKIP_INSTALL=1 bash ci/embedding.sh

step "native sleep/wake protocol model (spin), quick mode"
bash ci/native-model.sh

step "spindle bench --quick"
bash ci/bench-smoke.sh

step "all green"
