#!/usr/bin/env bash
# guest-os: boot both builds of the one kernel and check what they print.
#   native  build/guest-os/guest-os-native.elf straight on QEMU (-kernel,
#           Multiboot1; the initrd is a Multiboot module: -initrd)
#   pv      build/guest-os/guest-os-pv.elf as dom0 on pvx (tools/pvx-run;
#           the initrd is dom0's ramdisk module: --module)
# Each must print its banner, load the initrd (build/guest-os/initrd.tar),
# run /bin/init from it (guest-os/user/init.c), which runs
# hello (newlib printf in ring 3), then two tickers that sleep and a spinner
# that never does, each a process with its own address space: the tickers'
# lines must interleave by their sleeps and all come before the spinner's,
# which only timer preemption allows. init must power off cleanly, and the
# programs' output must be the same in both builds apart from "[time]" lines.
# Then each build boots with init=/bin/fstest (guest-os/user/fstest.c: the
# file system calls, success and error paths; ends "fstest: N passed, N
# failed"), which must pass and print the same in both; so must
# init=/bin/forktest (guest-os/user/forktest.c: fork, copy-on-write, wait)
# and init=/bin/exectest (guest-os/user/exectest.c: execve) and
# init=/bin/churn (guest-os/user/churn.c: 200 fork+exit+wait and 200
# fork+exec+wait, which only fit if reaped and exec'd-over address spaces,
# kernel stacks and PV's 64 address-space slots are given back);
# init=/bin/sigtest (guest-os/user/sigtest.c: memory mappings, signals,
# the process and time calls) must pass and print the same in both;
# the shell (guest-os/user/sh.c) runs the equivalence workload
# (init=/bin/sh /etc/workload.sh: files, pipes, background jobs, kill,
# ps, time), which must print the same in both builds apart from lines
# tagged [time] or [varies], and takes typed commands at its prompt;
# init=/bin/usertests (guest-os/user/usertests.c: every system call's
# success and error paths) must pass and print the same in both;
# init=/bin/balloontest checks the PV memory balloon; and the native
# build boots once without an initrd, running the programs linked into the
# kernel. Logs: build/test-logs/guest-os-*.log.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
passed=0 failed=0
timeout_s=${GUEST_TIMEOUT:-60}
initrd=build/guest-os/initrd.tar

check() {   # check NAME CONDITION-RESULT WHY
    if [ "$2" = 0 ]; then
        passed=$((passed + 1)); echo "PASS guest-os $1"
    else
        failed=$((failed + 1)); echo "FAIL guest-os $1: $3"
    fi
}
has() { tr -d '\r' < "$1" | grep -Eq -- "$2"; }
# The user programs' lines, from init's start to its exit, without the
# lines that report times or other things that may differ ([varies]).
user_output() {
    tr -d '\r' < "$1" | sed -n '/^guest-os: starting init/,/^guest-os: process exited/p' | grep -Ev '\[(time|varies)\]'
}
# The tickers' and the spinner's lines, in the order printed.
ticks() { tr -d '\r' < "$1" | grep -E '^(A|B|spin): (tick|done)' | tr '\n' ' '; }
expected_ticks="A: tick 1 A: tick 2 B: tick 1 A: tick 3 A: tick 4 B: tick 2 spin: done "
check_build() {   # check_build NAME LOG
    has "$2" '^guest-os: initrd: [0-9]+ entries'; check "$1: initrd loaded" $? "no initrd line"
    has "$2" '^hello: hello from ring 3'; check "$1: hello in ring 3" $? "no output from hello"
    has "$2" '^init: started ticker A, ticker B and spin'; check "$1: init spawns three processes" $? "no spawn line"
    [ "$(ticks "$2")" = "$expected_ticks" ]
    check "$1: sleeps interleave, the spinner is preempted" $? "got '$(ticks "$2")', expected '$expected_ticks'"
    has "$2" '^init: ticker A exited with status 4$' && has "$2" '^init: spin exited with status 0$' &&
        has "$2" '^init: no children left$'
    check "$1: wait returns each child's status" $? "missing init: ... exited lines"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: init exits 0" $? "no clean exit"
}

