/*
 * pvx: the x86 side of domains: each vCPU's hypervisor-owned L4 (slot 0 is
 * the guest's current L3), its descriptor-table area, entering it for the
 * first time, and what happens when a domain stops or breaks a rule.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/vcpu_timer.h>
#include <pvx/console.h>
#include <pvx/event.h>
#include <pvx/sched.h>
#include <public/xen.h>
#include <public/sched.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

static struct arch_vcpu arch_vcpus[MAX_DOMAINS];

/* arch_vcpu_create: see pvx/domain.h. */
int arch_vcpu_create(struct vcpu *v)
{
    struct arch_vcpu *a = &arch_vcpus[v->domain->domain_id];
    memset(a, 0, sizeof(*a));
    a->l4_mfn = make_vcpu_l4(&a->pervcpu_l1);
    if (a->l4_mfn == INVALID_MFN)
        return -ENOMEM;
    gdt_init_pervcpu(a->pervcpu_l1);
    struct shared_info *si = arch_mfn_to_virt(v->domain->shared_info_mfn);
    a->vcpu_info = &si->vcpu_info[v->vcpu_id];
    a->kernel_ss = FLAT_RING1_SS;
    v->arch = a;
    return 0;
}

/* Return the four hypervisor frames of a vCPU's page tables. */
void arch_vcpu_destroy(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    if (!a)
        return;
    intpte_t *l4 = arch_mfn_to_virt(a->l4_mfn);
    mfn_t l3 = l4[PERVCPU_L4_SLOT] >> PAGE_SHIFT;
    mfn_t l2 = ((intpte_t *)arch_mfn_to_virt(l3))[l3_index(PERVCPU_BASE)] >> PAGE_SHIFT;
    mfn_t l1 = virt_to_maddr(a->pervcpu_l1) >> PAGE_SHIFT;
    if (current == v) {
        write_cr3(virt_to_maddr(idle_l4));
        schedule_forget_current();
    }
    frame_free_xen(a->l4_mfn);
    frame_free_xen(l3);
    frame_free_xen(l2 & (PTE_ADDR_MASK >> PAGE_SHIFT));
    frame_free_xen(l1);
    v->arch = NULL;
}

/* arch_guest_table_changed: point L4 slot 0 at the new L3 (RW|U so the
 * guest's own entries decide) and reload CR3 if v is running. */
