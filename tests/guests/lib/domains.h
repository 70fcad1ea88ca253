/*
 * pvx test guests: helpers for tests that run several domains at once
 * (domains.c): a dom0 test folder with a `domains` file, and the domU
 * programs it lists.
 *
 * Domains talk through event channels: a port number is found by trying
 * to bind (evtchn_bind_offered), and a test moves from step to step in
 * lockstep, each side sending one event and then waiting for the other's
 * (port_signal / port_wait). Every wait has a deadline, so a lost event
 * fails a check instead of hanging until the runner's timeout. Data goes
 * through a page one domain grants the other (grant_table_setup).
 */
#ifndef GUEST_DOMAINS_H
#define GUEST_DOMAINS_H

#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/grant_table.h>

/* How long a test waits for another domain before it gives up. */
#define DOMAIN_WAIT_NS (30ull * NSEC_PER_SEC)

/* The value of "key=N" (decimal) in the guest command line, or def. */
unsigned long cmdline_arg(const char *key, unsigned long def);
/* Does the command line hold "key=value" exactly? */
int cmdline_is(const char *key, const char *value);

/* Bind to the first port of domain remote (1-63) that waits for us,
 * trying again (with SCHEDOP_yield) until one does or DOMAIN_WAIT_NS
 * passes. Returns the new local port, with its pending bit cleared (a
 * fresh binding starts pending), or -errno of the last attempt. */
long evtchn_bind_offered(domid_t remote);

/* Wait (events masked, SCHEDOP_poll) until port is pending, then clear
 * it: 1, or 0 if DOMAIN_WAIT_NS passes first. */
int port_wait(evtchn_port_t port);
/* The same with an absolute deadline in system time (ns). */
int port_wait_until(evtchn_port_t port, uint64_t deadline);
/* Send one event on port (a CHECK that it worked). */
void port_signal(evtchn_port_t port);

/* Sleep ns (SCHEDOP_poll with a timeout on no port), letting others run. */
void sleep_ns(uint64_t ns);

/* dom0 only: does domain id exist? (XENMEM_current_reservation answers
 * -ESRCH once it is gone.) */
int domain_alive(domid_t id);
/* dom0 only: wait until domain id is gone, sleeping on dom_exc (a port
 * bound to VIRQ_DOM_EXC) between looks. Returns how many VIRQ_DOM_EXC
 * notifications it took (cleared on the way); -1 if DOMAIN_WAIT_NS
 * passed with the domain still there. */
int wait_domain_gone(domid_t id, evtchn_port_t dom_exc);

/* A grant table of one frame (v1, GNTTABOP_setup_table for DOMID_SELF),
 * mapped writable at a fresh page: its entries (CHECKs each step). */
grant_entry_v1_t *grant_table_setup(void);

/* EVTCHNOP_status of dom's port: CHECKs that it answers 0 with `status`
 * and, for unbound / interdomain, the peer domain `peer` (and for
 * interdomain the peer port `peer_port`, unless it is 0: "any").
 * Returns the peer port it saw (interdomain) or 0. */
#define CHECK_PORT_STATUS(dom, port, status, peer, peer_port) \
    check_port_status((dom), (port), (status), (peer), (peer_port), __FILE__, __LINE__)
unsigned int check_port_status(domid_t dom, evtchn_port_t port, uint32_t status, domid_t peer,
                               evtchn_port_t peer_port, const char *file, int line);

#endif
