#!/usr/bin/env bash
# Boot every test guest (build/guests/NAME.elf, except the demo) as dom0
# under QEMU and check what it printed.
#
# By default a guest passes when it prints "Test result: SUCCESS" and pvx-run
# exits 0 (clean poweroff). A guest that is meant to be crashed by the
# hypervisor says so in tests/guests/NAME/expect:
#   status N          expected pvx-run exit status (1 = dom0 crashed)
#   output REGEX      a line matching REGEX (grep -E) must appear
#   absent REGEX      no line may match REGEX
#   in-order REGEX    exactly one line matches REGEX, and it comes after the
#                     line matched by the previous in-order pattern
# tests/guests/NAME/cmdline holds the guest's command line and
# tests/guests/NAME/xen-cmdline extra hypervisor options, if the test needs them.
# tests/guests/NAME/domains lists boot-time domUs, one per line:
# "GUESTNAME,options" (pvx-run --domain build/guests/GUESTNAME.elf,options).
# A folder with a domu-only file is a domU program, not run on its own.
# tests/guests/NAME/input is typed on the console (printf %b escapes) once
# the guest says it is waiting for input.
# A test whose checks are about time spans runs under -icount (an `icount`
# file): the guest's clock then counts instructions and idle time is
# skipped, so the figures do not depend on how busy the host is.
# If tests/guests/NAME/also-via-grub exists, the guest runs a second time
# booted through GRUB (Multiboot2) instead of QEMU's loader (Multiboot1).
# Logs go to build/test-logs/NAME.log. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
mkdir -p build/test-logs
passed=0 failed=0
names=${GUEST_TESTS:-$(ls build/guests/*.elf | xargs -n1 basename | sed 's/\.elf$//' | grep -v '^demo$')}
names=$(for n in $names; do [ -f "tests/guests/$n/domu-only" ] || echo "$n"; done)
runs=""
for name in $names; do
    runs="$runs $name"
    [ -f "tests/guests/$name/also-via-grub" ] && runs="$runs $name@grub"
done
for run in $runs; do
    name=${run%@grub} via=()
    [ "$run" != "$name" ] && via=(--grub)
    log=build/test-logs/${run/@/-}.log
    want_status=0 patterns=() absents=() ordered=()
    expect=tests/guests/$name/expect
    if [ -f "$expect" ]; then
        while read -r key rest; do
            case "$key" in
                status) want_status=$rest ;;
                output) patterns+=("$rest") ;;
                absent) absents+=("$rest") ;;
                in-order) ordered+=("$rest") ;;
            esac
        done < "$expect"
    else
        patterns=("^Test result: SUCCESS")
    fi
    cmdline_file=tests/guests/$name/cmdline
    extra=()
    [ -f "$cmdline_file" ] && extra=(--cmdline "$(cat "$cmdline_file")")
    if [ -f "tests/guests/$name/domains" ]; then
        while read -r spec; do
            [ -n "$spec" ] && extra+=(--domain "build/guests/${spec%%,*}.elf,${spec#*,}")
        done < "tests/guests/$name/domains"
    fi
    [ -f "tests/guests/$name/icount" ] && extra+=(--icount)
    xen_file=tests/guests/$name/xen-cmdline
    [ -f "$xen_file" ] && extra+=(--xen-cmdline "console=com1 com1=115200 $(cat "$xen_file")")
    if [ -f "tests/guests/$name/input" ]; then
        # Type the input once the guest waits for it (up to 20 s).
        { for _ in $(seq 200); do grep -aq "waiting for input" "$log" 2>/dev/null && break; sleep 0.1; done
          printf '%b' "$(cat "tests/guests/$name/input")"; } |
            tools/pvx-run "build/guests/$name.elf" --timeout "${GUEST_TIMEOUT:-60}" "${via[@]}" "${extra[@]}" > "$log" 2>&1
        status=${PIPESTATUS[1]}
    else
        tools/pvx-run "build/guests/$name.elf" --timeout "${GUEST_TIMEOUT:-60}" "${via[@]}" "${extra[@]}" > "$log" 2>&1
        status=$?
    fi
    ok=1 why=""
    [ "$status" = "$want_status" ] || { ok=0; why="exit status $status, expected $want_status"; }
    for p in "${patterns[@]}"; do
        tr -d '\r' < "$log" | grep -Eq -- "$p" || { ok=0; why="${why:+$why; }no line matching '$p'"; }
    done
    for p in "${absents[@]}"; do
        tr -d '\r' < "$log" | grep -Eq -- "$p" && { ok=0; why="${why:+$why; }a line matches '$p'"; }
    done
    prev=0
    for p in "${ordered[@]}"; do
        at=$(tr -d '\r' < "$log" | grep -nE -- "$p" | cut -d: -f1)
        n=$(echo "$at" | grep -c .)
        if [ "$n" != 1 ]; then
            ok=0; why="${why:+$why; }$n lines matching '$p', expected 1"
        elif [ "$at" -le "$prev" ]; then
            ok=0; why="${why:+$why; }'$p' out of order"
        else
            prev=$at
        fi
    done
    if [ $ok = 1 ]; then
        passed=$((passed + 1)); echo "PASS guest $run"
    else
        failed=$((failed + 1)); echo "FAIL guest $run: $why (log: $log)"
        tr -d '\r' < "$log" | grep -E "FAIL|crashed|PANIC|Test result" | head -20 | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ $failed = 0 ]
