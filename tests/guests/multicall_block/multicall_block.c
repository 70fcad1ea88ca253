/*
 * Test guest "multicall_block": a multicall whose call blocks
 * (docs/abi.md, 13 multicall). A SCHEDOP_block or SCHEDOP_poll inside a
 * batch ends the batch like an iret does: the vCPU blocks once the batch
 * has unwound (until its timer's event here), the multicall returns that
 * call's result (0), and the calls after it are not run (their result
 * slots keep what the guest put there). The vCPU is no longer "in a
 * multicall" afterwards: a later multicall runs normally (it used to get
 * -EINVAL for ever).
 */
#include "guest.h"
#include "clock.h"
#include "events.h"
#include <public/vcpu.h>

static multicall_entry_t calls[2];

/* [sched_op(cmd, arg), xen_version(XENVER_version)], result 2 preset. */
static long batch(unsigned int cmd, void *arg)
{
    calls[0] = (multicall_entry_t){ .op = __HYPERVISOR_sched_op, .result = 0x1111,
                                    .args = { cmd, (unsigned long)arg } };
    calls[1] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .result = 0x2222,
                                    .args = { XENVER_version, 0 } };
    return HYPERVISOR_multicall(calls, 2);
}

void test_main(void)
{
    events_install_callback();
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long port = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(port > 0);
    events_clear_all();

    /* block: sleeps until the timer, ends the batch. */
    uint64_t deadline = guest_now() + 20000000ull;
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    CHECK_EQ(batch(SCHEDOP_block, NULL), 0);
    CHECK(guest_now() >= deadline);
    CHECK_EQ(calls[1].result, 0x2222);                 /* not run */
    events_mask();
    events_clear_all();

    /* The next multicall runs every call. */
    long version = HYPERVISOR_xen_version(XENVER_version, NULL);
    calls[0] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 } };
    CHECK_EQ(HYPERVISOR_multicall(calls, 1), 0);
    CHECK_EQ(calls[0].result, (unsigned long)version);

    /* poll with a timeout and no ports: the same. */
    struct sched_poll p = { .nr_ports = 0, .timeout = guest_now() + 10000000ull };
    CHECK_EQ(batch(SCHEDOP_poll, &p), 0);
    CHECK(guest_now() >= p.timeout);
    CHECK_EQ(calls[1].result, 0x2222);
    calls[0] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .args = { XENVER_version, 0 } };
    CHECK_EQ(HYPERVISOR_multicall(calls, 1), 0);
    CHECK_EQ(calls[0].result, (unsigned long)version);

    /* A block with an event already pending does not block: the batch goes on. */
    long ipi = evtchn_bind_ipi(0);
    CHECK(ipi > 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    CHECK_EQ(batch(SCHEDOP_block, NULL), 0);
    CHECK_EQ(calls[0].result, 0);
    CHECK_EQ(calls[1].result, (unsigned long)version);
    events_mask();
}
