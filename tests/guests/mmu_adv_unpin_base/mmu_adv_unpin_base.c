/*
 * Test guest "mmu_adv_unpin_base": unpinning the L3 the vCPU is running on.
 * Xen allows it (returns 0): the base pointer holds its own reference, so
 * the table stays a validated L3 and nothing the hardware walks is freed
 * or becomes writable under it:
 *  - MMUEXT_UNPIN_TABLE of the bootstrap L3 (the current base): 0; a
 *    second unpin: -EINVAL (it is no longer pinned);
 *  - it is still an L3: a writable mapping of it, or of its L2s and L1s,
 *    is refused with -EBUSY; pinning it as an L2 or L1: -EINVAL;
 *  - the guest keeps running on it: hypercalls, its memory, new mappings;
 *  - it can be pinned again (0); unpinned again and left for another L3,
 *    it is released (a writable mapping is allowed then); switching back
 *    to it validates it afresh, and it works as before.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

void test_main(void)
{
    trap_install();
    const uint32_t l3 = boot_l3_mfn();
    volatile uint64_t *l3_va = boot_l3();
    volatile uint32_t *data = alloc_page();
    data[0] = 0xba5e0001u;
    uint32_t other_l2 = 0;
    const uint32_t other = copy_boot_l3(&other_l2);

    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l3, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l3, 0), -XEN_EINVAL);
    CHECK_EQ(make_writable(l3_va), -XEN_EBUSY);
    CHECK_EQ(make_writable(boot_l2(0)), -XEN_EBUSY);
    CHECK_EQ(make_writable(boot_l2(3)), -XEN_EBUSY);
    CHECK_EQ(make_writable(mfn_to_va(pte_to_mfn(boot_l2(0)[0]))), -XEN_EBUSY);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, l3, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, l3, 0), -XEN_EINVAL);
    CHECK_EQ(pte_of((unsigned long)l3_va) & PTE_RW, 0);

    /* Still running: memory, hypercalls, a new mapping. */
    CHECK_EQ(data[0], 0xba5e0001u);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, 0) >> 16, 4);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    CHECK_EQ(set_entry(va_to_mfn((void *)l1), 0, pte(va_to_mfn((void *)data), PTE_RW_FLAGS)), 0);
    CHECK_EQ(flush_va(SCRATCH_VA), 0);
    CHECK_EQ(peek(SCRATCH_VA), 0xba5e0001u);

    /* Pinned again, unpinned again, then left. */
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, l3, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l3, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, other, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, other, 0), 0);
    CHECK_EQ(data[0], 0xba5e0001u);
    CHECK_EQ(peek(SCRATCH_VA), 0xba5e0001u);         /* slot 0's L2 is shared */
    CHECK_EQ(make_writable(l3_va), 0);               /* released */
    CHECK_EQ(make_writable(boot_l2(3)), 0);          /* its own slot-3 L2 too */
    CHECK_EQ(make_writable(boot_l2(0)), -XEN_EBUSY); /* still used by the other L3 */
    CHECK_EQ(make_readonly(l3_va), 0);
    CHECK_EQ(make_readonly(boot_l2(3)), 0);

    /* Back: validated afresh. */
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, l3, 0), 0);
    CHECK_EQ(make_writable(l3_va), -XEN_EBUSY);
    CHECK_EQ(make_writable(boot_l2(3)), -XEN_EBUSY);
    CHECK_EQ(peek(SCRATCH_VA), 0xba5e0001u);
    CHECK_EQ(machine_to_phys_mapping[va_to_mfn((void *)data)], (unsigned long)data >> 12);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, l3, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, other, 0), 0);
}
