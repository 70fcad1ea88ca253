/*
 * Test guest "domu_crash" (dom0): a domU that breaks a rule it cannot
 * recover from is crashed by the hypervisor, and that is its own end only:
 * dom0 and the other domUs keep running and finish their work. The
 * `domains` file starts
 *   d1 "badtrap"   a #UD with its trap table cleared (no handler),
 *   d2 "badevent"  an upcall pending when it unmasks events, with an event
 *                  callback whose code selector is null,
 *   d3 "survivor"  which dom0 offers an event channel to.
 * dom0 waits (on VIRQ_DOM_EXC) until d1 and d2 are gone, then exchanges
 * 500 events with d3, and waits for d3 to end too; its port to d3 is then
 * unbound again. `expect` checks that each crash line names the domain and
 * the reason, that they come before the survivor's result, that the
 * survivor and dom0 succeed, and that every frame the domUs had came back
 * ("all domUs gone" with equal counts).
 */
#include "domains.h"

void test_main(void)
{
    events_mask();
    long ctl = evtchn_alloc_unbound(DOMID_SELF, 3);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(ctl > 0);
    CHECK(exc > 0);
    if (checks_failed)
        test_finish();
    int crash1 = wait_domain_gone(1, (evtchn_port_t)exc);
    int crash2 = wait_domain_gone(2, (evtchn_port_t)exc);
    CHECK(crash1 >= 0);
    CHECK(crash2 >= 0);
    CHECK(crash1 + crash2 >= 1);                        /* VIRQ_DOM_EXC came */
    CHECK(domain_alive(3));
    CHECK(port_wait((evtchn_port_t)ctl));               /* the survivor's hello */
    unsigned int rounds = 0;
    for (; rounds < 500; rounds++) {
        port_signal((evtchn_port_t)ctl);
        if (!port_wait((evtchn_port_t)ctl))
            break;
    }
    CHECK_EQ(rounds, 500);
    CHECK(wait_domain_gone(3, (evtchn_port_t)exc) >= 0);
    CHECK_PORT_STATUS(DOMID_SELF, (evtchn_port_t)ctl, EVTCHNSTAT_unbound, 3, 0);
    guest_printf("dom0: d1 and d2 crashed, then d3 answered %u events and ended\n", rounds);
}
