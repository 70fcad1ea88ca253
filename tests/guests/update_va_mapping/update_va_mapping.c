/*
 * Test guest "update_va_mapping": update_va_mapping(va, pte_lo, pte_hi,
 * flags) sets the L1 entry that maps va in the current address space (the
 * hypervisor walks the tables), with mmu_update's validation, then flushes
 * as asked:
 *  - map, change frame, flip RW, unmap; the entry reads back as written;
 *  - UVMF_INVLPG and UVMF_TLB_FLUSH (LOCAL or ALL): the new mapping is in
 *    use when the call returns, although the old one was cached just
 *    before; UVMF_NONE: the entry is written, and an INVLPG later makes it
 *    visible; an unaligned va means its page;
 *  - va at or above HYPERVISOR_VIRT_START (0xF5800000): -EINVAL; a va
 *    whose L2 entry is not present (no L1 to write): -EINVAL; bad flags
 *    (both flush types at once): -EINVAL, nothing written;
 *  - a refused entry (a writable mapping of a page table: -EBUSY) leaves
 *    the old one in place.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static long uvm(unsigned long va, uint64_t val, unsigned long flags)
{
    return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), flags);
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *page_a = alloc_page(), *page_b = alloc_page();
    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    const uint32_t mfn_a = va_to_mfn((void *)page_a), mfn_b = va_to_mfn((void *)page_b);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    const uint64_t a = pte(mfn_a, PTE_RW_FLAGS), b = pte(mfn_b, PTE_RW_FLAGS);
    const unsigned long va = SCRATCH_VA + 7 * 4096;

    /* Map with INVLPG: at once usable. */
    CHECK_EQ(uvm(va, a, UVMF_INVLPG), 0);
    CHECK_EQ(l1[7], a);
    CHECK_EQ(peek(va), 0xaaaa0001u);

    /* Each flush flavour makes a changed (and cached) mapping visible. */
    static const unsigned long flushes[] = {
        UVMF_INVLPG | UVMF_LOCAL, UVMF_INVLPG | UVMF_ALL,
        UVMF_TLB_FLUSH | UVMF_LOCAL, UVMF_TLB_FLUSH | UVMF_ALL,
    };
    for (unsigned int i = 0; i < sizeof(flushes) / sizeof(flushes[0]); i++) {
        CHECK_EQ(uvm(va, a, UVMF_INVLPG), 0);
        CHECK_EQ(peek(va), 0xaaaa0001u);
        CHECK_EQ(uvm(va + 0x123, b, flushes[i]), 0);      /* any va in the page */
        CHECK_EQ(l1[7], b);
        CHECK_EQ(peek(va), 0xbbbb0002u);
    }

    /* No flush: written now, used after the guest's own INVLPG. */
    CHECK_EQ(uvm(va, a, UVMF_NONE), 0);
    CHECK_EQ(l1[7], a);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, va, 0), 0);
    CHECK_EQ(peek(va), 0xaaaa0001u);

    /* RW off and on, unmap. */
    uint32_t err = 0;
    CHECK_EQ(uvm(va, pte(mfn_a, PTE_RO_FLAGS), UVMF_INVLPG), 0);
    CHECK_EQ(write_faults(va, 1, &err), 1);
    CHECK_EQ(err, 3);
    CHECK_EQ(uvm(va, a, UVMF_INVLPG), 0);
    CHECK_EQ(write_faults(va, 0xaaaa0003u, 0), 0);
    CHECK_EQ(page_a[0], 0xaaaa0003u);
    CHECK_EQ(uvm(va, 0, UVMF_INVLPG), 0);
    CHECK_EQ(l1[7], 0);
    CHECK_EQ(read_faults(va, 0, &err), 1);
    CHECK_EQ(err, 0);

    /* Refusals. */
    CHECK_EQ(uvm(va, a, UVMF_INVLPG), 0);
    static const unsigned long hole[] = { 0xF5800000ul, 0xF5800123ul, 0xF6800000ul, 0xFFFFF000ul };
    for (unsigned int i = 0; i < sizeof(hole) / sizeof(hole[0]); i++)
        CHECK_EQ(uvm(hole[i], a, UVMF_INVLPG), -XEN_EINVAL);
    CHECK_EQ(uvm(0x30000000ul, a, UVMF_INVLPG), -XEN_EINVAL);   /* no L2 entry */
    CHECK_EQ(uvm(0x40000000ul, a, UVMF_INVLPG), -XEN_EINVAL);   /* no L3 entry */
    CHECK_EQ(uvm(va, b, UVMF_INVLPG | UVMF_TLB_FLUSH), -XEN_EINVAL);
    CHECK_EQ(l1[7], a);
    CHECK_EQ(uvm(va, pte(va_to_mfn((void *)l1), PTE_RW_FLAGS), UVMF_INVLPG), -XEN_EBUSY);
    CHECK_EQ(l1[7], a);
    CHECK_EQ(peek(va), 0xaaaa0003u);
}
