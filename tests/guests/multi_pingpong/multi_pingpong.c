/*
 * Test guest "multi_pingpong" (dom0): boots with two domUs (see the
 * `domains` file) that play 1000 rounds of event-channel ping-pong, and
 * waits for both to finish: it sleeps with SCHEDOP_block on VIRQ_DOM_EXC and
 * checks after each notification whether the domains still exist
 * (XENMEM_current_reservation answers -ESRCH once one is gone). Its own
 * success means dom0 kept running beside them and saw them go; `expect`
 * checks each domU's result line and that the hypervisor got every frame
 * back.
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/vcpu.h>

/* Does domain id still exist? */
static int alive(domid_t id)
{
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &id) >= 0;
}

void test_main(void)
{
    events_install_callback();
    events_mask();
    long virq = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(virq > 0);
    CHECK(alive(1));
    CHECK(alive(2));
    unsigned int notifications = 0;
    uint64_t give_up = guest_now() + 60ull * 1000000000ull;
    while ((alive(1) || alive(2)) && guest_now() < give_up) {
        /* Wake at the latest in 100 ms even if a notification was missed. */
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + 100000000ull };
        HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        events_mask();
        if (evtchn_test_and_clear((evtchn_port_t)virq))
            notifications++;
    }
    CHECK(!alive(1));
    CHECK(!alive(2));
    CHECK(notifications >= 1);
    guest_printf("dom0: both domUs gone after %u VIRQ_DOM_EXC notifications\n", notifications);
}
