/*
 * Test guest "mmu_machphys": MMU_MACHPHYS_UPDATE sets the M2P entry of a
 * frame the guest owns (ptr = its machine address | 1, val = the pfn),
 * as a kernel does when it exchanges frames:
 *  - the new value reads back at once through the read-only
 *    machine_to_phys_mapping at 0xF5800000; the page offset in ptr is
 *    ignored (Xen uses ptr >> 12); several updates in one batch apply in
 *    order; the old value can be put back;
 *  - the guest cannot change the M2P directly (its mapping is read-only:
 *    a write is a #PF and changes nothing);
 *  - frames it does not own (mfn 0 and the M2P's own frames, both the
 *    hypervisor's, and a frame beyond the end of memory) are refused with
 *    -EPERM and their M2P entries stay as they were.
 */
#include "pt.h"

static long machphys(uint64_t mfn, uint32_t pfn, unsigned int offset)
{
    return mmu_update1(((mfn << 12) + offset) | MMU_MACHPHYS_UPDATE, pfn);
}

void test_main(void)
{
    trap_install();
    void *page = alloc_page();
    const uint32_t mfn = va_to_mfn(page), pfn = (unsigned long)page >> 12;
    CHECK_EQ(machine_to_phys_mapping[mfn], pfn);

    CHECK_EQ(machphys(mfn, 0x12345, 0), 0);
    CHECK_EQ(machine_to_phys_mapping[mfn], 0x12345);
    CHECK_EQ(machphys(mfn, 0x777, 0xff8), 0);
    CHECK_EQ(machine_to_phys_mapping[mfn], 0x777);

    mmu_update_t reqs[3] = {
        { ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, 1 },
        { ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, 2 },
        { ((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, pfn },
    };
    unsigned int done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update(reqs, 3, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 3);
    CHECK_EQ(machine_to_phys_mapping[mfn], pfn);

    uint32_t err = 0;
    CHECK_EQ(write_faults((unsigned long)&machine_to_phys_mapping[mfn], 5, &err), 1);
    CHECK_EQ(err, 3);
    CHECK_EQ(machine_to_phys_mapping[mfn], pfn);

    const uint64_t max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0);
    const uint64_t m2p = m2p_first_mfn();
    const uint64_t others[] = { 0, m2p, m2p + 1, max + 1 };
    for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        uint32_t before = machine_to_phys_mapping[others[i]];
        CHECK_EQ(machphys(others[i], 0x4242, 0), -XEN_EPERM);
        CHECK_EQ(machine_to_phys_mapping[others[i]], before);
    }
}
