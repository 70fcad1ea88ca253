# Automatic ballooning, dom0's side (tests/guest-os/autoballoon.sh, and a
# demo: docs/memory.md). The store daemon in the background, then the
# policy daemon for ROUNDS rounds of 500 ms; it prints "memlog" lines that
# tools/pvx-memchart turns into a table and a picture. The domUs run memhog.
xenstored &
sleep 1
echo autoballoon: start
autoballoon -n 90
echo autoballoon: done
