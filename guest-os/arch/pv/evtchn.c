/*
 * guest-os PV: event channels for user programs (SYS_xen_evtchn,
 * include/xen_user.h; dom0 only), as Linux's /dev/xen/evtchn. A process
 * allocates or binds ports; the kernel owns them on its behalf and
 * delivers their events to it:
 *   - every port of the domain arrives through the one event upcall
 *     (vector 0x20); time.c's arch_timer_ack takes the pending bits and
 *     hands each word's ready bits to evtchn_dispatch, which marks a
 *     process's port as fired and wakes the process if it waits in
 *     GOS_EVTCHN_WAIT (the kernel's own ports: dom0's ends of the domUs'
 *     consoles go to consback.c, the store's to xenbus.c, the timer's
 *     and the console's need nothing);
 *   - WAIT returns one fired port of the caller and clears its mark.
 * Rules: a port has at most one owner, which alone may notify, wait on
 * or unbind it; an owned port is unmasked while owned and masked again
 * when closed; a process's ports are closed when it ends
 * (arch_proc_exit), but stay across exec. Errors: EPERM (not dom0),
 * EINVAL (unknown op, a port not the caller's, a VIRQ other than
 * VIRQ_DOM_EXC), EFAULT, ETIMEDOUT, EINTR, and what pvx answers (ESRCH,
 * EEXIST, ENOSPC, EINVAL; anything else EIO).
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/event_channel.h>
#include <pvx-guest/hypercall.h>
#define GUEST_OS_KERNEL
#include "xen_user.h"
#include "pv.h"

#define NR_PORTS 1024              /* the 2-level ABI of a 32-bit guest */

static struct proc *owner[NR_PORTS];
/* Ports owned by any process: an exit scans owner[] only when there are
 * some (the store daemon's), not on every process's exit. */
static unsigned int nowned;
static uint32_t fired[NR_PORTS / 32];
static uint8_t waiting[NPROC];     /* the process sleeps in GOS_EVTCHN_WAIT */

int xen_errno(long rc)
{
    switch (-rc) {
    case EPERM: case ENOENT: case ESRCH: case ENOMEM: case EACCES: case EFAULT:
    case EBUSY: case EEXIST: case EINVAL: case ENOSPC: case EAGAIN:
        return (int)rc;
    }
    return rc ? -EIO : 0;
}

int is_dom0(void)
{
    return (start_info->flags & SIF_INITDOMAIN) != 0;
}

/* evtchn_unmask: see pv.h. EVTCHNOP_unmask, so that an event that came
 * while masked is delivered now (clearing the bit alone would not set the
 * selector). */
void evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask op = { .port = port };
    HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

/* evtchn_close: see pv.h. */
void evtchn_close(evtchn_port_t port)
{
    struct evtchn_close op = { .port = port };
    __atomic_fetch_or(&shared_info->evtchn_mask[port / 32], 1u << (port % 32), __ATOMIC_SEQ_CST);
    if (HYPERVISOR_event_channel_op(EVTCHNOP_close, &op))
        kprintf("guest-os: evtchn: cannot close port %u\n", port);
}

/* evtchn_dispatch: see pv.h. */
void evtchn_dispatch(unsigned int word, uint32_t ready)
{
    while (ready) {
        evtchn_port_t port = word * 32 + (unsigned int)__builtin_ctz(ready);
        ready &= ready - 1;
        struct proc *p = owner[port];
        if (!p) {
            if (!consback_port_event(port))
                xenbus_port_event(port);
            continue;
        }
        fired[port / 32] |= 1u << (port % 32);
        if (waiting[p - procs] && p->state == PROC_SLEEPING)
            p->state = PROC_RUNNABLE;
    }
}

/* A new port from pvx becomes p's, unmasked. */
static void own(evtchn_port_t port, struct proc *p)
{
    owner[port] = p;
    nowned++;
    fired[port / 32] &= ~(1u << (port % 32));
    evtchn_unmask(port);
}

static int owned(uint32_t port)
{
    return port > 0 && port < NR_PORTS && owner[port] == current;
}

/* One fired port of the caller (its mark cleared), or 0. */
static evtchn_port_t take_fired(void)
{
    for (unsigned int w = 0; w < NR_PORTS / 32; w++)
        for (uint32_t bits = fired[w]; bits; bits &= bits - 1) {
            evtchn_port_t port = w * 32 + (unsigned int)__builtin_ctz(bits);
            if (owner[port] == current) {
                fired[w] &= ~(1u << (port % 32));
                return port;
            }
        }
    return 0;
}

