/*
 * Test guest "mmuext_baseptr": MMUEXT_NEW_BASEPTR switches the address
 * space (a kernel's context switch):
 *  - to a second L3 the guest built (slots 0-2 shared with the bootstrap
 *    L3, its own copy of the slot-3 L2, which cannot be shared): the code,
 *    stack and data keep running through the new tables; %cr3 names the
 *    new L3; a mapping present only in the new tables is seen, and gone
 *    again after switching back;
 *  - the new L3 need not be pinned: it is validated when it becomes the
 *    base and released (an ordinary page again) once the guest leaves it;
 *    a pinned one stays a table;
 *  - naming the current L3 again is fine;
 *  - refusals leave the base as it was: a frame mapped writable (-EINVAL),
 *    a frame in use as an L2 (-EINVAL), an L3 whose slot 3 is empty
 *    (-EINVAL); MMUEXT_NEW_USER_BASEPTR is for 64-bit guests: -EINVAL.
 */
#include "pt.h"

#define VA_SLOT3_427 0xF5600000ul

static uint32_t read_cr3(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *data = alloc_page();
    data[0] = 0xdada0001u;
    uint64_t *l1 = new_table();
    l1[0] = pte(va_to_mfn((void *)data), PTE_RW_FLAGS);
    const uint32_t l1_mfn = seal_table(l1);
    const uint32_t boot = boot_l3_mfn();
    CHECK_EQ(read_cr3(), boot << 12);

    uint32_t l2_mfn = 0;
    const uint32_t other = copy_boot_l3(&l2_mfn);
    uint64_t *other_l3 = mfn_to_va(other), *other_l2 = mfn_to_va(l2_mfn);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, other, 0), 0);
    CHECK_EQ(read_cr3(), other << 12);
    CHECK_EQ(data[0], 0xdada0001u);                  /* data and stack still there */
    CHECK_EQ(make_writable(other_l3), -XEN_EBUSY);   /* validated as the base */
    CHECK_EQ(make_writable(other_l2), -XEN_EBUSY);
    CHECK_EQ(other_l2[L2_SLOT3_GUEST_ENTRIES] & PTE_P, PTE_P);  /* hypervisor part filled */
    CHECK_EQ(machine_to_phys_mapping[va_to_mfn((void *)data)], (unsigned long)data >> 12);

    /* Entry 427 of the new slot-3 L2 exists only in this address space. */
    CHECK_EQ(set_entry(l2_mfn, 427, pte(l1_mfn, L2E_FLAGS)), 0);
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
    CHECK_EQ(peek(VA_SLOT3_427), 0xdada0001u);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot, 0), 0);
    CHECK_EQ(read_cr3(), boot << 12);
    CHECK_EQ(read_faults(VA_SLOT3_427, 0, 0), 1);

    /* Left unpinned, it is released: every frame plain again. */
    CHECK_EQ(make_writable(other_l3), 0);
    CHECK_EQ(make_writable(other_l2), 0);
    CHECK_EQ(make_writable(l1), 0);
    CHECK_EQ(make_readonly(other_l3), 0);
    CHECK_EQ(make_readonly(other_l2), 0);
    CHECK_EQ(make_readonly(l1), 0);

    /* Pinned, it stays a table after the guest leaves it. */
    CHECK_EQ(mmuext1(MMUEXT_PIN_L3_TABLE, other, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, other, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, other, 0), 0);  /* the same again */
    CHECK_EQ(peek(VA_SLOT3_427), 0xdada0001u);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot, 0), 0);
    CHECK_EQ(make_writable(other_l3), -XEN_EBUSY);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot, 0), 0);
    CHECK_EQ(read_cr3(), boot << 12);

    /* Refused: the base stays. */
    uint64_t *no_slot3 = new_table();
    no_slot3[0] = boot_l3()[0];
    const uint32_t no_slot3_mfn = seal_table(no_slot3);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, va_to_mfn((void *)data), 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot_l2_mfn(0), 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, no_slot3_mfn, 0), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_NEW_USER_BASEPTR, other, 0), -XEN_EINVAL);
    CHECK_EQ(read_cr3(), boot << 12);
    CHECK_EQ(data[0], 0xdada0001u);
}
