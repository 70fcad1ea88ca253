#!/usr/bin/env bash
# Automatic ballooning end to end (issue 5, docs/memory.md): pvx boots
# guest-os PV as dom0 running /etc/autoballoon-test.sh (xenstored, then
# the autoballoon policy daemon with an 80 MiB reserve, so busy domains
# grow only by what idle ones give back) and three guest-os domUs (24 MiB,
# maxmem 64 MiB) whose working sets change over time (memhog):
#   hog1  4 MiB for 6 s, 32 MiB for 10 s, 4 MiB for 10 s
#   hog2  4 MiB for 14 s, 32 MiB for 10 s
#   hog3  16 MiB for 26 s (steady)
# Checks: every memhog step is reached, each within 10 s (a domain that
# needs memory gets it in bounded time); no memhog is starved or killed
# and every domU powers off cleanly; the targets of hog1 and hog2 went up
# when they were busy and down when they were idle, hog3's stayed (it uses
# its memory), never below the 8 MiB floor nor above maxmem;
# every frame comes back; and tools/pvx-memchart draws the run (the table
# and build/test-logs/guest-os-autoballoon.svg).
# Log: build/test-logs/guest-os-autoballoon.log. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
mkdir -p build/test-logs
timeout_s=${GUEST_TIMEOUT:-240}
initrd=build/guest-os/initrd.tar
kernel=build/guest-os/guest-os-pv.elf
log=build/test-logs/guest-os-autoballoon.log
suite=autoballoon
. tests/guest-os/lib.sh
svg=build/test-logs/guest-os-autoballoon.svg

lines() { tr -d '\r' < "$log"; }

hog() {   # hog NAME STEPS...: a --domain argument
    local name=$1; shift
    echo "$kernel,name=$name,mem=24M,maxmem=64M,ramdisk=$initrd,init=/bin/memhog $*"
}
tools/pvx-run "$kernel" --timeout "$timeout_s" --cmdline "init=/bin/sh /etc/autoballoon-test.sh" \
    --module "$initrd" --xen-cmdline "dom0_mem=48M" \
    --domain "$(hog hog1 4M:6 32M:10 4M:10)" --domain "$(hog hog2 4M:14 32M:10)" \
    --domain "$(hog hog3 16M:26)" < /dev/null > "$log" 2>&1
status=$?
check "dom0 powers off" $([ $status = 0 ]; echo $?) "pvx-run exit status $status (log: $log)"

# Each memhog step: reached, within 10 s.
for spec in "1 3" "2 2" "3 1"; do
    set -- $spec
    d=$1 steps=$2
    for s in $(seq 1 "$steps"); do
        t=$(lines | sed -n "s/^(d$d) memhog: \[varies\] step $s: [0-9]* KiB after \([0-9]*\)\.[0-9]* s$/\1/p" | head -1)
        [ -n "$t" ] && [ "$t" -lt 10 ]
        check "d$d: memhog step $s within 10 s" $? "waited '${t:-never}' s"
    done
    lines | grep -q "^(d$d) memhog: done$"; check "d$d: memhog runs to the end" $? "no 'memhog: done'"
done
! lines | grep -Eq 'starved|SIGSEGV|killed by signal|out of memory'
check "nothing starved or killed" $? "$(lines | grep -E 'starved|SIGSEGV|killed|out of memory' | head -3 | tr '\n' '|')"
for d in 1 2 3; do
    lines | grep -q "^(pvx) d$d: shutdown: poweroff$"; check "d$d powers off cleanly" $? "no poweroff line"
done

# The policy's decisions: busy domains up, idle ones down, within limits.
for d in 1 2; do
    lines | grep -Eq "^autoballoon: \[time\] [0-9.]+ s: d$d target ([0-9]+) -> [0-9]+ KiB" &&
        lines | awk -v d="d$d" '$1 == "autoballoon:" && $5 == d && $9 + 0 > $7 + 0 { up = 1 } END { exit !up }'
    check "d$d's target was raised under pressure" $? "no raise for d$d"
done
for d in 1 2; do
    lines | awk -v d="d$d" '$1 == "autoballoon:" && $5 == d && $9 + 0 < $7 + 0 { down = 1 } END { exit !down }'
    check "d$d's target was lowered while idle" $? "no cut for d$d"
done
# hog3 uses most of its memory the whole time: it is never squeezed.
lines | awk '$1 == "memlog" && $3 == "d3" && $5 + 0 < 20480 { bad = 1 } END { exit bad }'
check "d3 (steady, 16 MiB in use) keeps at least 20 MiB" $? "$(lines | awk '$1 == "memlog" && $3 == "d3" && $5 < 20480' | head -2 | tr '\n' '|')"
lines | awk '$1 == "memlog" && ($5 + 0 < 8192 || $5 + 0 > 65540) { bad = 1 } END { exit bad }'
check "targets stay between the floor and maxmem" $? "$(lines | awk '$1 == "memlog" && ($5 < 8192 || $5 > 65540)' | head -2 | tr '\n' '|')"
lines | grep -Eq '^\(pvx\) all domUs gone: ([0-9]+) frames free, \1 before they were built'
check "every domU frame comes back" $? "no matching 'all domUs gone' line"

# The picture.
tools/pvx-memchart "$log" "$svg" > build/test-logs/guest-os-autoballoon-table.md 2>/dev/null &&
    [ "$(grep -c '<polyline' "$svg")" -ge 6 ]
check "pvx-memchart draws the three domains" $? "no chart (see $svg)"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
