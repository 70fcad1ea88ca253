/*
 * Test guest "mmu_update_plain": MMU_NORMAL_PT_UPDATE aimed at a frame that
 * is not a page table writes the 8 bytes there, as on Xen (a kernel may
 * write any frame it could map writable this way):
 *  - into a page mapped writable (seen through that mapping at once), at
 *    the first and the last 8-byte slot, the neighbours untouched;
 *  - into a page with no mapping at all (seen once it is mapped again);
 *  - a value that looks like a page-table entry is just data there: it is
 *    not validated (here: an entry mapping mfn 0, the hypervisor's);
 *  - a descriptor frame (the guest's GDT) can never be writable, so the
 *    write is refused with -EINVAL and the frame keeps its contents.
 */
#include "pt.h"

void test_main(void)
{
    trap_install();
    volatile uint64_t *page = alloc_page();
    const uint32_t mfn = va_to_mfn((void *)page);
    page[1] = 0x1111;
    page[510] = 0x2222;

    CHECK_EQ(set_entry(mfn, 0, 0x0123456789abcdefull), 0);
    CHECK_EQ(page[0], 0x0123456789abcdefull);
    CHECK_EQ(set_entry(mfn, 511, 0xfedcba9876543210ull), 0);
    CHECK_EQ(page[511], 0xfedcba9876543210ull);
    CHECK_EQ(page[1], 0x1111);
    CHECK_EQ(page[510], 0x2222);
    CHECK_EQ(set_entry(mfn, 2, pte(0, PTE_RW_FLAGS)), 0);
    CHECK_EQ(page[2], pte(0, PTE_RW_FLAGS));

    /* No mapping at all. */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)page, 0, 0, UVMF_INVLPG), 0);
    CHECK_EQ(read_faults((unsigned long)page, 0, 0), 1);
    CHECK_EQ(set_entry(mfn, 3, 0x3333333344444444ull), 0);
    CHECK_EQ(make_writable(page), 0);
    CHECK_EQ(page[3], 0x3333333344444444ull);
    CHECK_EQ(page[0], 0x0123456789abcdefull);

    /* A GDT frame (all zero descriptors: not present, so safe). */
    volatile uint64_t *gdt = alloc_page();
    gdt[5] = 0;
    SETUP(make_readonly(gdt));
    unsigned long gdt_mfn = va_to_mfn((void *)gdt);
    SETUP(HYPERVISOR_set_gdt(&gdt_mfn, 512));
    CHECK_EQ(set_entry((uint32_t)gdt_mfn, 5, 0x00cf9a000000ffffull), -XEN_EINVAL);
    CHECK_EQ(gdt[5], 0);
    SETUP(HYPERVISOR_set_gdt(0, 0));
    /* No longer a descriptor frame: writable again. */
    CHECK_EQ(set_entry((uint32_t)gdt_mfn, 5, 0x1234), 0);
    CHECK_EQ(gdt[5], 0x1234);
}
