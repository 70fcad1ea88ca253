/*
 * pvx host tests: the frame allocator and the page-type system
 * (common/page_alloc.c, common/page_type.c, common/descriptor.c,
 * common/mm_check.c).
 *
 * Checks that tables are validated when they gain a type and release
 * their references when they lose it, that every entry rule refuses what
 * it should with the right errno, a console message, and no change at all,
 * and that the invariant checker itself notices corruption.
 */
#include <stdio.h>
#include <pvx/mm.h>
#include <public/xen.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include "mm_test.h"

static struct domain *d1, *d2;
static unsigned long free_at_start;

/* A fresh machine with two empty domains (shared_info only). */
static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    free_at_start = frame_alloc_free_count();
    d1 = sim_domain_create(1, 64);
    d2 = sim_domain_create(2, 64);
    sim_console_clear();
}

static int pin(struct domain *d, unsigned int cmd, mfn_t mfn)
{
    return mmuext_op_one(d->vcpu0, cmd, (uint32_t)mfn, 0);
}

/* An L1 in d holding one entry at slot 0. */
static mfn_t l1_with(struct domain *d, intpte_t e)
{
    mfn_t l1 = sim_alloc(d);
    sim_table(l1)[0] = e;
    return l1;
}

/* ---- allocator ---- */

static void test_alloc_accounting(void)
{
    fresh();
    CU_ASSERT_EQUAL(d1->tot_pages, 1);   /* shared_info */
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_at_start - 2);
    mfn_t m = sim_alloc(d1);
    CU_ASSERT_EQUAL(PAGE_OF(m)->owner, 1);
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(m)->flags, PGF_allocated);
    CU_ASSERT_EQUAL(d1->tot_pages, 2);
    CHECK_INVARIANTS();

    d1->max_pages = d1->tot_pages;
    CU_ASSERT_EQUAL(alloc_domain_frame(d1), INVALID_MFN);
    mfn_t x = alloc_xen_frame();
    CU_ASSERT_EQUAL(PAGE_OF(x)->owner, DOMID_XEN_ID);
    CHECK_INVARIANTS();
}

static void test_alloc_zeroes_and_release_returns_all(void)
{
    fresh();
    mfn_t m = sim_alloc(d1);
    memset(sim_table(m), 0xAB, PAGE_SIZE);
    release_domain_frames(d1);
    CU_ASSERT_EQUAL(d1->tot_pages, 0);
    CU_ASSERT_EQUAL(d1->shared_info_mfn, INVALID_MFN);
    CHECK_INVARIANTS();
    d1->max_pages = 1000;
    bool zeroed = true;
    for (unsigned int i = 0; i < 8; i++) {
        mfn_t n = sim_alloc(d1);
        for (unsigned int j = 0; j < L1_ENTRIES; j++)
            zeroed &= sim_table(n)[j] == 0;
    }
    CU_ASSERT(zeroed);
    sim_domain_destroy(d1);
    sim_domain_destroy(d2);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_at_start);
}

static void test_exhaustion(void)
{
    fresh();
    d1->max_pages = 100000;
    unsigned long n = 0;
    while (alloc_domain_frame(d1) != INVALID_MFN)
        n++;
    CU_ASSERT_EQUAL(frame_alloc_free_count(), 0);
    CU_ASSERT_EQUAL(n, free_at_start - 2);
    CU_ASSERT_EQUAL(alloc_xen_frame(), INVALID_MFN);
    CHECK_INVARIANTS();
    sim_domain_destroy(d1);
    sim_domain_destroy(d2);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_at_start);
}

/* ---- general references ---- */

