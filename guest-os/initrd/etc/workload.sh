# guest-os: the equivalence workload (Popek and Goldberg's first
# requirement: a program runs the same on the virtual machine as on the
# real one). tests/guest-os/run.sh boots both builds with
# "init=/bin/sh /etc/workload.sh" and requires the same output from each,
# apart from the lines tagged [time] or [varies] (times, memory sizes and
# the build's name legitimately differ).
echo workload: start

echo '== files: redirections, cat, ls'
mkdir /tmp
echo "hello, file" > /tmp/a
echo second line >> /tmp/a
cat /tmp/a
cat < /tmp/a > /tmp/b
ls -l /tmp
cat /tmp/a /tmp/b
rm /tmp/b
ls /tmp

echo '== pipes'
cat /tmp/a | grep second
echo one two three | cat | cat | cat
cat /etc/motd | grep -c guest-os
ls /bin | grep sh
cat /no/such/file 2>&1 | grep -c 'No such file'

echo '== quoting and exit statuses'
echo 'single  quoted  $?' "double  quoted" escaped\ blank \#not-a-comment # a comment
cat /no/such/file; echo "cat of a missing file: status $?"
cat /no/such/file 2> /tmp/err; echo status $?; cat /tmp/err
no-such-program; echo "unknown command: status $?"
rm /tmp/err; echo rm: status $?
rm /tmp/err; echo rm again: status $?
mkdir /tmp; echo mkdir again: status $?
grep -c nothing-matches /tmp/a; echo "grep without a match: status $?"
kill 9999; echo "kill of no such process: status $?"
echo a |
echo "syntax error: status $?"

echo '== processes: background jobs, wait, kill'
sleep 0.2 &
echo started a background sleep
wait
sleep 30 &
sleep 0.1
ps | grep -w sleep
kill -KILL $!
wait
echo killed the sleep
ps | grep -c -w sleep
sleep 30 &
kill -9 $!; wait $!; echo "killed by signal 9: status $?"
sleep 30 &
kill $!; wait $!; echo "killed by SIGTERM: status $?"
wait 12345; echo "wait for no such job: status $?"
ps | grep -w PID
ps | grep -w ps

echo '== time and the system'
echo -n '[time] '; uptime
sleep 0.5; echo slept half a second
echo -n '[time] '; uptime
uname
echo -n '[varies] '; uname -a
free | grep -c -w total
echo -n '[varies] '; free | grep KiB:
echo workload: done
