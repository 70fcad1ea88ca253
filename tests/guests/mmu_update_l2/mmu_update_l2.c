/*
 * Test guest "mmu_update_l2": MMU_NORMAL_PT_UPDATE on L2 and L3 entries,
 * i.e. hooking whole tables into a live address space:
 *  - an L1 written while it was a plain page, then mapped read-only, can be
 *    hooked into an empty slot of a live L2, which makes its mappings
 *    reachable; it is validated on the way in, so from then on it cannot
 *    be mapped writable (-EBUSY); once unhooked (and flushed) its vas
 *    fault and it is an ordinary page again (writable mapping allowed);
 *  - replacing an L2 entry's L1 with another switches the 2 MiB at once;
 *  - an L2 entry without RW makes the 2 MiB read-only whatever the L1
 *    entries say (a write is a #PF with P|W);
 *  - one L1 may be hooked into two L2 slots;
 *  - the guest part of the slot-3 L2 (entries below 428) is the guest's:
 *    an L1 hooked at entry 427 maps 0xF5600000;
 *  - a new L2 in the empty L3 slot 1 maps 0x40000000, its L1 and the L2
 *    itself become page tables; the hypervisor adds RW|U to the L3 entry
 *    (a P-only entry reads back as ...007, as on Xen); slot 1 can be
 *    emptied again, which releases both.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul
#define SLOT ((SCRATCH_VA >> 21) & 511)
#define VA_SLOT3_427 0xF5600000ul
#define VA_L3_SLOT1 0x40000000ul

static volatile uint32_t *page_a, *page_b;
static uint32_t mfn_a, mfn_b;

static void flush_all(void)
{
    SETUP(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0));
}

/* An L1 mapping a at entry 0 and b (if not 0) at entry 1, sealed. */
static uint64_t *make_l1(uint32_t a, uint32_t b)
{
    uint64_t *t = new_table();
    t[0] = pte(a, PTE_RW_FLAGS);
    if (b)
        t[1] = pte(b, PTE_RW_FLAGS);
    seal_table(t);
    return t;
}

static void test_hook_l1(void)
{
    const uint32_t l2 = boot_l2_mfn(0);
    uint64_t *x = make_l1(mfn_a, mfn_b), *y = make_l1(mfn_b, 0);
    const uint32_t x_mfn = va_to_mfn(x), y_mfn = va_to_mfn(y);
    CHECK_EQ(read_faults(SCRATCH_VA, 0, 0), 1);

    /* Hook X: both of its mappings work. */
    CHECK_EQ(set_entry(l2, SLOT, pte(x_mfn, L2E_FLAGS)), 0);
    CHECK_EQ(boot_l2(0)[SLOT], pte(x_mfn, L2E_FLAGS));
    flush_all();
    CHECK_EQ(peek(SCRATCH_VA), 0xaaaa0001u);
    CHECK_EQ(peek(SCRATCH_VA + 4096), 0xbbbb0002u);
    /* X is a page table now: no writable mapping of it. */
    CHECK_EQ(make_writable(x), -XEN_EBUSY);
    CHECK_EQ(pte_of((unsigned long)x), pte(x_mfn, PTE_RO_FLAGS));

    /* Replace X by Y. */
    CHECK_EQ(set_entry(l2, SLOT, pte(y_mfn, L2E_FLAGS)), 0);
    flush_all();
    CHECK_EQ(peek(SCRATCH_VA), 0xbbbb0002u);
    CHECK_EQ(read_faults(SCRATCH_VA + 4096, 0, 0), 1);
    /* X is plain again: it may be written. */
    CHECK_EQ(make_writable(x), 0);
    x[2] = pte(mfn_a, PTE_RW_FLAGS);
    CHECK_EQ(make_readonly(x), 0);

    /* An L2 entry without RW: the 2 MiB is read-only. */
    uint32_t err = 0;
    CHECK_EQ(set_entry(l2, SLOT, pte(y_mfn, L2E_FLAGS & ~PTE_RW)), 0);
    flush_all();
    CHECK_EQ(peek(SCRATCH_VA), 0xbbbb0002u);
    CHECK_EQ(write_faults(SCRATCH_VA, 1, &err), 1);
    CHECK_EQ(err, 3);
    CHECK_EQ(page_b[0], 0xbbbb0002u);

    /* Y in two slots at once. */
    CHECK_EQ(set_entry(l2, SLOT, pte(y_mfn, L2E_FLAGS)), 0);
    CHECK_EQ(set_entry(l2, SLOT + 1, pte(y_mfn, L2E_FLAGS)), 0);
    flush_all();
    CHECK_EQ(write_faults(SCRATCH_VA + (2ul << 20), 0xbbbb0003u, 0), 0);
    CHECK_EQ(peek(SCRATCH_VA), 0xbbbb0003u);
    CHECK_EQ(make_writable(y), -XEN_EBUSY);
    /* Unhook one: still a page table through the other. */
    CHECK_EQ(set_entry(l2, SLOT, 0), 0);
    CHECK_EQ(make_writable(y), -XEN_EBUSY);
    CHECK_EQ(set_entry(l2, SLOT + 1, 0), 0);
    flush_all();
    CHECK_EQ(read_faults(SCRATCH_VA, 0, 0), 1);
    CHECK_EQ(read_faults(SCRATCH_VA + (2ul << 20), 0, 0), 1);
    CHECK_EQ(make_writable(y), 0);
    CHECK_EQ(boot_l2(0)[SLOT], 0);
}

