/*
 * Test guest "int80_stack_limit": `int $0x80` from ring 3 with a ring-1
 * stack (stack_switch) whose bounce frame would end 4 bytes past the start
 * of the hypervisor's area (kernel_sp = HYPERVISOR_VIRT_START_PAE + 4). No
 * bounce frame may be written there; the result must be the slow path's:
 * the domain crashed ("fault while bouncing trap 128 to the guest stack at
 * f57ffff0"). Status 1 (`expect`).
 */
#include "traps.h"

__asm__(".section .text.user, \"ax\"\n.balign 4096\n"
        "user_int80: int $0x80\nud2\n.balign 4096\n.previous");
extern char user_int80[];

void test_main(void)
{
    trap_install();
    CHECK_EQ(trap_set(0x80, 4 | 3), 0);
    unsigned long utop = user_setup(NULL);
    CHECK_EQ(user_map_code(user_int80, user_int80 + 1), 0);
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, HYPERVISOR_VIRT_START_PAE + 4), 0);
    if (checks_failed)
        test_finish();
    guest_printf("int80_stack_limit: int $0x80 with kernel_sp %lx\n", HYPERVISOR_VIRT_START_PAE + 4);
    user_run((uint32_t)user_int80, utop, 0x202, 0);
    test_exit("FAILURE", "the int $0x80 was bounced");
}