# boot_native NAME LOG CMDLINE [QEMU ARGS...]: isa-debug-exit turns the
# kernel's 0 (success) into QEMU status 1.
boot_native() {
    local name=$1 log=$2 cmdline=$3; shift 3
    timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg -m 128 -nographic \
        -no-reboot -display none -serial stdio -monitor none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel build/guest-os/guest-os-native.elf -append "$cmdline" "$@" < /dev/null > "$log" 2>&1
    local status=$?
    check "$name: powers off" $([ $status = 1 ]; echo $?) "QEMU exit status $status, expected 1 (log: $log)"
    has "$log" '^guest-os \(native build\) on x86 ring 0'; check "$name: banner" $? "no banner"
}
# boot_pv NAME LOG CMDLINE [PVX-RUN ARGS...]: dom0 on pvx with the initrd
# as its module.
boot_pv() {
    local name=$1 log=$2 cmdline=$3; shift 3
    tools/pvx-run build/guest-os/guest-os-pv.elf --timeout "$timeout_s" --cmdline "$cmdline" \
        --module "$initrd" "$@" < /dev/null > "$log" 2>&1
    local status=$?
    check "$name: powers off" $([ $status = 0 ]; echo $?) "pvx-run exit status $status, expected 0 (log: $log)"
    has "$log" '^guest-os \(pv build\) on pvx, ring 1, dom0'; check "$name: banner" $? "no banner"
}
# Equivalence (Popek and Goldberg): the same program prints the same lines.
same_output() {   # same_output NAME NATIVE-LOG PV-LOG
    if [ -n "$(user_output "$2")" ] && [ "$(user_output "$2")" = "$(user_output "$3")" ]; then
        check "$1: same user output native and pv" 0 ""
    else
        check "$1: same user output native and pv" 1 "outputs differ: $(diff <(user_output "$2") <(user_output "$3") | head -5 | tr '\n' ' ')"
    fi
}
check_fstest() {   # check_fstest NAME LOG
    has "$2" '^fstest: [0-9]+ passed, 0 failed'
    check "$1: file system calls" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|fstest:|panic)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: fstest exits 0" $? "no clean exit"
}

native_log=build/test-logs/guest-os-native.log
boot_native native "$native_log" "test" -initrd "$initrd"
check_build native "$native_log"
pv_log=build/test-logs/guest-os-pv.log
boot_pv "pv dom0" "$pv_log" "test"
check_build "pv dom0" "$pv_log"
same_output init "$native_log" "$pv_log"

native_fs_log=build/test-logs/guest-os-native-fstest.log
boot_native "native fstest" "$native_fs_log" "test init=/bin/fstest" -initrd "$initrd"
check_fstest "native" "$native_fs_log"
pv_fs_log=build/test-logs/guest-os-pv-fstest.log
boot_pv "pv dom0 fstest" "$pv_fs_log" "test init=/bin/fstest"
check_fstest "pv dom0" "$pv_fs_log"
same_output fstest "$native_fs_log" "$pv_fs_log"

# fork with copy-on-write (guest-os/user/forktest.c): the same checks pass
# and print the same in both builds.
check_forktest() {   # check_forktest NAME LOG
    has "$2" '^forktest: [0-9]+ passed, 0 failed'
    check "$1: fork and copy-on-write" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|forktest:|panic|guest-os: page)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: forktest exits 0" $? "no clean exit"
}
native_fork_log=build/test-logs/guest-os-native-forktest.log
boot_native "native forktest" "$native_fork_log" "test init=/bin/forktest" -initrd "$initrd"
check_forktest "native" "$native_fork_log"
pv_fork_log=build/test-logs/guest-os-pv-forktest.log
boot_pv "pv dom0 forktest" "$pv_fork_log" "test init=/bin/forktest"
check_forktest "pv dom0" "$pv_fork_log"
same_output forktest "$native_fork_log" "$pv_fork_log"

# execve (guest-os/user/exectest.c: forked children exec /bin/echoargs and
# /bin/hello; failed execs return ENOENT/ENOEXEC/E2BIG to an intact caller).
check_exectest() {   # check_exectest NAME LOG
    has "$2" '^exectest: [0-9]+ passed, 0 failed' && has "$2" '^echoargs: argv\[2\] = "two words"$'
    check "$1: execve" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|exectest:|panic|guest-os: page)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: exectest exits 0" $? "no clean exit"
}
native_exec_log=build/test-logs/guest-os-native-exectest.log
boot_native "native exectest" "$native_exec_log" "test init=/bin/exectest" -initrd "$initrd"
check_exectest "native" "$native_exec_log"
pv_exec_log=build/test-logs/guest-os-pv-exectest.log
boot_pv "pv dom0 exectest" "$pv_exec_log" "test init=/bin/exectest"
check_exectest "pv dom0" "$pv_exec_log"
same_output exectest "$native_exec_log" "$pv_exec_log"

