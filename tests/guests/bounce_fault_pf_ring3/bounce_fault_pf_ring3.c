/*
 * Test guest "bounce_fault_pf_ring3": a page fault from ring 3 when the
 * kernel stack given to stack_switch is a read-only page (the guest's own
 * L3 page table, which it may read but never write). The hypervisor's #PF
 * fast path writes the bounce frame at kernel_ss:kernel_sp with the
 * guest's rights (CR0.WP), so the write must fail, not modify the page
 * table; the domain is crashed ("fault while bouncing trap 14"), as the C
 * path does. The faulting write itself is to the L3 too (present, not
 * user-accessible: error code 7). Status 1 (`expect`). Before that, the same user code with a
 * good kernel stack proves the setup works.
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_write[];

void test_main(void)
{
    trap_install();
    unsigned long utop = user_setup(NULL);
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    user_run((uint32_t)user_write, utop, 0x202, (uint32_t)start_info->pt_base);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, 7);
    unsigned long bad_sp = start_info->pt_base + 4096;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, bad_sp), 0);
    if (checks_failed)
        test_finish();
    guest_printf("bounce_fault_pf_ring3: %u checks passed, a write fault with kernel_sp %lx\n",
                 checks_passed, bad_sp);
    user_run((uint32_t)user_write, utop, 0x202, (uint32_t)start_info->pt_base);
    test_exit("FAILURE", "the page fault from ring 3 was bounced");
}
