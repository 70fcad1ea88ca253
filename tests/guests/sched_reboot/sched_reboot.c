/*
 * Test guest "sched_reboot": dom0 ends with SCHEDOP_shutdown(SHUTDOWN_reboot).
 * The hypervisor must say so ("d0: shutdown: reboot"), give back every frame
 * the domain held (at least its 16384 pages of dom0_mem=64M plus
 * shared_info; `expect` checks the count) and end QEMU with the reboot
 * status, 3, so a toolstack or test runner can tell a reboot from a
 * poweroff. If the call returns, the guest reports FAILURE and powers off
 * (status 0), which `expect` refuses.
 */
#include "guest.h"

void test_main(void)
{
    CHECK_EQ(start_info->nr_pages, 16384);      /* xen-cmdline: dom0_mem=64M */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &(domid_t){ DOMID_SELF }), 16385);
    if (checks_failed)
        test_finish();
    guest_printf("sched_reboot: %u checks passed, asking for a reboot\n", checks_passed);
    struct sched_shutdown s = { .reason = SHUTDOWN_reboot };
    long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
    guest_printf("FAIL: SCHEDOP_shutdown(reboot) returned %ld\n", rc);
    test_exit("FAILURE", "shutdown returned");
}