# Memory given back (guest-os/user/churn.c): 400 processes come and go.
check_churn() {   # check_churn NAME LOG
    has "$2" '^churn: 200 forks, 200 execs, 0 failed$'
    check "$1: reaped memory is freed" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|churn:|panic|guest-os: (page|address))' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: churn exits 0" $? "no clean exit"
}
native_churn_log=build/test-logs/guest-os-native-churn.log
boot_native "native churn" "$native_churn_log" "test init=/bin/churn" -initrd "$initrd"
check_churn "native" "$native_churn_log"
pv_churn_log=build/test-logs/guest-os-pv-churn.log
boot_pv "pv dom0 churn" "$pv_churn_log" "test init=/bin/churn"
check_churn "pv dom0" "$pv_churn_log"
same_output churn "$native_churn_log" "$pv_churn_log"

# Memory mappings, signals, the process calls and the clocks
# (guest-os/user/sigtest.c: mmap/munmap/mprotect with demand-zero pages and
# SIGSEGV, kill and handlers, waitpid WNOHANG, getppid, uname, sysinfo,
# procinfo, CLOCK_REALTIME and a fine CLOCK_MONOTONIC, EFAULT).
check_sigtest() {   # check_sigtest NAME LOG
    has "$2" '^sigtest: [0-9]+ passed, 0 failed'
    check "$1: mappings, signals, time" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|sigtest:|panic)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: sigtest exits 0" $? "no clean exit"
}
native_sig_log=build/test-logs/guest-os-native-sigtest.log
boot_native "native sigtest" "$native_sig_log" "test init=/bin/sigtest" -initrd "$initrd"
check_sigtest "native" "$native_sig_log"
pv_sig_log=build/test-logs/guest-os-pv-sigtest.log
boot_pv "pv dom0 sigtest" "$pv_sig_log" "test init=/bin/sigtest"
check_sigtest "pv dom0" "$pv_sig_log"
same_output sigtest "$native_sig_log" "$pv_sig_log"

# The equivalence workload (guest-os/initrd/etc/workload.sh, run by
# /bin/sh): it must reach its end, exit 0 and print the same in both builds.
check_workload() {   # check_workload NAME LOG
    has "$2" '^workload: done$' && ! has "$2" '^(panic|guest-os: (page fault|general protection))'
    check "$1: workload runs to the end" $? "$(tr -d '\r' < "$2" | grep -E '^(workload|panic|guest-os: (page|general))' | tail -3 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: workload exits 0" $? "no clean exit"
}
native_wl_log=build/test-logs/guest-os-native-workload.log
boot_native "native workload" "$native_wl_log" "test init=/bin/sh /etc/workload.sh" -initrd "$initrd"
check_workload "native" "$native_wl_log"
pv_wl_log=build/test-logs/guest-os-pv-workload.log
boot_pv "pv dom0 workload" "$pv_wl_log" "test init=/bin/sh /etc/workload.sh"
check_workload "pv dom0" "$pv_wl_log"
same_output workload "$native_wl_log" "$pv_wl_log"

# The shell at its prompt: each command is typed once its prompt appears
# (sh_input: a background job is reported done at a later prompt; an
# unknown command gives status 127; a nested sh's exit 4 is its status;
# Ctrl-D ends the shell, and the system, cleanly).
sh_input='echo hello from the shell\nls /etc | grep motd\nno-such-program\necho status $?\nsleep 0.2 &\nsleep 0.6\necho after the job\nsh\nexit 4\necho nested shell: $?\n\004\n'
type_after_prompt() {   # type_after_prompt LOG: sh_input's lines, each once LOG shows one more prompt
    local n=0 line deadline=$((SECONDS + timeout_s))
    while IFS= read -r line; do
        n=$((n + 1))
        until [ "$(tr -d '\r' < "$1" 2>/dev/null | grep -c '^\$ ')" -ge $n ]; do
            [ $SECONDS -lt $deadline ] || return; sleep 0.1
        done
        printf '%s\n' "$line"
    done < <(printf '%b' "$sh_input")
}
check_interactive() {   # check_interactive NAME LOG STATUS WANT-STATUS
    [ "$3" = "$4" ]; check "$1 shell: powers off" $? "exit status $3, expected $4 (log: $2)"
    has "$2" '^(\$ )?hello from the shell' && has "$2" '^(\$ )?motd' &&
        has "$2" 'sh: no-such-program: not found' && has "$2" '^(\$ )?status 127' &&
        has "$2" '\[[0-9]+\] done' && has "$2" 'after the job' && has "$2" '^(\$ )?nested shell: 4' &&
        has "$2" '^(\$ )?guest-os: process exited with status 0$'
    check "$1 shell: runs typed commands" $? "$(user_output "$2" | tail -4 | tr '\n' ' ')"
}
native_sh_log=build/test-logs/guest-os-native-sh.log
rm -f "$native_sh_log"      # type_after_prompt must not see an old prompt
type_after_prompt "$native_sh_log" | timeout --foreground -k 5 "$timeout_s" qemu-system-x86_64 -accel tcg \
    -m 128 -nographic -no-reboot -display none -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel build/guest-os/guest-os-native.elf \
    -append "test init=/bin/sh" -initrd "$initrd" > "$native_sh_log" 2>&1
