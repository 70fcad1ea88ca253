/*
 * guest-os: init, the first process. Runs hello, then two tickers and a
 * spinner at once and waits for each: the tickers' lines interleave by
 * their sleeps while the spinner never sleeps, so they appear before the
 * spinner's only if the timer preempts it (tests/guest-os/run.sh checks the
 * order). Lines with "[time]" report times and differ between runs.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_os.h"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start a program and say so; its pid. */
static int start(char *const argv[])
{
    int pid = spawn(argv[0], argv);
    if (pid < 0)
        perror(argv[0]);
    return pid;
}

/* Wait for pid and report how it ended; 0 if it exited with `expect`. */
static int reap(int pid, const char *name, int expect)
{
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    printf("init: %s exited with status %d\n", name, WEXITSTATUS(status));
    return WEXITSTATUS(status) != expect;
}

int main(void)
{
    long t0 = now_ms();
    int bad = 0;
    char *hello[] = { "hello", NULL };
    int pid = start(hello);
    bad |= pid < 0 || reap(pid, "hello", 0);

    /* ticker NAME INTERVAL_MS COUNT: a line every interval; spin MS. */
    char *a[] = { "ticker", "A", "100", "4", NULL };
    char *b[] = { "ticker", "B", "250", "2", NULL };
    char *s[] = { "spin", "700", NULL };
    int pa = start(a), pb = start(b), ps = start(s);
    if (pa < 0 || pb < 0 || ps < 0)
        return 1;
    printf("init: started ticker A, ticker B and spin (pids %d %d %d)\n", pa, pb, ps);
    bad |= reap(pa, "ticker A", 4);
    bad |= reap(pb, "ticker B", 2);
    bad |= reap(ps, "spin", 0);
    if (waitpid(-1, NULL, 0) != -1)
        bad = 1;
    printf("init: no children left\n");
    printf("init: [time] done after %ld ms\n", now_ms() - t0);
    return bad;
}
