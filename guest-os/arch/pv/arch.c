/*
 * guest-os PV: the arch interface (kernel/arch.h) in ring 1 on pvx, through
 * Xen's x86_32 PV ABI (docs/abi.md). Where arch/native executes a privileged
 * instruction, the PV build makes a hypercall:
 *   traps         lidt + TSS esp0      -> set_trap_table + stack_switch
 *   page tables   direct PTE writes    -> tables filled while still ordinary
 *                                         pages, then remapped read-only and
 *                                         hooked or pinned in batches; later
 *                                         entries by mmu_update or
 *                                         update_va_mapping (aspace.c)
 *   switch        mov cr3, TSS esp0    -> NEW_BASEPTR + stack_switch, two
 *                                         direct calls (aspace.c)
 * (aspace.c: user address spaces, fork and the switch; time.c: the tick,
 * time, interrupts and idle through events; console.c:
 * console_io for dom0, the PV console ring for a domU; memory.c: mapping
 * the memory pvx's bootstrap tables leave out, so that pfn = va / 4096
 * holds for all of it; power.c: SCHEDOP_shutdown, dom0 after the domUs.)
 */
#include "../../kernel/kernel.h"
#include <public/sched.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_A  0x020ull
#define M2P ((const uint32_t *)0xF5800000)   /* XENMEM_machphys_mapping: mfn -> pfn */

static char shared_info_page[4096] __attribute__((aligned(4096)));
shared_info_t *shared_info;

/* ---- traps: a virtual IDT; events masked on entry (flag 4), as native's
 * interrupt gates clear IF. The ring-1 stack for traps from ring 3 is set
 * on each switch (arch_switch_to). ---- */
static void traps_init(void)
{
    static trap_info_t table[34];
    unsigned int n = 0;
    for (unsigned int v = 0; v < 32; v++)
        table[n++] = (trap_info_t){ .vector = v, .flags = 4 | (v == 3 || v == 4 ? 3 : 0),
                                    .cs = FLAT_RING1_CS, .address = trap_stub_table[v] };
    table[n++] = (trap_info_t){ .vector = 0x80, .flags = 4 | 3, .cs = FLAT_RING1_CS,
                                .address = trap_stub_table[0x80] };
    table[n] = (trap_info_t){ 0 };
    if (HYPERVISOR_set_trap_table(table))
        panic("set_trap_table failed");
}

uint32_t arch_fault_addr(void)
{
    return shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
}

/* ---- start of day: check the M2P, map shared_info, install the traps and
 * the event callback, then map the rest of memory (memory.c). ---- */
void arch_init(struct mem_range *free)
{
    p2m = (uint32_t *)start_info->mfn_list;        /* memory_init moves it */
    p2m_pages = start_info->nr_pages;
    for (uint32_t pfn = 0; pfn < 4; pfn++)        /* the M2P aspace.c reads */
        if (M2P[p2m[pfn]] != pfn)
            panic("M2P[%x] is %x, not pfn %x", p2m[pfn], M2P[p2m[pfn]], pfn);
    if (HYPERVISOR_update_va_mapping((uintptr_t)shared_info_page, start_info->shared_info | PTE_P | PTE_RW | PTE_A,
                                     0, UVMF_INVLPG) == 0)
        shared_info = (shared_info_t *)shared_info_page;
    if (!shared_info)
        panic("cannot map shared_info");
    traps_init();
    events_init();
    memory_init(free);     /* free: after the boot stack to the end of memory */
}

const char *arch_name(void) { return "pv"; }
const char *arch_platform(void)
{
    return start_info->flags & SIF_INITDOMAIN ? "pvx, ring 1, dom0" : "pvx, ring 1, domU";
}
const char *arch_cmdline(void) { return (const char *)start_info->cmd_line; }

/* The ramdisk module (dom0's, or a boot-time domU's "ramdisk" module): pvx
 * loads it after the kernel image, inside the bootstrap mapping (mod_start
 * is a virtual address). */
void arch_initrd(const void **start, size_t *len)
{
    *start = (const void *)start_info->mod_start;
    *len = start_info->mod_start ? start_info->mod_len : 0;
}