/* WAIT: sleep until a port fires, the timeout passes or a signal comes.
 * The dispatcher makes a waiting process runnable; so does a signal. */
static int wait_port(uint32_t timeout_ms, uint32_t *port)
{
    uint64_t deadline = timeout_ms ? arch_time_ns() + (uint64_t)timeout_ms * 1000000ull : ~0ull;
    for (;;) {
        if ((*port = take_fired()) != 0)
            return 0;
        if (signal_pending())
            return -EINTR;
        if (arch_time_ns() >= deadline)
            return -ETIMEDOUT;
        waiting[current - procs] = 1;
        sleep_until(deadline);
        waiting[current - procs] = 0;
    }
}

static long evtchn_op(uint32_t op, struct gos_evtchn *a)
{
    long rc;
    switch (op) {
    case GOS_EVTCHN_ALLOC_UNBOUND: {
        struct evtchn_alloc_unbound x = { .dom = DOMID_SELF, .remote_dom = (domid_t)a->remote_dom };
        if (a->remote_dom > 0xFFFF)
            return -EINVAL;
        if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &x)) != 0)
            return xen_errno(rc);
        a->port = x.port;
        break;
    }
    case GOS_EVTCHN_BIND_INTERDOMAIN: {
        struct evtchn_bind_interdomain x = { .remote_dom = (domid_t)a->remote_dom,
                                             .remote_port = a->remote_port };
        if (a->remote_dom > 0xFFFF)
            return -EINVAL;
        if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &x)) != 0)
            return xen_errno(rc);
        a->port = x.local_port;
        break;
    }
    case GOS_EVTCHN_BIND_VIRQ: {
        struct evtchn_bind_virq x = { .virq = a->virq, .vcpu = 0 };
        if (a->virq != VIRQ_DOM_EXC)
            return -EINVAL;
        if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &x)) != 0)
            return xen_errno(rc);
        a->port = x.port;
        break;
    }
    case GOS_EVTCHN_NOTIFY: {
        struct evtchn_send x = { .port = a->port };
        if (!owned(a->port))
            return -EINVAL;
        return xen_errno(HYPERVISOR_event_channel_op(EVTCHNOP_send, &x));
    }
    case GOS_EVTCHN_UNBIND:
        if (!owned(a->port))
            return -EINVAL;
        owner[a->port] = NULL;
        nowned--;
        fired[a->port / 32] &= ~(1u << (a->port % 32));
        evtchn_close(a->port);
        return 0;
    case GOS_EVTCHN_WAIT:
        return wait_port(a->timeout_ms, &a->port);
    default:
        return -EINVAL;
    }
    if (a->port >= NR_PORTS) {            /* pvx never does this */
        evtchn_close(a->port);
        return -EIO;
    }
    own(a->port, current);
    return 0;
}

/* xen_evtchn(op, arg): see include/xen_user.h. The argument must be
 * readable and writable before anything is done (so a new port never
 * gets lost in a failed copy out); the whole structure is copied back on
 * success, ports in its port field. */
long arch_sys_xen_evtchn(uint32_t op, uint32_t uarg, uint32_t unused)
{
    (void)unused;
    struct gos_evtchn a;
    if (!is_dom0())
        return -EPERM;
    if (fault_in_user(uarg, sizeof(a), 1) || copy_from_user(&a, uarg, sizeof(a)))
        return -EFAULT;
    long rc = evtchn_op(op, &a);
    if (rc == 0 && copy_to_user(uarg, &a, sizeof(a)))
        return -EFAULT;
    return rc;
}

/* p's ports closed. */
static void evtchn_proc_exit(struct proc *p)
{
    for (evtchn_port_t port = 1; nowned && port < NR_PORTS; port++)
        if (owner[port] == p) {
            owner[port] = NULL;
            nowned--;
            fired[port / 32] &= ~(1u << (port % 32));
            evtchn_close(port);
        }
    waiting[p - procs] = 0;
}

/* arch_proc_exit: see kernel/arch.h. */
void arch_proc_exit(struct proc *p)
{
    arch_grant_unmap(p, USER_BASE, USER_END);
    evtchn_proc_exit(p);
    xenbus_proc_exit(p);
}
