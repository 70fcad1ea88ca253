/*
 * pvx: the event_channel_op hypercall (Xen's EVTCHNOP_*, 2-level ABI).
 * The model and its invariants are in pvx/event.h; the shared_info bitmaps
 * are touched only by event_channel.c.
 *
 * Every sub-op has the same shape: copy the argument in; check everything
 * (which domain, who may, which vCPU, which port, and only then whether a
 * free port is left); pick the port; copy the result out; and only then
 * change state. So a refused call, even one whose result cannot be written
 * back (-EFAULT), leaves every port as it was (Xen keeps the port in that
 * last case: "cleaning up here would be a mess").
 *
 * The semantics are Xen 4.17's (xen/common/event_channel.c): DOMID_SELF
 * names the caller; a domain may act on another only if it is privileged
 * (Xen's XSM_TARGET); only vCPU 0 exists.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <pvx/console.h>
#include <public/xen.h>
#include <public/event_channel.h>

/* vCPU id of d, or NULL if there is no such vCPU. */
static struct vcpu *domain_vcpu(struct domain *d, uint32_t vcpu_id)
{
    return vcpu_id == 0 ? d->vcpu0 : NULL;
}

/* A port number that names a slot of d: one it may allocate, or one in use. */
static bool port_is_valid(const struct domain *d, uint32_t port)
{
    return port < EVTCHN_MAX_PORTS &&
           (port <= d->max_evtchn_port || d->evtchn[port].state != ECS_FREE);
}

/* Per-vCPU VIRQs (bound on the vCPU they concern); the rest are global:
 * bound on vCPU 0 only, and may be moved with bind_vcpu. */
static bool virq_is_global(uint32_t virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF &&
           virq != VIRQ_XENPMU;
}

/* Close port of d (any state but free/reserved): an interdomain peer goes
 * back to unbound, waiting for d; a VIRQ is unbound; the pending bit is
 * cleared so the slot starts clean when it is reused (Xen's evtchn_free). */
static void close_port(struct domain *d, unsigned int port)
{
    struct evtchn *e = &d->evtchn[port];
    if (e->state == ECS_VIRQ && e->virq < EVTCHN_NR_VIRQS) {
        d->virq_to_port[e->virq] = 0;
    } else if (e->state == ECS_INTERDOMAIN) {
        struct domain *peer = domain_by_id(e->remote_dom);
        if (peer && e->remote_port < EVTCHN_MAX_PORTS) {
            struct evtchn *p = &peer->evtchn[e->remote_port];
            p->state = ECS_UNBOUND;
            p->remote_dom = d->domain_id;
            p->remote_port = 0;
            console_backend_changed(peer, e->remote_port);
        }
    }
    evtchn_clear_pending(d, port);
    memset(e, 0, sizeof(*e));
}

/* EVTCHNOP_alloc_unbound: a port of dom that remote_dom may bind to. */
static long op_alloc_unbound(uint32_t arg)
{
    struct evtchn_alloc_unbound a;
    if (copy_from_guest(&a, arg, sizeof(a)))
        return -EFAULT;
    struct domain *d = domain_by_any_id(a.dom);
    if (!d)
        return -ESRCH;
    if (!may_control(d))
        return -EPERM;
    int port = evtchn_get_free_port(d);
    if (port < 0)
        return port;
    a.port = (evtchn_port_t)port;
    if (copy_to_guest(arg, &a, sizeof(a)))
        return -EFAULT;
    /* The remote domain need not exist yet; DOMID_SELF is the caller. */
    domid_t remote = a.remote_dom == DOMID_SELF_ID ? current->domain->domain_id : a.remote_dom;
    d->evtchn[port] = (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote };
    return 0;
}

/* EVTCHNOP_bind_interdomain: connect a new local port to remote_dom's
 * unbound remote_port, which must be waiting for us. */
