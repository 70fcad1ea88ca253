/*
 * Test guest "mmu_adv_foreign": a guest may map only frames it owns. Every
 * way of reaching a frame that is not its own is refused, changes nothing,
 * and the guest keeps running:
 *  - an L1 entry (mmu_update, update_va_mapping; read-only or writable)
 *    naming mfn 0 or the M2P's frames (the hypervisor's): -EPERM; naming a
 *    frame beyond the end of memory (max_mfn + 1, and a huge one): -EINVAL;
 *    the entry keeps its old value and the va still reaches the old frame;
 *  - such a frame as an L1 under an L2 entry, or an L2 under an L3 entry:
 *    refused the same way, entries unchanged;
 *  - an mmu_update ptr inside such a frame (writing the hypervisor's
 *    memory through its machine address): -EPERM, or -EINVAL beyond
 *    memory; the M2P reads the same afterwards;
 *  - pinning it or making it the base table: -EPERM / -EINVAL.
 * The console names the domain and the owner ("owned by the hypervisor").
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
    page[0] = 0x0a0a0001u;
    const uint32_t mfn = va_to_mfn((void *)page);
    volatile uint64_t *l1 = scratch_l1(SCRATCH_VA);
    const uint32_t l1_mfn = va_to_mfn((void *)l1);
    const uint64_t good = pte(mfn, PTE_RW_FLAGS);
    SETUP(set_entry(l1_mfn, 0, good));
    SETUP(flush_va(SCRATCH_VA));

    const uint64_t max = (uint64_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0);
    const uint32_t m2p = m2p_first_mfn();
    const uint32_t m2p_sample[3] = { machine_to_phys_mapping[0], machine_to_phys_mapping[1],
                                     machine_to_phys_mapping[mfn] };
    static const uint64_t flags[] = { PTE_RO_FLAGS, PTE_RW_FLAGS };
    const struct { uint64_t mfn; long err; } bad[] = {
        { 0, -XEN_EPERM }, { m2p, -XEN_EPERM }, { m2p + 511, -XEN_EPERM },
        { max + 1, -XEN_EINVAL }, { 0xFFFFFFFFFull, -XEN_EINVAL },
    };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (unsigned int f = 0; f < 2; f++) {
            const uint64_t e = (bad[i].mfn << 12) | flags[f];
            CHECK_EQ(set_entry(l1_mfn, 0, e), bad[i].err);
            CHECK_EQ(set_entry(l1_mfn, 1, e), bad[i].err);
            CHECK_EQ(uvm(SCRATCH_VA, e), bad[i].err);
            CHECK_EQ(uvm(SCRATCH_VA + 4096, e), bad[i].err);
            CHECK_EQ(l1[0], good);
            CHECK_EQ(l1[1], 0);
        }
        /* as a table */
        const unsigned int slot = ((SCRATCH_VA >> 21) & 511) + 1;
        CHECK_EQ(set_entry(boot_l2_mfn(0), slot, (bad[i].mfn << 12) | L2E_FLAGS), bad[i].err);
        CHECK_EQ(boot_l2(0)[slot], 0);
        CHECK_EQ(set_entry(boot_l3_mfn(), 1, (bad[i].mfn << 12) | PTE_P), bad[i].err);
        CHECK_EQ(boot_l3()[1], 0);
        /* as the frame an update writes into */
        const long ptr_err = bad[i].err;
        CHECK_EQ(mmu_update1((bad[i].mfn << 12) | MMU_NORMAL_PT_UPDATE, 0x4141414141414141ull), ptr_err);
        CHECK_EQ(mmu_update1(((bad[i].mfn << 12) + 8) | MMU_PT_UPDATE_PRESERVE_AD, 0), ptr_err);
        /* pinned, or as the base */
        if (bad[i].mfn <= 0xFFFFFFFFu) {
            CHECK_EQ(mmuext1(MMUEXT_PIN_L1_TABLE, (uint32_t)bad[i].mfn, 0), bad[i].err);
            CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, (uint32_t)bad[i].mfn, 0), bad[i].err);
            CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, (uint32_t)bad[i].mfn, 0), bad[i].err);
        }
    }
    CHECK_EQ(machine_to_phys_mapping[0], m2p_sample[0]);
    CHECK_EQ(machine_to_phys_mapping[1], m2p_sample[1]);
    CHECK_EQ(machine_to_phys_mapping[mfn], m2p_sample[2]);

    /* Still running, still mapping its own frame. */
    CHECK_EQ(peek(SCRATCH_VA), 0x0a0a0001u);
    CHECK_EQ(set_entry(l1_mfn, 1, good), 0);
    CHECK_EQ(flush_va(SCRATCH_VA + 4096), 0);
    CHECK_EQ(peek(SCRATCH_VA + 4096), 0x0a0a0001u);
}