check_interactive native "$native_sh_log" "${PIPESTATUS[1]}" 1
pv_sh_log=build/test-logs/guest-os-pv-sh.log
rm -f "$pv_sh_log"
type_after_prompt "$pv_sh_log" | tools/pvx-run build/guest-os/guest-os-pv.elf --timeout "$timeout_s" \
    --cmdline "test init=/bin/sh" --module "$initrd" > "$pv_sh_log" 2>&1
check_interactive "pv dom0" "$pv_sh_log" "${PIPESTATUS[1]}" 0

# usertests (guest-os/user/usertests.c): every system call's success and
# error paths, no failure, the same output in both builds.
check_usertests() {   # check_usertests NAME LOG
    has "$2" '^usertests: [0-9]+ passed, 0 failed'
    check "$1: usertests" $? "$(tr -d '\r' < "$2" | grep -E '^(FAIL|usertests:|panic|guest-os: page)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: usertests exits 0" $? "no clean exit"
}
native_ut_log=build/test-logs/guest-os-native-usertests.log
boot_native "native usertests" "$native_ut_log" "test init=/bin/usertests" -initrd "$initrd"
check_usertests "native" "$native_ut_log"
pv_ut_log=build/test-logs/guest-os-pv-usertests.log
boot_pv "pv dom0 usertests" "$pv_ut_log" "test init=/bin/usertests"
check_usertests "pv dom0" "$pv_ut_log"
same_output usertests "$native_ut_log" "$pv_ut_log"

# The memory balloon (guest-os/arch/pv/balloon.c, guest-os/user/balloontest.c):
# dom0 starts with 32 MiB and may grow to 48 MiB; it shrinks, grows past
# its start size, stops at its floor and at maxmem, and keeps working. The
# native build has no balloon (ENOSYS).
check_balloon() {   # check_balloon NAME LOG
    has "$2" '^balloontest: [0-9]+ passed, 0 failed'
    check "$1: balloon" $? "$(tr -d '\r' < "$2" | grep -E '^(balloontest: FAIL|panic)' | head -5 | tr '\n' ' ')"
    has "$2" '^guest-os: process exited with status 0$'; check "$1: balloontest exits 0" $? "no clean exit"
}
native_bal_log=build/test-logs/guest-os-native-balloon.log
boot_native "native balloon" "$native_bal_log" "test init=/bin/balloontest" -initrd "$initrd"
check_balloon "native (ENOSYS)" "$native_bal_log"
pv_bal_log=build/test-logs/guest-os-pv-balloon.log
boot_pv "pv dom0 balloon" "$pv_bal_log" "test init=/bin/balloontest" --xen-cmdline "dom0_mem=32M,max:48M"
check_balloon "pv dom0" "$pv_bal_log"
has "$pv_bal_log" '^\(pvx\) d0 \(dom0\): 32768 KiB \(max 49152 KiB\)'
check "pv dom0 balloon: pvx gives dom0 32 MiB, max 48 MiB" $? "no such domain line"

# The hypervisor calls for user programs (include/xen_user.h): ENOSYS on
# the native build (tests/guest-os/domu.sh runs xentest on PV).
native_xt_log=build/test-logs/guest-os-native-xentest.log
boot_native "native xentest" "$native_xt_log" "test init=/bin/xentest" -initrd "$initrd"
has "$native_xt_log" '^xentest: [0-9]+ passed, 0 failed'; check "native: xen calls are ENOSYS" $? "log: $native_xt_log"

# Without an initrd: the programs linked into the kernel (init runs hello).
bare_log=build/test-logs/guest-os-native-no-initrd.log
boot_native "native, no initrd" "$bare_log" "test"
has "$bare_log" '^guest-os: no initrd' && has "$bare_log" '^hello: hello from ring 3' &&
    has "$bare_log" '^guest-os: process exited with status 0$'
check "native, no initrd: embedded init runs hello" $? "log: $bare_log"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
