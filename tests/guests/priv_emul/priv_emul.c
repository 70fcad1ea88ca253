/*
 * Test guest "priv_emul": privileged instructions in the ring-1 guest
 * kernel. The CPU makes them #GP; the hypervisor emulates the harmless
 * reads a PV kernel does (mov from %cr0/%cr2/%cr3/%cr4, mov from/to the
 * debug registers, clts) and bounces the rest to the guest as #GP(0):
 *  - %cr0.TS is the virtual TS of fpu_taskswitch and clts clears it;
 *    %cr2 is the last #PF address; %cr3 is the current L3's machine frame
 *    in PAE "extended cr3" form (xen_pfn_to_cr3); %cr4 has PAE;
 *  - DR0-3, DR6, DR7 keep what was written, whatever GPR is used;
 *  - rdmsr/wrmsr of an unknown MSR, mov to a control register, cli/sti
 *    (virtual IOPL 0), hlt, in/out, lgdt, invlpg: #GP(0) at the
 *    instruction, nothing changed (cli/sti leave the upcall mask alone);
 *  - rdtsc is allowed in ring 1 (CR4.TSD clear);
 *  - with fpu_taskswitch(1) an FPU instruction raises #NM (vector 7, no
 *    error code, eip of the instruction); as in Xen, delivering it clears
 *    the virtual TS, so the retried instruction runs; with TS clear the FPU
 *    works.
 */
#include "traps.h"

static uint32_t fault_eip;

static uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }

/* Run one instruction (asm text) that must #GP(0) at itself. */
#define EXPECT_GP0(insn, ...)                                                   \
    do {                                                                        \
        trap_reset();                                                           \
        __asm__ volatile("movl $1f, %[at]\n1: " insn "\n2:\n" TRAP_FIXUP(1b, 2b) \
                         : [at] "=m"(fault_eip) __VA_ARGS__);                   \
        if (last_trap.vector != 13 || last_trap.error_code != 0)                \
            guest_printf("'%s': vector %u error %x\n", insn,                    \
                         (unsigned)last_trap.vector, (unsigned)last_trap.error_code); \
        CHECK_EQ(last_trap.count, 1);                                           \
        CHECK_EQ(last_trap.vector, 13);                                         \
        CHECK_EQ(last_trap.error_code, 0);                                      \
        CHECK_EQ(last_trap.eip, fault_eip);                                     \
    } while (0)

static void test_control_registers(void)
{
    uint32_t cr0 = read_cr0();
    CHECK_EQ(cr0 & 0x80000001u, 0x80000001u);           /* PG, PE */
    CHECK_EQ(cr0 & 8, 0);                               /* TS clear at start of day */
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    CHECK_EQ(read_cr0() & 8, 8);
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(0), 0);
    CHECK_EQ(read_cr0() & 8, 0);
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    __asm__ volatile("clts");
    CHECK_EQ(read_cr0() & 8, 0);

    /* %cr2 follows the last #PF. */
    unsigned long hole = (unsigned long)unmapped_page();
    trap_reset();
    __asm__ volatile("1: movl (%0), %%eax\n2:\n" TRAP_FIXUP(1b, 2b) :: "r"(hole + 0x123) : "eax", "memory");
    CHECK_EQ(last_trap.vector, 14);
    uint32_t cr2_eax, cr2_esi;
    __asm__ volatile("mov %%cr2, %%eax\n\tmov %%eax, %0\n\tmov %%cr2, %%esi\n\tmov %%esi, %1"
                     : "=m"(cr2_eax), "=m"(cr2_esi) :: "eax", "esi");
    CHECK_EQ(cr2_eax, hole + 0x123);
    CHECK_EQ(cr2_esi, hole + 0x123);

    /* %cr3: the L3 the vCPU runs on. */
    uint32_t cr3, l3_mfn = va_to_mfn((void *)start_info->pt_base);
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    CHECK_EQ(cr3, xen_pfn_to_cr3(l3_mfn));
    CHECK_EQ(xen_cr3_to_pfn(cr3), l3_mfn);

    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    CHECK_EQ(cr4 & 0x20, 0x20);                         /* PAE */

    /* Writes to control registers are not emulated. */
    EXPECT_GP0("movl %%eax, %%cr0", : "a"(read_cr0()) : "memory");
    EXPECT_GP0("movl %%eax, %%cr4", : "a"(cr4) : "memory");
    EXPECT_GP0("movl %%eax, %%cr3", : "a"(cr3) : "memory");
    CHECK_EQ(read_cr0() & 8, 0);
}

