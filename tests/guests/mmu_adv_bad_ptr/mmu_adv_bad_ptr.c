/*
 * Test guest "mmu_adv_bad_ptr": every guest pointer the MMU hypercalls take
 * is checked on access; a bad one gives -EFAULT (never a hypervisor fault,
 * never a write where the guest may not write):
 *  - reqs / ops at an unmapped page, straddling into one, or in the
 *    hypervisor area above the mapped M2P (bad_ptr.h): -EFAULT, nothing
 *    applied, done 0;
 *  - done at the read-only M2P, at a read-only page table of the guest, at
 *    an unmapped page, straddling into one, or in the hypervisor area:
 *    -EFAULT, the M2P / page table unchanged (the requests themselves are
 *    applied: they were valid);
 *  - update_va_mapping of a va in the hypervisor area (the M2P included):
 *    -EINVAL, the M2P mapping intact.
 * The guest keeps running and the hypercalls work normally afterwards.
 */
#include "pt.h"
#include "bad_ptr.h"

static volatile uint64_t *target;
static uint32_t target_mfn;

static void fill(mmu_update_t *r, uint64_t v)
{
    r->ptr = entry_ptr(target_mfn, 0) | MMU_NORMAL_PT_UPDATE;
    r->val = v;
}

void test_main(void)
{
    trap_install();
    check_bad_ptr_layout();
    target = alloc_page();
    target_mfn = va_to_mfn((void *)target);
    const uint32_t m2p0 = machine_to_phys_mapping[0];
    const uint64_t l3_0 = boot_l3()[0];

    /* Unreadable request arrays. */
    unsigned long bad_in[2 + NR_HYPERVISOR_AREA_VAS];
    bad_in[0] = unmapped_va();
    bad_in[1] = straddling_va(8);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        bad_in[2 + i] = hypervisor_area_vas[i];
    for (unsigned int i = 0; i < sizeof(bad_in) / sizeof(bad_in[0]); i++) {
        unsigned int done = 99;
        if (i == 1)                                        /* half a request */
            *(volatile uint64_t *)bad_in[1] = entry_ptr(target_mfn, 0) | MMU_NORMAL_PT_UPDATE;
        CHECK_EQ(HYPERVISOR_mmu_update((void *)bad_in[i], 1, &done, DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(done, 0);
        done = 99;
        CHECK_EQ(HYPERVISOR_mmuext_op((void *)bad_in[i], 1, &done, DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(done, 0);
    }
    CHECK_EQ(target[0], 0);

    /* Unwritable done. */
    unsigned long bad_out[4 + NR_HYPERVISOR_AREA_VAS];
    bad_out[0] = (unsigned long)&machine_to_phys_mapping[0];
    bad_out[1] = start_info->pt_base;
    bad_out[2] = unmapped_va();
    bad_out[3] = straddling_va(2);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        bad_out[4 + i] = hypervisor_area_vas[i];
    for (unsigned int i = 0; i < sizeof(bad_out) / sizeof(bad_out[0]); i++) {
        mmu_update_t r;
        fill(&r, 0x100 + i);
        CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, (unsigned int *)bad_out[i], DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(target[0], 0x100 + i);
        struct mmuext_op op;
        memset(&op, 0, sizeof(op));
        op.cmd = MMUEXT_TLB_FLUSH_LOCAL;
        CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, (unsigned int *)bad_out[i], DOMID_SELF), -XEN_EFAULT);
    }
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK_EQ(boot_l3()[0], l3_0);
    CHECK_EQ(boot_l3()[1], 0);

    /* update_va_mapping into the hypervisor area. */
    const uint64_t e = pte(target_mfn, PTE_RW_FLAGS);
    CHECK_EQ(HYPERVISOR_update_va_mapping(MACH2PHYS_VIRT_START, (uint32_t)e, 0, UVMF_INVLPG), -XEN_EINVAL);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_update_va_mapping(hypervisor_area_vas[i], (uint32_t)e, 0, UVMF_INVLPG),
                 -XEN_EINVAL);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK_EQ(machine_to_phys_mapping[target_mfn], (unsigned long)target >> 12);

    /* Business as usual. */
    unsigned int done = 99;
    mmu_update_t r;
    fill(&r, 0x4242);
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 1);
    CHECK_EQ(target[0], 0x4242);
}
