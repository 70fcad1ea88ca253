/*
 * Test guest "traps_pf": exceptions raised by ring-1 guest code reach the
 * guest's own trap table (set_trap_table) with Xen's bounce frame, which a
 * PV kernel's entry code depends on word for word:
 *  - #PF (vector 14) on an unmapped page (read, write, instruction fetch),
 *    on a read-only page and in the hypervisor area: the error code (P, W,
 *    U = 0 in ring 1, I when NX is on), vcpu_info.arch.cr2 and the emulated
 *    `mov %cr2` both give the address;
 *  - the frame: eflags with IF = !upcall mask (other flags kept), the cs
 *    longword with the saved upcall mask in bits 16-23, eip of the faulting
 *    instruction, the error code, written just below the ring-1 esp (no
 *    stack switch, no ss/esp, from ring 1 whatever stack_switch says);
 *  - the trap table's "mask events" flag masks events in the handler and
 *    the iret restores the interrupted mask;
 *  - #DE, #UD, #BR (faults: eip of the instruction), int3 / `int $3` and
 *    into (traps: eip after it); int3 and into are delivered although the
 *    trap-table entry has DPL 0 (no DPL check for them).
 */
#include "traps.h"

extern unsigned long boot_stack_top;
static uint32_t fault_eip, esp_at;

/* Read (or write) the word at va; a fault there resumes after it. */
static void touch(unsigned long va, int write)
{
    if (write)
        __asm__ volatile("movl $1f, %[at]\n\tmovl %%esp, %[sp]\n\tstc\n"
                         "1: movl $0x5a5a5a5a, (%[va])\n2:\n" TRAP_FIXUP(1b, 2b)
                         : [at] "=m"(fault_eip), [sp] "=m"(esp_at) : [va] "r"(va) : "memory", "cc");
    else
        __asm__ volatile("movl $1f, %[at]\n\tmovl %%esp, %[sp]\n\tstc\n"
                         "1: movl (%[va]), %%eax\n2:\n" TRAP_FIXUP(1b, 2b)
                         : [at] "=m"(fault_eip), [sp] "=m"(esp_at) : [va] "r"(va) : "eax", "memory", "cc");
}

static uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

/* One #PF at va with the expected error code: vector, frame, cr2. */
static void check_page_fault(unsigned long va, int write, uint32_t want_error)
{
    trap_reset();
    touch(va, write);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, want_error);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.cr2, va);                        /* written before the bounce */
    CHECK_EQ(shared_info->vcpu_info[0].arch.cr2, va);
    CHECK_EQ(read_cr2(), va);                           /* emulated mov from %cr2 */
    CHECK_EQ(last_trap.frame_va, esp_at - 16);          /* error, eip, cs, eflags */
    CHECK_EQ(last_trap.eflags & 1, 1);                  /* CF set by stc survives */
}

static void test_page_faults(void)
{
    unsigned long hole = (unsigned long)unmapped_page();
    check_page_fault(hole + 0x10, 0, 0x0);              /* not present, read, ring 1 */
    check_page_fault(hole + 0x20, 1, 0x2);              /* not present, write */
    check_page_fault(start_info->pt_base + 0x800, 1, 0x3); /* present, read-only (the L3) */
    /* The read-only M2P: the write faults and changes nothing. */
    uint32_t m2p0 = machine_to_phys_mapping[0];
    check_page_fault(MACH2PHYS_VIRT_START, 1, 0x3);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    check_page_fault(0xF6000000ul, 0, 0x0);             /* unmapped hypervisor area */

    /* Instruction fetch from an unmapped page: eip = cr2 = the address;
     * the I bit is reported when NX is enabled. */
    trap_reset();
    unsigned long target = hole + 0x40;
    __asm__ volatile("movl $2f, trap_resume_eip\n\tmovl %%esp, %[sp]\n\t"
                     "call *%[t]\n2:\taddl $4, %%esp\n"
                     : [sp] "=m"(esp_at) : [t] "r"(target) : "eax", "ecx", "edx", "memory", "cc");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.eip, target);
    CHECK_EQ(last_trap.cr2, target);
    CHECK_EQ(last_trap.error_code, cpu_has_nx() ? 0x10 : 0x0);
    CHECK_EQ(last_trap.frame_va, esp_at - 4 - 16);      /* below the pushed return address */
}

