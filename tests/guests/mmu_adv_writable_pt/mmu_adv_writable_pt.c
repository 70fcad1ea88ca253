/*
 * Test guest "mmu_adv_writable_pt": no frame is ever both a page table and
 * writable by the guest (otherwise the guest could rewrite a validated
 * table behind the hypervisor's back and map anything):
 *  - a writable mapping of one of its own tables is refused with -EBUSY:
 *    the bootstrap L3, both bootstrap L2s, a bootstrap L1, an L1 it pinned
 *    and an L1 it hooked in; through mmu_update into a scratch L1 and
 *    through update_va_mapping of the table's own (read-only) va; the
 *    entry keeps its old value and a write to the table still faults;
 *  - typing a frame that is mapped writable as a table is refused with
 *    -EINVAL: pinning it as an L1/L2/L3, hooking it under an L2 or L3
 *    entry, making it the base table;
 *  - a table that maps itself, or its parent, writable is refused when it
 *    is validated (-EBUSY), by pin or by hooking;
 *  - a writable mapping hidden in an L1 that is not yet a table (written
 *    while the L1 was plain) is found when the L1 is validated: -EBUSY.
 * After all this the guest keeps running and its tables are intact.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static volatile uint64_t *l1;
static uint32_t l1_mfn;

static long uvm(unsigned long va, uint64_t val)
{
    return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), UVMF_INVLPG);
}

/* table_va (a read-only mapping of a table frame) cannot become writable. */
static void check_never_writable(volatile void *table_va, const char *what)
{
    const uint32_t mfn = va_to_mfn((void *)table_va);
    const uint64_t before = pte_of((unsigned long)table_va);
    unsigned int failed = checks_failed;
    CHECK_EQ(set_entry(l1_mfn, 0, pte(mfn, PTE_RW_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(set_entry(l1_mfn, 0, pte(mfn, PTE_P | PTE_RW)), -XEN_EBUSY);
    CHECK_EQ(mmu_update1(entry_ptr(l1_mfn, 0) | MMU_PT_UPDATE_PRESERVE_AD, pte(mfn, PTE_RW_FLAGS)),
             -XEN_EBUSY);
    CHECK_EQ(l1[0], pte(mfn, PTE_RO_FLAGS));                   /* the old, read-only entry */
    CHECK_EQ(uvm((unsigned long)table_va, pte(mfn, PTE_RW_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(pte_of((unsigned long)table_va), before);
    CHECK_EQ(write_faults((unsigned long)table_va + 8 * 300, 0x1234, 0), 1);
    if (checks_failed != failed)
        guest_printf("  ... %s\n", what);
}

static void test_tables_not_writable(void)
{
    SETUP(set_entry(l1_mfn, 0, pte(boot_l3_mfn(), PTE_RO_FLAGS)));
    check_never_writable(boot_l3(), "bootstrap L3");
    SETUP(set_entry(l1_mfn, 0, pte(boot_l2_mfn(0), PTE_RO_FLAGS)));
    check_never_writable(boot_l2(0), "bootstrap L2 slot 0");
    SETUP(set_entry(l1_mfn, 0, pte(boot_l2_mfn(3), PTE_RO_FLAGS)));
    check_never_writable(boot_l2(3), "bootstrap slot-3 L2");
    const uint32_t boot_l1 = pte_to_mfn(boot_l2(0)[0]);
    SETUP(set_entry(l1_mfn, 0, pte(boot_l1, PTE_RO_FLAGS)));
    check_never_writable(mfn_to_va(boot_l1), "bootstrap L1");
    uint64_t *pinned = new_table();
    const uint32_t pinned_mfn = seal_table(pinned);
    SETUP(mmuext1(MMUEXT_PIN_L1_TABLE, pinned_mfn, 0));
    SETUP(set_entry(l1_mfn, 0, pte(pinned_mfn, PTE_RO_FLAGS)));
    check_never_writable(pinned, "pinned L1");
    SETUP(set_entry(l1_mfn, 0, pte(l1_mfn, PTE_RO_FLAGS)));
    check_never_writable(l1, "hooked L1");
    SETUP(set_entry(l1_mfn, 0, 0));
}

static void test_writable_not_typed(void)
{
    volatile uint64_t *page = alloc_page();            /* mapped writable */
    const uint32_t mfn = va_to_mfn((void *)page);
    page[0] = 0;
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, mfn, 0), -XEN_EINVAL);
    const unsigned int slot = ((SCRATCH_VA >> 21) & 511) + 1;
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, pte(mfn, L2E_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(boot_l2(0)[slot], 0);
    CHECK_EQ(set_entry(boot_l3_mfn(), 1, pte(mfn, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(boot_l3()[1], 0);
    /* A second writable mapping elsewhere is enough. */
    SETUP(make_readonly(page));
    SETUP(set_entry(l1_mfn, 2, pte(mfn, PTE_RW_FLAGS)));
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, mfn, 0), -XEN_EINVAL);
    SETUP(set_entry(l1_mfn, 2, 0));
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, mfn, 0), 0);     /* now it may */
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0), 0);
}

static void test_self_writable(void)
{
    /* An L1 that maps itself writable. */
    uint64_t *self = new_table();
    const uint32_t self_mfn = va_to_mfn(self);
    self[9] = pte(self_mfn, PTE_RW_FLAGS);
    seal_table(self);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, self_mfn, 0), -XEN_EBUSY);
    const unsigned int slot = ((SCRATCH_VA >> 21) & 511) + 1;
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, pte(self_mfn, L2E_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(boot_l2(0)[slot], 0);

    /* An L1 mapping writable the L2 it is hooked into (the bootstrap one). */
    uint64_t *parent = new_table();
    parent[0] = pte(boot_l2_mfn(0), PTE_RW_FLAGS);
    const uint32_t parent_mfn = seal_table(parent);
    CHECK_EQ(set_entry(boot_l2_mfn(0), slot, pte(parent_mfn, L2E_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(boot_l2(0)[slot], 0);

    /* An L2 whose L1 maps that L2 writable: refused when the L2 is pinned. */
    uint64_t *l2 = new_table(), *inner = new_table();
    const uint32_t l2_mfn = va_to_mfn(l2);
    inner[0] = pte(l2_mfn, PTE_RW_FLAGS);
    l2[0] = pte(seal_table(inner), L2E_FLAGS);
    seal_table(l2);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, l2_mfn, 0), -XEN_EBUSY);
    CHECK_EQ(make_writable(l2), 0);                         /* nothing was kept */
    CHECK_EQ(make_writable(inner), 0);
}

void test_main(void)
{
    trap_install();
    l1 = scratch_l1(SCRATCH_VA);
    l1_mfn = va_to_mfn((void *)l1);
    test_tables_not_writable();
    test_writable_not_typed();
    test_self_writable();
    /* The guest's own tables are as they were. */
    CHECK_EQ(pte_of(start_info->pt_base) & (PTE_P | PTE_RW), PTE_P);
    CHECK_EQ(boot_l3()[0] & PTE_P, PTE_P);
    CHECK_EQ(boot_l3()[1], 0);
}
