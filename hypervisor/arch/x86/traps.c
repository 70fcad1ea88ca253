/*
 * pvx: exceptions. A fault in the hypervisor is either expected (a guest
 * access through guest_access.c, which has a fixup) or a bug (panic with
 * registers and a backtrace). A fault in a guest is emulated (the privileged
 * reads a PV kernel may do, `int n` through its trap table) or bounced to the
 * guest kernel's handler with Xen's frame layout.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/guest_access.h>
#include <public/xen.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <asm/desc.h>
#include <asm/layout.h>

volatile uint8_t work_pending;

struct ex_table_entry { uint64_t insn, fixup; };
extern const struct ex_table_entry __ex_table_start[], __ex_table_end[];

static const char *const exception_names[32] = {
    "divide error", "debug", "NMI", "int3", "overflow", "bounds", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 FPU error", "alignment check", "machine check", "SIMD error",
};

/* Does the CPU push an error code for this vector? */
static bool vector_has_error_code(unsigned int vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

/* Print the register frame. */
static void dump_regs(const struct cpu_regs *r)
{
    printk("  rip %016llx  cs %04llx  rflags %08llx  rsp %016llx  ss %04llx\n",
           (unsigned long long)r->rip, (unsigned long long)r->cs,
           (unsigned long long)r->rflags, (unsigned long long)r->rsp, (unsigned long long)r->ss);
    printk("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n",
           (unsigned long long)r->rax, (unsigned long long)r->rbx,
           (unsigned long long)r->rcx, (unsigned long long)r->rdx);
    printk("  rsi %016llx  rdi %016llx  rbp %016llx  cr2 %016llx\n",
           (unsigned long long)r->rsi, (unsigned long long)r->rdi,
           (unsigned long long)r->rbp, (unsigned long long)read_cr2());
    printk("  vector %llu  error %llx\n", (unsigned long long)r->vector,
           (unsigned long long)r->error_code);
}

/* Walk the frame-pointer chain of the hypervisor stack. */
static void backtrace(uint64_t rbp)
{
    printk("  backtrace:\n");
    for (int depth = 0; depth < 16 && rbp >= 0xFFFF800000000000ull && !(rbp & 7); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        printk("    %016llx\n", (unsigned long long)frame[1]);
        rbp = frame[0];
    }
}

/* A fault inside the hypervisor: fix up a guest access or die. */
static void hypervisor_fault(struct cpu_regs *regs)
{
    for (const struct ex_table_entry *e = __ex_table_start; e < __ex_table_end; e++) {
        if (e->insn == regs->rip) {
            regs->rip = e->fixup;
            return;
        }
    }
    printk("hypervisor fault: %s\n",
           regs->vector < 32 && exception_names[regs->vector] ? exception_names[regs->vector] : "?");
    dump_regs(regs);
    backtrace(regs->rbp);
    panic("fault in hypervisor");
}

/* Write Xen's bounce frame on the guest kernel stack and point regs at
 * cs:eip. what names the bounce for a crash message. */
static void bounce_frame(struct vcpu *v, struct cpu_regs *regs, uint16_t cs, uint32_t eip,
                         bool mask_events, bool has_error, uint32_t error_code,
                         guest_va_t resume_eip, const char *what, const uint16_t *segs)
{
    struct arch_vcpu *a = v->arch;
    struct vcpu_info *vi = a->vcpu_info;
    uint32_t frame[11], n = 0;
    uint32_t esp = (uint32_t)regs->rsp, ss = (uint32_t)regs->ss;
    /* Any ring but the kernel's (3, or 2 through a guest GDT segment) gets
     * the kernel stack, as in Xen (compat_create_bounce_frame tests cs & 2):
     * staying on a ring-2 stack would hand the handler a ring-2 ss. */
    bool outer = regs_ring(regs) >= 2;
    if (outer) {
        esp = a->kernel_sp;
        ss = a->kernel_ss;
    }
    /* Built from the top of the frame down: [ss esp] eflags cs eip [error]. */
    uint32_t eflags = (uint32_t)regs->rflags & ~X86_EFLAGS_IF;
    if (!vi->evtchn_upcall_mask)
        eflags |= X86_EFLAGS_IF;
    if (outer) {
        frame[n++] = (uint32_t)regs->ss;
        frame[n++] = (uint32_t)regs->rsp;
    }
    frame[n++] = eflags;
    frame[n++] = ((uint32_t)regs->cs & 0xffff) | ((uint32_t)vi->evtchn_upcall_mask << 16);
    frame[n++] = resume_eip;
    if (has_error)
        frame[n++] = error_code;
    if (segs) {                 /* failsafe: gs, fs, es, ds pushed, so ds is lowest */
        for (int i = 3; i >= 0; i--)
            frame[n++] = segs[i];
    }
    /* The array is in push order; memory order is the reverse. */
    uint32_t mem[11];
    for (uint32_t i = 0; i < n; i++)
        mem[i] = frame[n - 1 - i];
    esp -= n * 4;
    if (copy_to_guest(esp, mem, n * 4))
        domain_crash(v->domain, "fault while bouncing %s to the guest stack at %08x", what, esp);
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    regs->rsp = esp;
    regs->ss = ss;
    regs->cs = cs;
    regs->rip = eip;
    regs->rflags = (regs->rflags & ~(X86_EFLAGS_TF | X86_EFLAGS_VM | X86_EFLAGS_RF |
                                     X86_EFLAGS_NT | X86_EFLAGS_AC)) | X86_EFLAGS_IF;
}

/* bounce_to_guest: see asm/traps.h. */
void bounce_to_guest(struct vcpu *v, struct cpu_regs *regs, unsigned int vec,
                     bool has_error, uint32_t error_code, guest_va_t resume_eip)
{
    const struct guest_trap *t = &v->arch->traps[vec];
    /* Any null selector (0-3) means no handler, as Xen's null_trap_bounce:
     * an RPL-3 null CS would otherwise reach the iretq and be refused there. */
    if ((t->cs & ~3u) == 0)
        domain_crash(v->domain, "no handler for trap %u (%s) at eip %08x", vec,
                     vec < 32 && exception_names[vec] ? exception_names[vec] : "int n",
                     resume_eip);
    char what[16];
    snprintf(what, sizeof(what), "trap %u", vec);
    bounce_frame(v, regs, t->cs, t->eip, t->mask_events, has_error, error_code, resume_eip, what, NULL);
}

/* bounce_to_callback: see asm/traps.h. */
void bounce_to_callback(struct vcpu *v, struct cpu_regs *regs, const struct guest_callback *cb)
{
    bounce_frame(v, regs, cb->cs, cb->eip, cb->mask_events, false, 0, (guest_va_t)regs->rip,
                 "an event upcall", NULL);
}

/* bounce_to_failsafe: see asm/traps.h. */
void bounce_to_failsafe(struct vcpu *v, struct cpu_regs *regs, const uint16_t segs[4])
{
    const struct guest_callback *cb = &v->arch->failsafe_cb;
    if ((cb->cs & ~3u) == 0)
        domain_crash(v->domain, "bad segment selector (ds %04x es %04x fs %04x gs %04x) "
                     "and no failsafe callback", segs[0], segs[1], segs[2], segs[3]);
    bounce_frame(v, regs, cb->cs, cb->eip, cb->mask_events, false, 0, (guest_va_t)regs->rip,
                 "the failsafe callback", segs);
}

/* Guest-visible CR0: TS is the virtual one. */
static uint32_t guest_cr0(const struct vcpu *v)
{
    return 0x80050033u | (v->arch->fpu_ts ? CR0_TS : 0);  /* PG AM WP NE ET MP PE */
}

/* Emulate mov from CRn / DRn: returns false if not one we allow. */
static bool emulate_mov_from(struct vcpu *v, struct cpu_regs *regs, uint8_t op, uint8_t modrm)
{
    if ((modrm >> 6) != 3)
        return false;
    unsigned int reg = (modrm >> 3) & 7, rm = modrm & 7;
    uint32_t value;
    if (op == 0x20) {
        switch (reg) {
        case 0: value = guest_cr0(v); break;
        case 2: value = v->arch->cr2; break;
        case 3: value = (uint32_t)(v->guest_table << PAGE_SHIFT) | ((uint32_t)(v->guest_table >> 20) & 0xfff); break;
        case 4: value = 0x20 | 0x10; break;   /* PAE PSE as the guest sees it */
        default: return false;
        }
    } else {
        if (reg == 4 || reg == 5)
            return false;
        value = (uint32_t)v->arch->debugreg[reg];
    }
    uint64_t *gprs[8] = { &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx,
                          &regs->rsp, &regs->rbp, &regs->rsi, &regs->rdi };
    *gprs[rm] = value;
    return true;
}

/* Emulate mov to DRn: remember the value (the hardware never sees it). */
static bool emulate_mov_to_dr(struct vcpu *v, struct cpu_regs *regs, uint8_t modrm)
{
    if ((modrm >> 6) != 3)
        return false;
    unsigned int reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (reg == 4 || reg == 5)
        return false;
    const uint64_t *gprs[8] = { &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx,
                                &regs->rsp, &regs->rbp, &regs->rsi, &regs->rdi };
    v->arch->debugreg[reg] = (uint32_t)*gprs[rm];
    return true;
}

/* `int n` at eip (next_eip after it): the guest's handler for n, or a #GP
 * at the instruction with error code (n << 3) | 2 as the CPU would give. */
static void guest_soft_int(struct vcpu *v, struct cpu_regs *regs, unsigned int n,
                           guest_va_t eip, guest_va_t next_eip)
{
    /* The DPL alone decides, as in Xen (permit_softint): a cleared entry
     * has DPL 0; a permitted entry with a null CS crashes the domain in
     * bounce_to_guest like any bounce to no handler. */
    if (regs_ring(regs) <= v->arch->traps[n].dpl)
        bounce_to_guest(v, regs, n, false, 0, next_eip);
    else
        bounce_to_guest(v, regs, TRAP_gp_fault, true, (n << 3) | 2, eip);
}

/* handle_int80: see asm/traps.h. The IDT gate has DPL 3 (entry.S), so the
 * CPU went to the instruction's end; `int $0x80` is two bytes (a prefixed
 * one reports its #GP at the CD byte, as in Xen's int80_slow_path). */
void handle_int80(struct cpu_regs *regs)
{
    guest_va_t next_eip = (guest_va_t)regs->rip;
    guest_soft_int(current, regs, 0x80, next_eip - 2, next_eip);
}

/* The offsets entry.S's int $0x80 fast path uses (asm/traps.h). */
_Static_assert(offsetof(struct vcpu, arch) == VCPU_arch, "VCPU_arch");
_Static_assert(offsetof(struct arch_vcpu, traps[0x80].cs) == ARCH_trap80_cs, "ARCH_trap80_cs");
_Static_assert(offsetof(struct arch_vcpu, traps[0x80].dpl) == ARCH_trap80_dpl, "ARCH_trap80_dpl");
_Static_assert(offsetof(struct arch_vcpu, traps[TRAP_page_fault].cs) == ARCH_trap14_cs, "ARCH_trap14_cs");
_Static_assert(offsetof(struct guest_trap, mask_events) == 3 && offsetof(struct guest_trap, eip) == 4,
               "BOUNCE_TO_HANDLER's offsets in struct guest_trap");
_Static_assert(offsetof(struct arch_vcpu, cr2) == ARCH_cr2 && sizeof(((struct arch_vcpu *)0)->cr2) == 4,
               "ARCH_cr2");
_Static_assert(offsetof(struct vcpu_info, arch.cr2) == VCPU_INFO_cr2 &&
               sizeof(((struct vcpu_info *)0)->arch.cr2) == 4, "VCPU_INFO_cr2");
_Static_assert(offsetof(struct arch_vcpu, kernel_ss) == ARCH_kernel_ss, "ARCH_kernel_ss");
_Static_assert(offsetof(struct arch_vcpu, kernel_sp) == ARCH_kernel_sp, "ARCH_kernel_sp");
_Static_assert(sizeof(bool) == 1 && sizeof(((struct arch_vcpu *)0)->kernel_ss) == 4 &&
               sizeof(((struct arch_vcpu *)0)->kernel_sp) == 4, "field sizes");
_Static_assert(BOUNCE_STACK_LIMIT == HYPERVISOR_VIRT_START_32, "BOUNCE_STACK_LIMIT");

/* A #GP from guest code: emulate what a PV kernel may do, or bounce. */
static void guest_gp_fault(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[3] = { 0 };
    guest_va_t eip = (guest_va_t)regs->rip;
    bool fetched = copy_from_guest(insn, eip, 3) == 0 ||
                   copy_from_guest(insn, eip, 2) == 0 || copy_from_guest(insn, eip, 1) == 0;
    unsigned int ring = regs_ring(regs);

    /* `int n` that its IDT gate refused (any but 0x80, int3, into and,
     * from ring 1, the hypercall gates): QEMU 7.2 reports a wrong error
     * code for this, so decode it. */
    if (fetched && insn[0] == 0xCD) {
        guest_soft_int(v, regs, insn[1], eip, eip + 2);
        return;
    }
    if (fetched && regs->error_code == 0 && ring == 1) {
        if (insn[0] == 0x0F && (insn[1] == 0x20 || insn[1] == 0x21) &&
            emulate_mov_from(v, regs, insn[1], insn[2])) {
            regs->rip = eip + 3;
            return;
        }
        if (insn[0] == 0x0F && insn[1] == 0x23 && emulate_mov_to_dr(v, regs, insn[2])) {
            regs->rip = eip + 3;
            return;
        }
        if (insn[0] == 0x0F && insn[1] == 0x06) {           /* clts */
            v->arch->fpu_ts = false;
            write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
            regs->rip = eip + 2;
            return;
        }
    }
    if (fetched && (insn[0] == 0xFA || insn[0] == 0xFB) && ring <= v->arch->iopl) {
        v->arch->vcpu_info->evtchn_upcall_mask = insn[0] == 0xFA;   /* cli / sti */
        regs->rip = eip + 1;
        return;
    }
    bounce_to_guest(v, regs, TRAP_gp_fault, true, (uint32_t)regs->error_code, eip);
}

/* A #PF from guest code: record CR2 (virtual and in vcpu_info) and bounce. */
static void guest_page_fault(struct vcpu *v, struct cpu_regs *regs)
{
    uint32_t cr2 = (uint32_t)read_cr2();
    v->arch->cr2 = cr2;
    v->arch->vcpu_info->arch.cr2 = cr2;
    bounce_to_guest(v, regs, TRAP_page_fault, true, (uint32_t)regs->error_code, (guest_va_t)regs->rip);
}

/* Entry from entry.S for vectors 0-31. */
void handle_trap(struct cpu_regs *regs)
{
    unsigned int vec = (unsigned int)regs->vector;
    if (!regs_from_guest(regs) || vec == TRAP_double_fault || vec == TRAP_machine_check) {
        hypervisor_fault(regs);
        return;
    }
    struct vcpu *v = current;
    switch (vec) {
    case TRAP_gp_fault:
        guest_gp_fault(v, regs);
        break;
    case TRAP_page_fault:
        guest_page_fault(v, regs);
        break;
    case TRAP_no_device:
        /* Only the guest's virtual CR0.TS (fpu_taskswitch) makes #NM. As in
         * Xen (do_device_not_available), delivering it clears that TS, so
         * the handler's retry of the FPU instruction runs instead of
         * faulting for ever; a handler that also does clts sees no change. */
        v->arch->fpu_ts = false;
        write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
        bounce_to_guest(v, regs, vec, false, 0, (guest_va_t)regs->rip);
        break;
    case TRAP_nmi:
        printk("NMI while d%u ran\n", v->domain->domain_id);
        break;
    default:
        bounce_to_guest(v, regs, vec, vector_has_error_code(vec), (uint32_t)regs->error_code,
                        (guest_va_t)regs->rip);
    }
}

/* An interrupt vector nobody claimed (the PIC is masked, so rare). */
void handle_spurious(struct cpu_regs *regs)
{
    (void)regs;
}


/* arch_panic_halt: see pvx/arch.h. Tell QEMU's debug-exit device, then halt. */
void arch_panic_halt(void)
{
    outl(0xf4, 2);
    for (;;)
        __asm__ volatile("cli; hlt");
}
