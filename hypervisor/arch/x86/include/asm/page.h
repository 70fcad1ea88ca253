/* pvx: x86-64 page-table helpers for the hypervisor's own tables. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H
#include <pvx/types.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <asm/setup.h>

#define l4_index(va) (((uint64_t)(va) >> 39) & 511)
#define l3_index(va) (((uint64_t)(va) >> 30) & 511)
#define l2_index(va) (((uint64_t)(va) >> 21) & 511)
#define l1_index(va) (((uint64_t)(va) >> 12) & 511)

static inline void *maddr_to_virt(paddr_t pa) { return DIRECTMAP_VIRT(pa); }
static inline paddr_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;
    if (v >= 0xFFFFFFFF80000000ull)
        return v - 0xFFFFFFFF80000000ull;
    return v - 0xFFFF800000000000ull;
}

/* The hypervisor's L4 (no guest in slot 0); every vCPU L4 copies its slots. */
extern intpte_t *idle_l4;
/* Make a vCPU L4 frame: hypervisor slots copied, slot 0 empty, per-vCPU slot
 * pointing at fresh per-vCPU tables. Returns the L4 mfn and the per-vCPU L1. */
mfn_t make_vcpu_l4(intpte_t **pervcpu_l1);
/* First mfn and size of the M2P table (2 MiB aligned). */
extern mfn_t m2p_first_mfn;
extern unsigned long m2p_nr_2m;

#endif
