/*
 * Test guest "console_ring" (dom0): boots one domU (console_ring_domu)
 * that prints only through its PV console ring, which the hypervisor
 * drains when the domU notifies its console port, printing each line with
 * the domU's "(d1) " prefix. dom0 just waits for it to end (VIRQ_DOM_EXC);
 * `expect` checks that each of its 48 numbered lines (about 6000 bytes,
 * more than two rings' worth, written in pieces that split lines) appears
 * exactly once and in order, that its result line and the last line it
 * left without a newline are printed, and that every frame came back.
 */
#include "domains.h"

void test_main(void)
{
    events_mask();
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(exc > 0);
    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
    guest_printf("dom0: the console ring writer ended\n");
}
