/*
 * pvx: the hypercalls through which a PV kernel takes over what the IDT,
 * TSS and iret do on bare metal: set_trap_table (its virtual IDT),
 * set_callbacks / callback_op (event and failsafe entry points),
 * stack_switch (its ring-1 stack, TSS.ss1:esp1 on bare metal),
 * fpu_taskswitch (CR0.TS) and iret (returning from a bounce frame).
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/callback.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

#define MAX_TRAP_TABLE_ENTRIES 1024

/* A guest code selector with RPL 0 means ring 1 (the guest's "ring 0"). */
static uint16_t fixup_guest_cs(uint32_t cs)
{
    cs &= 0xffff;
    if ((cs & 3) == 0 && cs != 0)
        cs |= 1;
    return (uint16_t)cs;
}

/* set_trap_table(traps): see docs/abi.md. */
long do_set_trap_table(uint32_t traps)
{
    struct arch_vcpu *a = current->arch;
    if (traps == 0) {
        memset(a->traps, 0, sizeof(a->traps));
        return 0;
    }
    for (unsigned int i = 0; i < MAX_TRAP_TABLE_ENTRIES; i++) {
        struct trap_info ti;
        if (copy_from_guest(&ti, traps + i * (uint32_t)sizeof(ti), sizeof(ti)))
            return -EFAULT;
        if (ti.address == 0)
            return 0;
        struct guest_trap *t = &a->traps[ti.vector];
        t->cs = fixup_guest_cs(ti.cs);
        t->eip = ti.address;
        t->dpl = TI_GET_DPL(&ti);
        t->mask_events = TI_GET_IF(&ti) != 0;
    }
    return -EINVAL;       /* no terminating entry within the limit */
}

/* Store one callback entry point. */
static void set_callback(struct guest_callback *cb, uint32_t cs, uint32_t eip, bool mask)
{
    cb->cs = fixup_guest_cs(cs);
    cb->eip = eip;
    cb->mask_events = mask;
}

/* set_callbacks(event_cs, event_eip, failsafe_cs, failsafe_eip): see docs/abi.md. */
long do_set_callbacks(uint32_t event_cs, uint32_t event_eip, uint32_t failsafe_cs, uint32_t failsafe_eip)
{
    struct arch_vcpu *a = current->arch;
    set_callback(&a->event_cb, event_cs, event_eip, true);
    set_callback(&a->failsafe_cb, failsafe_cs, failsafe_eip, true);
    return 0;
}

/* callback_op(cmd, arg): see docs/abi.md. */
long do_callback_op(uint32_t cmd, uint32_t arg)
{
    struct arch_vcpu *a = current->arch;
    if (cmd == CALLBACKOP_register) {
        struct callback_register r;
        if (copy_from_guest(&r, arg, sizeof(r)))
            return -EFAULT;
        bool mask = r.flags & (1u << _CALLBACKF_mask_events);
        struct guest_callback *cb;
        switch (r.type) {
        case CALLBACKTYPE_event: cb = &a->event_cb; break;
        case CALLBACKTYPE_failsafe: cb = &a->failsafe_cb; break;
        case CALLBACKTYPE_nmi: cb = &a->nmi_cb; break;
        case CALLBACKTYPE_sysenter: cb = &a->sysenter_cb; break;
        case CALLBACKTYPE_syscall32: cb = &a->syscall32_cb; break;
        default: return -ENOSYS;
        }
        set_callback(cb, r.address.cs, r.address.eip, mask || r.type == CALLBACKTYPE_event);
        return 0;
    }
    if (cmd == CALLBACKOP_unregister) {
        struct callback_unregister u;
        if (copy_from_guest(&u, arg, sizeof(u)))
            return -EFAULT;
        switch (u.type) {
        case CALLBACKTYPE_nmi:
            memset(&a->nmi_cb, 0, sizeof(a->nmi_cb));
            return 0;
        case CALLBACKTYPE_event: case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_sysenter: case CALLBACKTYPE_syscall32:
            return -EINVAL;      /* Xen: these cannot be unregistered */
        default:
            return -ENOSYS;
        }
    }
    return -ENOSYS;
}

/* stack_switch(ss, esp): see docs/abi.md. */
long do_stack_switch(uint32_t ss, uint32_t esp)
{
    uint16_t sel = fixup_guest_cs(ss);
    if ((sel & 3) != 1)
        return -EPERM;
    current->arch->kernel_ss = sel;
    current->arch->kernel_sp = esp;
    return 0;
}

/* fpu_taskswitch(set): see docs/abi.md. */
long do_fpu_taskswitch(uint32_t set)
{
    current->arch->fpu_ts = set != 0;
    write_cr0(set ? read_cr0() | CR0_TS : read_cr0() & ~(uint64_t)CR0_TS);
    return 0;
}

/* iret: the guest jumped to hypercall page entry 23 with a frame on its
 * stack: eax, eip, cs, eflags (+ esp, ss when going to ring 3). Load it.
 * The return value becomes eax, so it is the saved eax. */
long do_iret(void)
{
    struct vcpu *v = current;
    struct cpu_regs *regs = guest_regs();
    uint32_t f[6];
    uint32_t sp = (uint32_t)regs->rsp;
    if (copy_from_guest(f, sp, 16))
        domain_crash(v->domain, "iret: frame at %08x unreadable", sp);
    uint32_t eax = f[0], eip = f[1], cs = f[2], eflags = f[3];
    if ((cs & 3) == 0)
        domain_crash(v->domain, "iret to ring 0 (cs %04x)", cs);
    if (eflags & X86_EFLAGS_VM)
        domain_crash(v->domain, "iret to virtual-8086 mode");
    if ((cs & 3) > 1) {
        if (copy_from_guest(&f[4], sp + 16, 8))
            domain_crash(v->domain, "iret: frame at %08x unreadable", sp);
        regs->rsp = f[4];
        regs->ss = f[5] & 0xffff;
    } else {
        regs->rsp = sp + 16;
    }
    regs->rip = eip;
    regs->cs = cs & 0xffff;
    v->arch->vcpu_info->evtchn_upcall_mask = !(eflags & X86_EFLAGS_IF);
    regs->rflags = (eflags & ~(uint32_t)(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT)) |
                   X86_EFLAGS_IF | 0x2;
    if (v->in_multicall)
        v->multicall_stop = true;
    return eax;
}

/* The CPU refused to return to the guest (bad selector in the frame the
 * guest gave us): from entry.S's iretq fixup. */
void handle_bad_iret(struct cpu_regs *regs)
{
    domain_crash(current->domain, "cannot return to guest: cs %04x ss %04x eip %08x",
                 (uint32_t)regs->cs, (uint32_t)regs->ss, (uint32_t)regs->rip);
}