static void test_get_page_ownership(void)
{
    fresh();
    mfn_t m = sim_alloc(d1);
    CU_ASSERT(get_page(m, d1));
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 2);
    CU_ASSERT(!get_page(m, d2));
    CU_ASSERT(!get_page(0, d1));                       /* hypervisor frame */
    CU_ASSERT(!get_page(sim_nr_frames() - 1, d1));     /* free frame */
    CU_ASSERT(!get_page(sim_nr_frames(), d1));         /* beyond the machine */
    CU_ASSERT(!get_page(INVALID_MFN, d1));
    put_page(m);
    CU_ASSERT_EQUAL(get_page_and_type(m, d2, PGT_writable), -EPERM);
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 1);
    CHECK_INVARIANTS();
}

static void test_count_overflow_refused(void)
{
    fresh();
    mfn_t m = sim_alloc(d1);
    PAGE_OF(m)->count = UINT32_MAX;
    CU_ASSERT(!get_page(m, d1));
    PAGE_OF(m)->count = 1;
    CU_ASSERT_EQUAL(get_page_and_type(m, d1, PGT_writable), 0);
    PAGE_OF(m)->type_count = UINT32_MAX;
    CU_ASSERT_EQUAL(get_page_type(m, PGT_writable), -EINVAL);
    PAGE_OF(m)->type_count = 1;
    put_page_and_type(m);
    CHECK_INVARIANTS();
}

/* A domain frame whose allocation reference is dropped (as a future
 * decrease_reservation would) lives until its last mapping goes. */
static void test_frame_freed_on_last_reference(void)
{
    fresh();
    mfn_t data = sim_alloc(d1);
    mfn_t l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS));
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, l1), 0);
    PAGE_OF(data)->flags &= (uint8_t)~PGF_allocated;
    put_page(data);
    CU_ASSERT_EQUAL(PAGE_OF(data)->owner, 1);
    CHECK_INVARIANTS();
    unsigned long flushes = sim_stats.tlb_flushes;
    unsigned long tot = d1->tot_pages;
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, l1), 0);
    CU_ASSERT_EQUAL(PAGE_OF(data)->owner, DOMID_NONE);
    CU_ASSERT_EQUAL(d1->tot_pages, tot - 1);
    CU_ASSERT(sim_stats.tlb_flushes > flushes);
    CHECK_INVARIANTS();
}

/* ---- L1 validation ---- */

static void test_l1_validation_takes_and_drops_refs(void)
{
    fresh();
    mfn_t rw = sim_alloc(d1), ro = sim_alloc(d1), l1 = sim_alloc(d1);
    sim_table(l1)[0] = sim_pte(rw, PTE_RW_FLAGS);
    sim_table(l1)[1] = sim_pte(ro, PTE_RO_FLAGS);
    sim_table(l1)[2] = sim_pte(l1, PTE_RO_FLAGS);          /* itself, read-only */
    sim_table(l1)[3] = sim_pte(d1->shared_info_mfn, PTE_RW_FLAGS);
    sim_table(l1)[4] = sim_pte(rw, _PAGE_RW);               /* not present: ignored */
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, l1), 0);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type, PGT_l1);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->count, 3);                 /* alloc, pin, self map */
    CU_ASSERT_EQUAL(PAGE_OF(rw)->type, PGT_writable);
    CU_ASSERT_EQUAL(PAGE_OF(rw)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(rw)->count, 2);
    CU_ASSERT_EQUAL(PAGE_OF(ro)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(ro)->count, 2);
    CU_ASSERT_EQUAL(PAGE_OF(d1->shared_info_mfn)->type_count, 2);
    CHECK_INVARIANTS();

    CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, l1), 0);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(rw)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(rw)->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(ro)->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(d1->shared_info_mfn)->type_count, 1);
    CHECK_INVARIANTS();
}

static void test_l1_allowed_bits(void)
{
    fresh();
    mfn_t data = sim_alloc(d1);
    const intpte_t ok[] = {
        PTE_RW_FLAGS | _PAGE_DIRTY | _PAGE_NX | _PAGE_AVAIL | _PAGE_PAT,
        _PAGE_PRESENT,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(ok); i++) {
        mfn_t l1 = l1_with(d1, sim_pte(data, ok[i]));
        CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, l1), 0);
        CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, l1), 0);
    }
    CHECK_INVARIANTS();
}