static long op_bind_interdomain(uint32_t arg)
{
    struct evtchn_bind_interdomain b;
    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    struct domain *ld = current->domain, *rd = domain_by_any_id(b.remote_dom);
    if (!rd)
        return -ESRCH;
    if (!port_is_valid(rd, b.remote_port))
        return -EINVAL;
    struct evtchn *rchn = &rd->evtchn[b.remote_port];
    if (rchn->state != ECS_UNBOUND || rchn->remote_dom != ld->domain_id)
        return -EINVAL;
    int lport = evtchn_get_free_port(ld);
    if (lport < 0)
        return lport;
    b.local_port = (evtchn_port_t)lport;
    if (copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    ld->evtchn[lport] = (struct evtchn){ .state = ECS_INTERDOMAIN, .remote_dom = rd->domain_id,
                                         .remote_port = (uint16_t)b.remote_port };
    rchn->state = ECS_INTERDOMAIN;
    rchn->remote_dom = ld->domain_id;
    rchn->remote_port = (uint16_t)lport;
    console_backend_changed(rd, b.remote_port);
    /* Events sent to the unbound end were dropped: tell the binder to look. */
    evtchn_set_pending(ld, (unsigned int)lport);
    return 0;
}

/* EVTCHNOP_bind_virq: a port for VIRQ virq on vCPU vcpu. */
static long op_bind_virq(uint32_t arg)
{
    struct evtchn_bind_virq b;
    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    struct domain *d = current->domain;
    if (b.virq >= EVTCHN_NR_VIRQS)
        return -EINVAL;
    if (virq_is_global(b.virq) && b.vcpu != 0)
        return -EINVAL;
    struct vcpu *v = domain_vcpu(d, b.vcpu);
    if (!v)
        return -ENOENT;
    if (d->virq_to_port[b.virq])
        return -EEXIST;
    int port = evtchn_get_free_port(d);
    if (port < 0)
        return port;
    b.port = (evtchn_port_t)port;
    if (copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    d->evtchn[port] = (struct evtchn){ .state = ECS_VIRQ, .virq = (uint8_t)b.virq,
                                       .notify_vcpu = (uint16_t)v->vcpu_id };
    d->virq_to_port[b.virq] = (uint16_t)port;
    return 0;
}

/* EVTCHNOP_bind_ipi: a port that the domain signals to its vCPU vcpu. */
static long op_bind_ipi(uint32_t arg)
{
    struct evtchn_bind_ipi b;
    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    struct domain *d = current->domain;
    struct vcpu *v = domain_vcpu(d, b.vcpu);
    if (!v)
        return -ENOENT;
    int port = evtchn_get_free_port(d);
    if (port < 0)
        return port;
    b.port = (evtchn_port_t)port;
    if (copy_to_guest(arg, &b, sizeof(b)))
        return -EFAULT;
    d->evtchn[port] = (struct evtchn){ .state = ECS_IPI, .notify_vcpu = (uint16_t)v->vcpu_id };
    return 0;
}

/* EVTCHNOP_close: any port in use (as Xen, only free and reserved ones
 * are refused). */
static long op_close(uint32_t arg)
{
    struct evtchn_close c;
    if (copy_from_guest(&c, arg, sizeof(c)))
        return -EFAULT;
    struct domain *d = current->domain;
    if (!port_is_valid(d, c.port))
        return -EINVAL;
    uint8_t state = d->evtchn[c.port].state;
    if (state == ECS_FREE || state == ECS_RESERVED)
        return -EINVAL;
    close_port(d, c.port);
    return 0;
}

/* EVTCHNOP_send: raise the other end. */
static long op_send(uint32_t arg)
{
    struct evtchn_send s;
    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    struct domain *d = current->domain;
    if (!port_is_valid(d, s.port))
        return -EINVAL;
    struct evtchn *e = &d->evtchn[s.port];
    switch (e->state) {
    case ECS_INTERDOMAIN: {
        struct domain *peer = domain_by_id(e->remote_dom);
        if (peer)
            evtchn_set_pending(peer, e->remote_port);
        return 0;
    }
    case ECS_IPI:
        evtchn_set_pending(d, s.port);
        return 0;
    case ECS_UNBOUND:
        /* Nobody listens yet: dropped, as Xen does; but while no backend
         * has bound a domU's console port, pvx serves its ring. */
        if (s.port == d->console_port && console_served_by_pvx(d))
            console_ring_drain(d);
        return 0;
    default:
        return -EINVAL;                 /* free, reserved, or a VIRQ */
    }
}

/* Fill s's result fields from port e. */
static void fill_status(struct evtchn_status *s, const struct evtchn *e)
{
    memset(&s->u, 0, sizeof(s->u));
    s->vcpu = e->notify_vcpu;
    switch (e->state) {
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = e->remote_dom;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = e->remote_dom;
        s->u.interdomain.port = e->remote_port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = e->virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        s->status = EVTCHNSTAT_closed;
        break;
    }
}

/* EVTCHNOP_status: what port of dom is. */
static long op_status(uint32_t arg)
{
    struct evtchn_status s;
    if (copy_from_guest(&s, arg, sizeof(s)))
        return -EFAULT;
    struct domain *d = domain_by_any_id(s.dom);
    if (!d)
        return -ESRCH;
    if (!may_control(d))
        return -EPERM;
    if (!port_is_valid(d, s.port))
        return -EINVAL;
    fill_status(&s, &d->evtchn[s.port]);
    return copy_to_guest(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

/* EVTCHNOP_bind_vcpu: notify another vCPU. Only global VIRQs, unbound and
 * interdomain ports may move (as Xen; IPIs and per-vCPU VIRQs may not). */
static long op_bind_vcpu(uint32_t arg)
{
    struct evtchn_bind_vcpu b;
    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    struct domain *d = current->domain;
    struct vcpu *v = domain_vcpu(d, b.vcpu);
    if (!v)
        return -ENOENT;
    if (!port_is_valid(d, b.port))
        return -EINVAL;
    struct evtchn *e = &d->evtchn[b.port];
    bool movable = e->state == ECS_UNBOUND || e->state == ECS_INTERDOMAIN ||
                   (e->state == ECS_VIRQ && virq_is_global(e->virq));
    if (!movable)
        return -EINVAL;
    e->notify_vcpu = (uint16_t)v->vcpu_id;
    return 0;
}

/* EVTCHNOP_unmask: clear the mask bit, deliver the event if it is pending. */
static long op_unmask(uint32_t arg)
{
    struct evtchn_unmask u;
    if (copy_from_guest(&u, arg, sizeof(u)))
        return -EFAULT;
    struct domain *d = current->domain;
    if (!port_is_valid(d, u.port))
        return -EINVAL;
    evtchn_unmask(d, u.port);
    return 0;
}

/* EVTCHNOP_reset: close every port of dom. Another domain's only while it
 * is paused (as Xen, which wants it paused by the toolstack). */
static long op_reset(uint32_t arg)
{
    struct evtchn_reset r;
    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    struct domain *d = domain_by_any_id(r.dom);
    if (!d)
        return -ESRCH;
    if (!may_control(d))
        return -EPERM;
    if (d != current->domain && (d->vcpu0 == NULL || d->vcpu0->pause_count == 0))
        return -EINVAL;
    for (unsigned int port = 1; port < EVTCHN_MAX_PORTS; port++)
        if (d->evtchn[port].state != ECS_FREE)
            close_port(d, port);
    return 0;
}

/* EVTCHNOP_bind_pirq: pvx gives no domain physical IRQs, so none may be
 * bound (Xen's answer to a domain without access to the pirq). */
static long op_bind_pirq(uint32_t arg)
{
    struct evtchn_bind_pirq b;
    if (copy_from_guest(&b, arg, sizeof(b)))
        return -EFAULT;
    return -EPERM;
}

/* event_channel_op(cmd, arg): see docs/abi.md. */
long do_event_channel_op(uint32_t cmd, uint32_t arg)
{
    switch (cmd) {
    case EVTCHNOP_alloc_unbound:    return op_alloc_unbound(arg);
    case EVTCHNOP_bind_interdomain: return op_bind_interdomain(arg);
    case EVTCHNOP_bind_virq:        return op_bind_virq(arg);
    case EVTCHNOP_bind_pirq:        return op_bind_pirq(arg);
    case EVTCHNOP_bind_ipi:         return op_bind_ipi(arg);
    case EVTCHNOP_close:            return op_close(arg);
    case EVTCHNOP_send:             return op_send(arg);
    case EVTCHNOP_status:           return op_status(arg);
    case EVTCHNOP_bind_vcpu:        return op_bind_vcpu(arg);
    case EVTCHNOP_unmask:           return op_unmask(arg);
    case EVTCHNOP_reset:            return op_reset(arg);
    default:
        /* The FIFO ABI (init_control, expand_array, set_priority) is not
         * offered: guests fall back to the 2-level ABI. Nothing is read. */
        return -ENOSYS;
    }
}
