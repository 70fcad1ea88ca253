/*
 * Test guest "sched_block": SCHEDOP_block and SCHEDOP_poll hand the CPU
 * back and resume the guest when it has something to do (docs/abi.md).
 *  - block unmasks events (vcpu_info.evtchn_upcall_mask) and returns at
 *    once when an upcall is already pending, which is then delivered;
 *  - block with nothing pending sleeps until an event: here a singleshot
 *    VIRQ_TIMER, and the guest's clock must be past the deadline;
 *  - poll returns at once when a listed port is pending, even masked;
 *  - poll on a quiet port with a timeout returns 0 no earlier than the
 *    timeout, without an upcall (events stay masked);
 *  - poll errors: more than 128 ports and a port >= 1024 are -EINVAL, an
 *    unreadable argument or port list -EFAULT.
 */
#include "guest.h"
#include "bad_ptr.h"
#include "clock.h"
#include "events.h"
#include <public/vcpu.h>

static void check_block_with_pending_event(void)
{
    events_mask();
    long ipi = evtchn_bind_ipi(0);
    CHECK(ipi > 0);
    upcall_reset();
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    CHECK(upcall_pending());
    CHECK_EQ(last_upcall.count, 0);                /* masked: not delivered yet */
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    CHECK_EQ(last_upcall.count, 1);                /* block unmasked, so it came */
    events_mask();
    CHECK_EQ(evtchn_close((evtchn_port_t)ipi), 0);
    events_clear_all();
}

static void check_block_until_timer(void)
{
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long port = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(port > 0);
    events_clear_all();
    upcall_reset();
    uint64_t deadline = guest_now() + 20000000ull;  /* 20 ms */
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = 0 };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    uint64_t woke = guest_now();
    CHECK(woke >= deadline);
    CHECK(last_upcall.count >= 1);
    events_mask();
    CHECK_EQ(evtchn_close((evtchn_port_t)port), 0);
    events_clear_all();
}

static void check_poll(void)
{
    events_mask();
    long a = evtchn_bind_ipi(0), b = evtchn_bind_ipi(0);
    CHECK(a > 0 && b > 0);
    events_clear_all();
    evtchn_port_t ports[2] = { (evtchn_port_t)a, (evtchn_port_t)b };
    struct sched_poll p = { .nr_ports = 2, .timeout = 0 };
    set_xen_guest_handle(p.ports, ports);

    /* A pending (and masked) port: at once. */
    evtchn_mask((evtchn_port_t)b);
    CHECK_EQ(evtchn_send((evtchn_port_t)b), 0);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &p), 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)b));

    /* Nothing pending: sleeps until the timeout. */
    uint64_t timeout = guest_now() + 15000000ull;  /* 15 ms */
    p.timeout = timeout;
    upcall_reset();
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &p), 0);
    CHECK(guest_now() >= timeout);
    CHECK_EQ(last_upcall.count, 0);

    /* Errors. */
    p.nr_ports = 129;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL);
    evtchn_port_t bad = 1024;
    struct sched_poll q = { .nr_ports = 1, .timeout = 0 };
    set_xen_guest_handle(q.ports, &bad);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &q), -XEN_EINVAL);
    set_xen_guest_handle(q.ports, (evtchn_port_t *)unmapped_va());
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &q), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, (void *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(evtchn_close((evtchn_port_t)a), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)b), 0);
}

void test_main(void)
{
    events_install_callback();
    check_block_with_pending_event();
    check_block_until_timer();
    check_poll();
}
