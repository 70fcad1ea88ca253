/*
 * pvx public ABI: sched_op (yield, block, shutdown, poll) and shutdown reasons.
 */
#ifndef PVX_PUBLIC_SCHED_H
#define PVX_PUBLIC_SCHED_H

#include "event_channel.h"

/* sched_op(cmd, arg) commands; arg is the struct named beside each. */
#define SCHEDOP_yield           0 /* arg unused */
#define SCHEDOP_block           1 /* arg unused; unmasks events first */
#define SCHEDOP_shutdown        2 /* struct sched_shutdown */
#define SCHEDOP_poll            3 /* struct sched_poll */
#define SCHEDOP_remote_shutdown 4 /* struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5 /* struct sched_shutdown: reason for a later crash */
#define SCHEDOP_watchdog        6 /* struct sched_watchdog */
#define SCHEDOP_pin_override    7 /* struct sched_pin_override */

/* Shutdown reasons. */
#define SHUTDOWN_poweroff   0 /* exited normally: clean up and destroy */
#define SHUTDOWN_reboot     1 /* clean up, destroy, restart */
#define SHUTDOWN_suspend    2 /* clean up, save suspend state, destroy */
#define SHUTDOWN_crash      3 /* the guest crashed */
#define SHUTDOWN_watchdog   4 /* a watchdog expired */
#define SHUTDOWN_soft_reset 5 /* reset without destroying the domain */
#define SHUTDOWN_MAX        5

#ifndef __ASSEMBLY__

struct sched_shutdown {
    uint32_t reason;    /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_shutdown_t);

/* Block until one of the ports is pending (even with events masked) or timeout. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;
    uint32_t nr_ports;
    uint64_align4_t timeout;    /* absolute system time in ns; 0 = none */
};
typedef struct sched_poll sched_poll_t;
DEFINE_XEN_GUEST_HANDLE(sched_poll_t);

struct sched_remote_shutdown {
    domid_t  domain_id;
    uint32_t reason;    /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
DEFINE_XEN_GUEST_HANDLE(sched_remote_shutdown_t);

struct sched_watchdog {
    uint32_t id;        /* 0 to create a new watchdog */
    uint32_t timeout;   /* seconds; 0 destroys watchdog id */
};
typedef struct sched_watchdog sched_watchdog_t;
DEFINE_XEN_GUEST_HANDLE(sched_watchdog_t);

struct sched_pin_override {
    int32_t pcpu;       /* negative: end the override */
};
typedef struct sched_pin_override sched_pin_override_t;
DEFINE_XEN_GUEST_HANDLE(sched_pin_override_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_SCHED_H */
