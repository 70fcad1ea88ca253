#!/usr/bin/env bash
# Run each fuzzer briefly (FUZZ_SMOKE_SECONDS, default 20) from its corpus;
# one test per fuzzer. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SMOKE_SECONDS:-20} passed=0 failed=0
for f in build/fuzz/*_fuzz; do
    name=$(basename "$f")
    mkdir -p "build/fuzz/corpus/$name"
    seeds=()
    [ -d "tests/fuzz/seeds/$name" ] && seeds=("tests/fuzz/seeds/$name")
    if "$f" -max_total_time="$secs" -artifact_prefix="build/fuzz/$name-" "build/fuzz/corpus/$name" "${seeds[@]}" \
        > "build/fuzz/$name.log" 2>&1; then
        passed=$((passed + 1)); echo "PASS fuzz $name ($(grep -o 'Done [0-9]* runs' "build/fuzz/$name.log"))"
    else
        failed=$((failed + 1)); echo "FAIL fuzz $name: see build/fuzz/$name.log"; tail -20 "build/fuzz/$name.log"
    fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
