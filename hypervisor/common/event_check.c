/*
 * pvx: evtchn_check_invariants(), the test oracle for event channels: it
 * re-checks, port by port, the rules pvx/event.h states. Tests call it
 * after every operation.
 */
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/event.h>

#define violation(d, port, why) \
    (printk("evtchn_check: d%u port %u: %s\n", (d)->domain_id, (port), (why)), -1)

/* An interdomain port's peer exists and points back at it. */
static int check_peer(const struct domain *d, unsigned int port, const struct evtchn *e)
{
    const struct domain *peer = domain_by_id(e->remote_dom);
    if (!peer)
        return violation(d, port, "interdomain peer domain does not exist");
    if (e->remote_port == 0 || e->remote_port >= EVTCHN_MAX_PORTS)
        return violation(d, port, "interdomain peer port out of range");
    if (peer == d && e->remote_port == port)
        return violation(d, port, "interdomain port connected to itself");
    const struct evtchn *p = &peer->evtchn[e->remote_port];
    if (p->state != ECS_INTERDOMAIN || p->remote_dom != d->domain_id || p->remote_port != port)
        return violation(d, port, "interdomain peer does not point back");
    return 0;
}

/* One port of d. */
static int check_port(const struct domain *d, unsigned int port)
{
    const struct evtchn *e = &d->evtchn[port];
    if ((port == 0) != (e->state == ECS_RESERVED))
        return violation(d, port, "only port 0 is reserved, and it always is");
    if (e->state > ECS_IPI)
        return violation(d, port, "unknown state");
    if (e->state == ECS_FREE) {
        static const struct evtchn clean;
        return memcmp(e, &clean, sizeof(clean)) ? violation(d, port, "free port not clean") : 0;
    }
    if (port > d->max_evtchn_port)
        return violation(d, port, "in use above max_evtchn_port");
    if (e->notify_vcpu != 0)
        return violation(d, port, "notifies a vCPU that does not exist");
    switch (e->state) {
    case ECS_UNBOUND:
        return e->remote_port ? violation(d, port, "unbound port with a remote port") : 0;
    case ECS_INTERDOMAIN:
        return check_peer(d, port, e);
    case ECS_VIRQ:
        if (e->virq >= EVTCHN_NR_VIRQS || d->virq_to_port[e->virq] != port)
            return violation(d, port, "VIRQ port not in virq_to_port");
        return 0;
    default:
        return 0;
    }
}

/* evtchn_check_invariants: see pvx/event.h. */
int evtchn_check_invariants(const struct domain *d)
{
    for (unsigned int port = 0; port < EVTCHN_MAX_PORTS; port++)
        if (check_port(d, port))
            return -1;
    for (unsigned int virq = 0; virq < EVTCHN_NR_VIRQS; virq++) {
        unsigned int port = d->virq_to_port[virq];
        if (port && (port >= EVTCHN_MAX_PORTS || d->evtchn[port].state != ECS_VIRQ ||
                     d->evtchn[port].virq != virq))
            return violation(d, port, "virq_to_port names a port not bound to that VIRQ");
    }
    if (d->max_evtchn_port >= EVTCHN_MAX_PORTS)
        return violation(d, d->max_evtchn_port, "max_evtchn_port beyond the 2-level ABI");
    return 0;
}
