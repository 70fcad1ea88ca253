#!/usr/bin/env bash
# guest-os: boot both builds of the one kernel and check what they print.
#   native  build/guest-os/guest-os-native.elf straight on QEMU (-kernel, Multiboot1)
#   pv      build/guest-os/guest-os-pv.elf as dom0 on pvx (tools/pvx-run)
# Each must print its banner, run init (guest-os/user/init.c), which runs
# hello (newlib printf in ring 3), then two tickers that sleep and a spinner
# that never does, each a process with its own address space: the tickers'
# lines must interleave by their sleeps and all come before the spinner's,
# which only timer preemption allows. init must power off cleanly, and the
# programs' output must be the same in both builds apart from "[time]" lines.
# Logs: build/test-logs/guest-os-*.log.
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
# The user programs' lines, from init's start to its exit, without the
# lines that report times.
user_output() {
    tr -d '\r' < "$1" | sed -n '/^guest-os: starting init/,/^guest-os: process exited/p' | grep -v '\[time\]'
}
# The tickers' and the spinner's lines, in the order printed.
ticks() { tr -d '\r' < "$1" | grep -E '^(A|B|spin): (tick|done)' | tr '\n' ' '; }
expected_ticks="A: tick 1 A: tick 2 B: tick 1 A: tick 3 A: tick 4 B: tick 2 spin: done "
check_build() {   # check_build NAME LOG
    has "$2" '^hello: hello from ring 3'; check "$1: hello in ring 3" $? "no output from hello"
    has "$2" '^init: started ticker A, ticker B and spin'; check "$1: init spawns three processes" $? "no spawn line"
    [ "$(ticks "$2")" = "$expected_ticks" ]
    check "$1: sleeps interleave, the spinner is preempted" $? "got '$(ticks "$2")', expected '$expected_ticks'"
    has "$2" '^init: ticker A exited with status 4$' && has "$2" '^init: spin exited with status 0$' &&
        has "$2" '^init: no children left$'
    check "$1: wait returns each child's status" $? "missing init: ... exited lines"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: init exits 0" $? "no clean exit"
}

native_log=build/test-logs/guest-os-native.log
# isa-debug-exit: the kernel writes 0 (success) or 1, QEMU exits (v << 1) | 1.
timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -m 128 -nographic \
    -no-reboot -display none -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel build/guest-os/guest-os-native.elf -append "test" < /dev/null > "$native_log" 2>&1
status=$?
check "native: powers off" $([ $status = 1 ]; echo $?) "QEMU exit status $status, expected 1 (log: $native_log)"
has "$native_log" '^guest-os \(native build\) on x86 ring 0'; check "native: banner" $? "no banner"
check_build native "$native_log"

pv_log=build/test-logs/guest-os-pv.log
tools/pvx-run build/guest-os/guest-os-pv.elf --timeout "$timeout_s" --cmdline "test" \
    < /dev/null > "$pv_log" 2>&1
status=$?
check "pv dom0: powers off" $([ $status = 0 ]; echo $?) "pvx-run exit status $status, expected 0 (log: $pv_log)"
has "$pv_log" '^guest-os \(pv build\) on pvx, ring 1, dom0'; check "pv dom0: banner" $? "no banner"
check_build "pv dom0" "$pv_log"

# Equivalence (Popek and Goldberg): the same program prints the same lines.
if [ -n "$(user_output "$native_log")" ] && [ "$(user_output "$native_log")" = "$(user_output "$pv_log")" ]; then
    check "same user output native and pv" 0 ""
else
    check "same user output native and pv" 1 "outputs differ: $(diff <(user_output "$native_log") <(user_output "$pv_log") | head -5 | tr '\n' ' ')"
fi

echo "$passed passed, $failed failed"
[ $failed = 0 ]
