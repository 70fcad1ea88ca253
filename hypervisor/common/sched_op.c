/* pvx: sched_op: yield, block, poll, shutdown and (for dom0)
 * remote_shutdown. Blocking hands the CPU to the scheduler; the guest
 * resumes from the hypercall when an event (or the poll timeout) wakes it. */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/sched.h>
#include <pvx/timer.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/sched.h>

#define MAX_POLL_PORTS 128

/* d's vcpu_info for vCPU 0, as the hypervisor sees it. */
static struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
    struct shared_info *si = arch_mfn_to_virt(v->domain->shared_info_mfn);
    return &si->vcpu_info[v->vcpu_id];
}

/* SCHEDOP_block: unmask events; block unless one is already pending. */
static long sched_block(struct vcpu *v)
{
    struct vcpu_info *vi = vcpu_info_of(v);
    vi->evtchn_upcall_mask = 0;
    if (vi->evtchn_upcall_pending)
        return 0;
    return vcpu_block_current(0);
}

/* The poll timeout passed: wake the vCPU if it is still polling (an
 * event may have woken it already; then it is blocked in something else). */
static void poll_timeout(void *data)
{
    struct vcpu *v = data;
    if (v->poll_count)
        vcpu_wake(v);
}

/* SCHEDOP_poll: wait until one of the ports is pending (even masked) or
 * the absolute timeout passes; 0 either way. */
static long sched_poll(struct vcpu *v, uint32_t arg)
{
    struct sched_poll p;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.nr_ports > MAX_POLL_PORTS)
        return -EINVAL;
    for (uint32_t i = 0; i < p.nr_ports; i++) {
        evtchn_port_t port;
        if (copy_from_guest(&port, p.ports + i * (uint32_t)sizeof(port), sizeof(port)))
            return -EFAULT;
        if (port >= EVTCHN_MAX_PORTS)
            return -EINVAL;
        if (evtchn_is_pending(v->domain, port))
            return 0;
    }
    if (p.nr_ports == 0 && p.timeout == 0)
        return 0;                         /* nothing to wait for */
    /* Remember the ports (a masked one becoming pending wakes us only if it
     * is one of them); a long list just wakes on any. */
    v->poll_count = p.nr_ports ? p.nr_ports : 1;
    v->poll_ports[0] = 0xFFFF;            /* timeout only: no port wakes it */
    for (uint32_t i = 0; i < p.nr_ports && i < ARRAY_SIZE(v->poll_ports); i++)
        copy_from_guest(&v->poll_ports[i], p.ports + i * (uint32_t)sizeof(evtchn_port_t), 2);
    if (v->poll_timer.fn == NULL)
        timer_init(&v->poll_timer, poll_timeout, v);
    if (p.timeout)
        timer_set(&v->poll_timer, (s_time_t)p.timeout);
    else
        timer_stop(&v->poll_timer);
    return vcpu_block_current(0);
}

/* SCHEDOP_remote_shutdown: dom0 stops another domain. */
static long sched_remote_shutdown(struct domain *self, uint32_t arg)
{
    struct sched_remote_shutdown r;
    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if (!self->is_privileged)
        return -EPERM;
    if (r.reason > SHUTDOWN_MAX)
        return -EINVAL;
    struct domain *d = domain_by_id(r.domain_id);
    if (!d)
        return -ESRCH;
    if (d == self) {
        domain_shutdown(d, r.reason);
        arch_domain_stopped(d);
    }
    domain_shutdown(d, r.reason);
    domain_kill(d);
    return 0;
}

/* sched_op(cmd, arg): see docs/abi.md. */
long do_sched_op(uint32_t cmd, uint32_t arg)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    switch (cmd) {
    case SCHEDOP_yield:
        raise_schedule();
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(d, arg);
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -EINVAL;
        domain_shutdown(d, s.reason);
        arch_domain_stopped(d);
    }
    default:
        return -ENOSYS;
    }
}
