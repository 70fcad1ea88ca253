/*
 * Test guest "int80_fast": a system call from ring 3 through a DPL-3
 * trap-table entry for vector 0x80 (the hypervisor's fast path, entry.S
 * int80_entry) reaches the handler exactly as any bounce would:
 *  - Xen's frame at kernel_sp (stack_switch) - 20: ss esp eflags cs eip,
 *    with eip after the `int`, ring 3's cs and ss, its esp, its eflags
 *    (all arithmetic flags, DF, NT and AC as it left them) with IF =
 *    !upcall mask, and the saved upcall mask in bits 16-23 of the cs slot;
 *  - every register (eax..ebp) and ring 3's data segments as the program
 *    left them; the handler runs on kernel_ss:kernel_sp - 20 with NT and AC
 *    clear and IF set;
 *  - events are masked on entry when the entry has flag 4 (TI_SET_IF) and
 *    left as ring 3 had them otherwise.
 * Each of the four combinations (flag 4 or not, events on or off in ring 3).
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_int80[], user_int80_after[];
extern char int80_record[];

/* What int80_record saw (user.S). */
struct arrived { uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags; };
volatile struct arrived int80_arrived;

#define FLAGS_IN 0xcd7u                 /* CF PF AF ZF SF DF OF and bit 1 */
#define NT_AC 0x44000u
#define IF 0x200u

static void check_case(unsigned int entry_flags, unsigned int ring3_mask,
                       unsigned long ksp, uint32_t uesp)
{
    CHECK_EQ(trap_set_raw(0x80, entry_flags, FLAT_RING1_CS, (uint32_t)int80_record), 0);
    trap_reset();
    memset((void *)&int80_arrived, 0, sizeof(int80_arrived));
    user_run((uint32_t)user_int80, uesp, FLAGS_IN | (ring3_mask ? 0 : IF), 0x12345678);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, (uint32_t)user_int80_after);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS | (ring3_mask << 16));
    CHECK_EQ(last_trap.eflags, FLAGS_IN | NT_AC | (ring3_mask ? 0 : IF));
    CHECK_EQ(last_trap.esp, uesp);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.frame_va, ksp - 20);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(last_trap.handler_ds, FLAT_RING3_DS);
    CHECK_EQ(last_trap.upcall_mask, (entry_flags & 4) ? 1 : ring3_mask);
    CHECK_EQ(int80_arrived.eax, 0x12345678);
    CHECK_EQ(int80_arrived.ebx, 0x0b0b0b0b);
    CHECK_EQ(int80_arrived.ecx, 0x0c0c0c0c);
    CHECK_EQ(int80_arrived.edx, 0x0d0d0d0d);
    CHECK_EQ(int80_arrived.esi, 0x51515151);
    CHECK_EQ(int80_arrived.edi, 0xd1d1d1d1);
    CHECK_EQ(int80_arrived.ebp, 0xb9b9b9b9);
    CHECK_EQ(int80_arrived.esp, ksp - 20);
    CHECK_EQ(int80_arrived.eflags, FLAGS_IN | IF);
}

void test_main(void)
{
    trap_install();
    unsigned long ksp;
    uint32_t uesp = user_setup(&ksp) - 16;
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    check_case(4 | 3, 0, ksp, uesp);
    check_case(3, 0, ksp, uesp);
    check_case(4 | 3, 1, ksp, uesp);
    check_case(3, 1, ksp, uesp);
}
