/*
 * Bench domU "spin": a CPU-bound guest for the scheduler's fairness
 * benches. Two or more copies sleep until the same system time `start`
 * (SCHEDOP_poll with no ports and a timeout), then count units of work
 * (a fixed loop of 256 multiply-adds) until `start + window`, all by the
 * guest clock, which every domain reads alike. As every copy does the
 * same work, the counts divide the CPU between them as the scheduler did:
 * tools/pvx-bench turns them into the weight ratio and the cap share.
 * Each copy also adds up the intervals between its clock reads that were
 * short (under 50 us: it was running, not waiting for the CPU) to report
 * the CPU time it saw itself get. It prints
 *
 *     BENCH <tag>_work <units of work> <window ms>
 *     BENCH <tag>_ran_ms <ms it ran by its own clock> <window ms>
 *
 * Command line: tag=NAME start=MS window=MS (system time, ms); trace=N
 * also prints its first N runs on the CPU (when, how long) to look into.
 */
#include "guest.h"
#include "clock.h"
#include "../bench_util.h"
#include <public/vcpu.h>

#define MS 1000000ull
#define RUNNING_GAP 50000ull            /* a longer gap between reads: descheduled */

static volatile uint32_t sink;

/* trace=N: the first runs on the CPU, printed after the window. */
#define MAX_TRACE 64
static struct burst { uint64_t at, ran, off; } bursts[MAX_TRACE];

/* One unit of work: a few hundred instructions of plain arithmetic. */
static void work_unit(uint32_t *x)
{
    uint32_t v = *x;
    for (unsigned int i = 0; i < 256; i++)
        v = v * 1664525u + 1013904223u;
    *x = v;
}

void test_main(void)
{
    char tag[24], name[40];
    arg_word("tag", "spin", tag, sizeof(tag));
    uint64_t start = arg_num("start", 1000) * MS, window = arg_num("window", 3000) * MS;
    uint64_t end = start + window;
    /* Only the window's own work: no periodic tick to take. */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    uint64_t now = guest_now();
    if (now >= start) {
        guest_printf("spin %s: booted at %llu ms, after the start time %llu ms\n", tag,
                     now / MS, start / MS);
        guest_snprintf(name, sizeof(name), "%s_work", tag);
        bench_error(name, -XEN_ETIME);
        return;
    }
    while ((now = guest_now()) < start) {
        struct sched_poll p = { .nr_ports = 0, .timeout = start };
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
    uint64_t units = 0, ran = 0, last = now, burst_start = now;
    unsigned int traced = 0, trace = (unsigned int)arg_num("trace", 0);
    uint32_t x = 1;
    while (now < end) {
        work_unit(&x);
        units++;
        now = guest_now();
        if (now - last < RUNNING_GAP) {
            ran += now - last;
        } else {
            if (traced < trace && traced < MAX_TRACE)
                bursts[traced++] = (struct burst){ burst_start - start, last - burst_start, now - last };
            burst_start = now;
        }
        last = now;
    }
    for (unsigned int i = 0; i < traced; i++)
        guest_printf("spin %s: at %llu us ran %llu us, then off %llu us\n", tag,
                     bursts[i].at / 1000, bursts[i].ran / 1000, bursts[i].off / 1000);
    sink = x;
    guest_snprintf(name, sizeof(name), "%s_work", tag);
    guest_printf("BENCH %s %llu %llu\n", name, units, window / MS);
    guest_printf("BENCH %s_ran_ms %llu.%llu %llu\n", tag, ran / MS, ran / (MS / 10) % 10, window / MS);
}
