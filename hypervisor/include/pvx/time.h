/*
 * pvx: time. System time is nanoseconds since boot, read from the TSC
 * (calibrated at boot); every vCPU sees it through vcpu_time_info.
 * (arch/x86/time.c implements these; tests/unit/sim_time.c fakes them.)
 */
#ifndef PVX_TIME_H
#define PVX_TIME_H
#include <pvx/types.h>

typedef int64_t s_time_t;             /* ns since boot */
#define MILLISECS(ms) ((s_time_t)(ms) * 1000000)
#define MICROSECS(us) ((s_time_t)(us) * 1000)
#define STIME_MAX INT64_MAX

struct vcpu;
struct domain;

/* Now, in ns since boot. */
s_time_t NOW(void);
/* Program the one hardware timer to interrupt at (or soon after) deadline;
 * STIME_MAX means no deadline. */
void arch_timer_program(s_time_t deadline);
/* Publish v's vcpu_time_info (version seqlock, tsc_timestamp, system_time,
 * tsc_to_system_mul, tsc_shift) in its domain's shared_info. */
void update_vcpu_system_time(struct vcpu *v);
/* Publish the wallclock (wc_sec, wc_nsec at system time 0) to d. */
void update_domain_wallclock(struct domain *d);

#endif