static void test_debug_registers(void)
{
    uint32_t d0, d1, d2, d3, d6, d7;
    __asm__ volatile("mov %%eax, %%dr0\n\tmov %%ebx, %%dr1\n\tmov %%ecx, %%dr2\n\t"
                     "mov %%edx, %%dr3\n\tmov %%esi, %%dr6\n\tmov %%edi, %%dr7"
                     :: "a"(0x1000), "b"(0x2004), "c"(0x3008), "d"(0x400c),
                        "S"(0xffff0ff0), "D"(0x400) : "memory");
    __asm__ volatile("mov %%dr0, %%edi\n\tmov %%dr1, %%esi\n\tmov %%dr2, %%edx\n\t"
                     "mov %%dr3, %%ecx\n\tmov %%dr6, %%ebx\n\tmov %%dr7, %%eax"
                     : "=D"(d0), "=S"(d1), "=d"(d2), "=c"(d3), "=b"(d6), "=a"(d7));
    CHECK_EQ(d0, 0x1000);
    CHECK_EQ(d1, 0x2004);
    CHECK_EQ(d2, 0x3008);
    CHECK_EQ(d3, 0x400c);
    CHECK_EQ(d6, 0xffff0ff0);
    CHECK_EQ(d7, 0x400);
    __asm__ volatile("mov %%eax, %%dr0" :: "a"(0x5000) : "memory");
    __asm__ volatile("mov %%dr0, %0" : "=r"(d0));
    CHECK_EQ(d0, 0x5000);
}

static void test_not_emulated(void)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    EXPECT_GP0("rdmsr", : "c"(0x12345678) : "eax", "edx", "memory");
    EXPECT_GP0("rdmsr", : "c"(0xc0001234) : "eax", "edx", "memory");
    EXPECT_GP0("wrmsr", : "c"(0x12345678), "a"(0), "d"(0) : "memory");
    /* cli with events enabled, sti with them masked: #GP, mask unchanged. */
    *mask = 0;
    EXPECT_GP0("cli", : : "memory");
    CHECK_EQ(*mask, 0);
    *mask = 1;
    EXPECT_GP0("sti", : : "memory");
    CHECK_EQ(*mask, 1);
    EXPECT_GP0("hlt", : : "memory");
    EXPECT_GP0("outb %%al, $0x80", : "a"(0) : "memory");
    EXPECT_GP0("inb $0x80, %%al", : : "eax", "memory");
    EXPECT_GP0("outb %%al, %%dx", : "a"(0), "d"(0xf4) : "memory");    /* not even QEMU's exit port */
    static const struct __attribute__((packed)) { uint16_t limit; uint32_t base; } dtr = { 0, 0 };
    EXPECT_GP0("lgdt %[d]", : [d] "m"(dtr) : "memory");
    EXPECT_GP0("lidt %[d]", : [d] "m"(dtr) : "memory");
    EXPECT_GP0("invlpg (%%eax)", : "a"(0) : "memory");

    /* rdtsc is not privileged. */
    uint32_t lo1, hi1, lo2, hi2;
    trap_reset();
    __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
    __asm__ volatile("rdtsc" : "=a"(lo2), "=d"(hi2));
    CHECK_EQ(last_trap.count, 0);
    CHECK((((uint64_t)hi2 << 32) | lo2) > (((uint64_t)hi1 << 32) | lo1));
}

static void test_fpu(void)
{
    uint32_t one = 0;
    /* TS set: #NM at the FPU instruction, no error code. */
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    uint32_t esp_at;
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n\tmovl %%esp, %[sp]\n1: fninit\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip), [sp] "=m"(esp_at) :: "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 7);
    CHECK_EQ(last_trap.eip, fault_eip);
    CHECK_EQ(last_trap.frame_va, esp_at - 12);
    /* The bounce cleared the virtual TS: the FPU now works without a trap. */
    CHECK_EQ(read_cr0() & 8, 0);
    trap_reset();
    __asm__ volatile("fninit\n\tfld1\n\tfstps %0" : "=m"(one));
    CHECK_EQ(last_trap.count, 0);
    CHECK_EQ(one, 0x3f800000);                          /* 1.0f */

    /* A handler that resumes at the FPU instruction itself (a retry). */
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    trap_reset();
    one = 0;
    __asm__ volatile("movl $1f, trap_resume_eip\n1: fld1\n\tfstps %0" : "=m"(one) :: "memory");
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 7);
    CHECK_EQ(one, 0x3f800000);

    /* clts before the instruction: no #NM at all. */
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    __asm__ volatile("clts");
    trap_reset();
    __asm__ volatile("fninit");
    CHECK_EQ(last_trap.count, 0);
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "no shared_info");
    trap_install();
    test_control_registers();
    test_debug_registers();
    test_not_emulated();
    test_fpu();
}
