/*
 * guest-os: ticker NAME INTERVAL_MS COUNT prints "NAME: tick i" at
 * INTERVAL_MS, 2 * INTERVAL_MS, ... after its start (absolute deadlines, so
 * sleeping late once does not shift the rest) and exits with COUNT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: ticker NAME INTERVAL_MS COUNT\n");
        return 255;
    }
    long long interval = atol(argv[2]) * 1000000LL, start = now_ns();
    int count = atoi(argv[3]);
    for (int i = 1; i <= count; i++) {
        long long left = start + i * interval - now_ns();
        if (left > 0) {
            struct timespec ts = { (time_t)(left / 1000000000), (long)(left % 1000000000) };
            nanosleep(&ts, NULL);
        }
        printf("%s: tick %d\n", argv[1], i);
    }
    return count;
}
