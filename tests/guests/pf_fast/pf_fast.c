/*
 * Test guest "pf_fast": a page fault in ring 3 (the hypervisor's fast
 * path, entry.S pf_entry) reaches the guest's vector-14 handler exactly as
 * the C path's bounce would:
 *  - Xen's frame at kernel_sp (stack_switch) - 24: ss esp eflags cs eip
 *    and the error code, with eip of the faulting instruction, ring 3's cs
 *    and ss, its esp, its eflags (arithmetic flags, DF, NT and AC as it
 *    left them) with IF = !upcall mask, the saved upcall mask in bits 16-23
 *    of the cs slot, and the CPU's error code (U set: 7 for a write to a
 *    read-only page, 4 for a read of a page not present);
 *  - the address in vcpu_info.arch.cr2 at entry and from the emulated
 *    `mov %cr2`;
 *  - every register (eax..ebp) and ring 3's data segments as the program
 *    left them (checked for the write); the handler runs on kernel_ss:kernel_sp - 24 with NT and AC
 *    clear and IF set;
 *  - events are masked on entry when the entry has flag 4 (TI_SET_IF) and
 *    left as ring 3 had them otherwise.
 * Each of the four combinations (flag 4 or not, events on or off in ring 3)
 * for the write, then the read.
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_write[], user_write_insn[], user_read[];
extern char pf_record[];

/* What pf_record saw (user.S). */
struct arrived { uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp, eflags; };
volatile struct arrived pf_arrived;

#define FLAGS_IN 0xcd7u                 /* CF PF AF ZF SF DF OF and bit 1 */
#define NT_AC 0x44000u
#define IF 0x200u

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static void check_common(unsigned int entry_flags, unsigned int ring3_mask, unsigned long ksp,
                         uint32_t uesp, uint32_t va, uint32_t error_code)
{
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, error_code);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS | (ring3_mask << 16));
    CHECK_EQ(last_trap.esp, uesp);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.frame_va, ksp - 24);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(last_trap.upcall_mask, (entry_flags & 4) ? 1 : ring3_mask);
    CHECK_EQ(last_trap.cr2, va);
    CHECK_EQ(shared_info->vcpu_info[0].arch.cr2, va);
    CHECK_EQ(read_cr2(), va);
}

static void check_write(unsigned int entry_flags, unsigned int ring3_mask, unsigned long ksp,
                        uint32_t uesp, uint32_t ro_page)
{
    CHECK_EQ(trap_set_raw(14, entry_flags, FLAT_RING1_CS, (uint32_t)pf_record), 0);
    trap_reset();
    memset((void *)&pf_arrived, 0, sizeof(pf_arrived));
    uint32_t va = ro_page + 0x10 * (entry_flags + 2 * ring3_mask + 1);
    user_run((uint32_t)user_write, uesp, FLAGS_IN | (ring3_mask ? 0 : IF), va);
    check_common(entry_flags, ring3_mask, ksp, uesp, va, 7);
    CHECK_EQ(last_trap.eip, (uint32_t)user_write_insn);
    CHECK_EQ(last_trap.eflags, FLAGS_IN | NT_AC | (ring3_mask ? 0 : IF));
    CHECK_EQ(last_trap.handler_ds, FLAT_RING3_DS);
    CHECK_EQ(pf_arrived.eax, va);
    CHECK_EQ(pf_arrived.ebx, 0x0b0b0b0b);
    CHECK_EQ(pf_arrived.ecx, 0x0c0c0c0c);
    CHECK_EQ(pf_arrived.edx, 0x0d0d0d0d);
    CHECK_EQ(pf_arrived.esi, 0x51515151);
    CHECK_EQ(pf_arrived.edi, 0xd1d1d1d1);
    CHECK_EQ(pf_arrived.ebp, 0xb9b9b9b9);
    CHECK_EQ(pf_arrived.esp, ksp - 24);
    CHECK_EQ(pf_arrived.eflags, FLAGS_IN | IF);
    CHECK_EQ(*(volatile uint32_t *)va, 0);                  /* the write did not happen */
}

static void check_read(unsigned int entry_flags, unsigned int ring3_mask, unsigned long ksp,
                       uint32_t uesp, uint32_t hole)
{
    CHECK_EQ(trap_set_raw(14, entry_flags, FLAT_RING1_CS, trap_stub_table[14]), 0);
    trap_reset();
    user_run((uint32_t)user_read, uesp, 0x2 | (ring3_mask ? 0 : IF), hole);
    check_common(entry_flags, ring3_mask, ksp, uesp, hole, 4);
    CHECK_EQ(last_trap.eip, (uint32_t)user_read);
    CHECK_EQ(last_trap.eflags, 0x2 | (ring3_mask ? 0 : IF));
}

void test_main(void)
{
    trap_install();
    unsigned long ksp;
    uint32_t uesp = user_setup(&ksp) - 16;
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    void *ro = alloc_page();
    memset(ro, 0, 4096);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)ro,
                                          ((uint32_t)va_to_mfn(ro) << 12) | 0x25 /* P|U|A */,
                                          0, UVMF_INVLPG), 0);
    uint32_t hole = (uint32_t)(unsigned long)unmapped_page() + 0x40;
    for (unsigned int mask = 0; mask < 2; mask++) {
        check_write(4, mask, ksp, uesp, (uint32_t)(unsigned long)ro);
        check_write(0, mask, ksp, uesp, (uint32_t)(unsigned long)ro);
        check_read(4, mask, ksp, uesp, hole);
        check_read(0, mask, ksp, uesp, hole);
    }
}
