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
/* Ask for a scheduling decision at the next return to a guest. */
void raise_schedule(void);

#endif