static void test_l1_rules_refused(void)
{
    fresh();
    mfn_t data = sim_alloc(d1);
    mfn_t foreign = sim_alloc(d2);
    mfn_t l1;
    l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | _PAGE_GLOBAL));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "bits 0x100 not allowed");
    l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | (1ull << 52)));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "not allowed");
    l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | (1ull << 62)));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "not allowed");
    l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | _PAGE_PCD));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "PWT/PCD need I/O privilege");
    l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | _PAGE_PWT));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "PWT/PCD need I/O privilege");
    l1 = l1_with(d1, sim_pte(sim_nr_frames() + 5, PTE_RW_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EINVAL, "does not exist");
    l1 = l1_with(d1, sim_pte(foreign, PTE_RO_FLAGS));
    char msg[80];
    snprintf(msg, sizeof(msg), "d1: L1 entry maps frame 0x%lx owned by d2",
             (unsigned long)foreign);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EPERM, msg);
    l1 = l1_with(d1, sim_pte(0, PTE_RO_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EPERM, "owned by the hypervisor"); /* Xen */
    l1 = l1_with(d1, sim_pte(sim_nr_frames() - 1, PTE_RO_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EPERM, "owned by no domain (it is free)"); /* free */
    l1 = l1_with(d1, sim_pte(sim_m2p_mfn, PTE_RO_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EPERM, "owned by");
}

static void test_l1_pcd_with_io_privilege(void)
{
    fresh();
    d1->has_io_privilege = true;
    mfn_t data = sim_alloc(d1);
    mfn_t l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS | _PAGE_PCD | _PAGE_PWT));
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, l1), 0);
    CHECK_INVARIANTS();
}

/* No frame is both a page table and writable: writable mapping of a
 * typed frame is -EBUSY, typing a writably mapped one -EINVAL. */
static void test_page_table_never_writable(void)
{
    fresh();
    mfn_t table = l1_with(d1, 0);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, table), 0);
    mfn_t l1 = l1_with(d1, sim_pte(table, PTE_RW_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EBUSY, "maps L1 frame");
    mfn_t self = sim_alloc(d1);
    sim_table(self)[7] = sim_pte(self, PTE_RW_FLAGS);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, self), -EBUSY, "writable");

    mfn_t data = sim_alloc(d1);
    mfn_t mapper = l1_with(d1, sim_pte(data, PTE_RW_FLAGS));
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, mapper), 0);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, data), -EINVAL, "in use as writable");
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, data), -EINVAL, "in use as writable");
    EXPECT_REFUSED(get_page_and_type(data, d1, PGT_seg_desc), -EINVAL, "in use as writable");
}

/* ---- L2 ---- */

static void test_l2_validation_and_rules(void)
{
    fresh();
    mfn_t data = sim_alloc(d1), l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS));
    mfn_t l2 = sim_alloc(d1);
    sim_table(l2)[5] = sim_pte(l1, PTE_RW_FLAGS);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L2_TABLE, l2), 0);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type, PGT_l1);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(data)->type_count, 1);
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, l2), 0);   /* cascade */
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(data)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(data)->count, 1);
    CHECK_INVARIANTS();

    const struct { intpte_t flags; const char *msg; } bad[] = {
        { PTE_RW_FLAGS | _PAGE_PSE, "superpages (PSE) not allowed" },
        { PTE_RW_FLAGS | _PAGE_PWT, "not allowed" },
        { PTE_RW_FLAGS | _PAGE_PCD, "not allowed" },
        { PTE_RW_FLAGS | _PAGE_GLOBAL, "not allowed" },
        { PTE_RW_FLAGS | (1ull << 55), "not allowed" },
    };
    d1->has_io_privilege = true;   /* PCD/PWT stay refused in L2s anyway */
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        sim_table(l2)[5] = sim_pte(l1, bad[i].flags);
        EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, l2), -EINVAL, bad[i].msg);
    }
    sim_table(l2)[5] = sim_pte(l2, PTE_RW_FLAGS);           /* itself as its L1 */
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, l2), -EINVAL, "in use as L2, cannot be L1");
    sim_table(l2)[5] = sim_pte(sim_alloc(d2), PTE_RW_FLAGS);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, l2), -EPERM, "owned by d2");
}

