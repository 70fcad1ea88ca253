/*
 * Test guest "vm_assist": VMASST_CMD_enable / _disable (docs/abi.md).
 * Guests switch assists on at start of day and stop if that fails, so the
 * answers must be exact and in Xen's order (common/domain.c vm_assist()):
 *  - the assists pvx offers (pae_extended_cr3, architectural_iopl,
 *    runstate_update_flag) can be enabled and disabled, repeatedly: 0;
 *  - any other type is -EINVAL, whatever the command: the legacy
 *    4gb_segments(_notify) and writable_pagetables, which pvx does not
 *    offer, m2p_strict (64-bit guests only), and numbers past the bitmap;
 *  - an unknown command with a good type is -ENOSYS (the type is checked
 *    first, so with a bad type it is -EINVAL).
 */
#include "guest.h"

static const unsigned int offered[] = {
    VMASST_TYPE_pae_extended_cr3, VMASST_TYPE_architectural_iopl, VMASST_TYPE_runstate_update_flag,
};
static const unsigned int not_offered[] = {
    VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments_notify, VMASST_TYPE_writable_pagetables,
    6, 31, VMASST_TYPE_m2p_strict, 33, 63, 64, 1000, 0x80000000u, 0xFFFFFFFFu,
};
static const unsigned int bad_cmds[] = { 2, 3, 100, 0x80000000u, 0xFFFFFFFFu };

#define N(a) (sizeof(a) / sizeof((a)[0]))

void test_main(void)
{
    for (unsigned int i = 0; i < N(offered); i++) {
        unsigned int t = offered[i];
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, t), 0);
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, t), 0);    /* again: still 0 */
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable, t), 0);
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable, t), 0);
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, t), 0);
        for (unsigned int c = 0; c < N(bad_cmds); c++)
            CHECK_EQ(HYPERVISOR_vm_assist(bad_cmds[c], t), -XEN_ENOSYS);
    }
    for (unsigned int i = 0; i < N(not_offered); i++) {
        unsigned int t = not_offered[i];
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, t), -XEN_EINVAL);
        CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable, t), -XEN_EINVAL);
        for (unsigned int c = 0; c < N(bad_cmds); c++)
            CHECK_EQ(HYPERVISOR_vm_assist(bad_cmds[c], t), -XEN_EINVAL);
    }
}
