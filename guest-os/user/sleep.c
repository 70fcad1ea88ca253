/*
 * guest-os: sleep SECONDS: sleep that long; fractions are allowed
 * ("sleep 0.25"). A bad argument is reported with status 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* SECONDS as a timespec; 0, or -1 if it is not a non-negative number. */
static int parse_seconds(const char *s, struct timespec *ts)
{
    long sec = 0, nsec = 0, scale = 100000000;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++)
        sec = sec * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
            nsec += (*p - '0') * scale;
    if (*p || p == s || sec > 100000000)
        return -1;
    ts->tv_sec = sec;
    ts->tv_nsec = nsec;
    return 0;
}

/* Sleep argv[1] seconds; 1 on a bad argument. */
int main(int argc, char **argv)
{
    struct timespec ts;
    if (argc != 2) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 1;
    }
    if (parse_seconds(argv[1], &ts) < 0) {
        fprintf(stderr, "sleep: invalid time interval '%s'\n", argv[1]);
        return 1;
    }
    while (nanosleep(&ts, &ts) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "sleep: %s\n", strerror(errno));
            return 1;
        }
    }
    return 0;
}