/* A bad entry late in a table undoes the references taken for the earlier
 * ones (including nested validations). */
static void test_partial_validation_undone(void)
{
    fresh();
    mfn_t data = sim_alloc(d1), l1 = l1_with(d1, sim_pte(data, PTE_RW_FLAGS));
    mfn_t l2 = sim_alloc(d1);
    sim_table(l2)[0] = sim_pte(l1, PTE_RW_FLAGS);
    sim_table(l2)[1] = sim_pte(l1, PTE_RW_FLAGS);
    sim_table(l2)[300] = sim_pte(l1, PTE_RW_FLAGS | _PAGE_PSE);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, l2), -EINVAL, "PSE");
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(data)->count, 1);
}

/* ---- L3 and the hypervisor L2 ---- */

static void test_l3_validation(void)
{
    fresh();
    struct sim_as as;
    sim_write_as(d1, &as);
    sim_table(as.l2_xen)[L2_HYPERVISOR_FIRST] = sim_pte(sim_alloc(d2), PTE_RW_FLAGS);
    sim_table(as.l2_xen)[511] = 0x1234567;
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), 0);
    CU_ASSERT_EQUAL(sim_table(as.l3)[0] & 0xFFF, 0x7);     /* P-only reads back P|RW|U */
    CU_ASSERT_EQUAL(sim_table(as.l3)[3] & 0xFFF, 0x7);
    CU_ASSERT(PAGE_OF(as.l2_xen)->flags & PGF_xen_l2);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_xen)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_low)->flags & PGF_xen_l2, 0);
    intpte_t fresh_l2[L2_ENTRIES] = { 0 };
    arch_fill_hypervisor_l2(fresh_l2);
    CU_ASSERT_EQUAL(sim_table(as.l2_xen)[L2_HYPERVISOR_FIRST], fresh_l2[L2_HYPERVISOR_FIRST]);
    CU_ASSERT_EQUAL(sim_table(as.l2_xen)[511], fresh_l2[511]);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->type, PGT_writable);
    CHECK_INVARIANTS();

    CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, as.l3), 0);  /* not the base: all goes */
    CU_ASSERT_EQUAL(sim_table(as.l2_xen)[L2_HYPERVISOR_FIRST], 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_xen)->flags, PGF_allocated);
    for (unsigned int i = 0; i < SIM_AS_DATA; i++)
        CU_ASSERT_EQUAL(PAGE_OF(as.data[i])->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.l1_low)->count, 1);
    CHECK_INVARIANTS();
}

static void test_l3_rules_refused(void)
{
    fresh();
    struct sim_as as;
    sim_write_as(d1, &as);
    intpte_t *l3 = sim_table(as.l3);
    const intpte_t good0 = l3[0], good3 = l3[3];

    l3[4] = sim_pte(as.l2_low, _PAGE_PRESENT);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "slot 4 is present");
    l3[4] = 0;
    l3[511] = 1;
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "slot 511 is present");
    l3[511] = 0;
    l3[3] = 0;
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "slot 3 is not present");
    l3[3] = good3;
    const intpte_t bad_bits[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_PSE, _PAGE_GLOBAL, _PAGE_NX };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_bits); i++) {
        l3[0] = good0 | bad_bits[i];
        EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "not allowed");
    }
    l3[0] = sim_pte(as.l3, _PAGE_PRESENT);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "recursive L3");
    l3[0] = sim_pte(as.l2_xen, _PAGE_PRESENT);               /* xen L2 twice */
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "hypervisor L2");
    l3[0] = good0;
    l3[3] = sim_pte(as.l2_low, _PAGE_PRESENT);               /* plain L2 twice */
    l3[1] = sim_pte(as.l2_low, _PAGE_PRESENT);
    l3[0] = 0;
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), -EINVAL, "cannot become a hypervisor L2");
    l3[1] = 0;
    l3[0] = good0;
    l3[3] = good3;
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), 0);
    CHECK_INVARIANTS();
}

