/*
 * Test guest "mmu_preserve_ad": MMU_PT_UPDATE_PRESERVE_AD (ptr | 2) writes
 * an L1 entry like MMU_NORMAL_PT_UPDATE but keeps the Accessed and Dirty
 * bits the CPU set in the old entry in the meantime (Linux uses it for
 * ptep_modify_prot_commit, so that a concurrent access is not lost):
 *  - the CPU sets A on a read and D on a write through an entry written
 *    without them (seen by re-reading the entry);
 *  - PRESERVE_AD with a value without A/D keeps both; NORMAL with the same
 *    value clears them; PRESERVE_AD of a value that has A/D keeps them set;
 *  - PRESERVE_AD can change the frame and the flags like NORMAL does
 *    (RW off: a write faults again), and unmap (the A/D bits are ORed in
 *    even then, as on Xen);
 *  - its refusals are NORMAL's (a writable mapping of a page table: -EBUSY,
 *    entry unchanged).
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static uint32_t l1_mfn;

static long preserve_ad(unsigned int slot, uint64_t val)
{
    return mmu_update1(entry_ptr(l1_mfn, slot) | MMU_PT_UPDATE_PRESERVE_AD, val);
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *page_a = alloc_page(), *page_b = alloc_page();
    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    const uint32_t mfn_a = va_to_mfn((void *)page_a), mfn_b = va_to_mfn((void *)page_b);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    l1_mfn = va_to_mfn((void *)l1);
    const uint64_t bare = pte(mfn_a, PTE_P | PTE_RW);

    /* The CPU sets A, then D. */
    CHECK_EQ(set_entry(l1_mfn, 0, bare), 0);
    CHECK_EQ(flush_va(SCRATCH_VA), 0);
    CHECK_EQ(l1[0], bare);
    CHECK_EQ(peek(SCRATCH_VA), 0xaaaa0001u);
    CHECK_EQ(l1[0], bare | PTE_A);
    CHECK_EQ(write_faults(SCRATCH_VA, 0xaaaa0011u, 0), 0);
    CHECK_EQ(l1[0], bare | PTE_A | PTE_D);

    /* PRESERVE_AD keeps them; NORMAL does not. */
    CHECK_EQ(preserve_ad(0, bare), 0);
    CHECK_EQ(l1[0], bare | PTE_A | PTE_D);
    CHECK_EQ(set_entry(l1_mfn, 0, bare), 0);
    CHECK_EQ(l1[0], bare);
    CHECK_EQ(preserve_ad(0, bare | PTE_A | PTE_D), 0);
    CHECK_EQ(l1[0], bare | PTE_A | PTE_D);

    /* Another frame and RW off, A/D carried over. */
    CHECK_EQ(preserve_ad(0, pte(mfn_b, PTE_P)), 0);
    CHECK_EQ(l1[0], pte(mfn_b, PTE_P | PTE_A | PTE_D));
    CHECK_EQ(flush_va(SCRATCH_VA), 0);
    CHECK_EQ(peek(SCRATCH_VA), 0xbbbb0002u);
    CHECK_EQ(write_faults(SCRATCH_VA, 1, 0), 1);
    CHECK_EQ(page_b[0], 0xbbbb0002u);

    /* Refused like NORMAL: the entry stays. */
    CHECK_EQ(preserve_ad(0, pte(l1_mfn, PTE_P | PTE_RW)), -XEN_EBUSY);
    CHECK_EQ(l1[0], pte(mfn_b, PTE_P | PTE_A | PTE_D));

    /* Unmap: as on Xen the old A/D bits are ORed into the new value even
     * when it is not present (harmless: a not-present entry holds nothing). */
    CHECK_EQ(preserve_ad(0, 0), 0);
    CHECK_EQ(l1[0], PTE_A | PTE_D);
    CHECK_EQ(flush_va(SCRATCH_VA), 0);
    CHECK_EQ(read_faults(SCRATCH_VA, 0, 0), 1);
}
