# Automatic ballooning under test (tests/guest-os/autoballoon.sh): like
# /etc/autoballoon-dom0.sh, but with a reserve so large that busy domains
# can grow only by what idle ones give back.
xenstored &
sleep 1
echo autoballoon: start
autoballoon -n 70 -r 80000
echo autoballoon: done
