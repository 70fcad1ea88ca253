/*
 * pvx: event channels, Xen's 2-level ABI (common/event_channel.c).
 *
 * A domain has up to EVTCHN_MAX_PORTS ports. A port is free, unbound
 * (waiting for a named remote domain to bind), interdomain (connected to a
 * port of another domain, or of the same one), a VIRQ or an IPI.
 * Raising a port sets its bit in shared_info.evtchn_pending; if the port is
 * not masked and the bit was clear, the selector bit and the vCPU's
 * evtchn_upcall_pending are set too and the vCPU is kicked. Invariants:
 * an interdomain port's peer points back at it; virq_to_port[v] is the
 * port bound to VIRQ v (0 = none; port 0 is never allocated); closing a port
 * that a peer uses leaves the peer unbound (waiting for the same domain).
 */
#ifndef PVX_EVENT_H
#define PVX_EVENT_H
#include <pvx/types.h>

#define EVTCHN_MAX_PORTS 1024     /* 2-level ABI on x86_32: 32 x 32 bits */
#define EVTCHN_NR_VIRQS 24        /* NR_VIRQS in public/xen.h */

enum evtchn_state {
    ECS_FREE = 0,
    ECS_RESERVED,                 /* port 0: never handed out */
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_VIRQ,
    ECS_IPI,                      /* the last state */
};

struct domain;
struct vcpu;

struct evtchn {
    uint8_t state;                /* enum evtchn_state */
    uint8_t virq;                 /* ECS_VIRQ */
    uint16_t notify_vcpu;         /* vCPU that gets the upcall */
    domid_t remote_dom;           /* ECS_UNBOUND: who may bind; ECS_INTERDOMAIN: peer */
    uint16_t remote_port;         /* ECS_INTERDOMAIN */
};

/* Set up / tear down d's ports (destroy closes every port, unbinding peers). */
void evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/* Raise port on d (delivery to its notify vCPU). */
void evtchn_set_pending(struct domain *d, unsigned int port);
/* Clear port's pending bit (a closed port must not look pending when reused). */
void evtchn_clear_pending(struct domain *d, unsigned int port);
/* Clear port's mask bit; if it was masked and is pending, deliver it now
 * (EVTCHNOP_unmask, Xen's evtchn_2l_unmask). */
void evtchn_unmask(struct domain *d, unsigned int port);
/* Raise VIRQ virq for v / for d's vCPU 0 if bound. */
void send_guest_virq(struct vcpu *v, unsigned int virq);
void send_global_virq(struct domain *d, unsigned int virq);
/* The lowest free port of d (ports are always handed out lowest first), or
 * -ENOSPC if none is left below d->max_evtchn_port. */
int evtchn_get_free_port(const struct domain *d);
/* Allocate an unbound port of d that domain `remote` may bind (the
 * store's port for dom0). Returns the port or -errno. */
int evtchn_alloc_unbound_for(struct domain *d, domid_t remote);
/* Is port pending in d's shared_info? (for SCHEDOP_poll) */
bool evtchn_is_pending(struct domain *d, unsigned int port);

/* The invariants above hold for d (and its peers): 0, or prints the first
 * violation and returns -1. (common/event_check.c; tests call it.) */
int evtchn_check_invariants(const struct domain *d);
#endif
