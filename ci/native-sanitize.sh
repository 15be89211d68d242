#!/usr/bin/env bash
# Builds native/ with ThreadSanitizer or AddressSanitizer+UBSan and runs its ctest stress tests.
# Usage: bash ci/native-sanitize.sh tsan|asan
# Build dirs: build-tsan / build-asan at the repo root. No JNI needed (SPINDLE_BUILD_JNI=OFF).
# Any sanitizer report fails its test (halt_on_error). SPINDLE_TEST_SCALE=0.2 etc. shortens the
# stress loops (default: 1x under TSan, 4x under ASan; see native/test/check.h).
set -euo pipefail
cd "$(dirname "$0")/.."
kind="${1:?usage: native-sanitize.sh tsan|asan}"
case "$kind" in
  tsan)
    opt=-DSPINDLE_TSAN=ON
    export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
    ;;
  asan)
    opt=-DSPINDLE_ASAN=ON
    export ASAN_OPTIONS="halt_on_error=1 detect_leaks=1 ${ASAN_OPTIONS:-}"
    export UBSAN_OPTIONS="halt_on_error=1 print_stacktrace=1 ${UBSAN_OPTIONS:-}"
    ;;
  *) echo "unknown sanitizer '$kind': use tsan or asan" >&2; exit 2 ;;
esac
dir="build-$kind"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPINDLE_BUILD_JNI=OFF "$opt" >/dev/null
cmake --build "$dir" --parallel 2 >/dev/null
ctest --test-dir "$dir" --output-on-failure --timeout 120
