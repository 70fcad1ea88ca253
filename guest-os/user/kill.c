/*
 * guest-os: kill [-SIG] PID...: send SIG (default TERM) to each PID. SIG
 * is a number or a name with or without "SIG" (KILL, TERM, INT, HUP,
 * USR1, ...). "kill: PID: reason" and status 1 for each that fails.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *name; int sig; } signals[] = {
    { "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
    { "SEGV", SIGSEGV }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
    { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "CHLD", SIGCHLD },
};

/* The signal named or numbered by s (without the '-'), or -1. */
static int parse_signal(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s && !*end)
        return n >= 0 && n < NSIG ? (int)n : -1;
    if (!strncmp(s, "SIG", 3))
        s += 3;
    for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
        if (!strcmp(s, signals[i].name))
            return signals[i].sig;
    return -1;
}

/* Parse -SIG, signal each PID; 1 if any fails. */
int main(int argc, char **argv)
{
    int i = 1, sig = SIGTERM, status = 0;
    if (argc > 1 && argv[1][0] == '-') {
        if ((sig = parse_signal(argv[1] + 1)) < 0) {
            fprintf(stderr, "kill: %s: invalid signal\n", argv[1] + 1);
            return 1;
        }
        i++;
    }
    if (i == argc) {
        fprintf(stderr, "usage: kill [-SIG] PID...\n");
        return 1;
    }
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (!*argv[i] || *end) {
            fprintf(stderr, "kill: %s: arguments must be process ids\n", argv[i]);
            status = 1;
        } else if (kill((int)pid, sig) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
