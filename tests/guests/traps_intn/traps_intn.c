/*
 * Test guest "traps_intn": software interrupts and traps from ring 3.
 *
 * `int $n` reaches the guest's trap-table entry for n only if the entry's
 * DPL admits the caller's ring; otherwise (or with no entry) it is a #GP
 * with error code (n << 3) | 2 at the int instruction: this is how a PV
 * kernel keeps user code from calling its internal vectors, and the error
 * code is what it reports. int3 needs no DPL. Hypercalls (`int $0x82`) are
 * for ring 1 only: from ring 3 they are a #GP like any other vector.
 *
 * Ring 3 (user pages mapped with update_va_mapping, entered with the iret
 * hypercall, ring-1 stack from stack_switch): a trap from ring 3 switches
 * to kernel_ss:kernel_sp (an RPL-0 ss given to stack_switch becomes RPL 1)
 * and pushes ss/esp above eflags, cs, eip; the cs longword has RPL 3 and
 * the upcall mask; the iret to ring 3 restored eax and nulled %ds/%es;
 * #PF from ring 3 has the U bit; privileged instructions are #GP(0) from
 * ring 3 and are not emulated there (mov from %cr0/%cr2/%dr7 and clts,
 * which ring 1 may use). syscall/sysenter (and sysexit/sysret in ring 1)
 * have no way into the hypervisor: they fault and are bounced (#UD, or
 * #GP(0) for sysenter on CPUs that allow it in long mode).
 */
#include "traps.h"

extern char user_code_start[], user_code_end[];
extern char user_int80[], user_int80_after[], user_int81[], user_hypercall[];
extern char user_int3[], user_int3_after[], user_segs[], user_read[], user_write[];
extern char user_cli[], user_sti[], user_hlt[], user_mov_cr0[], user_mov_cr2[];
extern char user_mov_dr7[], user_clts[], user_out[], user_rdmsr[], user_syscall[], user_sysenter[];

static uint32_t fault_eip;

#define GP_INT(n) (((n) << 3) | 2)

/* int $n from ring 1 (n is an immediate: one asm per vector). */
#define RING1_INT(n)                                                           \
    __asm__ volatile("movl $1f, %[at]\n1: int $" #n "\n2:\n" TRAP_FIXUP(1b, 2b) \
                     : [at] "=m"(fault_eip) :: "memory")

static void test_ring1(void)
{
    /* DPL 1 and DPL 3 entries are reachable from ring 1: the vector itself,
     * eip after the instruction, no error code. */
    CHECK_EQ(trap_set(0x81, 1), 0);
    CHECK_EQ(trap_set(0x80, 3), 0);
    trap_reset();
    RING1_INT(0x81);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x81);
    CHECK_EQ(last_trap.eip, fault_eip + 2);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_RING1_CS);
    trap_reset();
    RING1_INT(0x80);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, fault_eip + 2);

    /* A DPL 0 entry is below ring 1: #GP at the int. */
    CHECK_EQ(trap_set(0x84, 0), 0);
    trap_reset();
    RING1_INT(0x84);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x84));
    CHECK_EQ(last_trap.eip, fault_eip);

    /* No entry at all: #GP, whatever the vector. */
    trap_reset();
    RING1_INT(0x85);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x85));
    CHECK_EQ(last_trap.eip, fault_eip);
    trap_reset();
    RING1_INT(0x20);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x20));
    trap_reset();
    RING1_INT(0xff);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0xff));

    /* An exception vector raised with int n: the entry's DPL decides
     * (int $6 with the DPL-0 #UD entry is a #GP; with DPL 1 it is vector 6). */
    trap_reset();
    RING1_INT(6);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(6));
    CHECK_EQ(trap_set(6, 1), 0);
    trap_reset();
    RING1_INT(6);
    CHECK_EQ(last_trap.vector, 6);
    CHECK_EQ(last_trap.eip, fault_eip + 2);
    CHECK_EQ(trap_set(6, 0), 0);

    /* Replacing an entry: 0x81 now DPL 0, so ring 1 gets #GP. */
    CHECK_EQ(trap_set(0x81, 0), 0);
    trap_reset();
    RING1_INT(0x81);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x81));
    CHECK_EQ(trap_set(0x81, 1), 0);
}

