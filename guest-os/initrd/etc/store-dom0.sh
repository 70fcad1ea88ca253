# The store end to end (tests/guest-os/store.sh): dom0 runs xenstored in
# the background and uses the store through its kernel's connection; the
# domUs run /etc/store-domu.sh. Lines start "store:" so the test finds them.
mkdir /tmp
xenstored &
echo store: d0 start
xenstore write /tool/test hello
xenstore read /tool/test
xenstore mkdir /tool/dir
xenstore ls /tool
xenstore getperms /local/domain/1
xenstore watch /tool/w 2 > /tmp/w &
sleep 1
xenstore write /tool/w changed
wait $!
echo store: d0 watch events:
cat /tmp/w
xenstore read /nonexistent
echo "store: d0 read missing status $?"
echo store: d0 waits for d1
xenstore wait /local/domain/1/done
xenstore wait /local/domain/2/done
echo store: d0 reads d1 data
xenstore read /local/domain/1/data
xenstore ls /local/domain/1
# Both domUs end once acknowledged; stay until the daemon has released
# them (@releaseDomain fires once when set, then per release), so the
# daemon runs until then rather than dom0 powering off under it.
xenstore watch @releaseDomain 3 > /tmp/rel &
sleep 1
xenstore write /local/domain/1/ack 1
xenstore write /local/domain/2/ack 1
wait $!
echo store: d0 done
