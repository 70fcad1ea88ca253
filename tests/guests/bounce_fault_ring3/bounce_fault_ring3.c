/*
 * Test guest "bounce_fault_ring3": a trap from ring 3 when the kernel stack
 * given to stack_switch is a read-only page (the guest's own L3 page table,
 * which it may read but never write). The hypervisor writes the bounce
 * frame at kernel_ss:kernel_sp with the guest's rights (CR0.WP), so the
 * write must fail, not modify the page table; the domain is crashed
 * ("fault while bouncing trap 128"). Status 1 (`expect`). Before that, the
 * same user code with a good kernel stack proves the setup works.
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_int80[];

void test_main(void)
{
    trap_install();
    CHECK_EQ(trap_set(0x80, 3), 0);
    unsigned long utop = user_setup(NULL);
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    user_run((uint32_t)user_int80, utop, 0x002, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    unsigned long bad_sp = start_info->pt_base + 4096;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, bad_sp), 0);
    if (checks_failed)
        test_finish();
    guest_printf("bounce_fault_ring3: %u checks passed, int $0x80 with kernel_sp %lx\n",
                 checks_passed, bad_sp);
    user_run((uint32_t)user_int80, utop, 0x002, 0);
    test_exit("FAILURE", "the trap from ring 3 was bounced");
}
