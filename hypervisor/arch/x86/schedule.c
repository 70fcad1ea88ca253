/*
 * pvx: the scheduling mechanism and the work done on the way back to a
 * guest. Whoever wants a vCPU to see something (an event upcall, a
 * reschedule) sets work_pending; entry.S then calls handle_pending_work()
 * before it returns to a guest, and only then.
 */
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/sched.h>
#include <public/xen.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

/* The running vCPU's vcpu_info (entry.S checks its upcall flags on every
 * return); a dummy with the upcall masked while no guest runs. */
static struct vcpu_info idle_vcpu_info = { .evtchn_upcall_mask = 1 };
struct vcpu_info *current_vcpu_info = &idle_vcpu_info;
static bool schedule_requested;

/* raise_schedule: see pvx/sched.h. */
void raise_schedule(void)
{
    schedule_requested = true;
    work_pending = 1;
}

/* vcpu_wake: see pvx/sched.h. */
void vcpu_wake(struct vcpu *v)
{
    if (v->runstate == RUNSTATE_blocked) {
        v->runstate = RUNSTATE_runnable;
        raise_schedule();
    }
}

/* vcpu_kick: see pvx/sched.h. */
void vcpu_kick(struct vcpu *v)
{
    if (v == current)
        work_pending = 1;
    vcpu_wake(v);
}

/* Enter the guest's event callback if an upcall is pending and unmasked. */
static void deliver_event_upcall(struct vcpu *v, struct cpu_regs *regs)
{
    struct vcpu_info *vi = v->arch->vcpu_info;
    if (!vi->evtchn_upcall_pending || vi->evtchn_upcall_mask)
        return;
    if ((v->arch->event_cb.cs & ~3) == 0)
        domain_crash(v->domain, "event upcall pending but no event callback registered");
    bounce_to_callback(v, regs, &v->arch->event_cb);
}

/* Called from entry.S before returning to a guest when work_pending is set
 * or the running vCPU has an unmasked upcall pending. */
void handle_pending_work(struct cpu_regs *regs)
{
    work_pending = 0;
    if (!regs_from_guest(regs))
        return;
    if (schedule_requested) {
        schedule_requested = false;
        /* One vCPU for now: nothing to switch to. */
    }
    deliver_event_upcall(current, regs);
}
