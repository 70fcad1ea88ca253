/*
 * Test guest "time": the time ABI a PV kernel's clock is built on
 * (docs/abi.md, "Time").
 *  - vcpu_info[0].time is published before the guest runs (version even and
 *    non-zero) with a scale implying a plausible TSC frequency;
 *  - system time, read under the version seqlock with Xen's formula
 *    (lib/clock.h: system_time + ((rdtsc - tsc_timestamp) << shift) * mul >> 32,
 *    a negative shift shifting right), is monotonic over many reads, advances across a busy loop, and the
 *    hypervisor agrees with it: a single-shot deadline of "now" as the guest
 *    computes it is already past for the hypervisor (-ETIME), one 10 ms
 *    ahead is not;
 *  - the record is republished about once a second: across a 1.5 s wait the
 *    version moves on (staying even between updates) and time stays
 *    monotonic across the change; a version the guest left odd is made even
 *    again by the next update (the writer forces "odd while updating");
 *  - the wallclock (wc_version even, wc_sec + system time a date between
 *    2020 and 2100, wc_nsec below 1e9, wc_sec_hi 0) reads under its own
 *    seqlock.
 */
#include "clock.h"
#include <public/vcpu.h>

#define barrier() __asm__ volatile("" ::: "memory")

static volatile struct vcpu_time_info *tinfo;

/* Wallclock at system time 0, read under wc_version. */
static void read_wallclock(uint64_t *sec, uint32_t *nsec, uint32_t *version_out)
{
    volatile shared_info_t *si = shared_info;
    uint32_t version;
    do {
        version = si->wc_version;
        barrier();
        *sec = ((uint64_t)si->arch.wc_sec_hi << 32) | si->wc_sec;
        *nsec = si->wc_nsec;
        barrier();
    } while ((version & 1) || version != si->wc_version);
    *version_out = version;
}

/* The TSC frequency (kHz) the scale implies: 1e9 * 2^(32 - shift) / mul ns. */
static uint64_t scale_khz(void)
{
    uint64_t khz = (1000000ull << 32) / tinfo->tsc_to_system_mul;
    int8_t shift = tinfo->tsc_shift;
    return shift < 0 ? khz << -shift : khz >> shift;
}

static void check_record(void)
{
    CHECK_EQ(tinfo->version & 1, 0);
    CHECK(tinfo->version >= 2);
    CHECK(tinfo->tsc_to_system_mul != 0);
    CHECK(tinfo->tsc_shift >= -32 && tinfo->tsc_shift <= 32);
    uint64_t khz = scale_khz();
    guest_printf("TSC %u.%03u MHz as the scale says\n", (unsigned)(khz / 1000), (unsigned)(khz % 1000));
    CHECK(khz >= 100000 && khz <= 10000000);         /* 100 MHz - 10 GHz */
    /* The record is not in the future. */
    CHECK(tinfo->tsc_timestamp <= rdtsc());
    uint64_t now = guest_now();
    CHECK(now > 0 && now < 120 * NSEC_PER_SEC);      /* booted moments ago */
}

/* Many consecutive reads never go backwards; a busy loop advances time. */
static void check_monotonic(void)
{
    uint64_t prev = guest_now(), backwards = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = guest_now();
        backwards += t < prev;
        prev = t;
    }
    CHECK_EQ(backwards, 0);

    uint64_t t0 = guest_now();
    for (volatile unsigned int i = 0; i < 10000000; i++)
        ;
    uint64_t elapsed = guest_now() - t0;
    guest_printf("10^7 loop iterations: %u us\n", (unsigned)(elapsed / 1000));
    CHECK(elapsed > 100000ull && elapsed < 10 * NSEC_PER_SEC);
}

/* The hypervisor's clock against ours, through the -ETIME rule. */
static void check_agreement(void)
{
    struct vcpu_set_singleshot_timer set = { .flags = VCPU_SSHOTTMR_future };
    set.timeout_abs_ns = guest_now();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &set), -XEN_ETIME);
    set.timeout_abs_ns = guest_now() + 10000000ull;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &set), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
}

/* Wait 1.5 s of system time: the record is republished, time stays monotonic. */
static void check_republish(void)
{
    uint32_t version0 = tinfo->version;
    uint64_t stamp0 = tinfo->tsc_timestamp;
    uint64_t start = guest_now(), prev = start, backwards = 0, reads = 0;
    while (prev - start < 1500000000ull && reads < 2000000000ull) {
        uint64_t t = guest_now();
        backwards += t < prev;
        prev = t;
        reads++;
    }
    CHECK(prev - start >= 1500000000ull);
    CHECK_EQ(backwards, 0);
    uint32_t version1 = tinfo->version;
    CHECK_EQ(version1 & 1, 0);
    CHECK(version1 > version0);
    CHECK(tinfo->tsc_timestamp > stamp0);
    check_agreement();                                /* still agreeing after it */

    /* Leave the version odd, as a confused guest might: the next update
     * must still end even (Xen's writer forces odd first). */
    uint64_t khz = scale_khz();
    tinfo->version = 7;
    uint64_t deadline = rdtsc() + 3 * 1000 * khz;    /* 3 s of TSC */
    while (tinfo->version == 7 && rdtsc() < deadline)
        ;
    CHECK_EQ(tinfo->version, 10);                    /* 7 -> 9 (updating) -> 10 */
}

static void check_wallclock(void)
{
    uint64_t sec;
    uint32_t nsec, version;
    read_wallclock(&sec, &nsec, &version);
    CHECK_EQ(version & 1, 0);
    CHECK(version >= 2);
    CHECK(nsec < NSEC_PER_SEC);
    CHECK_EQ(shared_info->arch.wc_sec_hi, 0);
    uint64_t wall = sec + guest_now() / NSEC_PER_SEC;
    guest_printf("wallclock: %u s since 1970\n", (unsigned)wall);
    CHECK(wall >= 1577836800ull);                    /* 2020-01-01 */
    CHECK(wall < 4102444800ull);                     /* 2100-01-01 */
}

void test_main(void)
{
    tinfo = &shared_info->vcpu_info[0].time;
    check_record();
    check_monotonic();
    check_agreement();
    check_wallclock();
    check_republish();
}
