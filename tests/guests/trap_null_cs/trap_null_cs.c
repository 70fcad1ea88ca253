/*
 * Test guest "trap_null_cs": a trap-table entry with an address but a null
 * code selector (here 3: index 0 with RPL 3) is no handler. `int $0x40`
 * through it (its DPL 1 admits ring 1, so the entry is used, not a #GP)
 * must crash the domain with "no handler for trap 64" as Xen does for any
 * null selector, rather than hand the CPU a null CS. Status 1 (`expect`).
 */
#include "traps.h"

void test_main(void)
{
    trap_install();
    CHECK_EQ(trap_set_raw(0x40, 1, 3, trap_stub_table[0x40]), 0);
    if (checks_failed)
        test_finish();
    guest_printf("trap_null_cs: int $0x40 through an entry with cs 3\n");
    __asm__ volatile("int $0x40");
    test_exit("FAILURE", "int $0x40 returned");
}
