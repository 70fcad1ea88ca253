/*
 * guest-os PV: the arch interface (kernel/arch.h) in ring 1 on pvx, through
 * Xen's x86_32 PV ABI (docs/abi.md). Where arch/native executes a privileged
 * instruction, this file makes a hypercall:
 *   console       COM1 port I/O        -> console_io (dom0)
 *   traps         lidt + TSS esp0      -> set_trap_table + stack_switch
 *   page tables   direct PTE writes    -> mmu_update / update_va_mapping, on
 *                                         table pages mapped read-only
 *   interrupts    cli/sti              -> the vcpu_info upcall mask
 *   idle          hlt                  -> SCHEDOP_yield
 *   power off     isa-debug-exit port  -> SCHEDOP_shutdown
 * Memory: pvx maps the kernel image, then start_info, the p2m list, the
 * bootstrap page tables and stack, from virtual address 0 (pfn = va / 4096);
 * the pages after the boot stack up to the end of that mapping are free.
 */
#include "../../kernel/kernel.h"
#include <public/sched.h>
#include "hypercall.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_U  0x004ull
#define PTE_A  0x020ull
#define PTE_D  0x040ull
#define PTE_KERNEL_RO (PTE_P | PTE_A)                            /* page-table pages */
#define PTE_USER (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)
#define PTE_ADDR 0x000ffffffffff000ull

extern start_info_t *start_info;
extern unsigned long boot_stack_top;
extern const uint32_t trap_stub_table[256];
static uint32_t *p2m;                       /* pfn -> mfn (start_info->mfn_list) */
static char shared_info_page[4096] __attribute__((aligned(4096)));
static shared_info_t *shared_info;
static char kernel_stack[16384] __attribute__((aligned(16)));

static uint32_t va_to_mfn(const void *va) { return p2m[(uintptr_t)va >> 12]; }

/* ---- console: console_io (dom0's console) ---- */
void arch_console_write(const char *s, size_t len)
{
    HYPERVISOR_console_io(CONSOLEIO_write, len, (char *)s);
}

int arch_console_read_byte(void)
{
    char c;
    return HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) == 1 ? (unsigned char)c : -1;
}

/* ---- traps: a virtual IDT, and the ring-1 stack for traps from ring 3 ---- */
static void traps_init(void)
{
    static trap_info_t table[34];
    unsigned int n = 0;
    for (unsigned int v = 0; v < 32; v++)
        table[n++] = (trap_info_t){ .vector = v, .flags = v == 3 || v == 4 ? 3 : 0,
                                    .cs = FLAT_RING1_CS, .address = trap_stub_table[v] };
    table[n++] = (trap_info_t){ .vector = 0x80, .flags = 3, .cs = FLAT_RING1_CS,
                                .address = trap_stub_table[0x80] };
    table[n] = (trap_info_t){ 0 };
    if (HYPERVISOR_set_trap_table(table))
        panic("set_trap_table failed");
    if (HYPERVISOR_stack_switch(FLAT_RING1_SS, (unsigned long)(kernel_stack + sizeof(kernel_stack))))
        panic("stack_switch failed");
}

/* ---- paging: the bootstrap L3 stays; user space gets its own L2 in L3
 * slot 1, with L1s added on demand. A table page is made read-only in the
 * kernel's mapping before it is hooked in (pvx refuses a page table that
 * is writably mapped). ---- */
static uint32_t user_l2_mfn;
static const uint64_t *user_l2;              /* read-only view */

static long set_pte(uintptr_t va, uint64_t val)
{
    return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), UVMF_INVLPG);
}

static long set_table_entry(uint32_t table_mfn, unsigned int slot, uint64_t val)
{
    mmu_update_t req = { .ptr = ((uint64_t)table_mfn << 12) + slot * 8 + MMU_NORMAL_PT_UPDATE,
                         .val = val };
    return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

/* A fresh zeroed page, remapped read-only, ready to become a page table. */
static long new_table(const uint64_t **view, uint32_t *mfn)
{
    void *page = page_alloc();
    if (!page)
        return -12;
    *mfn = va_to_mfn(page);
    *view = page;
    return set_pte((uintptr_t)page, ((uint64_t)*mfn << 12) | PTE_KERNEL_RO);
}

int arch_map_user_page(uint32_t va, void *kpage)
{
    long rc;
    if (va < USER_BASE || va >= USER_END)
        return -22;
    if (!user_l2) {
        const uint64_t *l2;
        uint32_t l2_mfn, l3_mfn = va_to_mfn((void *)start_info->pt_base);
        if ((rc = new_table(&l2, &l2_mfn)) ||
            (rc = set_table_entry(l3_mfn, USER_BASE >> 30, ((uint64_t)l2_mfn << 12) | PTE_P)))
            return (int)rc;
        user_l2 = l2;
        user_l2_mfn = l2_mfn;
    }
    unsigned int slot = (va >> 21) & 511;
    if (!(user_l2[slot] & PTE_P)) {
        const uint64_t *l1;
        uint32_t l1_mfn;
        if ((rc = new_table(&l1, &l1_mfn)) ||
            (rc = set_table_entry(user_l2_mfn, slot, ((uint64_t)l1_mfn << 12) | PTE_USER)))
            return (int)rc;
    }
    return (int)set_pte(va, ((uint64_t)va_to_mfn(kpage) << 12) | PTE_USER);
}

uint32_t arch_fault_addr(void)
{
    return shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
}

/* ---- interrupts (events), idle, power ---- */
void arch_irq_disable(void)
{
    if (shared_info)
        shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
}

/* Events are not bound yet, so nothing can be pending when we unmask. */
void arch_irq_enable(void)
{
    __asm__ volatile("" ::: "memory");
    if (shared_info)
        shared_info->vcpu_info[0].evtchn_upcall_mask = 0;
}

void arch_idle(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

void arch_shutdown(int status)
{
    struct sched_shutdown s = { .reason = status ? SHUTDOWN_crash : SHUTDOWN_poweroff };
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}

/* ---- start of day ---- */
void arch_init(struct mem_range *free)
{
    p2m = (uint32_t *)start_info->mfn_list;
    if (set_pte((uintptr_t)shared_info_page, start_info->shared_info | PTE_P | PTE_RW | PTE_A) == 0)
        shared_info = (shared_info_t *)shared_info_page;
    traps_init();
    /* Free: after the boot stack to the end of the bootstrap mapping, which
     * pvx extends to a 4 MiB boundary with at least 512 KiB spare. */
    uintptr_t start = PAGE_ROUND_UP(boot_stack_top);
    uintptr_t end = (start + 512 * 1024 + (4u << 20) - 1) & ~((4u << 20) - 1);
    if (end > (uintptr_t)start_info->nr_pages * PAGE_SIZE)
        end = (uintptr_t)start_info->nr_pages * PAGE_SIZE;
    free->start = start;
    free->end = end;
}

const char *arch_name(void) { return "pv"; }
const char *arch_platform(void)
{
    return start_info->flags & SIF_INITDOMAIN ? "pvx, ring 1, dom0" : "pvx, ring 1, domU";
}
const char *arch_cmdline(void) { return (const char *)start_info->cmd_line; }
