/*
 * pvx host tests: the clock and the one hardware timer (pvx/time.h), as
 * sim_time.h describes them.
 */
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/timer.h>
#include <public/xen.h>
#include "sim_time.h"

struct sim_time_stats sim_time_stats;
static s_time_t sim_now;

s_time_t NOW(void)
{
    return sim_now;
}

void arch_timer_program(s_time_t deadline)
{
    sim_time_stats.deadline = deadline;
    sim_time_stats.programs++;
}

void update_vcpu_system_time(struct vcpu *v)
{
    (void)v;
    sim_time_stats.system_time_updates++;
}

/* The real seqlock protocol, with fixed values. */
void update_domain_wallclock(struct domain *d)
{
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    volatile uint32_t *version = &si->wc_version;
    *version = (*version + 1) | 1;
    __asm__ volatile("" ::: "memory");
    si->wc_sec = SIM_WC_SEC;
    si->wc_nsec = SIM_WC_NSEC;
    si->arch.wc_sec_hi = 0;
    __asm__ volatile("" ::: "memory");
    *version = *version + 1;
    sim_time_stats.wallclock_updates++;
}

void sim_time_reset(s_time_t now)
{
    sim_now = now;
    sim_time_stats = (struct sim_time_stats){ .deadline = STIME_MAX };
}

void sim_time_set(s_time_t now)
{
    sim_now = now;
}

void sim_time_interrupt(void)
{
    sim_time_stats.interrupts++;
    timers_run();
}

void sim_time_advance_to(s_time_t until)
{
    while (sim_time_stats.deadline != STIME_MAX && sim_time_stats.deadline <= until) {
        if (sim_time_stats.deadline > sim_now)
            sim_now = sim_time_stats.deadline;
        sim_time_stats.deadline = STIME_MAX;    /* one-shot: the interrupt consumes it */
        sim_time_interrupt();
    }
    if (until > sim_now)
        sim_now = until;
}
