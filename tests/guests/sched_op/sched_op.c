/*
 * Test guest "sched_op": the SCHEDOP_* commands that return (docs/abi.md).
 *  - yield returns 0 (with one domain there is nothing to yield to);
 *  - block, poll, remote_shutdown and the later commands (shutdown_code,
 *    watchdog, pin_override) answer -ENOSYS until issue 3 brings timers,
 *    event channels and scheduling; unknown commands too;
 *  - shutdown whose argument cannot be read (unmapped, running into an
 *    unmapped page, the hypervisor area) is -EFAULT, and a reason above
 *    SHUTDOWN_MAX (5) is -EINVAL: in both cases the domain keeps running.
 * The runtime's final SHUTDOWN_poweroff is the success path: `expect` wants
 * the hypervisor's shutdown line and the frames coming back (status 0).
 * sched_reboot and sched_crash test the other two ways dom0 ends.
 */
#include "guest.h"
#include "bad_ptr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void check_shutdown_errors(void)
{
    check_bad_ptr_layout();
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)unmapped_va()), -XEN_EFAULT);
    /* The first two bytes of the reason are readable, the rest are not. */
    uint16_t *head = (uint16_t *)straddling_va(2);
    *head = SHUTDOWN_poweroff;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, head), -XEN_EFAULT);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)hypervisor_area_vas[i]), -XEN_EFAULT);

    static const uint32_t bad_reasons[] = { SHUTDOWN_MAX + 1, 99, 255, 256, 0x80000000u, 0xFFFFFFFFu };
    for (unsigned int i = 0; i < N(bad_reasons); i++) {
        struct sched_shutdown s = { .reason = bad_reasons[i] };
        CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &s), -XEN_EINVAL);
    }
    /* Still running. */
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
}

void test_main(void)
{
    for (int i = 0; i < 3; i++)
        CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);

    /* -ENOSYS until issue 3; the arguments are valid ones so that the
     * answer is about the command, not the argument. */
    evtchn_port_t port = 0;
    struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };
    set_xen_guest_handle(poll.ports, &port);
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    struct sched_shutdown code = { .reason = SHUTDOWN_crash };
    struct sched_watchdog wd = { .id = 0, .timeout = 10 };
    struct sched_pin_override pin = { .pcpu = -1 };
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), -XEN_ENOSYS);
    static const int unknown[] = { 8, 100, 0x7FFFFFFF, -1 };
    for (unsigned int i = 0; i < N(unknown); i++)
        CHECK_EQ(HYPERVISOR_sched_op(unknown[i], NULL), -XEN_ENOSYS);

    check_shutdown_errors();
}