/* Run one ring-3 snippet; returns with last_trap filled. */
static void run_user(const char *eip, uint32_t esp, uint32_t eflags, uint32_t eax)
{
    trap_reset();
    user_run((uint32_t)eip, esp, eflags, eax);
}

static void test_ring3(void)
{
    unsigned long ksp;
    unsigned long utop = user_setup(&ksp);
    long rc = user_map_code(user_code_start, user_code_end);
    CHECK_EQ(rc, 0);
    if (rc)
        test_exit("ERROR", "cannot map the ring-3 code");
    uint32_t uesp = utop - 16;

    /* int $0x80 with a DPL-3 entry: the full ring-3 frame on the kernel
     * stack, eax from the iret frame, events masked (eflags IF = 0). */
    run_user(user_int80, uesp, 0x003, 0x12345678);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, (uint32_t)user_int80_after);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS | (1u << 16));
    CHECK_EQ(last_trap.eflags & 0x201, 0x001);          /* CF kept, IF = !mask = 0 */
    CHECK_EQ(last_trap.esp, uesp);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.eax, 0x12345678);                /* restored by the iret */
    CHECK_EQ(last_trap.ebx, 0x0b0b0b0b);
    CHECK_EQ(last_trap.frame_va, ksp - 20);             /* at kernel_sp: ss esp eflags cs eip */
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(last_trap.handler_ds, 0);                  /* nulled in ring 3, as the CPU does */

    /* The same with events enabled in ring 3 (iret frame IF = 1). */
    run_user(user_int80, uesp, 0x202, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS);
    CHECK_EQ(last_trap.eflags & 0x200, 0x200);

    /* A new kernel stack, given with an RPL-0 selector: raised to RPL 1. */
    unsigned long ksp2 = (unsigned long)alloc_page() + 4096;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS & ~3u, ksp2), 0);
    run_user(user_int80, uesp, 0x002, 0);
    CHECK_EQ(last_trap.frame_va, ksp2 - 20);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, ksp), 0);

    /* %ds and %es as ring 3 finds them after the iret. */
    run_user(user_segs, uesp, 0x002, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eax & 0xffff, 0);
    CHECK_EQ(last_trap.ebx & 0xffff, 0);

    /* DPL-1 entry from ring 3: #GP (n << 3) | 2 at the int; ss/esp pushed. */
    run_user(user_int81, uesp, 0x002, 0);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x81));
    CHECK_EQ(last_trap.eip, (uint32_t)user_int81);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.frame_va, ksp - 24);             /* + error code */

    /* A hypercall from ring 3: #GP, nothing called (eax still 17). */
    run_user(user_hypercall, uesp, 0x002, __HYPERVISOR_xen_version);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, GP_INT(0x82));
    CHECK_EQ(last_trap.eip, (uint32_t)user_hypercall + 2);   /* after xorl %ebx,%ebx */
    CHECK_EQ(last_trap.eax, __HYPERVISOR_xen_version);

    /* int3 with a DPL-0 entry: delivered all the same. */
    CHECK_EQ(trap_set(3, 0), 0);
    run_user(user_int3, uesp, 0x002, 0);
    CHECK_EQ(last_trap.vector, 3);
    CHECK_EQ(last_trap.eip, (uint32_t)user_int3_after);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_RING3_CS);

    /* #PF from ring 3: the U bit. A kernel page (no U): present; a user
     * page it may read; an unmapped page. */
    unsigned long kernel_va = (unsigned long)&checks_passed;
    run_user(user_read, uesp, 0x002, kernel_va);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, 0x5);                /* P | U, read */
    CHECK_EQ(last_trap.cr2, kernel_va);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.frame_va, ksp - 24);
    run_user(user_write, uesp, 0x002, kernel_va);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, 0x7);                /* P | W | U */
    unsigned long hole = (unsigned long)unmapped_page();
    run_user(user_read, uesp, 0x002, hole);
    CHECK_EQ(last_trap.vector, 14);
    CHECK_EQ(last_trap.error_code, 0x4);                /* U, not present */
    CHECK_EQ(last_trap.cr2, hole);
    *(volatile uint32_t *)(utop - 64) = 0xfeedf00d;
    run_user(user_read, uesp, 0x002, utop - 64);        /* a user page: no fault */
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eax, 0xfeedf00d);

    /* Privileged instructions from ring 3: #GP(0) at the instruction, and
     * nothing emulated (eax keeps its marker, CR0.TS unchanged). */
    static const struct { const char *eip; const char *name; } priv[] = {
        { user_cli, "cli" }, { user_sti, "sti" }, { user_hlt, "hlt" },
        { user_mov_cr0, "mov cr0" }, { user_mov_cr2, "mov cr2" },
        { user_mov_dr7, "mov dr7" }, { user_clts, "clts" }, { user_out, "out" },
        { user_rdmsr, "rdmsr" },
    };
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    for (unsigned int i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
        run_user(priv[i].eip, uesp, 0x002, 0x7777);
        uint32_t want_eip = (uint32_t)priv[i].eip + (priv[i].eip == user_rdmsr ? 2 : 0);
        if (last_trap.vector != 13 || last_trap.error_code != 0 || last_trap.eip != want_eip ||
            last_trap.eax != 0x7777)
            guest_printf("ring 3 %s: vector %u error %x eip %x eax %x\n", priv[i].name,
                         (unsigned)last_trap.vector, (unsigned)last_trap.error_code,
                         (unsigned)last_trap.eip, (unsigned)last_trap.eax);
        CHECK_EQ(last_trap.vector, 13);
        CHECK_EQ(last_trap.error_code, 0);
        CHECK_EQ(last_trap.eip, want_eip);
        CHECK_EQ(last_trap.eax, 0x7777);
    }
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    CHECK_EQ(cr0 & 8, 8);                               /* ring 3's clts did nothing */
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(0), 0);

    /* syscall / sysenter from ring 3 enter nothing: #UD (syscall is off),
     * and #GP(0) or #UD for sysenter (no SYSENTER_CS; #UD on AMD in long
     * mode), bounced to the guest like any fault. */
    run_user(user_syscall, uesp, 0x002, 0);
    CHECK_EQ(last_trap.vector, 6);
    CHECK_EQ(last_trap.eip, (uint32_t)user_syscall);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_RING3_CS);
    run_user(user_sysenter, uesp, 0x002, 0);
    CHECK(last_trap.vector == 6 || (last_trap.vector == 13 && last_trap.error_code == 0));
    CHECK_EQ(last_trap.eip, (uint32_t)user_sysenter);
}

