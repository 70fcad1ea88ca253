/*
 * pvx: a vCPU's guest-visible timers (common/vcpu_timer.c): the single-shot
 * timer (set_timer_op, VCPUOP_set_singleshot_timer) and the periodic one
 * (VCPUOP_set_periodic_timer; 10 ms from the vCPU's first run, as Xen).
 * Each expiry raises VIRQ_TIMER on the vCPU.
 */
#ifndef PVX_VCPU_TIMER_H
#define PVX_VCPU_TIMER_H
#include <pvx/time.h>

struct vcpu;

#define VCPU_DEFAULT_PERIOD MILLISECS(10)

/* At vCPU creation: both timers stopped, the default period chosen. */
void vcpu_timers_init(struct vcpu *v);
/* v is about to run (vcpu_load_context): start its periodic timer if it
 * has a period and the timer is not running (its first run, or after
 * vcpu_timers_descheduled). */
void vcpu_timers_resume(struct vcpu *v);
/* v stops running for a while (blocked, preempted): its periodic timer
 * stops, as Xen's does; the single-shot timer keeps going (it wakes v). */
void vcpu_timers_descheduled(struct vcpu *v);
/* v's domain is being destroyed: stop both timers. */
void vcpu_timers_destroy(struct vcpu *v);

#endif
