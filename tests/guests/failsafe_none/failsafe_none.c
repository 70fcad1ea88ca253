/*
 * Test guest "failsafe_none": as "failsafe", but the guest registered no
 * failsafe callback, so the hypervisor must crash it (alone, with the
 * reason named: `expect`) rather than run it with a selector it cannot load.
 *
 * (See tests/guests/failsafe for the frame it would have got.)
 */
#include "../failsafe/stale_fs.h"

void test_main(void)
{
    events_install_callback();
    stale_fs_prepare();
    guest_puts("failsafe_none: blocking; the hypervisor must crash this domain\n");
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    guest_puts("failsafe_none: still running\n");
    CHECK(0);
}
