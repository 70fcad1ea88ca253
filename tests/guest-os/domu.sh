#!/usr/bin/env bash
# guest-os PV as a domU: pvx boots three guest-os PV kernels side by side,
#   d0  dom0, the initrd as its ramdisk module (--module), running /bin/init
#   d1  a boot-time domU (32 MiB) with the initrd as its ramdisk
#       (--domain ...,ramdisk=FILE: a "ramdisk" module after the domain's),
#       running /bin/init
#   d2  a second domU (16 MiB), its own copy of the initrd, running
#       /bin/fstest
# A domU prints through its PV console ring, so its lines come out
# prefixed "(dN) ". Checks: each domain's banner says dom0 or domU; d0 and
# d1 load the initrd and run init's programs (hello, the tickers and the
# spinner, whose end comes after every tick only if it is preempted, each
# child's exit status), and print the same user output lines; d2's file-system checks pass; each
# domain's "KiB free" is close to its memory (memory.c maps all of it:
# short only of the kernel, the ramdisk and the boot-time tables); both
# domUs power off, every frame they had comes back, then dom0 (which
# waits for them, arch/pv/power.c) powers the machine off cleanly.
# Then, if the initrd has /bin/sh, dom0's console backend: `console 1` in
# dom0's shell attaches to a domU's shell and back (Ctrl-]).
# Then dom0 and a domU run xentest (the hypervisor calls for user
# programs, include/xen_user.h).
# Logs: build/test-logs/guest-os-domu*.log. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
timeout_s=${GUEST_TIMEOUT:-60}
initrd=build/guest-os/initrd.tar
kernel=build/guest-os/guest-os-pv.elf
log=build/test-logs/guest-os-domu.log
suite=domU
. tests/guest-os/lib.sh

has() { tr -d '\r' < "$log" | grep -Eq -- "$1"; }
# The user programs' lines, from init's start to its exit, without times.
user_output() {
    lines_of "$1" | sed -n '/^guest-os: starting init/,/^guest-os: process exited/p' | grep -v -e '\[time\]' -e '^guest-os: console backend: '
}
# The tickers' and the spinner's lines, in the order printed (of one
# ticker only, if a second argument names it).
ticks() { lines_of "$1" | grep -E "^(${2:-A|B|spin}): (tick|done)" | tr '\n' ' '; }

tools/pvx-run "$kernel" --timeout "$timeout_s" --cmdline "test" --module "$initrd" \
    --domain "$kernel,name=gos1,mem=32M,ramdisk=$initrd,test" \
    --domain "$kernel,name=gos2,mem=16M,ramdisk=$initrd,test,init=/bin/fstest" \
    < /dev/null > "$log" 2>&1
status=$?
check "pvx-run: dom0 powers off" $([ $status = 0 ]; echo $?) "exit status $status, expected 0 (log: $log)"

has '^guest-os \(pv build\) on pvx, ring 1, dom0$'; check "d0: dom0 banner" $? "no banner"
for d in 1 2; do
    has "^\(d$d\) guest-os \(pv build\) on pvx, ring 1, domU$"
    check "d$d: domU banner, through its console ring" $? "no '(d$d) ' banner line"
    has "^\(pvx\) d$d \(gos$d\): ramdisk [0-9]+ KiB at"; check "d$d: pvx loads its ramdisk" $? "no ramdisk line"
    lines_of $d | grep -Eq '^guest-os: initrd: [0-9]+ entries'; check "d$d: initrd loaded" $? "no initrd line"
    has "^\(pvx\) d$d: shutdown: poweroff$"; check "d$d: powers off" $? "no poweroff line"
done

# init's programs in d0 and d1.
for d in 0 1; do
    lines_of $d | grep -q '^hello: hello from ring 3'; check "d$d: hello in ring 3" $? "no output from hello"
    # Three domains share the CPU, so the two tickers' exact interleaving
    # (run.sh checks it) depends on the host: here each ticker's own order,
    # and every tick before the spinner's end, which needs preemption.
    [ "$(ticks $d A)" = "A: tick 1 A: tick 2 A: tick 3 A: tick 4 " ] &&
        [ "$(ticks $d B)" = "B: tick 1 B: tick 2 " ] && [[ "$(ticks $d)" == *" spin: done " ]]
    check "d$d: tickers sleep, the spinner is preempted" $? "got '$(ticks $d)'"
    lines_of $d | grep -q '^init: no children left$' && lines_of $d | grep -q '^guest-os: process exited with status 0$'
    check "d$d: init waits for its children and exits 0" $? "missing init/exit lines"
