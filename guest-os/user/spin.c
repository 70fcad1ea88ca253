/*
 * guest-os: spin MS computes for MS milliseconds without a system call
 * but clock_gettime, then exits 0. Only preemption lets anything else run
 * meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    long until = now_ms() + (argc > 1 ? atol(argv[1]) : 500);
    volatile unsigned long loops = 0;
    while (now_ms() < until)
        for (int i = 0; i < 10000; i++)
            loops++;
    printf("spin: done\n");
    printf("spin: [time] %lu loops\n", loops);
    return 0;
}
