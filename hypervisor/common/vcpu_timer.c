/*
 * pvx: guest timers, Xen's set_timer_op and the timer commands of vcpu_op
 * (docs/abi.md). Each vCPU has two software timers (common/timer.c), and
 * every expiry raises VIRQ_TIMER on it:
 *  - the single-shot timer: one deadline in absolute system time (ns since
 *    boot, the time vcpu_time_info gives); a deadline already passed raises
 *    the VIRQ before the hypercall returns, as Xen's does;
 *  - the periodic timer: every periodic_period ns while the vCPU runs
 *    (Xen stops it while the vCPU is descheduled and, if a tick fell due
 *    meanwhile, gives one tick when it runs again). Every vCPU starts with a
 *    10 ms period. Ticks keep to their schedule (expires + period), so the
 *    rate does not drift with interrupt lateness; ticks missed entirely are
 *    dropped, never delivered in a burst.
 * Invariant: periodic_timer.expires is the time of the next tick (0 before
 * the vCPU first runs); periodic_timer is active only if periodic_period
 * != 0 and the vCPU has been resumed (vcpu_load_context) and not since
 * descheduled (the scheduler's switch away from it).
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <pvx/timer.h>
#include <pvx/vcpu_timer.h>
#include <public/xen.h>
#include <public/vcpu.h>

/* Xen's limits for VCPUOP_set_periodic_timer. */
#define PERIOD_MIN MILLISECS(1)
#define STIME_DELTA_MAX ((s_time_t)(UINT64_MAX >> 2))
/* set_timer_op: Xen treats a deadline this far ahead (about 13 days) as a
 * guest's wrapped jiffies and fires in 100 ms instead. */
#define HUGE_TIMEOUT (1ll << 50)

static void send_timer_event(struct vcpu *v)
{
    send_guest_virq(v, VIRQ_TIMER);
}

static void singleshot_fn(void *data)
{
    send_timer_event(data);
}

static void periodic_fn(void *data)
{
    struct vcpu *v = data;
    send_timer_event(v);
    s_time_t now = NOW(), next = v->periodic_timer.expires + v->periodic_period;
    if (next <= now)
        next = now + v->periodic_period;
    timer_set(&v->periodic_timer, next);
}

/* vcpu_timers_init: see pvx/vcpu_timer.h. */
void vcpu_timers_init(struct vcpu *v)
{
    timer_init(&v->singleshot_timer, singleshot_fn, v);
    timer_init(&v->periodic_timer, periodic_fn, v);
    v->periodic_period = VCPU_DEFAULT_PERIOD;
}

/* vcpu_timers_resume: see pvx/vcpu_timer.h. */
void vcpu_timers_resume(struct vcpu *v)
{
    if (!v->periodic_period || v->periodic_timer.active)
        return;
    s_time_t now = NOW(), next = v->periodic_timer.expires;
    if (next == 0) {                     /* first run */
        next = now + v->periodic_period;
    } else if (next <= now) {            /* a tick fell due while descheduled */
        send_timer_event(v);
        next = now + v->periodic_period;
    }
    timer_set(&v->periodic_timer, next);
}

/* vcpu_timers_descheduled: see pvx/vcpu_timer.h. */
void vcpu_timers_descheduled(struct vcpu *v)
{
    timer_stop(&v->periodic_timer);
}

/* vcpu_timers_destroy: see pvx/vcpu_timer.h. */
void vcpu_timers_destroy(struct vcpu *v)
{
    timer_stop(&v->singleshot_timer);
    timer_stop(&v->periodic_timer);
    v->periodic_period = 0;
}

/* New period (0 stops): the first tick comes one period from now. */
static void set_periodic(struct vcpu *v, s_time_t period)
{
    if (v->periodic_period == period)
        return;
    timer_stop(&v->periodic_timer);
    v->periodic_period = period;
    if (period)
        timer_set(&v->periodic_timer, NOW() + period);
}

/* Arm the single-shot timer; a deadline already passed fires now. */
static void set_singleshot(struct vcpu *v, s_time_t deadline)
{
    if (deadline <= NOW()) {
        timer_stop(&v->singleshot_timer);
        send_timer_event(v);
        return;
    }
    timer_set(&v->singleshot_timer, deadline);
}

/* set_timer_op(timeout_lo, timeout_hi): see docs/abi.md. */
long do_set_timer_op(uint32_t timeout_lo, uint32_t timeout_hi)
{
    struct vcpu *v = current;
    s_time_t timeout = (s_time_t)(((uint64_t)timeout_hi << 32) | timeout_lo);
    if (timeout == 0)
        timer_stop(&v->singleshot_timer);
    else if (timeout < 0 || timeout - NOW() >= HUGE_TIMEOUT)
        set_singleshot(v, NOW() + MILLISECS(100));
    else
        set_singleshot(v, timeout);
    return 0;
}

/* vCPU vcpuid of d, or NULL (one vCPU per domain for now). */
static struct vcpu *domain_vcpu(struct domain *d, uint32_t vcpuid)
{
    return vcpuid == 0 ? d->vcpu0 : NULL;
}

/* vcpu_op(cmd, vcpuid, arg): see docs/abi.md. */
long do_vcpu_op(uint32_t cmd, uint32_t vcpuid, uint32_t arg)
{
    struct vcpu *v = domain_vcpu(current->domain, vcpuid);
    if (!v)
        return -ENOENT;
    switch (cmd) {
    case VCPUOP_is_up:
        return 1;                        /* every vCPU that exists is up */
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer set;
        if (copy_from_guest(&set, arg, sizeof(set)))
            return -EFAULT;
        if (set.period_ns < (uint64_t)PERIOD_MIN || set.period_ns > (uint64_t)STIME_DELTA_MAX)
            return -EINVAL;
        set_periodic(v, (s_time_t)set.period_ns);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        set_periodic(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer set;
        if (v != current)
            return -EINVAL;
        if (copy_from_guest(&set, arg, sizeof(set)))
            return -EFAULT;
        /* As Xen: an unsigned comparison, and a passed deadline raises the
         * VIRQ without touching an armed timer. */
        if (set.timeout_abs_ns < (uint64_t)NOW()) {
            if (set.flags & VCPU_SSHOTTMR_future)
                return -ETIME;
            send_timer_event(v);
            return 0;
        }
        timer_set(&v->singleshot_timer, (s_time_t)set.timeout_abs_ns);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -EINVAL;
        timer_stop(&v->singleshot_timer);
        return 0;
    default:
        return -ENOSYS;
    }
}
