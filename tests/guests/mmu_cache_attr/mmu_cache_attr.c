/*
 * Test guest "mmu_cache_attr": dom0, which has I/O privilege, may map
 * memory uncached or write-through (a driver's MMIO or DMA buffers):
 * L1 entries with PWT, PCD or both are accepted through mmu_update,
 * PRESERVE_AD and update_va_mapping, read back as written, and the memory
 * is read and written through them as usual; an L1 holding such entries
 * can be pinned. (mmu_adv_cache_unpriv checks the unprivileged side.)
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

void test_main(void)
{
    trap_install();
    volatile uint32_t *page = alloc_page();
    page[0] = 0xcace0001u;
    const uint32_t mfn = va_to_mfn((void *)page);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    const uint32_t l1_mfn = va_to_mfn((void *)l1);

    static const uint64_t cache[] = { PTE_PWT, PTE_PCD, PTE_PWT | PTE_PCD };
    for (unsigned int c = 0; c < 3; c++) {
        const uint64_t e = pte(mfn, PTE_RW_FLAGS | cache[c]);
        CHECK_EQ(set_entry(l1_mfn, c, e), 0);
        CHECK_EQ(l1[c], e);
        CHECK_EQ(flush_va(SCRATCH_VA + c * 4096), 0);
        CHECK_EQ(peek(SCRATCH_VA + c * 4096), 0xcace0001u + c);
        CHECK_EQ(write_faults(SCRATCH_VA + c * 4096, 0xcace0002u + c, 0), 0);
        CHECK_EQ(page[0], 0xcace0002u + c);
    }
    const uint64_t pcd_ro = pte(mfn, PTE_RO_FLAGS | PTE_PCD);
    CHECK_EQ(mmu_update1(entry_ptr(l1_mfn, 5) | MMU_PT_UPDATE_PRESERVE_AD, pcd_ro), 0);
    CHECK_EQ(l1[5], pcd_ro);
    CHECK_EQ(HYPERVISOR_update_va_mapping(SCRATCH_VA + 6 * 4096, (uint32_t)pcd_ro, 0, UVMF_INVLPG), 0);
    CHECK_EQ(l1[6], pcd_ro);
    CHECK_EQ(peek(SCRATCH_VA + 6 * 4096), page[0]);

    uint64_t *t = new_table();
    t[3] = pte(mfn, PTE_RO_FLAGS | PTE_PCD | PTE_PWT);
    const uint32_t t_mfn = seal_table(t);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, t_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, t_mfn, 0), 0);
}
