/*
 * Test guest "int80_dpl": `int $0x80` from ring 3 when trap-table entry
 * 0x80 does not admit ring 3 (no entry, which is DPL 0, or DPL 0, 1 or 2,
 * with or without a code selector) is a #GP with error code
 * (0x80 << 3) | 2 = 0x402 at the instruction, bounced to the guest's #GP
 * handler with ring 3's ss/esp on the kernel stack: what the CPU would
 * give for an IDT gate of too low a DPL, although pvx's gate for 0x80 has
 * DPL 3 so that permitted calls take the fast path.
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_int80[];

static void check_refused(unsigned long ksp, uint32_t uesp)
{
    trap_reset();
    user_run((uint32_t)user_int80, uesp, 0x202, 0x12345678);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, 0x402);
    CHECK_EQ(last_trap.eip, (uint32_t)user_int80 + 5);    /* at the int, after the movl */
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.esp, uesp);
    CHECK_EQ(last_trap.frame_va, ksp - 24);
    CHECK_EQ(last_trap.eax, 0x12345678);
    CHECK_EQ(last_trap.ebx, 0x0b0b0b0b);
}

void test_main(void)
{
    trap_install();
    unsigned long ksp;
    uint32_t uesp = user_setup(&ksp) - 16;
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    check_refused(ksp, uesp);                           /* never set */
    for (unsigned int dpl = 0; dpl < 3; dpl++) {
        CHECK_EQ(trap_set(0x80, 4 | dpl), 0);
        check_refused(ksp, uesp);
        CHECK_EQ(trap_set_raw(0x80, dpl, 0, trap_stub_table[0x80]), 0);   /* and no handler */
        check_refused(ksp, uesp);
    }
    /* The same entry with DPL 3 admits it. */
    CHECK_EQ(trap_set(0x80, 3), 0);
    trap_reset();
    user_run((uint32_t)user_int80, uesp, 0x202, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, (uint32_t)user_int80 + 7);
}
