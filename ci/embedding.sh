#!/usr/bin/env bash
# The README's "Using Spindle in your service", followed as a user would: install the runtime, make
# a fresh Maven project out of the README's marked blocks (<!-- embed:NAME --> before a fenced
# block), build it against the installed artifact and run it every way the README shows: Surefire,
# mvn compile exec:exec, plain java with the README's flags, the preemption agent; then a missing
# flag must fail with the README's message, and the examples must pass (examples/run NAME).
#   SPINDLE_EMBED_SKIP_INSTALL=1  the caller has already run mvn install
#   SPINDLE_EMBED_KEEP=1          keep the generated project (its path is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
start=$(date +%s)
work="$(mktemp -d "${TMPDIR:-/tmp}/spindle-embed.XXXXXX")"
[ "${SPINDLE_EMBED_KEEP:-0}" = 1 ] && echo "generated project: $work/app" || trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
step() { echo "== $* (at $(( $(date +%s) - start ))s)"; }

jdk_version() { local rel="$1/release"; [ -f "$rel" ] && sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"; return 0; }
find_jdk() { # as ./spindle: JAVA_HOME if 25+, else the newest 25+ in the usual folders
  if [ -n "${JAVA_HOME:-}" ] && [ "$(jdk_version "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then echo "$JAVA_HOME"; return; fi
  local d v best="" bestv=0
  for d in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$d/bin/java" ] || continue
    v="$(jdk_version "$d")"
    if [ -n "$v" ] && [ "$v" -ge 25 ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}
jdk="$(find_jdk || true)"
[ -n "$jdk" ] || { echo "embedding: no JDK 25+ found"; exit 1; }
java="$jdk/bin/java"

# One fenced block of the README: the one right after its marker line.
block() {
  awk -v name="$1" '
    !found && $0 ~ ("^<!-- embed:" name "[ -]") { found = 1; next }
    found == 1 && /^```/ { found = 2; next }
    found == 2 && /^```/ { exit }
    found == 2 { print }' README.md
}
for b in snippet flags agent pom main logging-dependency logging-properties; do
  [ -n "$(block "$b")" ] || { echo "embedding: README has no block marked embed:$b"; exit 1; }
done

version="$(sed -n 's|^  <version>\(.*\)</version>$|\1|p' pom.xml | head -1)"
flags="$(block flags | sed 's/#.*//' | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')"
pom_flags="$(block pom | sed -n 's|.*<spindle.jvm.flags>\(.*\)</spindle.jvm.flags>.*|\1|p')"
[ "$flags" = "$pom_flags" ] || bad "README: the flags block and the pom's spindle.jvm.flags differ: '$flags' vs '$pom_flags'"
block pom | grep -q "<version>$version</version>" || bad "README: the pom block's dependency is not version $version"
block agent | grep -q "spindle-runtime-$version.jar" || bad "README: the agent line does not name spindle-runtime-$version.jar"

if [ "${SPINDLE_EMBED_SKIP_INSTALL:-0}" != 1 ]; then
  step "mvn install (runtime, sources and javadoc jars)"
  mvn -B -ntp -q install -DskipTests > "$work/install.log" 2>&1 || { tail -n 40 "$work/install.log"; echo "embedding: mvn install failed"; exit 1; }
fi

step "a fresh project from the README, against dev.spindle:spindle-runtime:$version"
app="$work/app"
mkdir -p "$app/src/main/java/com/example" "$app/src/test/java/com/example"
{
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>com.example</groupId>
  <artifactId>embed-check</artifactId>
  <version>1.0</version>
EOF
  # The README's pom block, with its logging dependency and JUnit (for Surefire) added to <dependencies>.
  EXTRA="$(block logging-dependency; printf '%s\n' '<dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>5.13.4</version><scope>test</scope></dependency>')" \
    awk '/<\/dependencies>/ { print ENVIRON["EXTRA"] } { print }' <(block pom) | sed 's/^/  /'
  echo '</project>'
} > "$app/pom.xml"
block main > "$app/src/main/java/com/example/Main.java"
{
  printf '%s\n' 'package com.example;' '' 'import dev.spindle.*;' 'import java.time.Duration;' '' \
    '/** The README'"'"'s first block, as written. */' 'public class Snippet {' '    public static void main(String[] args) {'
  block snippet | sed 's/^/        /'
  printf '%s\n' '    }' '}'
} > "$app/src/main/java/com/example/Snippet.java"
cat > "$app/src/test/java/com/example/MainTest.java" <<'EOF'
package com.example;

import org.junit.jupiter.api.Test;

/** Surefire with the README's argLine: without its flags Node.start throws. */
class MainTest {
    @Test
    void theReadmeProgramRunsUnderSurefire() {
        Main.main(new String[0]);
    }
}
EOF
block logging-properties > "$app/logging.properties"

expected="$(printf 'counter: %s\n' 1 2 3)"
(cd "$app" && mvn -B -ntp -q test org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile=cp.txt -Dmdep.includeScope=runtime) > "$work/test.log" 2>&1 \
  || { tail -n 40 "$work/test.log"; bad "mvn test (Surefire with the README's argLine)"; }
grep -q "Tests run: 1, Failures: 0, Errors: 0" "$app"/target/surefire-reports/*.txt 2>/dev/null || bad "Surefire: the test did not pass"
(cd "$app" && mvn -B -ntp -q compile exec:exec) > "$work/exec.out" 2> "$work/exec.err" || { cat "$work/exec.err"; bad "mvn compile exec:exec"; }
[ "$(sed 's/\x1b\[[0-9;]*m//g' "$work/exec.out" | grep '^counter:')" = "$expected" ] || { cat "$work/exec.out"; bad "exec:exec: expected counter: 1..3"; }
# Maven itself on JDK 25 (JAVA_HOME) while the PATH's java is another one: exec:exec must still run
# the toolchain's java (the select-jdk-toolchain default, useJdk IfMatch, selected none then, and
# exec:exec took the PATH's java 17: UnsupportedClassVersionError). A PATH java that fails says so.
mkdir -p "$work/other-java"
printf '#!/bin/sh\necho "the PATH'"'"'s java ran, not the toolchain'"'"'s" >&2\nexit 3\n' > "$work/other-java/java"
chmod +x "$work/other-java/java"
(cd "$app" && JAVA_HOME="$jdk" PATH="$work/other-java:$PATH" mvn -B -ntp -q compile exec:exec) > "$work/exec25.out" 2> "$work/exec25.err" \
  || { cat "$work/exec25.out" "$work/exec25.err"; bad "mvn compile exec:exec with Maven on JDK 25 and another java on the PATH"; }
[ "$(sed 's/\x1b\[[0-9;]*m//g' "$work/exec25.out" | grep '^counter:')" = "$expected" ] || { cat "$work/exec25.out"; bad "exec:exec (Maven on JDK 25): expected counter: 1..3"; }

cp="$(cat "$app/cp.txt" 2>/dev/null || true)"
jar="$(tr ':' '\n' <<<"$cp" | grep "/spindle-runtime-$version.jar$" || true)"
if [ -z "$jar" ]; then
  bad "spindle-runtime-$version.jar is not on the project's class path"
else
  for c in sources:dev/spindle/Node.java javadoc:dev/spindle/Node.html; do
    f="${jar%.jar}-${c%%:*}.jar"
    [ -f "$f" ] || { bad "not installed: $f"; continue; }
    "$jdk/bin/jar" tf "$f" | grep -qx "${c#*:}" || bad "$f has no ${c#*:}"
  done
fi
cp="$app/target/classes:$cp"

# The program's own output only; stderr may hold Spindle's log lines, never SLF4J's or the JDK's
# warnings (a missing flag, a terminally deprecated Unsafe method).
run_checked() { # name, expected stdout, java arguments...
  local name="$1" want="$2"; shift 2
  if ! (cd "$app" && "$@") > "$work/$name.out" 2> "$work/$name.err"; then
    cat "$work/$name.err"; bad "$name: exited with an error"; return
  fi
  [ "$(cat "$work/$name.out")" = "$want" ] || { cat "$work/$name.out"; bad "$name: expected '$want'"; }
  if grep -E '^WARNING: |SLF4J|net\.openhft' "$work/$name.err"; then bad "$name: unexpected lines on stderr"; fi
}
step "plain java with the README's flags and logging.properties"
# shellcheck disable=SC2086 # the flags are words
run_checked java "$expected" "$java" $flags -Djava.util.logging.config.file=logging.properties -cp "$cp" com.example.Main
# shellcheck disable=SC2086
run_checked snippet "hello" "$java" $flags -Djava.util.logging.config.file=logging.properties -cp "$cp" com.example.Snippet
step "the agent line"
line="$(block agent)"
line="${line#java }"
line="${line//spindle-runtime-$version.jar/$jar}"
line="${line//\"app.jar:lib\/\*\"/\"$cp\"}"
run_checked agent "$expected" eval "\"$java\" -Djava.util.logging.config.file=logging.properties $line"
step "no flags: the README's error"
if (cd "$app" && "$java" -cp "$cp" com.example.Main) > "$work/noflags.out" 2>&1; then
  bad "without flags the program ran"
else
  grep -q "Spindle needs JVM flags that are missing" "$work/noflags.out" &&
    grep -q -- "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED" "$work/noflags.out" || { cat "$work/noflags.out"; bad "no flags: not the README's message"; }
fi

for ex in order-matching blocking-calls; do
  step "examples/run $ex"
  if ! examples/run "$ex" > "$work/$ex.out" 2> "$work/$ex.err"; then
    cat "$work/$ex.out" "$work/$ex.err"; bad "examples/run $ex failed"; continue
  fi
  tail -n 1 "$work/$ex.out"
  grep -q "all .*checks passed" "$work/$ex.out" || bad "examples/run $ex: no 'all checks passed'"
  if grep -E '^WARNING: |SLF4J|net\.openhft' "$work/$ex.err"; then bad "examples/run $ex: unexpected lines on stderr"; fi
done

[ "$fail" = 0 ] || { echo "embedding: FAILED (logs in $work)"; trap - EXIT; exit 1; }
echo "embedding: the README's build works in a fresh project (Surefire, exec:exec, java, agent), examples pass; $(( $(date +%s) - start ))s"
