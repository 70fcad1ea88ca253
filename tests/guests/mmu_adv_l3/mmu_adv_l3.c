/*
 * Test guest "mmu_adv_l3": the rules that keep a PAE guest's L3 safe when
 * the hardware runs it as the lower part of 4-level paging (L4 slot 0
 * points at it, so every L3 entry covers 1 GiB of the hypervisor's own
 * address space):
 *  - a recursive L3 entry (a slot pointing at the L3 itself, or at another
 *    L3 in use) is refused with -EINVAL: such an entry would expose the
 *    tables writable-through-themselves;
 *  - slot 3 holds the hypervisor L2 and cannot be changed by mmu_update
 *    (-EINVAL), nor can slots 4-511 (there are none for PAE);
 *  - an L3 with a present entry in slots 4..511 is refused when pinned or
 *    made the base (-EINVAL); so is one without slot 3;
 *  - the slot-3 L2 cannot be shared: a second L3 using the bootstrap one
 *    in its slot 3 is refused; nor can it appear in slots 0-2, nor can an
 *    L2 already in use in slot 0 become another L3's slot-3 L2;
 *  - an L3 entry with bits other than P, RW, U, A, D and 9-11 (PWT, PCD,
 *    PS, G, NX) is refused;
 * each time the bootstrap L3 is unchanged and the guest keeps running.
 */
#include "pt.h"

static uint64_t saved[4];

static void check_l3_intact(void)
{
    for (unsigned int s = 0; s < 4; s++)
        CHECK_EQ(boot_l3()[s], saved[s]);
}

/* An L3 page with the given slot values (0 = empty), sealed, not pinned. */
static uint32_t l3_with(uint64_t s0, uint64_t s3, unsigned int extra_slot, uint64_t extra)
{
    uint64_t *t = new_table();
    t[0] = s0;
    t[3] = s3;
    if (extra_slot)
        t[extra_slot] = extra;
    return seal_table(t);
}

void test_main(void)
{
    trap_install();
    for (unsigned int s = 0; s < 4; s++)
        saved[s] = boot_l3()[s];
    const uint32_t l3 = boot_l3_mfn();

    /* Recursive: itself, and another L3 in use (pinned). */
    CHECK_EQ(set_entry(l3, 1, pte(l3, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 2, pte(l3, PTE_P | PTE_RW | PTE_U)), -XEN_EINVAL);
    check_l3_intact();
    uint32_t other_l2 = 0;
    const uint32_t other = copy_boot_l3(&other_l2);
    SETUP(mmuext1(MMUEXT_PIN_L3_TABLE, other, 0));
    CHECK_EQ(set_entry(l3, 1, pte(other, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(other, 1, pte(l3, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(other, 2, pte(other, PTE_P)), -XEN_EINVAL);
    check_l3_intact();

    /* Slot 3 and the slots that do not exist. */
    uint64_t *l2 = new_table();
    const uint32_t l2_mfn = seal_table(l2);
    CHECK_EQ(set_entry(l3, 3, pte(l2_mfn, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 3, 0), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 3, saved[3]), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 4, pte(l2_mfn, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 511, pte(l2_mfn, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(mmu_update1(entry_ptr(l3, 3) | MMU_PT_UPDATE_PRESERVE_AD, 0), -XEN_EINVAL);
    check_l3_intact();
    CHECK_EQ(((volatile uint64_t *)boot_l3())[4], 0);
    CHECK_EQ(((volatile uint64_t *)boot_l3())[511], 0);

    /* A fresh L3 with slot 4 or 511 present, or no slot 3. */
    uint64_t *own_l2 = new_table();
    const uint32_t own_l2_mfn = seal_table(own_l2);
    uint64_t *own_l2b = new_table();
    const uint32_t own_l2b_mfn = seal_table(own_l2b);
    const uint32_t bad4 = l3_with(0, pte(own_l2_mfn, PTE_P), 4, pte(own_l2b_mfn, PTE_P));
    const uint32_t bad511 = l3_with(0, pte(own_l2_mfn, PTE_P), 511, pte(own_l2b_mfn, PTE_P));
    const uint32_t no3 = l3_with(saved[0], 0, 0, 0);
    const uint32_t bads[] = { bad4, bad511, no3 };
    for (unsigned int i = 0; i < 3; i++) {
        CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, bads[i], 0), -XEN_EINVAL);
        CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, bads[i], 0), -XEN_EINVAL);
    }
    CHECK_EQ(make_writable(own_l2), 0);                 /* nothing kept a reference */
    CHECK_EQ(make_readonly(own_l2), 0);

    /* The slot-3 L2 is not shared. */
    const uint32_t boot_l2_3 = boot_l2_mfn(3);
    const uint32_t sharing = l3_with(saved[0], pte(boot_l2_3, PTE_P), 0, 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, sharing, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, sharing, 0), -XEN_EINVAL);
    CHECK_EQ(set_entry(l3, 1, pte(boot_l2_3, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(other, 1, pte(other_l2, PTE_P)), -XEN_EINVAL);
    CHECK_EQ(set_entry(other, 1, pte(boot_l2_3, PTE_P)), -XEN_EINVAL);
    const uint32_t slot0_as_3 = l3_with(0, pte(boot_l2_mfn(0), PTE_P), 0, 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, slot0_as_3, 0), -XEN_EINVAL);
    check_l3_intact();

    /* Flags. */
    static const uint64_t bad_flags[] = { PTE_PWT, PTE_PCD, PTE_PSE, PTE_G, PTE_NX, 1ull << 52 };
    for (unsigned int i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++)
        CHECK_EQ(set_entry(l3, 1, pte(l2_mfn, PTE_P | bad_flags[i])), -XEN_EINVAL);
    check_l3_intact();
    /* The allowed ones, for contrast. */
    CHECK_EQ(set_entry(l3, 1, pte(l2_mfn, PTE_P | PTE_A | PTE_D | PTE_AVAIL)), 0);
    CHECK_EQ(boot_l3()[1], pte(l2_mfn, PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D | PTE_AVAIL));
    CHECK_EQ(set_entry(l3, 1, 0), 0);
    check_l3_intact();

    /* Still running on it. */
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, other, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, l3, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, other, 0), 0);
}
