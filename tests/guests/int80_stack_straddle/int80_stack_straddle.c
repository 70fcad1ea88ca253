/*
 * Test guest "int80_stack_straddle": `int $0x80` from ring 3 when the
 * ring-1 stack from stack_switch is writable for the lower part of the
 * bounce frame only: kernel_sp is 8 bytes into a read-only page whose
 * neighbour below is writable, so eip, cs and eflags fit and esp, ss do
 * not. The fast path's store faults part way; the result must be the slow
 * path's: the domain crashed ("fault while bouncing trap 128" at
 * kernel_sp - 20), not a hypervisor fault, a frame half written and
 * entered, or a write to the read-only page. Status 1 (`expect`). First,
 * kernel_sp at the top of the writable page shows that the setup works.
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
    char *writable = alloc_page(), *readonly = alloc_page();
    CHECK_EQ((uint32_t)readonly, (uint32_t)writable + 4096);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)readonly,
                                          ((uint32_t)va_to_mfn(readonly) << 12) | 0x21 /* P|A */,
                                          0, UVMF_INVLPG), 0);
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, (unsigned long)readonly), 0);
    user_run((uint32_t)user_int80, utop, 0x202, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.frame_va, (uint32_t)readonly - 20);
    unsigned long bad_sp = (unsigned long)readonly + 8;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, bad_sp), 0);
    if (checks_failed)
        test_finish();
    guest_printf("int80_stack_straddle: %u checks passed, int $0x80 with kernel_sp %lx\n",
                 checks_passed, bad_sp);
    user_run((uint32_t)user_int80, utop, 0x202, 0);
    test_exit("FAILURE", "the int $0x80 was bounced");
}
