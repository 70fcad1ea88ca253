/*
 * guest-os PV: all of the domain's memory. pvx's bootstrap mapping covers
 * the kernel image, the initrd, the p2m list, start_info, the bootstrap
 * page tables and the boot stack, then at least 512 KiB more up to a 4 MiB
 * boundary; the rest of start_info->nr_pages is not mapped. The kernel
 * uses va = pfn * 4096 in the low 1 GiB (L3 slot 0, whose L2 every
 * address space shares), so this file maps each remaining pfn there
 * itself, as Linux extends Xen's initial mapping at boot:
 *   - one L1 per 2 MiB, filled while it is still an ordinary writable page
 *     that is already mapped: the first ones from the spare pages after the
 *     boot stack, later ones from memory an earlier batch has just mapped;
 *   - each L1 page remapped read-only (pvx refuses a page table that has a
 *     writable mapping) and hooked into the kernel L2;
 *   - one multicall per batch: an update_va_mapping per L1 page, then one
 *     mmu_update carrying every L2 entry of the batch.
 * The L1 pages stay in use right after the boot stack. L1s are made for
 * the whole of maxmem (XENMEM_maximum_reservation), not only the pages the
 * domain starts with, so the balloon (balloon.c) can later map pages
 * above them with update_va_mapping. The p2m moves to pages of its own,
 * sized for maxmem (pvx's list covers only nr_pages). The free range is
 * everything after that to the end of maxmem, present up to nr_pages
 * (the native build's counterpart is mem_upper).
 */
#include "../../kernel/kernel.h"
#include <public/memory.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_A  0x020ull
#define PTE_D  0x040ull
#define PTE_ADDR 0x000ffffffffff000ull
#define KERNEL_PTE (PTE_P | PTE_RW | PTE_A | PTE_D)
#define KERNEL_WINDOW_PAGES (1u << 18)           /* L3 slot 0: 1 GiB of 4 KiB pages */
#define L1_SPAN (512u * PAGE_SIZE)               /* what one L1 maps: 2 MiB */
#define BATCH 64                                  /* L1 tables per multicall */

static multicall_entry_t calls[BATCH + 1];
uint32_t *p2m;
uint32_t p2m_pages;
static mmu_update_t l2_reqs[BATCH];

/* Fill the L1 at `page` for the 2 MiB starting at va: one writable kernel
 * entry per pfn below nr_pages, the rest not present. */
static void fill_l1(uint64_t *page, uintptr_t va, uint32_t nr_pages)
{
    const uint32_t *p2m = (const uint32_t *)start_info->mfn_list;
    memset(page, 0, PAGE_SIZE);
    for (uint32_t i = 0, pfn = va / PAGE_SIZE; i < 512 && pfn < nr_pages; i++, pfn++)
        page[i] = ((uint64_t)p2m[pfn] << 12) | KERNEL_PTE;
}

/* One multicall: the n L1 pages (kernel addresses l1s[i]) remapped
 * read-only, then hooked into L2 slots first_slot.. of the kernel L2. */
static void hook_batch(uint32_t l2_mfn, unsigned int first_slot, uintptr_t const *l1s, unsigned int n)
{
    const uint32_t *p2m = (const uint32_t *)start_info->mfn_list;
    for (unsigned int i = 0; i < n; i++) {
        uint32_t mfn = p2m[l1s[i] / PAGE_SIZE];
        calls[i] = (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
            .args = { l1s[i], (mfn << 12) | PTE_P | PTE_A, 0, UVMF_INVLPG } };
        l2_reqs[i] = (mmu_update_t){
            .ptr = ((uint64_t)l2_mfn << 12) + (first_slot + i) * 8 + MMU_NORMAL_PT_UPDATE,
            .val = ((uint64_t)mfn << 12) | KERNEL_PTE };
    }
    calls[n] = (multicall_entry_t){ .op = __HYPERVISOR_mmu_update,
                                    .args = { (uint32_t)l2_reqs, n, 0, DOMID_SELF } };
    if (HYPERVISOR_multicall(calls, n + 1))
        panic("memory: multicall refused");
    for (unsigned int i = 0; i <= n; i++)
        if (calls[i].result)
            panic("memory: mapping 2 MiB slots %u-%u: call %u failed: %d",
                  first_slot, first_slot + n - 1, i, (int)calls[i].result);
}

/* The most pages the domain may hold (maxmem, without shared_info), at
 * least nr_pages, at most the kernel window. */
static uint32_t max_pages(uint32_t nr_pages)
{
    domid_t self = DOMID_SELF;
    long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self) - 1;
    uint32_t m = max > (long)nr_pages ? (uint32_t)max : nr_pages;
    return m < KERNEL_WINDOW_PAGES ? m : KERNEL_WINDOW_PAGES;
}

/* memory_init: see pv.h. Batches of up to BATCH L1s until the window's
 * last pfn of the domain's maxmem has one. */
void memory_init(struct mem_range *free)
{
    uint32_t nr_pages = start_info->nr_pages;
    if (nr_pages > KERNEL_WINDOW_PAGES) {
        kprintf("guest-os: %u MiB above the 1 GiB kernel window left unused\n",
                (nr_pages - KERNEL_WINDOW_PAGES) / 256);
        nr_pages = KERNEL_WINDOW_PAGES;
    }
    uint32_t max_pfn = max_pages(nr_pages);
    uintptr_t present = (uintptr_t)nr_pages * PAGE_SIZE;
    uintptr_t end = (uintptr_t)max_pfn * PAGE_SIZE;
    uint32_t l2_mfn = (uint32_t)((((const uint64_t *)start_info->pt_base)[0] & PTE_ADDR) >> 12);
    const uint64_t *l2 = mfn_to_virt(l2_mfn);
    /* The bootstrap mapping: the L2 slots pvx filled, from va 0. */
    unsigned int slot = 0;
    while (slot < 512 && (l2[slot] & PTE_P))
        slot++;
    uintptr_t mapped = slot * L1_SPAN;          /* everything below is mapped */
    uintptr_t next = PAGE_ROUND_UP(boot_stack_top);   /* the next free mapped page */
    if (next >= mapped)
        panic("memory: no free page after the boot stack (%x, mapping ends at %x)",
              (unsigned int)next, (unsigned int)mapped);
    while (mapped < end) {
        uintptr_t l1s[BATCH];
        unsigned int n = 0;
        while (n < BATCH && mapped + n * L1_SPAN < end && next + PAGE_SIZE <= (mapped < present ? mapped : present)) {
            fill_l1((uint64_t *)next, mapped + n * L1_SPAN, nr_pages);
            l1s[n++] = next;
            next += PAGE_SIZE;
        }
        if (n == 0)
            panic("memory: no mapped page left for an L1 table");
        hook_batch(l2_mfn, (unsigned int)(mapped / L1_SPAN), l1s, n);
        mapped += n * L1_SPAN;
    }
    /* The p2m for maxmem: pvx's entries, then "no frame" for the rest. */
    p2m = (uint32_t *)next;
    p2m_pages = max_pfn;
    next += PAGE_ROUND_UP(max_pfn * sizeof(uint32_t));
    if (next > present)
        panic("memory: no room for a %u-entry p2m", max_pfn);
    memcpy(p2m, (const uint32_t *)start_info->mfn_list, nr_pages * sizeof(uint32_t));
    memset(p2m + nr_pages, 0xff, (max_pfn - nr_pages) * sizeof(uint32_t));
    free->start = next;
    free->end = end;
    free->present_end = present;
    balloon_init(nr_pages, max_pfn);
}
