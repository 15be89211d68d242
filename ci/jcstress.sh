#!/usr/bin/env bash
# jcstress tests of the runtime's handshakes (docs/jcstress.md). Builds jcstress/target/spindle-jcstress.jar
# when it is missing or older than the sources, then runs the tests and fails on any forbidden or
# unexpected outcome, or on a test that errs.
#
#   bash ci/jcstress.sh                 quick mode (CI): every test, 4 JVM modes, about 2-3 minutes on 2 cores
#   bash ci/jcstress.sh full            the full run: jcstress's default mode (all compilation splits), about 1 h
#   bash ci/jcstress.sh tough           jcstress's tough mode (10 forks per configuration), hours
#   bash ci/jcstress.sh -- ARGS...      jcstress with your own arguments (e.g. -- -t SendVsWait -m quick)
#
# The report (HTML and text) lands in ${SPINDLE_JCSTRESS_OUT:-jcstress/target/jcstress-results}.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar="$root/jcstress/target/spindle-jcstress.jar"
out="${SPINDLE_JCSTRESS_OUT:-$root/jcstress/target/jcstress-results}"

# The same JDK discovery as ./spindle: JAVA_HOME if it is 25 or newer, else the newest JDK 25+
# in the usual folders.
jdk_version() {
  local rel="$1/release"
  [ -f "$rel" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local v; v="$(jdk_version "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  local d best="" bestv=0
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$d/bin/java" ] || continue
    local v; v="$(jdk_version "$d")"
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}
jdk="$(find_jdk || true)"
if [ -z "$jdk" ]; then
  echo "jcstress: no JDK 25 or newer found (checked JAVA_HOME and /usr/lib/jvm)" >&2
  exit 1
fi

# Build when the jar is missing or any source it contains is newer. -am builds the runtime (and
# libspindle) from this tree, never a stale copy in ~/.m2.
if [ ! -f "$jar" ] || [ -n "$(find java/src jcstress/src jcstress/pom.xml native CMakeLists.txt -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "== building the jcstress jar"
  log="$(mktemp "${TMPDIR:-/tmp}/spindle-jcstress-build.XXXXXX")"
  if ! mvn -B -q -ntp -pl jcstress -am package -DskipTests >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "jcstress: build failed (full log: $log)" >&2
    exit 1
  fi
  rm -f "$log"
fi

# What the runtime needs on JDK 25 (pom.xml's spindle.jvm.flags, plus what ./spindle adds for
# Agrona). jcstress forks a JVM per test and configuration: -jvmArgsPrepend hands them the flags
# and keeps jcstress's own per-mode flags.
flags="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"

mode="${1:-quick}"
case "$mode" in
  quick)
    # One fork per test in each of 4 JVM modes (interpreter, C1, C2, C2 with its stress flags;
    # -sc false drops the per-actor compilation splits), 3 iterations of 100 ms each.
    args=(-m quick -sc false -iters 3 -time 100) ;;
  full) args=(-m default) ;;
  tough) args=(-m tough) ;;
  --) shift; args=("$@") ;;
  *) echo "usage: ci/jcstress.sh [quick|full|tough|-- jcstress-args...]" >&2; exit 2 ;;
esac

mkdir -p "$out"
rm -f "$out"/jcstress-results-*.bin.gz "$out"/*.html
echo "== jcstress ($mode) with $jdk, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
log="$out/jcstress.log"
set +e
# From $out: jcstress 0.16 writes its result blob into the current folder.
(cd "$out" && exec "$jdk/bin/java" -jar "$jar" "${args[@]}" -jvmArgsPrepend "$flags" -r "$out" >"$log" 2>&1)
rc=$?
set -e
secs=$(( $(date +%s) - start ))
# Every test's outcome counts across its configurations: jcstress re-reads its result blob with
# -v into results.txt; the console gets everything from "RUN RESULTS" on.
blob="$(ls -t "$out"/jcstress-results-*.bin.gz 2>/dev/null | head -n 1 || true)"
if [ -n "$blob" ]; then
  (cd "$out" && "$jdk/bin/java" -jar "$jar" -p "$blob" -v -r "$out" >"$out/results.txt" 2>&1) || true
  sed -n '/^RUN RESULTS:/,$p' "$out/results.txt" | grep -v '^\s*at org\.openjdk\|^\s*$' || true
else
  sed -n '/^RUN RESULTS:/,$p' "$log" | grep -v '^\s*at org\.openjdk' || true
fi
summary="$(grep -o 'Results: [0-9]* planned; [0-9]* passed, [0-9]* failed, [0-9]* soft errs, [0-9]* hard errs' "$log" | tail -n 1)"
echo "jcstress ($mode): ${summary:-no summary} in ${secs}s, load average: $(cut -d' ' -f1-3 /proc/loadavg); report: $out/index.html"
# jcstress exits non-zero when a test failed (0.16 throws from its report); an error or a run
# that planned nothing shows only in the summary.
if [ "$rc" -ne 0 ]; then
  echo "jcstress: FAILED (exit $rc; log: $log)"
  exit 1
fi
if ! [[ "$summary" =~ ^Results:\ ([0-9]+)\ planned\;\ ([0-9]+)\ passed,\ 0\ failed,\ 0\ soft\ errs,\ 0\ hard\ errs$ ]] \
    || [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ] || [ "${BASH_REMATCH[1]}" = 0 ]; then
  echo "jcstress: FAILED (a failed, errored or missing test; log: $log)"
  exit 1
fi
echo "jcstress: all tests passed"
