/*
 * Bench guest "domwait" (dom0 of the multi-domain benches): stays out of
 * the way while the boot-time domUs run, and powers the machine off once
 * they are all gone. It sleeps with SCHEDOP_block on VIRQ_DOM_EXC (a
 * singleshot timer wakes it at most once a second in case a notification
 * was missed: a few microseconds of CPU, nothing the fairness figures
 * notice) and checks which domains still exist (XENMEM_current_reservation
 * answers -ESRCH once one is gone). Command line: timeout=S (default 300,
 * guest seconds) after which it gives up and reports an error.
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include "../bench_util.h"
#include <public/vcpu.h>

#define MAX_DOMU 8

/* Does domain id still exist? */
static int alive(domid_t id)
{
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &id) >= 0;
}

static unsigned int domus_alive(void)
{
    unsigned int n = 0;
    for (domid_t id = 1; id <= MAX_DOMU; id++)
        n += alive(id) ? 1 : 0;
    return n;
}

void test_main(void)
{
    events_install_callback();
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long virq = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    long timer = evtchn_bind_virq(VIRQ_TIMER, 0);     /* unbound, the timer would not wake us */
    CHECK(virq > 0);
    CHECK(timer > 0);
    unsigned int at_start = domus_alive();
    uint64_t give_up = guest_now() + arg_num("timeout", 300) * NSEC_PER_SEC;
    while (domus_alive() && guest_now() < give_up) {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + NSEC_PER_SEC };
        HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        events_mask();
        evtchn_test_and_clear((evtchn_port_t)virq);
        evtchn_test_and_clear((evtchn_port_t)timer);
    }
    if (domus_alive())
        bench_error("domus_timed_out", -XEN_ETIMEDOUT);
    guest_printf("domwait: %u domUs ran and are gone\n", at_start);
    CHECK(at_start > 0);
}
