/*
 * DomU program "survivor_domu" (run by domu_crash, not on its own): the
 * domain that must not notice its neighbours crashing. It binds the port
 * dom0 offered it, says hello, then
 *  - sleeps on 20 singleshot timers of 5 ms (while the others crash),
 *  - answers `rounds` events from dom0, which starts them only once it has
 *    seen both crashed domains go: every event lost or doubled by the
 *    crashes' clean-up would stall or miscount the exchange,
 *  - sleeps on 20 more timers, checking each wake-up is past its deadline,
 * and ends with SUCCESS. Command line: rounds=N (default 500).
 */
#include "domains.h"
#include <public/vcpu.h>

/* Sleep on n singleshot timers of 5 ms each, waiting on timer_port. */
static void timers(evtchn_port_t timer_port, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        uint64_t deadline = guest_now() + 5000000ull;
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
        CHECK(port_wait(timer_port));
        CHECK(guest_now() >= deadline);
    }
}

void test_main(void)
{
    unsigned long rounds = cmdline_arg("rounds", 500);
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long timer = evtchn_bind_virq(VIRQ_TIMER, 0);
    long ctl = evtchn_bind_offered(0);
    CHECK(timer > 0);
    CHECK(ctl > 0);
    if (checks_failed)
        test_finish();
    port_signal((evtchn_port_t)ctl);                    /* hello */
    timers((evtchn_port_t)timer, 20);
    unsigned long done = 0;
    while (done < rounds && port_wait((evtchn_port_t)ctl)) {
        port_signal((evtchn_port_t)ctl);
        done++;
    }
    CHECK_EQ(done, rounds);
    timers((evtchn_port_t)timer, 20);
    guest_printf("survivor: %lu round trips with dom0 after the crashes, 40 timers\n", done);
}
