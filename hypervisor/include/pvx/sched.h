/*
 * pvx: scheduling. The policy (common/sched_credit.c) picks which runnable
 * vCPU runs next and for how long; the mechanism (arch/x86/schedule.c)
 * switches to it. Whoever makes a vCPU runnable or wants a reschedule calls
 * these; the switch itself happens on the way back to a guest.
 */
#ifndef PVX_SCHED_H
#define PVX_SCHED_H
#include <pvx/time.h>

struct vcpu;
struct domain;

enum runstate { RUNSTATE_running, RUNSTATE_runnable, RUNSTATE_blocked, RUNSTATE_offline };

/* A vCPU that may have become runnable (an event, a timer): wake it if it
 * is blocked (or polling on something now pending). */
void vcpu_wake(struct vcpu *v);
/* Something changed for v that it should see on its next return to the
 * guest (a pending event upcall): wake it, and if it is running make sure
 * the return path looks. */
void vcpu_kick(struct vcpu *v);
/* Block the running vCPU until vcpu_wake(); the guest then sees hypercall
 * result rc. Never returns (the CPU goes to another vCPU or idles), except
 * inside a multicall: the batch ends there (as at an iret: later calls do
 * not run, rc becomes the multicall's result) and the vCPU blocks on its
 * way back to the guest; then it returns rc. */
long vcpu_block_current(long rc);
/* Ask for a scheduling decision at the next return to a guest. */
void raise_schedule(void);
/* Time v has run in all (ns): its cpu_time, charged when it leaves the
 * CPU, plus the current stint if it is running now. */
s_time_t vcpu_cpu_time(const struct vcpu *v);

/* ---- the policy: a credit scheduler (common/sched_credit.c) ----
 * Every accounting period (30 ms) the period's CPU time is shared out as
 * credit among the domains whose vCPUs are runnable or ran in the period,
 * in proportion to their weights; a capped domain gets at most cap% of
 * the period, and what a domain cannot take (over its cap, or credit it
 * left unused) goes to the others by weight. Running costs
 * credit. The runnable vCPU with the most credit runs next, for at most
 * a time slice (10 ms) and never past a capped vCPU's remaining credit; a
 * capped vCPU that has used its share is parked until the next period.
 * Blocked vCPUs cost nothing and keep at most one period of credit. */
#define SCHED_PERIOD MILLISECS(30)
#define SCHED_SLICE  MILLISECS(10)
/* No slice is shorter (it may overrun a nearly spent cap or the refill
 * by this much): shorter would cost more in switching than it shares. */
#define SCHED_MIN_SLICE MICROSECS(100)
/* v joins / leaves the policy's set (when its domain starts / dies). */
void sched_credit_add(struct vcpu *v);
void sched_credit_remove(struct vcpu *v);
/* v ran for `ran` ns up to `now`: charge it. */
void sched_credit_charge(struct vcpu *v, s_time_t ran, s_time_t now);
/* The vCPU to run next and for how long. NULL = none runnable: idle;
 * then *slice is how long until a parked vCPU may run again (the next
 * refill: call again then), or 0 if none is waiting. */
struct vcpu *sched_credit_pick(s_time_t now, s_time_t *slice);

#endif
