/*
 * Test guest "mmuext_pin": MMUEXT_PIN_L1/L2/L3_TABLE and MMUEXT_UNPIN_TABLE,
 * which a kernel uses to keep a table validated while nothing points to
 * it (Linux pins every process's page tables):
 *  - pinning a sealed L1, L2 (with an L1 under it) and L3 (a copy of the
 *    bootstrap one) returns 0; while pinned they are page tables: no
 *    writable mapping of them (-EBUSY), nor of what they reference;
 *  - pinning a pinned frame again: -EINVAL, whatever the level asked;
 *    MMUEXT_PIN_L4_TABLE: -EINVAL (PAE guests have no L4);
 *  - pinning as another level a frame in use as a table: -EINVAL;
 *  - unpinning returns 0 and the frame (and what it referenced) is an
 *    ordinary page again; unpinning a frame that is not pinned (plain, or
 *    a table that is in use but not pinned): -EINVAL;
 *  - a pinned L1 can be hooked into an L2 (the pin and the L2 entry each
 *    hold it), and it stays a table after either goes.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

void test_main(void)
{
    trap_install();
    volatile uint32_t *data = alloc_page();
    data[0] = 0xdada0001u;
    const uint32_t data_mfn = va_to_mfn((void *)data);

    uint64_t *l1 = new_table();
    l1[0] = pte(data_mfn, PTE_RW_FLAGS);
    const uint32_t l1_mfn = seal_table(l1);
    uint64_t *l1b = new_table();
    const uint32_t l1b_mfn = seal_table(l1b);
    uint64_t *l2 = new_table();
    l2[0] = pte(l1b_mfn, L2E_FLAGS);
    const uint32_t l2_mfn = seal_table(l2);
    uint32_t l3_mfn = copy_boot_l3(0);
    uint64_t *l3 = mfn_to_va(l3_mfn);

    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, l1_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, l2_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, l3_mfn, 0), 0);
    CHECK_EQ(make_writable(l1), -XEN_EBUSY);
    CHECK_EQ(make_writable(l2), -XEN_EBUSY);
    CHECK_EQ(make_writable(l1b), -XEN_EBUSY);           /* validated under the L2 */
    CHECK_EQ(make_writable(l3), -XEN_EBUSY);
    CHECK_EQ(pte_of((unsigned long)l1) & PTE_RW, 0);

    /* Twice, or as something else. */
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, l1_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, l1_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, l3_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L4_TABLE, l3_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L4_TABLE, va_to_mfn(alloc_page()), 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, l1b_mfn, 0), -XEN_EINVAL);  /* in use as L1 */
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, boot_l2_mfn(0), 0), -XEN_EINVAL);

    /* Not pinned. */
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, data_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l1b_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, boot_l2_mfn(0), 0), -XEN_EINVAL);

    /* The pinned L1 hooked in as well. */
    const unsigned int slot = (SCRATCH_VA >> 21) & 511;
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, pte(l1_mfn, L2E_FLAGS)), 0);
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    CHECK_EQ(peek(SCRATCH_VA), 0xdada0001u);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l1_mfn, 0), 0);
    CHECK_EQ(make_writable(l1), -XEN_EBUSY);            /* still hooked */
    CHECK_EQ(peek(SCRATCH_VA), 0xdada0001u);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, l1_mfn, 0), 0);
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    CHECK_EQ(make_writable(l1), -XEN_EBUSY);            /* still pinned */

    /* Unpin everything: plain pages again. */
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l1_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l2_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l3_mfn, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l1_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(make_writable(l1), 0);
    CHECK_EQ(make_writable(l2), 0);
    CHECK_EQ(make_writable(l1b), 0);
    CHECK_EQ(make_writable(l3), 0);
    l1[1] = 1;                                           /* really writable */
    CHECK_EQ(l1[1], 1);
}
