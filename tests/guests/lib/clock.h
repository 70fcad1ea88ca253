/*
 * pvx test guests: reading system time the way a 32-bit PV kernel does,
 * from vcpu_info[0].time (docs/abi.md, "Time"):
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right), under the version seqlock.
 */
#ifndef GUEST_CLOCK_H
#define GUEST_CLOCK_H

#include "guest.h"

#define NSEC_PER_SEC 1000000000ull

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* (delta << shift) * mul >> 32 with a 64x32-bit multiply. */
static inline uint64_t clock_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    uint64_t low = (uint64_t)(uint32_t)delta * mul;
    uint64_t high = (delta >> 32) * mul;
    return high + (low >> 32);
}

/* System time in ns. */
static inline uint64_t guest_now(void)
{
    volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t version;
    uint64_t ns;
    do {
        version = t->version;
        __asm__ volatile("" ::: "memory");
        ns = t->system_time +
             clock_scale_delta(rdtsc() - t->tsc_timestamp, t->tsc_to_system_mul, t->tsc_shift);
        __asm__ volatile("" ::: "memory");
    } while ((version & 1) || version != t->version);
    return ns;
}

#endif
