/*
 * Test guest "mmuext_page": MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE, the
 * hypervisor zeroing or copying a whole frame for the guest (a kernel may
 * use them for frames it has not mapped):
 *  - CLEAR_PAGE zeroes all 4096 bytes of a frame the guest owns, mapped
 *    or not; COPY_PAGE (arg1 = destination, arg2 = source) copies all of
 *    them; a page table may be the source (it is readable anyway);
 *  - the destination must be able to be writable: a page table (the
 *    guest's bootstrap L1, a pinned L1, the L3 in use) or a GDT frame as
 *    the target is refused with -EINVAL and keeps its contents;
 *  - frames that are not the guest's: -EPERM (the hypervisor's mfn 0 or
 *    the M2P, as target or as source: nothing written, nothing read out);
 *    a frame beyond the end of memory: -EINVAL.
 */
#include "pt.h"

static int all_bytes(const volatile uint8_t *p, uint8_t v)
{
    for (unsigned int i = 0; i < GUEST_PAGE_SIZE; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

void test_main(void)
{
    trap_install();
    volatile uint8_t *src = alloc_page(), *dst = alloc_page();
    for (unsigned int i = 0; i < GUEST_PAGE_SIZE; i++)
        src[i] = (uint8_t)(i * 7 + 1);
    memset((void *)dst, 0x55, GUEST_PAGE_SIZE);
    const uint32_t src_mfn = va_to_mfn((void *)src), dst_mfn = va_to_mfn((void *)dst);

    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, src_mfn), 0);
    CHECK_EQ(memcmp((void *)dst, (void *)src, GUEST_PAGE_SIZE), 0);
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, dst_mfn, 0), 0);
    CHECK(all_bytes(dst, 0));

    /* A frame with no mapping. */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)dst, 0, 0, UVMF_INVLPG), 0);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, src_mfn), 0);
    CHECK_EQ(make_writable(dst), 0);
    CHECK_EQ(memcmp((void *)dst, (void *)src, GUEST_PAGE_SIZE), 0);

    /* A page table as the source. */
    const uint32_t boot_l1_mfn = pte_to_mfn(boot_l2(0)[0]);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, boot_l1_mfn), 0);
    CHECK_EQ(memcmp((void *)dst, mfn_to_va(boot_l1_mfn), GUEST_PAGE_SIZE), 0);

    /* Tables and descriptor frames are never targets. */
    uint64_t *pinned = new_table();
    const uint32_t pinned_mfn = seal_table(pinned);
    SETUP(mmuext1(MMUEXT_PIN_L1_TABLE, pinned_mfn, 0));
    volatile uint8_t *gdt = alloc_page();
    SETUP(make_readonly(gdt));
    unsigned long gdt_mfn = va_to_mfn((void *)gdt);
    SETUP(HYPERVISOR_set_gdt(&gdt_mfn, 16));
    const uint32_t targets[] = { boot_l1_mfn, pinned_mfn, boot_l3_mfn(), boot_l2_mfn(3), (uint32_t)gdt_mfn };
    for (unsigned int i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        uint8_t before[64];
        memcpy(before, mfn_to_va(targets[i]), sizeof(before));
        CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, targets[i], 0), -XEN_EINVAL);
        CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, targets[i], src_mfn), -XEN_EINVAL);
        CHECK_EQ(memcmp(before, mfn_to_va(targets[i]), sizeof(before)), 0);
    }
    SETUP(HYPERVISOR_set_gdt(0, 0));

    /* Not the guest's. */
    const uint32_t m2p = m2p_first_mfn();
    const uint32_t m2p0 = machine_to_phys_mapping[0];
    memset((void *)dst, 0x66, GUEST_PAGE_SIZE);
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, 0, 0), -XEN_EPERM);
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, m2p, 0), -XEN_EPERM);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, m2p, src_mfn), -XEN_EPERM);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, m2p), -XEN_EPERM);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, 0), -XEN_EPERM);
    CHECK(all_bytes(dst, 0x66));
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK_EQ(machine_to_phys_mapping[src_mfn], (unsigned long)src >> 12);
    const uint32_t beyond = (uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, 0) + 1;
    CHECK_EQ(mmuext1(MMUEXT_CLEAR_PAGE, beyond, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_COPY_PAGE, dst_mfn, beyond), -XEN_EINVAL);
}