done
# The same lines (in whatever order the shared CPU gave them).
if [ -n "$(user_output 0)" ] && [ "$(user_output 0 | sort)" = "$(user_output 1 | sort)" ]; then
    check "same user output in dom0 and the domU" 0 ""
else
    check "same user output in dom0 and the domU" 1 "$(diff <(user_output 0 | sort) <(user_output 1 | sort) | head -5 | tr '\n' ' ')"
fi
lines_of 2 | grep -Eq '^fstest: [0-9]+ passed, 0 failed' && lines_of 2 | grep -q '^guest-os: process exited with status 0$'
check "d2: fstest passes" $? "$(lines_of 2 | grep -E '^(FAIL|fstest:|panic)' | head -3 | tr '\n' ' ')"

# All of each domain's memory: "KiB free" within the ramdisk and 2 MiB of
# its size (before memory.c it was about 3 MiB in all).
initrd_kib=$(( ($(stat -c %s "$initrd") + 1023) / 1024 ))
for d in 0 1 2; do
    mem=$(tr -d '\r' < "$log" | sed -n "s/^(pvx) d$d ([^)]*): \([0-9]*\) KiB[ ,].*/\1/p" | head -1)
    free=$(lines_of $d | sed -n 's/^guest-os: \([0-9]*\) KiB free.*/\1/p' | head -1)
    ok=1
    [ -n "$mem" ] && [ -n "$free" ] && [ "$free" -le "$mem" ] && [ "$free" -ge $((mem - initrd_kib - 2048)) ] && ok=0
    check "d$d: $free KiB free of $mem KiB" $ok "expected at least $((mem - initrd_kib - 2048)) KiB free"
done

has '^\(pvx\) all domUs gone: ([0-9]+) frames free, \1 before they were built'
check "every domU frame comes back" $? "no matching 'all domUs gone' line"
has '^\(pvx\) d0: shutdown: poweroff$'; check "d0: powers off after the domUs" $? "no dom0 poweroff line"
tr -d '\r' < "$log" | grep -n -E '^\(pvx\) d[0-9]: shutdown' | tail -1 | grep -q 'd0: shutdown'
check "d0 is the last to shut down" $? "$(grep -a 'shutdown:' "$log" | tr '\n' ' ')"

