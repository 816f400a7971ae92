#!/bin/sh
# Runs every cmocka test binary of BUILD and the command-line tests, then
# prints one closing line: "tests: N passed, N failed".
# Usage: sh tests/run.sh BUILD_DIR
build=${1:-build}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1 # crashed, or a sanitizer stopped it, before it could report
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $(basename "$t"):"
        cat "$log"
    else
        echo "ok   $(basename "$t"): $p passed"
    fi
done

# the fuzz harnesses replay their seed corpus and every crash ever found
corpus=$(mktemp -d)
sh tests/fuzz/corpus.sh "$corpus"
for h in figure text rules json pdf; do
    r="$build/tests/replay_$h"
    [ -x "$r" ] || continue
    if "$r" "$corpus/$h" tests/fuzz/regressions/$h >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   replay_$h: $(tail -1 "$log")"
    else
        failed=$((failed + 1))
        echo "FAIL replay_$h:"
        cat "$log"
    fi
done
rm -rf "$corpus"

scripts="cli catalogue readme report ocr"
[ "$build" = build ] && scripts="$scripts install" # make install builds the plain build
for script in $scripts; do
    sh "tests/$script.sh" "$build/kpipe" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $script:"
        grep -v '^ok ' "$log"
    else
        echo "ok   $script: $p passed"
    fi
done

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
