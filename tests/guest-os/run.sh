#!/usr/bin/env bash
# guest-os: boot both builds of the one kernel and check what they print.
#   native  build/guest-os/guest-os-native.elf straight on QEMU (-kernel, Multiboot1)
#   pv      build/guest-os/guest-os-pv.elf as dom0 on pvx (tools/pvx-run)
# Each must print its banner, run the init program (guest-os/user/hello.c,
# newlib printf in ring 3), power off cleanly, and the program's output must
# be the same in both builds. Logs: build/test-logs/guest-os-*.log.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
passed=0 failed=0
timeout_s=${GUEST_TIMEOUT:-60}

check() {   # check NAME CONDITION-RESULT WHY
    if [ "$2" = 0 ]; then
        passed=$((passed + 1)); echo "PASS guest-os $1"
    else
        failed=$((failed + 1)); echo "FAIL guest-os $1: $3"
    fi
}
has() { tr -d '\r' < "$1" | grep -Eq -- "$2"; }
# The user program's lines: everything from the first "init:" line to the exit.
user_output() { tr -d '\r' < "$1" | sed -n '/^init: /,/^guest-os: process exited/p'; }

native_log=build/test-logs/guest-os-native.log
# isa-debug-exit: the kernel writes 0 (success) or 1, QEMU exits (v << 1) | 1.
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -m 128 -nographic \
    -no-reboot -display none -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/guest-os/guest-os-native.elf -append "test" < /dev/null > "$native_log" 2>&1
status=$?
check "native: powers off" $([ $status = 1 ]; echo $?) "QEMU exit status $status, expected 1 (log: $native_log)"
has "$native_log" '^guest-os \(native build\) on x86 ring 0'; check "native: banner" $? "no banner"
has "$native_log" '^init: hello from ring 3'; check "native: hello in ring 3" $? "no output from hello"
has "$native_log" '^guest-os: process exited with status 0$'; check "native: hello exits 0" $? "no clean exit"

pv_log=build/test-logs/guest-os-pv.log
tools/pvx-run build/guest-os/guest-os-pv.elf --timeout "$timeout_s" --cmdline "test" \
    < /dev/null > "$pv_log" 2>&1
status=$?
check "pv dom0: powers off" $([ $status = 0 ]; echo $?) "pvx-run exit status $status, expected 0 (log: $pv_log)"
has "$pv_log" '^guest-os \(pv build\) on pvx, ring 1, dom0'; check "pv dom0: banner" $? "no banner"
has "$pv_log" '^init: hello from ring 3'; check "pv dom0: hello in ring 3" $? "no output from hello"
has "$pv_log" '^guest-os: process exited with status 0$'; check "pv dom0: hello exits 0" $? "no clean exit"

# Equivalence (Popek and Goldberg): the same program prints the same lines.
if [ -n "$(user_output "$native_log")" ] && [ "$(user_output "$native_log")" = "$(user_output "$pv_log")" ]; then
    check "same user output native and pv" 0 ""
else
    check "same user output native and pv" 1 "outputs differ: $(diff <(user_output "$native_log") <(user_output "$pv_log") | head -5 | tr '\n' ' ')"
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