# Typing into a domU: dom0 and a guest-os domU both run the shell (if the
# initrd has /bin/sh). dom0's kernel is the domU's console backend
# (arch/pv/consback.c): it binds the domU's console port (pvx says the
# ring is served by d0 from now on) and prints its output as "(d1) "
# lines. Ctrl-A x3 then skips d1 (pvx no longer writes its ring). In
# dom0's shell, `console 1` attaches the terminal to d1: "echo status $?"
# runs in d1 and its output comes raw (unprefixed); Ctrl-] comes back to
# dom0's shell; `console 1` again, and "exit 0" ends d1, which ends the
# attachment ("d1 has ended"); dom0's `exit` then powers off.
sh_log=build/test-logs/guest-os-domu-sh.log
if tar tf "$initrd" | grep -qx 'bin/sh'; then
    rm -f "$sh_log"
    # Wait for a line (grep -E) in the log, up to 30 s.
    wait_for() { for _ in $(seq 300); do tr -d '\r' < "$sh_log" 2>/dev/null | grep -Eq -- "$1" && return; sleep 0.1; done; }
    { wait_for '^guest-os: console backend: d1 connected'
      wait_for '^\(d1\) guest-os: starting init'
      sleep 1
      printf '\001\001\001'; wait_for 'console input now goes to the hypervisor'
      printf '\001\001\001'; wait_for 'console input now goes to dom0'
      printf 'console 1\n'; wait_for '^console: attached to d1'
      sleep 0.5; printf 'echo status $?\n'; wait_for '^status 0$'
      printf '\035'; wait_for '^console: back in dom0'
      printf 'echo dom0 again\n'; wait_for '^dom0 again$'
      printf 'console d1\n'; sleep 1
      printf 'exit 0\n'; wait_for '^console: d1 has ended'
      printf 'exit\n'; } |
        tools/pvx-run "$kernel" --timeout "$timeout_s" --cmdline "init=/bin/sh" --module "$initrd" \
            --domain "$kernel,name=gos1,mem=32M,ramdisk=$initrd,init=/bin/sh" > "$sh_log" 2>&1
    status=${PIPESTATUS[1]}
    log=$sh_log
    check "shell: dom0 powers off" $([ $status = 0 ]; echo $?) "exit status $status, expected 0 (log: $sh_log)"
    has '^\(pvx\) d1: console ring served by d0.s backend from now on$' &&
        has '^guest-os: console backend: d1 connected \(port [0-9]+, grant 0\)$'
    check "shell: dom0's kernel serves d1's console ring" $? "no 'served by d0' / 'connected' line"
    lines_of 1 | grep -q '^guest-os: starting init'
    check "shell: d1's lines, through dom0" $? "no (d1) lines"
    has 'console input now goes to the hypervisor' && ! has 'console input now goes to gos1'
    check "shell: Ctrl-A x3 skips d1 (its input is dom0's to give)" $? "$(grep -a 'console input now' "$sh_log" | head -3 | tr '\n' ' ')"
    tr -d '\r' < "$log" | grep -Eq '^(\$ )*status 0$'
    check "shell: console 1 attaches: typed commands run in d1, its output raw" $? "$(tail -5 "$sh_log" | tr '\n' ' ')"
    has '^console: back in dom0 \(d1 still runs\)$' && has '^dom0 again$'
    check "shell: Ctrl-] comes back to dom0's shell" $? "no 'back in dom0' / dom0 output"
    # (pvx's line may follow the domU's raw echo on the same line)
    has '^console: d1 has ended$' && has '\(pvx\) d1: shutdown: poweroff$'
    check "shell: exit in d1 ends it, and the attachment" $? "no 'd1 has ended' / poweroff line"
    ! has 'unexpected trap|panic|FAIL'
    check "shell: no kernel fault" $? "$(grep -aE 'unexpected trap|panic|FAIL' "$sh_log" | head -3 | tr '\n' ' ')"
else
    echo "SKIP guest-os domU shell: no /bin/sh in $initrd"
fi

# The hypervisor calls for user programs (include/xen_user.h,
# guest-os/user/xentest.c): dom0 runs xentest (evtchn, gntmap, domains and
# xenbus against a fake store daemon of its own) while d1 sleeps (so dom0
# lists it, with its store port) and d2 runs xentest as a domU (EPERM).
xt_log=build/test-logs/guest-os-domu-xentest.log
tools/pvx-run "$kernel" --timeout "$timeout_s" --cmdline "test init=/bin/xentest" --module "$initrd" \
    --domain "$kernel,name=gos1,mem=16M,ramdisk=$initrd,test init=/bin/sleep 5" \
    --domain "$kernel,name=gos2,mem=16M,ramdisk=$initrd,test init=/bin/xentest" < /dev/null > "$xt_log" 2>&1
status=$?
log=$xt_log
check "xentest: dom0 powers off" $([ $status = 0 ]; echo $?) "exit status $status, expected 0 (log: $xt_log)"
lines_of 0 | grep -Eq '^xentest: [0-9]+ passed, 0 failed$'
check "xentest: dom0's calls" $? "$(lines_of 0 | grep -E '^(xentest: FAIL|xentest:|panic)' | head -5 | tr '\n' ' ')"
lines_of 0 | grep -Eq '^xentest: \[varies\] domain d1: .* store port [1-9][0-9]* ref 1$'
check "xentest: dom0 lists d1 with its store port" $? "no d1 line"
lines_of 2 | grep -Eq '^xentest: [0-9]+ passed, 0 failed$'
check "xentest: a domU gets EPERM" $? "$(lines_of 2 | grep -E '^(xentest|panic)' | head -3 | tr '\n' ' ')"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
