/* guest-os PV: what the files of arch/pv share. */
#ifndef GUEST_OS_PV_H
#define GUEST_OS_PV_H

#include <public/xen.h>

struct mem_range;

/* Set by head.S: start_info (esi at entry) and the top of the boot stack. */
extern start_info_t *start_info;
extern unsigned long boot_stack_top;
/* shared_info, mapped by arch_init (NULL before). */
extern shared_info_t *shared_info;
extern const uint32_t trap_stub_table[256];

/* The kernel address of machine frame mfn: the kernel maps pfn at
 * va = pfn * 4096, and pvx's read-only M2P (XENMEM_machphys_mapping, at
 * 0xF5800000 in every address space) gives the pfn. */
static inline void *mfn_to_virt(uint32_t mfn)
{
    return (void *)(((const uint32_t *)0xF5800000)[mfn] << 12);
}

/* time.c: register the event callback, bind VIRQ_TIMER, start the tick. */
void events_init(void);
/* memory.c: map every pfn of start_info->nr_pages not yet mapped (up to
 * the 1 GiB kernel window) at va = pfn * 4096, with L1 tables ready for
 * all of maxmem; move the p2m to a copy sized for maxmem; set *free to
 * the pages from there to the end of maxmem (present up to nr_pages). */
void memory_init(struct mem_range *free);
/* The p2m: pfn -> mfn, p2m_pages entries (maxmem); ~0 where the balloon
 * holds the pfn (no frame). */
extern uint32_t *p2m;
extern uint32_t p2m_pages;
#define P2M_NO_FRAME 0xFFFFFFFFu
/* balloon.c: pfns [nr_pages, max_pfn) start in the balloon. */
void balloon_init(uint32_t nr_pages, uint32_t max_pfn);

#endif
