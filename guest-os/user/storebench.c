/*
 * guest-os: storebench: what a store request costs a domU (issue 5's
 * make bench row): the round trip of XS_WRITE and XS_READ through the
 * kernel's store connection, the ring, dom0's xenstored and back. Timed
 * with rdtsc (instructions under QEMU -icount shift=0, counting everything
 * the machine runs meanwhile: pvx, dom0's daemon, the event channels) and
 * with CLOCK_MONOTONIC (real time under plain TCG); the fastest of 5 runs
 * of N requests each, printed for tools/pvx-bench as
 *     BENCHOS store_write TICKS N / store_write_ns NS N / store_read ... / ...
 * Then it writes bench/done (dom0's script waits for it) and lingers a
 * second so dom0 reads it before the domain's keys go.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "xen_user.h"
#include "../../include/public/io/xs_wire.h"

#define N 50
#define RUNS 5

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One request and its reply; 0, or -1 on any error. */
static int request(uint32_t type, const char *payload, unsigned int len)
{
    return xs_call(type, payload, len, NULL, 0) < 0 ? -1 : 0;
}

/* Time N requests RUNS times; print the fastest per request. */
static int bench(const char *name, uint32_t type, const char *payload, unsigned int len)
{
    uint64_t best = ~0ull, best_ns = ~0ull;
    if (request(type, payload, len))                 /* warm up (and: the store is up) */
        return -1;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = rdtsc(), n0 = now_ns();
        for (int i = 0; i < N; i++)
            if (request(type, payload, len))
                return -1;
        uint64_t t = rdtsc() - t0, ns = now_ns() - n0;
        best = t < best ? t : best;
        best_ns = ns < best_ns ? ns : best_ns;
    }
    /* newlib's printf here has no %llu: the figures fit in 32 bits. */
    printf("BENCHOS %s %lu.%lu %d\n", name, (unsigned long)(best / N), (unsigned long)(best * 10 / N % 10), N);
    printf("BENCHOS %s_ns %lu.%lu %d\n", name, (unsigned long)(best_ns / N),
           (unsigned long)(best_ns * 10 / N % 10), N);
    return 0;
}

int main(void)
{
    static const char wr[] = "bench/key\0value-16-bytes";
    static const char rd[] = "bench/key";
    if (bench("store_write", XS_WRITE, wr, sizeof(wr) - 1) || bench("store_read", XS_READ, rd, sizeof(rd))) {
        printf("BENCHOS_ERROR store the store did not answer\n");
        return 1;
    }
    static const char done[] = "bench/done\0" "1";
    request(XS_WRITE, done, sizeof(done) - 1);
    /* Stay a moment: dom0 must read bench/done before this domain ends
     * and the store removes its keys. */
    struct timespec second = { 1, 0 };
    nanosleep(&second, NULL);
    return 0;
}
