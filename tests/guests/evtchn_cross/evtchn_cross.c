/*
 * Test guest "evtchn_cross" (dom0): the event-channel rules that involve
 * more than one domain (docs/abi.md, event_channel_op), with two domUs
 * running evtchn_cross_domu (d1 role=a, d2 role=b). dom0's part:
 *  - it may allocate a port for a domU (its ports 1 and 2, for d1 and d2;
 *    each domU binds the one offered to it) and in a domU's own table;
 *    it may ask EVTCHNOP_status about any domain's ports (d1's console
 *    port is connected to the hypervisor, its store port waits for dom0);
 *  - a domain that does not exist is -ESRCH for alloc_unbound, status and
 *    bind_interdomain; a port may be offered to a domain that does not
 *    exist (yet);
 *  - closing one end of a channel leaves the other unbound, waiting for
 *    the closer (seen from both sides, with d1); d1's send on it returns 0
 *    and is dropped: it does not reach the port number dom0 reused;
 *  - a domain that ends leaves its peers' ports unbound (dom0's port to
 *    d2, and d1's port to d2), and sends on them are dropped;
 *  - VIRQ_DOM_EXC reaches dom0 each time a domU ends.
 * The domUs check the refusals (-EPERM, -EINVAL) and a blocked domU
 * woken by another domain's event (see evtchn_cross_domu). dom0 and the
 * domUs move in lockstep over their control channels (dom0's ports 1, 2).
 */
#include "domains.h"

/* What dom0 may do with d1's ports, and -ESRCH for a missing domain. */
static void check_privileged(evtchn_port_t ctl1)
{
    CHECK_PORT_STATUS(1, 1, EVTCHNSTAT_unbound, 0, 0);               /* d1's console (no backend) */
    CHECK_PORT_STATUS(1, 2, EVTCHNSTAT_unbound, 0, 0);               /* d1's store */
    unsigned int d1_ctl = CHECK_PORT_STATUS(DOMID_SELF, ctl1, EVTCHNSTAT_interdomain, 1, 0);
    CHECK_PORT_STATUS(1, d1_ctl, EVTCHNSTAT_interdomain, 0, ctl1);

    long theirs = evtchn_alloc_unbound(1, 0);           /* in d1's table, for dom0 */
    CHECK(theirs > 0);
    CHECK_PORT_STATUS(1, theirs, EVTCHNSTAT_unbound, 0, 0);
    long mine = evtchn_bind_interdomain(1, (evtchn_port_t)theirs);
    CHECK(mine > 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)mine));  /* a fresh binding starts pending */
    CHECK_PORT_STATUS(1, theirs, EVTCHNSTAT_interdomain, 0, mine);
    CHECK_EQ(evtchn_close((evtchn_port_t)mine), 0);
    CHECK_PORT_STATUS(1, theirs, EVTCHNSTAT_unbound, 0, 0);

    struct evtchn_status s;
    CHECK_EQ(evtchn_alloc_unbound(40, 0), -XEN_ESRCH);
    CHECK_EQ(evtchn_status(40, 1, &s), -XEN_ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(40, 1), -XEN_ESRCH);
    long future = evtchn_alloc_unbound(DOMID_SELF, 40);
    CHECK(future > 0);
    CHECK_PORT_STATUS(DOMID_SELF, future, EVTCHNSTAT_unbound, 40, 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)future), 0);   /* unbound: dropped */
    CHECK_EQ(evtchn_close((evtchn_port_t)future), 0);
}

/* Close dom0's end of a channel with d1: d1's end is unbound, and its
 * send is dropped rather than delivered to the port number dom0 reuses. */
static void check_close_one_end(evtchn_port_t ctl1)
{
    long mine = evtchn_alloc_unbound(DOMID_SELF, 1);
    CHECK(mine > 0);
    port_signal(ctl1);                                  /* S1: bind it */
    CHECK(port_wait(ctl1));
    unsigned int theirs = CHECK_PORT_STATUS(DOMID_SELF, mine, EVTCHNSTAT_interdomain, 1, 0);
    CHECK_PORT_STATUS(1, theirs, EVTCHNSTAT_interdomain, 0, mine);
    CHECK_EQ(evtchn_close((evtchn_port_t)mine), 0);
    CHECK_PORT_STATUS(1, theirs, EVTCHNSTAT_unbound, 0, 0);
    long reused = evtchn_bind_ipi(0);
    CHECK_EQ(reused, mine);                             /* the lowest free port */
    port_signal(ctl1);                                  /* S2: I closed it */
    CHECK(port_wait(ctl1));                             /* d1 has sent on its end */
    CHECK(!evtchn_is_pending((evtchn_port_t)reused));
    CHECK_EQ(evtchn_close((evtchn_port_t)reused), 0);
}

void test_main(void)
{
    events_mask();
    long ctl1 = evtchn_alloc_unbound(DOMID_SELF, 1);
    long ctl2 = evtchn_alloc_unbound(DOMID_SELF, 2);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK_EQ(ctl1, 1);                                  /* the domUs rely on these */
    CHECK_EQ(ctl2, 2);
    CHECK(exc > 0);
    CHECK(port_wait(1));                                /* hellos */
    CHECK(port_wait(2));
    if (checks_failed)
        test_finish();
    check_privileged(1);
    check_close_one_end(1);

    CHECK(wait_domain_gone(2, (evtchn_port_t)exc) >= 1);    /* VIRQ_DOM_EXC came */
    CHECK_PORT_STATUS(DOMID_SELF, 2, EVTCHNSTAT_unbound, 2, 0);
    CHECK_EQ(evtchn_send(2), 0);
    port_signal(1);                                     /* S3: d2 is gone */
    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
    CHECK_PORT_STATUS(DOMID_SELF, 1, EVTCHNSTAT_unbound, 1, 0);
    guest_printf("dom0: cross-domain event channel checks done, both domUs gone\n");
}
