#!/usr/bin/env bash
# The store end to end (issue 5, docs/store.md): pvx boots guest-os PV as
# dom0 running /etc/store-dom0.sh and two guest-os domUs running
# /etc/store-domu.sh, each with the initrd. dom0 starts xenstored in the
# background, which connects d0, d1 and d2 through their seeded grants and
# store ports; every `xenstore` command goes through its kernel's store
# connection (SYS_xenbus) and the ring to the daemon. Checks: the daemon
# connects all three; dom0 writes, reads, lists, sees a domU's permissions
# (n1), gets ENOENT for a missing key, and a watch fires twice (set, then
# changed); each domU writes and reads under its own path (relative),
# owns it (n1/n2), gets EACCES reading or listing the other domU's and
# writing dom0's, and its watch fires; dom0 reads d1's keys; the daemon
# releases each domU that powers off (dom0 waits for @releaseDomain);
# everything powers off.
# Log: build/test-logs/guest-os-store.log. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
initrd=build/guest-os/initrd.tar
kernel=build/guest-os/guest-os-pv.elf
log=build/test-logs/guest-os-store.log
suite=store
. tests/guest-os/lib.sh

# Does domain $1 print the lines $2, $3, ... in this order (others between)?
in_order() {
    local d=$1; shift
    lines_of "$d" | awk -v n=$# 'BEGIN { for (i = 1; i < ARGC; i++) want[i] = ARGV[i]; ARGC = 1; k = 1 }
        k <= n && $0 == want[k] { k++ } END { exit k <= n }' "$@"
}

tools/pvx-run "$kernel" --timeout "${GUEST_TIMEOUT:-120}" --cmdline "init=/bin/sh /etc/store-dom0.sh" --module "$initrd" \
    --domain "$kernel,name=gos1,mem=16M,ramdisk=$initrd,init=/bin/sh,/etc/store-domu.sh" \
    --domain "$kernel,name=gos2,mem=16M,ramdisk=$initrd,init=/bin/sh,/etc/store-domu.sh" \
    < /dev/null > "$log" 2>&1
status=$?
check "pvx-run: everything powers off" $([ $status = 0 ]; echo $?) "exit status $status (log: $log)"
for d in 0 1 2; do
    lines_of 0 | grep -q "d$d: connected (its port"; check "xenstored connects d$d" $? "no 'd$d: connected' line"
done
in_order 0 "hello" "test" "dir" "n1" "store: d0 watch events:" "/tool/w" "/tool/w" \
    "xenstore: read /nonexistent: ENOENT" "store: d0 read missing status 1"
check "d0: write, read, ls, getperms, a watch, ENOENT" $? "$(lines_of 0 | grep -v '^xenstored' | head -20 | tr '\n' '|')"
in_order 0 "store: d0 reads d1 data" "again" "data"
check "d0: sees d1's keys" $? "$(lines_of 0 | grep -A3 'reads d1' | tr '\n' '|')"
for d in 1 2; do
    other=$((3 - d))
    in_order $d "store: domU start" "written-by-domU" "n$d"
    check "d$d: writes and reads its own key, owns it" $? "$(lines_of $d | head -8 | tr '\n' '|')"
    if [ $d = 1 ]; then
        in_order 1 "xenstore: read /local/domain/2: EACCES" "store: domU read d2 status 1"
    else
        in_order 2 "xenstore: ls /local/domain/1: EACCES" "store: domU ls d1 status 1"
    fi
    check "d$d: EACCES on d$other's path" $? "$(lines_of $d | grep -i 'status\|EACCES' | tr '\n' '|')"
    in_order $d "xenstore: write /local/domain/0/x: EACCES" "store: domU write d0 status 1"
    check "d$d: EACCES writing dom0's path" $? "no EACCES line"
    in_order $d "store: domU watch events:" "data" "data" "store: domU done"
    check "d$d: its watch fires (set, changed)" $? "$(lines_of $d | grep -A3 'watch events' | tr '\n' '|')"
done
# dom0 powers off as soon as the last domU ends, so only the first one's
# release is sure to be seen.
lines_of 0 | grep -Eq "d1: released$" && lines_of 0 | grep -Eq "d2: released$"
check "xenstored releases each domU when it ends" $? "$(lines_of 0 | grep released | tr '\n' '|')"
lines_of 0 | grep -q "^store: d0 done"; check "d0: script completes" $? "no 'store: d0 done'"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