/* Another L3 pointing at a live L3 (as its L2): the type system refuses,
 * with the explicit message. */
static void test_l3_maps_other_l3(void)
{
    fresh();
    struct sim_as a, b;
    sim_build_as(d1, &a);
    sim_write_as(d1, &b);
    sim_table(b.l3)[1] = sim_pte(a.l3, _PAGE_PRESENT);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, b.l3), -EINVAL, "recursive L3 mappings");
}

static void test_xen_l2_not_shared(void)
{
    fresh();
    struct sim_as a, b;
    sim_build_as(d1, &a);
    sim_write_as(d1, &b);
    sim_table(b.l3)[3] = sim_pte(a.l2_xen, _PAGE_PRESENT);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, b.l3), -EINVAL, "hypervisor L2 of an L3");
    /* nor pinned, nor used as an L1's ... as an ordinary L2 */
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L2_TABLE, a.l2_xen), -EINVAL, "hypervisor L2");
    /* a pinned plain L2 cannot become a hypervisor L2 */
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L2_TABLE, b.l2_low), 0);
    sim_table(b.l3)[3] = sim_pte(b.l2_low, _PAGE_PRESENT);
    sim_table(b.l3)[0] = 0;
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L3_TABLE, b.l3), -EINVAL, "cannot become a hypervisor L2");
}

/* Entries of the hypervisor L2 from 428 on are never validated as guest
 * entries: whatever the guest wrote there is replaced. */
static void test_xen_l2_hypervisor_part_not_validated(void)
{
    fresh();
    struct sim_as as;
    sim_write_as(d1, &as);
    for (unsigned int i = L2_HYPERVISOR_FIRST; i < L2_ENTRIES; i++)
        sim_table(as.l2_xen)[i] = sim_pte(as.l2_xen, PTE_RW_FLAGS | _PAGE_PSE);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L3_TABLE, as.l3), 0);
    CHECK_INVARIANTS();
}

/* ---- descriptor frames ---- */

static uint64_t seg(unsigned int dpl, bool code, bool present, bool s, bool l)
{
    return 0x0000FFFFull | (0xFull << 48) | ((uint64_t)dpl << 45) | (code ? 1ull << 43 : 0) |
           (1ull << 41) | (present ? 1ull << 47 : 0) | (s ? 1ull << 44 : 0) |
           (l ? 1ull << 53 : 0) | (1ull << 54);
}

