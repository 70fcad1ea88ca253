/*
 * Bench guest "timerbench" (dom0, alone): how late a single-shot
 * VIRQ_TIMER arrives. For each of `n` deadlines, 0.2-2.2 ms ahead at
 * pseudo-random offsets (so they fall anywhere between PIT ticks), the
 * guest arms VCPUOP_set_singleshot_timer and waits; its event callback
 * reads the guest clock, and the lateness is (that time - deadline). Two
 * ways of waiting:
 *  - blocked: SCHEDOP_block, so the CPU idles and the timer interrupt must
 *    wake the vCPU through the scheduler before the upcall;
 *  - busy: spinning with events unmasked, so the upcall is bounced on the
 *    return from the timer interrupt itself.
 * The periodic timer is stopped, so every VIRQ_TIMER is the deadline's.
 * It prints the median and the maximum in guest-clock ns:
 *
 *     BENCH timer_late_<way>_median <ns> <n>
 *     BENCH timer_late_<way>_max <ns> <n>
 *
 * A deadline that fires early (never allowed) or not at all is an error.
 * Command line: n=N (default 200).
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include "../bench_util.h"
#include <public/vcpu.h>

#define MAX_DEADLINES 1000
#define WARM 5

static evtchn_port_t timer_port;
static volatile uint64_t fired_at;        /* guest clock in the callback, 0 = not yet */
static uint64_t lateness[MAX_DEADLINES];

/* In the event callback (events masked): time the timer's event. */
static void on_upcall(void)
{
    if (evtchn_test_and_clear(timer_port) && !fired_at)
        fired_at = guest_now();
}

static uint32_t seed = 2463534242u;
static uint64_t next_offset(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return 200000ull + seed % 2000000ull;
}

/* One deadline; returns its lateness, or -1 if it came early or never. */
static int64_t one_deadline(int blocked)
{
    fired_at = 0;
    uint64_t deadline = guest_now() + next_offset();
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = VCPU_SSHOTTMR_future };
    if (HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t))
        return -1;
    uint64_t give_up = deadline + 1000000000ull;
    if (blocked) {
        while (!fired_at && guest_now() < give_up)
            HYPERVISOR_sched_op(SCHEDOP_block, NULL);   /* unmasks; the upcall comes on the way out */
        events_mask();
    } else {
        events_enable();
        while (!fired_at && guest_now() < give_up)
            ;
        events_mask();
    }
    if (!fired_at || fired_at < deadline)
        return -1;
    return (int64_t)(fired_at - deadline);
}

static void bench_way(const char *way, int blocked, unsigned int n)
{
    char name[48];
    for (unsigned int i = 0; i < n + WARM; i++) {
        int64_t late = one_deadline(blocked);
        if (late < 0) {
            guest_snprintf(name, sizeof(name), "timer_late_%s_median", way);
            bench_error(name, -XEN_ETIME);
            return;
        }
        if (i >= WARM)
            lateness[i - WARM] = (uint64_t)late;
    }
    sort_u64(lateness, n);
    guest_snprintf(name, sizeof(name), "timer_late_%s_median", way);
    bench_report(name, (lateness[(n - 1) / 2] + lateness[n / 2]) * n / 2, n);
    guest_snprintf(name, sizeof(name), "timer_late_%s_max", way);
    bench_report(name, lateness[n - 1] * n, n);
}

void test_main(void)
{
    unsigned int n = (unsigned int)arg_num("n", 200);
    if (n < 2 || n > MAX_DEADLINES)
        n = 200;
    events_install_callback();
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long p = evtchn_bind_virq(VIRQ_TIMER, 0);
    if (p <= 0) {
        bench_error("timer_bind", p);
        return;
    }
    timer_port = (evtchn_port_t)p;
    evtchn_test_and_clear(timer_port);
    upcall_hook = on_upcall;
    bench_way("blocked", 1, n);
    bench_way("busy", 0, n);
}
