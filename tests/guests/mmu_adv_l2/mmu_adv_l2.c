/*
 * Test guest "mmu_adv_l2": what an L2 entry may not do.
 *  - The hypervisor part of the slot-3 L2 (entries 428-511: the read-only
 *    M2P at 0xF5800000 and the rest of the hypervisor hole) is not the
 *    guest's: mmu_update of those entries is refused with -EPERM (as Xen
 *    does), whatever the value (even the value already there, even 0);
 *    the entries and the M2P are unchanged and the M2P still readable.
 *  - In a new slot-3 L2 the guest may write anything into 428-511 while it
 *    is a plain page: when it is validated (here, by pinning its L3) the
 *    hypervisor fills that part itself, so it reads back as the M2P
 *    mapping, not as what the guest wrote.
 *  - Superpages: an L2 entry with PSE (a 2 MiB mapping that would bypass
 *    the L1 checks, here of frame 0) is refused with -EINVAL, in the
 *    slot-0 L2 and in the guest part of the slot-3 L2, by mmu_update and
 *    inside an L2 being pinned; so are PWT, PCD and G in an L2 entry.
 */
#include "pt.h"

#define SLOT ((0x10000000ul >> 21) & 511)

void test_main(void)
{
    trap_install();
    const uint32_t l2_3 = boot_l2_mfn(3);
    volatile uint64_t *hyp = boot_l2(3);
    uint64_t saved[512 - L2_SLOT3_GUEST_ENTRIES];
    for (unsigned int i = L2_SLOT3_GUEST_ENTRIES; i < 512; i++)
        saved[i - L2_SLOT3_GUEST_ENTRIES] = hyp[i];
    const uint32_t m2p0 = machine_to_phys_mapping[0];

    uint64_t *l1 = new_table();
    const uint32_t l1_mfn = seal_table(l1);
    static const unsigned int slots[] = { 428, 429, 430, 440, 500, 511 };
    for (unsigned int i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
        const unsigned int s = slots[i];
        CHECK_EQ(set_entry(l2_3, s, pte(l1_mfn, L2E_FLAGS)), -XEN_EPERM);
        CHECK_EQ(set_entry(l2_3, s, 0), -XEN_EPERM);
        CHECK_EQ(set_entry(l2_3, s, hyp[s]), -XEN_EPERM);
        CHECK_EQ(mmu_update1(entry_ptr(l2_3, s) | MMU_PT_UPDATE_PRESERVE_AD, 0), -XEN_EPERM);
    }
    unsigned int changed = 0;
    for (unsigned int i = L2_SLOT3_GUEST_ENTRIES; i < 512; i++)
        changed += hyp[i] != saved[i - L2_SLOT3_GUEST_ENTRIES];
    CHECK_EQ(changed, 0);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK_EQ(make_writable(l1), 0);                    /* no reference was kept */
    CHECK_EQ(make_readonly(l1), 0);

    /* A new slot-3 L2 whose hypervisor part the guest scribbled on. */
    uint64_t *l2 = new_table(), *l3 = new_table();
    for (unsigned int i = 0; i < L2_SLOT3_GUEST_ENTRIES; i++)
        l2[i] = hyp[i];
    for (unsigned int i = L2_SLOT3_GUEST_ENTRIES; i < 512; i++)
        l2[i] = pte(0, PTE_P | PTE_RW | PTE_U | PTE_PSE);   /* frame 0, writable */
    for (unsigned int s = 0; s < 3; s++)
        l3[s] = boot_l3()[s];
    l3[3] = pte(seal_table(l2), PTE_P);
    const uint32_t l3_mfn = seal_table(l3);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, l3_mfn, 0), 0);
    for (unsigned int i = L2_SLOT3_GUEST_ENTRIES; i < 512; i++)
        changed += l2[i] != saved[i - L2_SLOT3_GUEST_ENTRIES];
    CHECK_EQ(changed, 0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, l3_mfn, 0), 0);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot_l3_mfn(), 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, l3_mfn, 0), 0);

    /* PSE and the cache bits. */
    static const uint64_t bad[] = { PTE_PSE, PTE_PWT, PTE_PCD, PTE_G };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ(set_entry(boot_l2_mfn(0), SLOT, pte(l1_mfn, L2E_FLAGS | bad[i])), -XEN_EINVAL);
        CHECK_EQ(set_entry(boot_l2_mfn(0), SLOT, pte(0, L2E_FLAGS | bad[i])), -XEN_EINVAL);
        CHECK_EQ(set_entry(l2_3, 427, pte(l1_mfn, L2E_FLAGS | bad[i])), -XEN_EINVAL);
    }
    CHECK_EQ(boot_l2(0)[SLOT], 0);
    CHECK_EQ(hyp[427], 0);
    uint64_t *pse_l2 = new_table();
    pse_l2[7] = pte(va_to_mfn(alloc_page()) & ~511u, L2E_FLAGS | PTE_PSE);
    const uint32_t pse_l2_mfn = seal_table(pse_l2);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L2_TABLE, pse_l2_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(read_faults(0x10000000ul, 0, 0), 1);
}