/* The same fast system-call instructions from ring 1. */
static void test_ring1_fast_syscalls(void)
{
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n1: syscall\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip) :: "ecx", "memory");
    CHECK_EQ(last_trap.vector, 6);
    CHECK_EQ(last_trap.eip, fault_eip);
    static const char *const names[] = { "sysenter", "sysexit", "sysret" };
    for (unsigned int i = 0; i < 3; i++) {
        trap_reset();
        if (i == 0)
            __asm__ volatile("movl $1f, %[at]\n1: sysenter\n2:\n" TRAP_FIXUP(1b, 2b)
                             : [at] "=m"(fault_eip) :: "memory");
        else if (i == 1)
            __asm__ volatile("movl $1f, %[at]\n1: sysexit\n2:\n" TRAP_FIXUP(1b, 2b)
                             : [at] "=m"(fault_eip) :: "memory");
        else
            __asm__ volatile("movl $1f, %[at]\n1: sysret\n2:\n" TRAP_FIXUP(1b, 2b)
                             : [at] "=m"(fault_eip) :: "memory");
        int ok = last_trap.count == 1 && last_trap.eip == fault_eip &&
                 (last_trap.vector == 6 || (last_trap.vector == 13 && last_trap.error_code == 0));
        if (!ok)
            guest_printf("ring 1 %s: vector %u error %x\n", names[i],
                         (unsigned)last_trap.vector, (unsigned)last_trap.error_code);
        CHECK(ok);
    }
}

void test_main(void)
{
    trap_install();
    test_ring1();
    test_ring1_fast_syscalls();
    test_ring3();
}
