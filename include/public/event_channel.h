/*
 * pvx public ABI: event_channel_op, the commands and structs that create,
 * bind, signal and close event-channel ports.
 */
#ifndef PVX_PUBLIC_EVENT_CHANNEL_H
#define PVX_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

/* event_channel_op(cmd, arg) commands; arg is struct evtchn_<name>. */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11 /* FIFO ABI */
#define EVTCHNOP_expand_array    12 /* FIFO ABI */
#define EVTCHNOP_set_priority    13 /* FIFO ABI */

/* evtchn_status.status */
#define EVTCHNSTAT_closed       0 /* not in use */
#define EVTCHNSTAT_unbound      1 /* waiting for an interdomain connection */
#define EVTCHNSTAT_interdomain  2 /* connected to a remote domain */
#define EVTCHNSTAT_pirq         3 /* bound to a physical IRQ */
#define EVTCHNSTAT_virq         4 /* bound to a virtual IRQ */
#define EVTCHNSTAT_ipi          5 /* bound to a virtual IPI */

#define BIND_PIRQ__WILL_SHARE 1

/* FIFO ABI constants (pvx may answer its ops with -ENOSYS). */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES (EVTCHN_FIFO_PRIORITY_MIN + 1)
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1 << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1 << EVTCHN_FIFO_LINK_BITS)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port_t);

/* Ports of the 2-level ABI: one bit per port in shared_info (1024 on x86_32). */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* Allocate a port in dom that remote_dom may bind to. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;        /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;             /* IN */
    evtchn_port_t remote_port;      /* IN */
    evtchn_port_t local_port;       /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
    uint32_t virq;                  /* IN: VIRQ_* */
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

struct evtchn_bind_pirq {
    uint32_t pirq;                  /* IN */
    uint32_t flags;                 /* IN: BIND_PIRQ__* */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

struct evtchn_bind_ipi {
    uint32_t vcpu;                  /* IN */
    evtchn_port_t port;             /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_send evtchn_send_t;

struct evtchn_status {
    domid_t dom;                    /* IN */
    evtchn_port_t port;             /* IN */
    uint32_t status;                /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;                  /* OUT: vCPU the port notifies */
    union {
        struct {
            domid_t dom;
        } unbound;                  /* EVTCHNSTAT_unbound */
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;              /* EVTCHNSTAT_interdomain */
        uint32_t pirq;              /* EVTCHNSTAT_pirq */
        uint32_t virq;              /* EVTCHNSTAT_virq */
    } u;
};
typedef struct evtchn_status evtchn_status_t;

/* Make port notify another vCPU. */
struct evtchn_bind_vcpu {
    evtchn_port_t port;             /* IN */
    uint32_t vcpu;                  /* IN */
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear the mask bit and redeliver the event if it is pending. */
struct evtchn_unmask {
    evtchn_port_t port;             /* IN */
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;                    /* IN */
};
typedef struct evtchn_reset evtchn_reset_t;

struct evtchn_init_control {
    uint64_align4_t control_gfn;    /* IN */
    uint32_t offset;                /* IN */
    uint32_t vcpu;                  /* IN */
    uint8_t link_bits;              /* OUT */
    uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

struct evtchn_expand_array {
    uint64_align4_t array_gfn;      /* IN */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;             /* IN */
    uint32_t priority;              /* IN */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* Argument of the old event_channel_op_compat hypercall. */
struct evtchn_op {
    uint32_t cmd;                   /* EVTCHNOP_* */
    union {
        evtchn_alloc_unbound_t    alloc_unbound;
        evtchn_bind_interdomain_t bind_interdomain;
        evtchn_bind_virq_t        bind_virq;
        evtchn_bind_pirq_t        bind_pirq;
        evtchn_bind_ipi_t         bind_ipi;
        evtchn_close_t            close;
        evtchn_send_t             send;
        evtchn_status_t           status;
        evtchn_bind_vcpu_t        bind_vcpu;
        evtchn_unmask_t           unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op_t);

/* FIFO ABI: one event word per port, and the per-vCPU control block. */
typedef uint32_t event_word_t;
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_EVENT_CHANNEL_H */
