/*
 * Test guest "trap_no_handler": set_trap_table(NULL) clears the whole
 * trap table, so the next exception (#UD from ud2) has no handler (a null
 * code selector) and cannot be bounced: the hypervisor must crash the
 * domain ("no handler for trap 6"), not loop or panic, and power off with
 * status 1 (`expect`). Before that, a handler installed first proves the
 * table worked, so the crash is due to the clearing.
 */
#include "traps.h"

void test_main(void)
{
    trap_install();
    __asm__ volatile("1: ud2\n2:\n" TRAP_FIXUP(1b, 2b));
    CHECK_EQ(last_trap.vector, 6);
    CHECK_EQ(HYPERVISOR_set_trap_table(NULL), 0);
    if (checks_failed)
        test_finish();
    guest_printf("trap_no_handler: %u checks passed, table cleared, ud2\n", checks_passed);
    __asm__ volatile("ud2");
    test_exit("FAILURE", "ud2 returned");
}
