#!/usr/bin/env bash
# Distribution's tests on their own (they also run in mvn verify): two nodes in one JVM
# (DistributionTest) and nodes in child JVMs on loopback (DistributionMultiJvmTest: kill -9,
# restart, wrong cookie, the soak). --full runs the soak at 1,000,000 calls instead of CI's 100,000.
set -euo pipefail
cd "$(dirname "$0")/.."
soak=100000
if [ "${1:-}" = "--full" ]; then soak=1000000; fi
mvn -B -ntp -pl java test-compile surefire:test -Dtest='DistributionTest,DistributionMultiJvmTest' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dspindle.soak.messages="$soak"