static void test_descriptor_is_safe(void)
{
    CU_ASSERT(descriptor_is_safe(0));
    CU_ASSERT(descriptor_is_safe(seg(1, true, true, true, false)));
    CU_ASSERT(descriptor_is_safe(seg(3, false, true, true, false)));
    CU_ASSERT(descriptor_is_safe(seg(0, true, false, false, true)));   /* not present */
    CU_ASSERT(!descriptor_is_safe(seg(0, true, true, true, false)));   /* DPL 0 code */
    CU_ASSERT(!descriptor_is_safe(seg(0, false, true, true, false)));  /* DPL 0 data */
    CU_ASSERT(!descriptor_is_safe(seg(3, true, true, true, true)));    /* 64-bit code */
    CU_ASSERT(descriptor_is_safe(seg(3, false, true, true, true)));    /* L ignored for data */
    CU_ASSERT(!descriptor_is_safe(seg(3, false, true, false, false))); /* system segment */
    /* a DPL-3 32-bit call gate (type 0xC) */
    CU_ASSERT(!descriptor_is_safe((0xCull << 40) | (3ull << 45) | (1ull << 47) | 0xe0080000ull));
    /* Xen's fixup: DPL 0 code/data raised to 1; gates and 64-bit code not. */
    uint64_t dpl0 = seg(0, true, true, true, false), d = dpl0;
    CU_ASSERT(!descriptor_is_safe(dpl0));
    CU_ASSERT(descriptor_fixup(&d));
    CU_ASSERT_EQUAL(d, dpl0 | (1ull << 45));
    uint64_t gate = 0x0000EC00E0191000ull;
    d = gate;
    CU_ASSERT(!descriptor_fixup(&d));
    CU_ASSERT_EQUAL(d, gate);
    CU_ASSERT(descriptor_is_safe(0x0000800000000000ull));    /* present, type 0 */
}

static void test_seg_desc_frames(void)
{
    fresh();
    mfn_t gdt = sim_alloc(d1);
    uint64_t *desc = (uint64_t *)sim_table(gdt);
    desc[1] = seg(1, true, true, true, false);
    desc[2] = seg(3, false, true, true, false);
    CU_ASSERT_EQUAL(get_page_and_type(gdt, d1, PGT_seg_desc), 0);
    sim_add_extra_ref(gdt, PGT_seg_desc);
    CHECK_INVARIANTS();
    mfn_t l1 = l1_with(d1, sim_pte(gdt, PTE_RW_FLAGS));
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, l1), -EBUSY, "maps GDT/LDT frame");
    sim_table(l1)[0] = sim_pte(gdt, PTE_RO_FLAGS);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, l1), 0);
    put_page_and_type(gdt);
    sim_clear_extra_refs();
    CHECK_INVARIANTS();

    /* A DPL-0 segment is raised to DPL 1 as the frame is typed (Xen). */
    mfn_t raised = sim_alloc(d1);
    ((uint64_t *)sim_table(raised))[5] = seg(0, true, true, true, false);
    CU_ASSERT_EQUAL(get_page_and_type(raised, d1, PGT_seg_desc), 0);
    CU_ASSERT_EQUAL(((uint64_t *)sim_table(raised))[5], seg(1, true, true, true, false));
    put_page_and_type(raised);
    CHECK_INVARIANTS();

    mfn_t bad = sim_alloc(d1);
    ((uint64_t *)sim_table(bad))[9] = seg(3, true, true, true, true);   /* 64-bit code */
    EXPECT_REFUSED(get_page_and_type(bad, d1, PGT_seg_desc), -EINVAL, "entry 9");
}

/* ---- shared_info and TLB flushes on retyping ---- */

static void test_shared_info_stays_writable(void)
{
    fresh();
    mfn_t si = d1->shared_info_mfn;
    CU_ASSERT(PAGE_OF(si)->flags & PGF_shared_info);
    EXPECT_REFUSED(pin(d1, MMUEXT_PIN_L1_TABLE, si), -EINVAL, "in use as writable");
    EXPECT_REFUSED(get_page_and_type(si, d1, PGT_seg_desc), -EINVAL, "in use as writable");
}

static void test_retype_flushes_tlb(void)
{
    fresh();
    mfn_t m = sim_alloc(d1);
    CU_ASSERT_EQUAL(get_page_and_type(m, d1, PGT_writable), 0);
    put_page_and_type(m);
    CU_ASSERT_EQUAL(PAGE_OF(m)->type, PGT_writable);         /* stale record kept */
    unsigned long flushes = sim_stats.tlb_flushes;
    CU_ASSERT_EQUAL(get_page_and_type(m, d1, PGT_writable), 0);
    CU_ASSERT_EQUAL(sim_stats.tlb_flushes, flushes);          /* same type: no flush */
    put_page_and_type(m);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, m), 0);
    CU_ASSERT_EQUAL(sim_stats.tlb_flushes, flushes + 1);      /* writable -> L1 */
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_UNPIN_TABLE, m), 0);
    CU_ASSERT_EQUAL(get_page_and_type(m, d1, PGT_writable), 0);
    CU_ASSERT_EQUAL(sim_stats.tlb_flushes, flushes + 2);      /* L1 -> writable */
    put_page_and_type(m);
    CHECK_INVARIANTS();
}