/* The frame's eflags.IF and cs bits 16-23 report the upcall mask, and the
 * trap table's mask flag decides the mask inside the handler. */
static void test_frame_and_mask(void)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    unsigned long hole = (unsigned long)unmapped_page();
    /* Events masked (start of day). */
    CHECK_EQ(*mask, 1);
    trap_reset();
    touch(hole, 0);
    CHECK_EQ(last_trap.eflags & 0x200, 0);
    CHECK_EQ(last_trap.cs, FLAT_RING1_CS | (1u << 16));
    CHECK_EQ(last_trap.upcall_mask, 1);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    /* Events unmasked: IF set, saved mask 0; the handler keeps mask 0. */
    *mask = 0;
    trap_reset();
    touch(hole, 0);
    CHECK_EQ(last_trap.eflags & 0x200, 0x200);
    CHECK_EQ(last_trap.cs, FLAT_RING1_CS);
    CHECK_EQ(last_trap.upcall_mask, 0);
    CHECK_EQ(*mask, 0);
    /* With the trap table's mask flag the handler runs masked, and the iret
     * (frame IF = 1) unmasks again. */
    CHECK_EQ(trap_set(14, 4), 0);
    trap_reset();
    touch(hole, 0);
    CHECK_EQ(last_trap.upcall_mask, 1);
    CHECK_EQ(last_trap.cs, FLAT_RING1_CS);            /* saved mask: 0 */
    CHECK_EQ(last_trap.eflags & 0x200, 0x200);
    CHECK_EQ(*mask, 0);
    *mask = 1;
    CHECK_EQ(trap_set(14, 0), 0);
    /* A kernel stack set by stack_switch is for traps from ring 3 only. */
    unsigned long other_stack = (unsigned long)alloc_page() + 4096;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, other_stack), 0);
    trap_reset();
    touch(hole, 1);
    CHECK_EQ(last_trap.frame_va, esp_at - 16);
    CHECK_EQ(last_trap.esp, 0);
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, boot_stack_top), 0);
}

static void test_other_exceptions(void)
{
    /* #DE: a fault, no error code (frame of three words). */
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n\tmovl %%esp, %[sp]\n\t"
                     "xorl %%edx, %%edx\n\tmovl $1, %%eax\n\txorl %%ecx, %%ecx\n"
                     "1: divl %%ecx\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip), [sp] "=m"(esp_at) :: "eax", "ecx", "edx", "memory", "cc");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.frame_va, esp_at - 12);

    /* #UD. */
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n\tmovl %%esp, %[sp]\n"
                     "1: ud2\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip), [sp] "=m"(esp_at) :: "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 6);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.frame_va, esp_at - 12);

    /* #BR: bound with an index outside [0, 1]. */
    static const int32_t bounds[2] = { 0, 1 };
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n\tmovl $5, %%eax\n"
                     "1: boundl %%eax, %[b]\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip) : [b] "m"(bounds) : "eax", "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 5);
    CHECK_EQ(last_trap.eip, fault_eip);

    /* int3 and `int $3` with a DPL-0 trap-table entry: traps, eip after. */
    CHECK_EQ(trap_set(3, 0), 0);
    trap_reset();
    __asm__ volatile("movl $2f, %[at]\n\tmovl %%esp, %[sp]\n"
                     "1: int3\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip), [sp] "=m"(esp_at) :: "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 3);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.frame_va, esp_at - 12);
    trap_reset();
    __asm__ volatile("movl $2f, %[at]\n"
                     "1: .byte 0xcd, 0x03\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip) :: "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 3);
    CHECK_EQ(last_trap.eip, fault_eip);

    /* into with OF set traps (DPL-0 entry); without OF it does nothing. */
    CHECK_EQ(trap_set(4, 0), 0);
    trap_reset();
    __asm__ volatile("movl $2f, %[at]\n\tmovb $0x7f, %%al\n\taddb $1, %%al\n"
                     "1: into\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip) :: "eax", "memory", "cc");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 4);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.eflags & 0x800, 0x800);          /* OF in the frame */
    trap_reset();
    __asm__ volatile("xorl %%eax, %%eax\n\tinto\n" ::: "eax", "cc");
    CHECK_EQ(last_trap.count, 0);
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "no shared_info");
    trap_install();
    test_page_faults();
    test_frame_and_mask();
    test_other_exceptions();
}
