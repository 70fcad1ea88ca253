/*
 * Test guest "sched_op": the SCHEDOP_* commands that return (docs/abi.md).
 *  - yield returns 0 (with one domain there is nothing to yield to);
 *  - the commands pvx does not offer (shutdown_code, watchdog,
 *    pin_override) and unknown ones answer -ENOSYS (block and poll are
 *    tested in sched_block, remote_shutdown's errors here);
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

    /* The arguments are valid ones so that the answer is about the
     * command, not the argument. */
    struct sched_shutdown code = { .reason = SHUTDOWN_crash };
    struct sched_watchdog wd = { .id = 0, .timeout = 10 };
    struct sched_pin_override pin = { .pcpu = -1 };
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &code), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), -XEN_ENOSYS);
    static const int unknown[] = { 8, 100, 0x7FFFFFFF, -1 };
    for (unsigned int i = 0; i < N(unknown); i++)
        CHECK_EQ(HYPERVISOR_sched_op(unknown[i], NULL), -XEN_ENOSYS);

    /* remote_shutdown (dom0 only): a domain that does not exist, a bad
     * reason and a bad argument are refused and nothing stops. */
    struct sched_remote_shutdown rs = { .domain_id = 5, .reason = SHUTDOWN_poweroff };
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    rs.domain_id = DOMID_SELF;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH);
    rs.domain_id = 0;
    rs.reason = 99;
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, (void *)unmapped_va()), -XEN_EFAULT);

    check_shutdown_errors();
}
