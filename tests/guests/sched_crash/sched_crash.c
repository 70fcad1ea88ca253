/*
 * Test guest "sched_crash": dom0 ends with SCHEDOP_shutdown(SHUTDOWN_crash),
 * as a guest kernel does when it panics. The hypervisor must say so
 * ("d0: shutdown: crash"), give back every frame the domain held (at least
 * its 16384 pages of dom0_mem=64M plus shared_info; `expect` checks the
 * count) and end QEMU with the crash status, 1 (as when the hypervisor
 * crashes a domain), so a test runner never mistakes a guest's panic for a
 * clean poweroff. If the call returns, the guest reports FAILURE and powers
 * off (status 0), which `expect` refuses.
 */
#include "guest.h"

void test_main(void)
{
    CHECK_EQ(start_info->nr_pages, 16384);      /* xen-cmdline: dom0_mem=64M */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &(domid_t){ DOMID_SELF }), 16385);
    if (checks_failed)
        test_finish();
    guest_printf("sched_crash: %u checks passed, asking to be crashed\n", checks_passed);
    struct sched_shutdown s = { .reason = SHUTDOWN_crash };
    long rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
    guest_printf("FAIL: SCHEDOP_shutdown(crash) returned %ld\n", rc);
    test_exit("FAILURE", "shutdown returned");
}