/* ---- the checker notices corruption ---- */

static void test_checker_detects_corruption(void)
{
    fresh();
    struct sim_as as;
    sim_build_as(d1, &as);
    CHECK_INVARIANTS();
    struct page_info saved = *PAGE_OF(as.data[0]);
    PAGE_OF(as.data[0])->count++;
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    *PAGE_OF(as.data[0]) = saved;
    PAGE_OF(as.data[0])->type_count = 0;
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    *PAGE_OF(as.data[0]) = saved;

    intpte_t e = sim_table(as.l1_low)[0];
    sim_table(as.l1_low)[0] = e | _PAGE_GLOBAL;
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    sim_table(as.l1_low)[0] = sim_pte(sim_alloc(d2), PTE_RO_FLAGS);
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    sim_table(as.l1_low)[0] = e;

    e = sim_table(as.l2_xen)[500];
    sim_table(as.l2_xen)[500] = 0;
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    sim_table(as.l2_xen)[500] = e;

    d1->tot_pages++;
    CU_ASSERT_NOT_EQUAL(sim_check(), 0);
    d1->tot_pages--;
    CHECK_INVARIANTS();
}

static void test_release_domain_with_tables(void)
{
    fresh();
    struct sim_as a, b;
    sim_build_as(d1, &a);
    sim_build_as(d2, &b);
    CU_ASSERT_EQUAL(pin(d1, MMUEXT_PIN_L1_TABLE, sim_alloc(d1)), 0);
    CHECK_INVARIANTS();
    sim_domain_destroy(d1);
    CHECK_INVARIANTS();
    sim_domain_destroy(d2);
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_at_start);
}

int main(void)
{
    static const struct mm_test tests[] = {
        { "allocator accounting", test_alloc_accounting },
        { "allocation zeroes; release returns all", test_alloc_zeroes_and_release_returns_all },
        { "exhaustion", test_exhaustion },
        { "get_page checks ownership", test_get_page_ownership },
        { "count overflow refused", test_count_overflow_refused },
        { "frame freed on last reference", test_frame_freed_on_last_reference },
        { "L1 validation takes and drops refs", test_l1_validation_takes_and_drops_refs },
        { "L1 allowed bits", test_l1_allowed_bits },
        { "L1 rules refused", test_l1_rules_refused },
        { "L1 PCD/PWT with I/O privilege", test_l1_pcd_with_io_privilege },
        { "page table never writable", test_page_table_never_writable },
        { "L2 validation and rules", test_l2_validation_and_rules },
        { "partial validation undone", test_partial_validation_undone },
        { "L3 validation", test_l3_validation },
        { "L3 rules refused", test_l3_rules_refused },
        { "L3 maps another L3", test_l3_maps_other_l3 },
        { "hypervisor L2 not shared", test_xen_l2_not_shared },
        { "hypervisor part not validated", test_xen_l2_hypervisor_part_not_validated },
        { "descriptor_is_safe", test_descriptor_is_safe },
        { "descriptor frames", test_seg_desc_frames },
        { "shared_info stays writable", test_shared_info_stays_writable },
        { "retyping flushes the TLB", test_retype_flushes_tlb },
        { "checker detects corruption", test_checker_detects_corruption },
        { "release domain with tables", test_release_domain_with_tables },
    };
    return run_mm_suite("page_type", tests, ARRAY_SIZE(tests));
}
