/*
 * pvx: event channels (see pvx/event.h for the model and its invariants).
 * This file holds the delivery core; the event_channel_op hypercall lives
 * in event_channel_op.c.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/sched.h>
#include <public/xen.h>

#define BITS_PER_WORD 32

/* d's shared_info, as the hypervisor sees it. */
static struct shared_info *shared_info_of(struct domain *d)
{
    return arch_mfn_to_virt(d->shared_info_mfn);
}

/* evtchn_domain_init: see pvx/event.h. */
void evtchn_domain_init(struct domain *d)
{
    memset(d->evtchn, 0, sizeof(d->evtchn));
    memset(d->virq_to_port, 0, sizeof(d->virq_to_port));
    d->evtchn[0].state = ECS_RESERVED;
    d->max_evtchn_port = EVTCHN_MAX_PORTS - 1;
}

/* evtchn_is_pending: see pvx/event.h. */
bool evtchn_is_pending(struct domain *d, unsigned int port)
{
    if (port >= EVTCHN_MAX_PORTS)
        return false;
    volatile uint32_t *pending = shared_info_of(d)->evtchn_pending;
    return (pending[port / BITS_PER_WORD] >> (port % BITS_PER_WORD)) & 1;
}

/* Is v polling on port? (More ports than poll_ports holds: any port.) */
static bool vcpu_polls_port(const struct vcpu *v, unsigned int port)
{
    if (v->poll_count > ARRAY_SIZE(v->poll_ports))
        return true;
    for (unsigned int i = 0; i < v->poll_count; i++)
        if (v->poll_ports[i] == port)
            return true;
    return false;
}

/* evtchn_set_pending: the 2-level ABI's delivery rule. The guest may change
 * the bitmaps at any time, so only single-word read-modify-writes are used,
 * and only on bits the ABI gives the hypervisor to set. */
void evtchn_set_pending(struct domain *d, unsigned int port)
{
    if (port >= EVTCHN_MAX_PORTS || d->vcpu0 == NULL)
        return;
    struct shared_info *si = shared_info_of(d);
    unsigned int word = port / BITS_PER_WORD;
    uint32_t bit = 1u << (port % BITS_PER_WORD);
    struct vcpu *v = d->vcpu0;            /* one vCPU per domain for now */
    if (__atomic_fetch_or(&si->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
        return;                            /* already pending: nothing new to say */
    if (!(__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)) {
        struct vcpu_info *vi = &si->vcpu_info[v->vcpu_id];
        __atomic_fetch_or(&vi->evtchn_pending_sel, 1u << word, __ATOMIC_SEQ_CST);
        vi->evtchn_upcall_pending = 1;
        vcpu_kick(v);
    } else if (v->poll_count && vcpu_polls_port(v, port)) {
        vcpu_wake(v);                      /* SCHEDOP_poll wakes on masked ports too */
    }
}

/* evtchn_clear_pending: see pvx/event.h. */
void evtchn_clear_pending(struct domain *d, unsigned int port)
{
    if (port >= EVTCHN_MAX_PORTS)
        return;
    __atomic_fetch_and(&shared_info_of(d)->evtchn_pending[port / BITS_PER_WORD],
                       ~(1u << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

/* evtchn_unmask: Xen's evtchn_2l_unmask. Only a port whose mask bit was
 * set and that is pending raises the selector; only a selector bit that
 * was clear raises upcall_pending and kicks (as when the event arrived). */
void evtchn_unmask(struct domain *d, unsigned int port)
{
    if (port >= EVTCHN_MAX_PORTS || d->vcpu0 == NULL)
        return;
    struct shared_info *si = shared_info_of(d);
    unsigned int word = port / BITS_PER_WORD;
    uint32_t bit = 1u << (port % BITS_PER_WORD);
    struct vcpu *v = d->vcpu0;
    struct vcpu_info *vi = &si->vcpu_info[v->vcpu_id];
    if (!(__atomic_fetch_and(&si->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST) & bit))
        return;
    if (!(__atomic_load_n(&si->evtchn_pending[word], __ATOMIC_SEQ_CST) & bit))
        return;
    if (__atomic_fetch_or(&vi->evtchn_pending_sel, 1u << word, __ATOMIC_SEQ_CST) & (1u << word))
        return;
    if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        vcpu_kick(v);
}

/* send_guest_virq: see pvx/event.h. */
void send_guest_virq(struct vcpu *v, unsigned int virq)
{
    if (virq >= EVTCHN_NR_VIRQS)
        return;
    unsigned int port = v->domain->virq_to_port[virq];
    if (port)
        evtchn_set_pending(v->domain, port);
}

/* send_global_virq: see pvx/event.h. */
void send_global_virq(struct domain *d, unsigned int virq)
{
    if (d && d->vcpu0)
        send_guest_virq(d->vcpu0, virq);
}

/* evtchn_get_free_port: see pvx/event.h. */
int evtchn_get_free_port(const struct domain *d)
{
    for (unsigned int port = 1; port <= d->max_evtchn_port && port < EVTCHN_MAX_PORTS; port++)
        if (d->evtchn[port].state == ECS_FREE)
            return (int)port;
    return -ENOSPC;
}

/* evtchn_domain_destroy: see pvx/event.h. Peers of d's interdomain ports
 * go back to unbound (waiting for d's id), as Xen leaves them. */
void evtchn_domain_destroy(struct domain *d)
{
    for (unsigned int port = 1; port < EVTCHN_MAX_PORTS; port++) {
        struct evtchn *e = &d->evtchn[port];
        if (e->state == ECS_INTERDOMAIN && e->remote_dom != d->domain_id) {
            struct domain *peer = domain_by_id(e->remote_dom);
            if (peer && e->remote_port < EVTCHN_MAX_PORTS &&
                peer->evtchn[e->remote_port].state == ECS_INTERDOMAIN) {
                peer->evtchn[e->remote_port].state = ECS_UNBOUND;
                peer->evtchn[e->remote_port].remote_port = 0;
            }
        }
        memset(e, 0, sizeof(*e));
    }
    memset(d->virq_to_port, 0, sizeof(d->virq_to_port));
}

/* evtchn_alloc_unbound_for: see pvx/event.h. */
int evtchn_alloc_unbound_for(struct domain *d, domid_t remote)
{
    int port = evtchn_get_free_port(d);
    if (port > 0)
        d->evtchn[port] = (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = remote };
    return port;
}
