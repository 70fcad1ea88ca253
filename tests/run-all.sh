#!/usr/bin/env bash
# make test: run every suite (host unit tests, ABI layout, guests under QEMU,
# the fuzzers briefly, the docs check) and print one closing line.
set -u
cd "$(dirname "$0")/.."
total_pass=0 total_fail=0
# Run a suite; it must end with "N passed, N failed" or a CUnit summary.
run_suite() {
    local name=$1; shift
    echo "=== $name"
    local out; out=$("$@" 2>&1); local rc=$?
    echo "$out" | tail -n 40
    local p f
    if line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1) && [ -n "$line" ]; then
        p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
    elif line=$(echo "$out" | grep -E '^ +tests +[0-9]+' | tail -1) && [ -n "$line" ]; then
        p=$(echo "$line" | awk '{print $4}'); f=$(echo "$line" | awk '{print $5}')
    else
        p=0; f=1
    fi
    [ $rc = 0 ] || [ "$f" != 0 ] || f=1      # a non-zero exit is a failure even if counts say otherwise
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}
for t in build/unit/*_test; do run_suite "unit $(basename "$t")" "$t"; done
run_suite "abi layout" build/abi/abi_test
run_suite "docs" tests/docs_check.sh
run_suite "guests" tests/run-guests.sh
run_suite "guest-os" tests/guest-os/run.sh
run_suite "guest-os domU" tests/guest-os/domu.sh
run_suite "guest-os store" tests/guest-os/store.sh
run_suite "guest-os autoballoon" tests/guest-os/autoballoon.sh
run_suite "fuzz smoke" tests/fuzz/smoke.sh
echo
echo "$total_pass passed, $total_fail failed"
[ $total_fail = 0 ]