static void test_slot3_guest_part(void)
{
    uint64_t *z = make_l1(mfn_a, 0);
    CHECK_EQ(set_entry(boot_l2_mfn(3), 427, pte(va_to_mfn(z), L2E_FLAGS)), 0);
    CHECK_EQ(boot_l2(3)[427], pte(va_to_mfn(z), L2E_FLAGS));
    flush_all();
    CHECK_EQ(peek(VA_SLOT3_427), 0xaaaa0001u);
    CHECK_EQ(set_entry(boot_l2_mfn(3), 427, 0), 0);
    flush_all();
    CHECK_EQ(read_faults(VA_SLOT3_427, 0, 0), 1);
}

static void test_l3_slot1(void)
{
    uint64_t *v = make_l1(mfn_a, mfn_b);
    uint64_t *w = new_table();
    w[0] = pte(va_to_mfn(v), L2E_FLAGS);
    const uint32_t w_mfn = seal_table(w);
    CHECK_EQ(boot_l3()[1], 0);
    CHECK_EQ(read_faults(VA_L3_SLOT1, 0, 0), 1);
    CHECK_EQ(set_entry(boot_l3_mfn(), 1, pte(w_mfn, PTE_P)), 0);
    CHECK_EQ(boot_l3()[1], pte(w_mfn, PTE_P | PTE_RW | PTE_U));
    flush_all();
    CHECK_EQ(peek(VA_L3_SLOT1), 0xaaaa0001u);
    CHECK_EQ(peek(VA_L3_SLOT1 + 4096), page_b[0]);
    CHECK_EQ(make_writable(w), -XEN_EBUSY);
    CHECK_EQ(make_writable(v), -XEN_EBUSY);
    CHECK_EQ(set_entry(boot_l3_mfn(), 1, 0), 0);
    CHECK_EQ(boot_l3()[1], 0);
    flush_all();
    CHECK_EQ(read_faults(VA_L3_SLOT1, 0, 0), 1);
    CHECK_EQ(make_writable(w), 0);
    CHECK_EQ(make_writable(v), 0);
}

void test_main(void)
{
    trap_install();
    page_a = alloc_page();
    page_b = alloc_page();
    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    mfn_a = va_to_mfn((void *)page_a);
    mfn_b = va_to_mfn((void *)page_b);
    test_hook_l1();
    test_slot3_guest_part();
    test_l3_slot1();
}