void arch_guest_table_changed(struct vcpu *v)
{
    intpte_t *l4 = maddr_to_virt(v->arch->l4_mfn << PAGE_SHIFT);
    l4[0] = v->guest_table == INVALID_MFN ? 0
        : (v->guest_table << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
    if (current == v)
        write_cr3(v->arch->l4_mfn << PAGE_SHIFT);
}

/* vcpu_load_context: see asm/vcpu.h. */
void vcpu_load_context(struct vcpu *v)
{
    extern struct vcpu_info *current_vcpu_info;
    current = v;
    current_vcpu_info = v->arch->vcpu_info;
    v->runstate = RUNSTATE_running;
    write_cr3(v->arch->l4_mfn << PAGE_SHIFT);
    ldt_load(v->arch->ldt_ents);
    write_cr0(v->arch->fpu_ts ? read_cr0() | CR0_TS : read_cr0() & ~(uint64_t)CR0_TS);
    update_vcpu_system_time(v);
    vcpu_timers_resume(v);
}

/* Power the machine off: QEMU's debug-exit device carries the status
 * (0 = clean poweroff, 1 = dom0 crashed, 2 = panic, 3 = reboot asked),
 * then ACPI S5 on QEMU's PIIX4/ICH9 PM block, then halt. */
__attribute__((noreturn)) static void machine_power_off(unsigned int status)
{
    printk("powering off (status %u)\n", status);
    outl(0xf4, status);
    __asm__ volatile("outw %0, %1" :: "a"((uint16_t)0x2000), "Nd"((uint16_t)0x604));
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Destroy d and tell dom0 (VIRQ_DOM_EXC). If d was running, the CPU is
 * left on the idle page tables with no current vCPU. */
void domain_kill(struct domain *d)
{
    domid_t id = d->domain_id;
    unsigned long before = frame_alloc_free_count();
    if (id != 0)
        console_ring_drain(d);          /* what its console backend had not taken */
    console_domain_flush(d);
    sched_credit_remove(d->vcpu0);
    domain_destroy(d);
    printk("d%u destroyed: %lu frames returned, %lu free\n", id,
           frame_alloc_free_count() - before, frame_alloc_free_count());
    if (id == 0)
        return;
    send_global_virq(domain_by_id(0), VIRQ_DOM_EXC);
    for (domid_t other = 1; other < MAX_DOMAINS; other++)
        if (domain_by_id(other))
            return;
    /* The frames free when only dom0 existed, less what dom0 has taken
     * since (grant frames, ballooning up) or plus what it gave back: so
     * the two figures are equal exactly when every domU frame came back. */
    extern unsigned long free_without_domus, dom0_frames_without_domus;
    struct domain *d0 = domain_by_id(0);
    long dom0_change = d0 ? (long)domain_owned_frames(d0) - (long)dom0_frames_without_domus : 0;
    printk("all domUs gone: %lu frames free, %lu before they were built%s\n",
           frame_alloc_free_count(), (unsigned long)((long)free_without_domus - dom0_change),
           dom0_change ? " (less what dom0 took since)" : "");
}

/* arch_domain_stopped: a domU's end frees it and lets the others run;
 * dom0's is the machine's (as in Xen, where dom0 shutting down halts or
 * reboots the host): the other domains go first, then the power. */
void arch_domain_stopped(struct domain *d)
{
    if (d->domain_id != 0) {
        domain_kill(d);
        schedule();
    }
    /* A watchdog expiry is a failure, not a clean stop; soft_reset restarts. */
    unsigned int status = d->state == DOMAIN_CRASHED ? 1
        : d->shutdown_code == SHUTDOWN_crash || d->shutdown_code == SHUTDOWN_watchdog ? 1
        : d->shutdown_code == SHUTDOWN_reboot || d->shutdown_code == SHUTDOWN_soft_reset ? 3 : 0;
    for (domid_t id = 1; id < MAX_DOMAINS; id++) {
        struct domain *u = domain_by_id(id);
        if (u) {
            printk("d%u: stopped with dom0\n", id);
            domain_kill(u);
        }
    }
    domain_kill(d);
    machine_power_off(status);
}

/* domain_crash: see asm/vcpu.h. */
void domain_crash(struct domain *d, const char *fmt, ...)
{
    char reason[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printk("d%u crashed: %s\n", d->domain_id, reason);
    struct cpu_regs *r = guest_regs();
    printk("d%u: eip %08x cs %04x eflags %08x esp %08x ss %04x\n", d->domain_id,
           (uint32_t)r->rip, (uint32_t)r->cs, (uint32_t)r->rflags, (uint32_t)r->rsp, (uint32_t)r->ss);
    printk("d%u: eax %08x ebx %08x ecx %08x edx %08x esi %08x edi %08x ebp %08x\n", d->domain_id,
           (uint32_t)r->rax, (uint32_t)r->rbx, (uint32_t)r->rcx, (uint32_t)r->rdx,
           (uint32_t)r->rsi, (uint32_t)r->rdi, (uint32_t)r->rbp);
    d->state = DOMAIN_CRASHED;
    arch_domain_stopped(d);
}

/* guest_regs: see asm/regs.h. */
struct cpu_regs *guest_regs(void)
{
    /* Through an integer: the frame sits below the symbol, not in it. */
    uintptr_t top = (uintptr_t)boot_stack_top;
    return (struct cpu_regs *)(top - sizeof(struct cpu_regs));
}
