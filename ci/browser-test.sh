#!/usr/bin/env bash
# The observer page in a real browser (docs/observability.md "The browser test"): Debian's headless
# Chromium driven by Selenium through Debian's chromedriver; nothing is downloaded at test time.
# Installs chromium and chromium-driver with apt-get when they are missing, builds the runtime and
# the observer (no other tests: -DskipTests; the browser-test profile runs its own execution
# regardless) and runs ObserverBrowserTest. About a minute once the native library is built.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "== installing chromium and chromium-driver (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi
echo "== $(/usr/bin/chromium --version 2>/dev/null | head -1); $(/usr/bin/chromedriver --version | head -1)"

echo "== observer page in headless Chromium"
out="$(mktemp -d)"
if ! mvn -B -ntp -q -pl java,observer -Pbrowser-test -DskipTests -Dobserver.requireBrowser=true \
     -Dobserver.screenshots="$out" verify > "$out/mvn.log" 2>&1; then
  tail -n 60 "$out/mvn.log"
  for f in observer/target/surefire-reports/*BrowserTest*.txt; do [ -f "$f" ] && cat "$f"; done
  echo "browser test failed (log: $out/mvn.log, screenshots: $out)"
  exit 1
fi
report=observer/target/surefire-reports/TEST-dev.spindle.observer.ObserverBrowserTest.xml
[ -f "$report" ] || { echo "the browser test did not run"; exit 1; }
grep -q 'skipped=' "$report" && ! grep -q 'skipped="0"' "$report" && { echo "the browser test was skipped"; exit 1; }
grep -o 'tests="[0-9]*"' "$report" | head -1
echo "browser test passed in $(( $(date +%s) - start ))s (screenshots: $out)"
