# The store from a domU (tests/guest-os/store.sh): its own keys (relative
# paths are under /local/domain/N), another domU's (EACCES), a watch;
# then it waits for dom0 to have read its keys (ack).
mkdir /tmp
echo store: domU start
xenstore write data written-by-domU
xenstore read data
xenstore getperms data
xenstore read /local/domain/2
echo "store: domU read d2 status $?"
xenstore ls /local/domain/1
echo "store: domU ls d1 status $?"
xenstore write /local/domain/0/x y
echo "store: domU write d0 status $?"
xenstore watch data 2 > /tmp/w &
sleep 1
xenstore write data again
wait $!
echo store: domU watch events:
cat /tmp/w
xenstore write done 1
xenstore wait ack
echo store: domU done
