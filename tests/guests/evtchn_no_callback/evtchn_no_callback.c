/*
 * Test guest "evtchn_no_callback": a guest that unmasks events while an
 * upcall is pending, without ever registering an event callback, cannot
 * take the upcall: the hypervisor crashes it at its next hypercall ("event
 * upcall pending but no event callback registered"), rather than looping
 * or panicking, and powers off with status 1 (`expect`). Before that, the
 * event is raised with events masked, which must be harmless.
 */
#include "events.h"

void test_main(void)
{
    long port = evtchn_bind_ipi(0);
    CHECK(port > 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)port), 0);      /* masked: only flagged */
    CHECK_EQ(upcall_pending(), 1);
    events_force();                                     /* still masked: nothing */
    if (checks_failed)
        test_finish();
    guest_printf("evtchn_no_callback: %u checks passed, unmasking with an upcall pending\n",
                 checks_passed);
    events_enable();
    test_exit("FAILURE", "the upcall without a callback did not crash the domain");
}
