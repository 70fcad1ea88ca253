/*
 * Test guest "mmu_adv_cache_unpriv" (booted with dom0_io_privilege=off,
 * so this dom0 has no I/O privilege): PWT and PCD in an L1 entry choose
 * uncached or write-through memory types, which only a domain with I/O
 * privilege may ask for (pvx's rule, see ../../shared/xen-abi-x86_32.md
 * section 5; mmu_cache_attr checks the privileged side):
 *  - an L1 entry with PWT, PCD or both is refused with -EINVAL through
 *    mmu_update, PRESERVE_AD and update_va_mapping, read-only or
 *    writable; the entry keeps its old value and still works;
 *  - an L1 holding such an entry (written while it was plain) cannot be
 *    pinned or hooked in: -EINVAL;
 *  - MMUEXT_FLUSH_CACHE needs the same privilege: -EACCES.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static long uvm(unsigned long va, uint64_t val)
{
    return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), UVMF_INVLPG);
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *page = alloc_page();
    page[0] = 0xcace0001u;
    const uint32_t mfn = va_to_mfn((void *)page);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    const uint32_t l1_mfn = va_to_mfn((void *)l1);
    const uint64_t good = pte(mfn, PTE_RW_FLAGS);
    SETUP(set_entry(l1_mfn, 0, good));
    SETUP(flush_va(SCRATCH_VA));

    static const uint64_t cache[] = { PTE_PWT, PTE_PCD, PTE_PWT | PTE_PCD };
    static const uint64_t base[] = { PTE_RO_FLAGS, PTE_RW_FLAGS };
    for (unsigned int c = 0; c < 3; c++)
        for (unsigned int b = 0; b < 2; b++) {
            const uint64_t e = pte(mfn, base[b] | cache[c]);
            CHECK_EQ(set_entry(l1_mfn, 0, e), -XEN_EINVAL);
            CHECK_EQ(set_entry(l1_mfn, 1, e), -XEN_EINVAL);
            CHECK_EQ(mmu_update1(entry_ptr(l1_mfn, 0) | MMU_PT_UPDATE_PRESERVE_AD, e), -XEN_EINVAL);
            CHECK_EQ(uvm(SCRATCH_VA, e), -XEN_EINVAL);
            CHECK_EQ(uvm((unsigned long)page, e), -XEN_EINVAL);
            CHECK_EQ(l1[0], good);
            CHECK_EQ(l1[1], 0);
        }
    CHECK_EQ(pte_of((unsigned long)page) & (PTE_PWT | PTE_PCD), 0);
    CHECK_EQ(peek(SCRATCH_VA), 0xcace0001u);

    uint64_t *hidden = new_table();
    hidden[3] = pte(mfn, PTE_RO_FLAGS | PTE_PCD);
    const uint32_t hidden_mfn = seal_table(hidden);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, hidden_mfn, 0), -XEN_EINVAL);
    const unsigned int slot = ((SCRATCH_VA >> 21) & 511) + 1;
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, pte(hidden_mfn, L2E_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(boot_l2(0)[slot], 0);

    CHECK_EQ(mmuext1(MMUEXT_FLUSH_CACHE, 0, 0), -XEN_EACCES);
    CHECK_EQ(peek(SCRATCH_VA), 0xcace0001u);
}
