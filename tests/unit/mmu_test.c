/*
 * pvx host tests: the MMU operations (common/mmu.c) as a guest uses them.
 *
 * Each test starts from the standard address space of sim.h, built like a
 * guest builds it (contents written while plain, L3 pinned, base set),
 * then drives mmu_update / mmuext_op / update_va_mapping: every success
 * path, and every refusal with its errno, its console message, no change
 * to the machine, and the invariants intact.
 */
#include <stdio.h>
#include <pvx/mm.h>
#include <public/xen.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <pvx/domain.h>
#include "mm_test.h"

/* The hypercall wrappers' caller. (common/domain.c, which defines it in
 * the hypervisor, is not linked: the sim keeps its own domains.) */
struct vcpu *current;

static struct domain *d1, *d2;
static struct vcpu *v1;
static struct sim_as as;
static unsigned long free_at_start;

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    free_at_start = frame_alloc_free_count();
    d1 = sim_domain_create(1, 128);
    d2 = sim_domain_create(2, 128);
    v1 = d1->vcpu0;
    sim_build_as(d1, &as);
    sim_set_current(v1);
    current = v1;
    sim_console_clear();
}

static int ext(unsigned int cmd, uint64_t arg1, uint32_t arg2)
{
    return mmuext_op_one(v1, cmd, (uint32_t)arg1, arg2);
}

static int update(mfn_t table, unsigned int slot, intpte_t val)
{
    return mmu_update_one(d1, sim_ptr(table, slot) | MMU_NORMAL_PT_UPDATE, val);
}

/* A second complete address space in d1, pinned but not the base. */
static void second_as(struct sim_as *b)
{
    sim_write_as(d1, b);
    CU_ASSERT_EQUAL(ext(MMUEXT_PIN_L3_TABLE, b->l3, 0), 0);
}

/* ---- mmu_update on L1 ---- */

static void test_update_l1_entry(void)
{
    fresh();
    mfn_t m = as.data[4];                  /* mapped RO at slot 4 */
    CU_ASSERT_EQUAL(update(as.l1_low, 5, sim_pte(m, PTE_RW_FLAGS)), 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[5], sim_pte(m, PTE_RW_FLAGS));
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 3);
    CU_ASSERT_EQUAL(PAGE_OF(m)->type, PGT_writable);
    CU_ASSERT_EQUAL(PAGE_OF(m)->type_count, 1);
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(update(as.l1_low, 5, sim_pte(m, PTE_RO_FLAGS)), 0);   /* RW -> RO */
    CU_ASSERT_EQUAL(PAGE_OF(m)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 3);
    CU_ASSERT_EQUAL(update(as.l1_low, 5, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(m)->count, 2);
    CHECK_INVARIANTS();
    /* replacing an entry with the same frame keeps it alive throughout */
    CU_ASSERT_EQUAL(update(as.l1_low, 0, sim_pte(as.data[0], PTE_RW_FLAGS | _PAGE_DIRTY)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->type_count, 1);
    CHECK_INVARIANTS();
}

/* The reference counts of frame m: general, type, and the type. */
struct counts { uint32_t count, type_count; uint8_t type; };
static struct counts counts_of(mfn_t m)
{
    return (struct counts){ PAGE_OF(m)->count, PAGE_OF(m)->type_count, PAGE_OF(m)->type };
}
#define CU_ASSERT_SAME_COUNTS(a, b) \
    CU_ASSERT((a).count == (b).count && (a).type_count == (b).type_count && (a).type == (b).type)

/* Xen's fast path: an L1 entry that keeps its frame, P, RW, PWT, PCD and PAT
 * and changes only A, D, U, NX or bits 9-11 is written without touching a
 * reference; every other change goes through validation. */
static void test_update_l1_fast_path(void)
{
    fresh();
    mfn_t m = as.data[0];                        /* slot 0: mapped read-write */
    const intpte_t rw = sim_pte(m, _PAGE_PRESENT | _PAGE_RW);
    const intpte_t fast[] = {
        rw, rw | _PAGE_ACCESSED, rw | _PAGE_ACCESSED | _PAGE_DIRTY, rw | _PAGE_USER,
        rw | _PAGE_NX, rw | 0x200, rw | _PAGE_AVAIL | _PAGE_DIRTY | _PAGE_NX,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(fast); i++) {
        struct counts before = counts_of(m);
        unsigned long flushes = sim_stats.tlb_flushes;
        CU_ASSERT_EQUAL(update(as.l1_low, 0, fast[i]), 0);
        CU_ASSERT_EQUAL(sim_table(as.l1_low)[0], fast[i]);
        CU_ASSERT_SAME_COUNTS(counts_of(m), before);
        CU_ASSERT_EQUAL(sim_stats.tlb_flushes, flushes);
        CHECK_INVARIANTS();
    }
    /* Read-only entries too. */
    CU_ASSERT_EQUAL(update(as.l1_low, 4, sim_pte(as.data[4], _PAGE_PRESENT | _PAGE_DIRTY)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[4])->type_count, 0);
    CHECK_INVARIANTS();
    /* RW off and on again: the writable type reference follows. */
    CU_ASSERT_EQUAL(update(as.l1_low, 0, sim_pte(m, _PAGE_PRESENT)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(m)->type_count, 0);
    CU_ASSERT_EQUAL(update(as.l1_low, 0, rw), 0);
    CU_ASSERT_EQUAL(PAGE_OF(m)->type_count, 1);
    CHECK_INVARIANTS();
    /* PAT changes the memory type: validated (and allowed). */
    CU_ASSERT_EQUAL(update(as.l1_low, 0, rw | _PAGE_PAT), 0);
    CU_ASSERT_EQUAL(update(as.l1_low, 0, rw), 0);
    /* Bits no L1 entry may carry are refused even if nothing else changes. */
    EXPECT_REFUSED(update(as.l1_low, 0, rw | _PAGE_GLOBAL), -EINVAL, "not allowed");
    EXPECT_REFUSED(update(as.l1_low, 0, rw | (1ull << 52)), -EINVAL, "not allowed");
    EXPECT_REFUSED(update(as.l1_low, 0, rw | _PAGE_PCD), -EINVAL, "PWT/PCD need I/O privilege");
    EXPECT_REFUSED(update(as.l1_low, 0, rw | _PAGE_PWT | _PAGE_DIRTY), -EINVAL,
                   "PWT/PCD need I/O privilege");
    /* Same bits, another frame: validated, so a foreign or table frame is refused. */
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(update(as.l1_low, 0, sim_pte(foreign, _PAGE_PRESENT | _PAGE_RW)), -EPERM,
                   "owned by d2");
    EXPECT_REFUSED(update(as.l1_low, 0, sim_pte(as.l2_low, _PAGE_PRESENT | _PAGE_RW)), -EBUSY,
                   "maps L2 frame");
    /* A not-present old entry is never "the same": its bits held nothing. */
    sim_table(as.l1_low)[7] = sim_pte(as.l3, _PAGE_RW);   /* not present: any bits */
    EXPECT_REFUSED(update(as.l1_low, 7, sim_pte(as.l3, _PAGE_PRESENT | _PAGE_RW)), -EBUSY,
                   "maps L3 frame");
    sim_table(as.l1_low)[7] = 0;
    /* PRESERVE_AD goes the fast way too. */
    sim_table(as.l1_low)[0] = rw | _PAGE_DIRTY;            /* as the CPU would */
    struct counts before = counts_of(m);
    CU_ASSERT_EQUAL(mmu_update_one(d1, sim_ptr(as.l1_low, 0) | MMU_PT_UPDATE_PRESERVE_AD,
                                   rw | _PAGE_ACCESSED), 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[0], rw | _PAGE_ACCESSED | _PAGE_DIRTY);
    CU_ASSERT_SAME_COUNTS(counts_of(m), before);
    CHECK_INVARIANTS();
    /* update_va_mapping shares it. */
    CU_ASSERT_EQUAL(update_va_mapping(v1, 0x0000, rw | _PAGE_USER, UVMF_NONE), 0);
    CU_ASSERT_SAME_COUNTS(counts_of(m), before);
    CHECK_INVARIANTS();
}

/* The table an update changes holds no reference of its own during the
 * update: the cascade of puts it starts may drop references on it (read-only
 * mappings of it in the subtree being released) but never its last one. */
static void test_update_cascade_reaches_table(void)
{
    fresh();
    /* An L1 mapping the slot-0 L2 read-only, hooked into that L2, then
     * unhooked: its devalidation drops a reference on the L2 being changed. */
    mfn_t l1 = sim_alloc(d1);
    sim_table(l1)[0] = sim_pte(as.l2_low, PTE_RO_FLAGS);
    sim_table(l1)[1] = sim_pte(as.l3, PTE_RO_FLAGS);
    uint32_t l2_count = PAGE_OF(as.l2_low)->count;
    CU_ASSERT_EQUAL(update(as.l2_low, 1, sim_pte(l1, PTE_RW_FLAGS)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_low)->count, l2_count + 1);
    CU_ASSERT_EQUAL(update(as.l2_low, 1, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_low)->count, l2_count);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 0);
    CHECK_INVARIANTS();
    /* The L3 held only as the base (unpinned): replacing slot 0 releases a
     * subtree that maps the L3 read-only (sim.h's slots 16-20). */
    CU_ASSERT_EQUAL(ext(MMUEXT_UNPIN_TABLE, as.l3, 0), 0);
    mfn_t l2 = sim_alloc(d1);
    uint32_t l3_count = PAGE_OF(as.l3)->count;
    CU_ASSERT_EQUAL(update(as.l3, 0, sim_pte(l2, _PAGE_PRESENT)), 0);
    CU_ASSERT(PAGE_OF(as.l3)->count < l3_count);
    CU_ASSERT_EQUAL(PAGE_OF(as.l3)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_low)->type_count, 0);
    CHECK_INVARIANTS();
    /* The same through a slot-3 L2's guest part and update_va_mapping. */
    CU_ASSERT_EQUAL(update_va_mapping(v1, SIM_VA_HIGH, sim_pte(as.l2_xen, PTE_RO_FLAGS), 0), 0);
    CU_ASSERT_EQUAL(update(as.l2_xen, 0, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l1_high)->type_count, 0);
    CHECK_INVARIANTS();
    sim_domain_destroy(d1);
    sim_domain_destroy(d2);
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_at_start);
}

static void test_update_l1_refused(void)
{
    fresh();
    mfn_t foreign = sim_alloc(d2);
    char msg[80];
    snprintf(msg, sizeof(msg), "d1: L1 entry maps frame 0x%lx owned by d2",
             (unsigned long)foreign);
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(foreign, PTE_RO_FLAGS)), -EPERM, msg);
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.l2_low, PTE_RW_FLAGS)), -EBUSY,
                   "maps L2 frame");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.l1_low, PTE_RW_FLAGS)), -EBUSY,
                   "maps L1 frame");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.l3, PTE_RW_FLAGS)), -EBUSY, "maps L3 frame");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.l2_xen, PTE_RW_FLAGS)), -EBUSY,
                   "maps L2 frame");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.data[4], PTE_RW_FLAGS | _PAGE_PCD)),
                   -EINVAL, "PWT/PCD need I/O privilege");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.data[4], PTE_RW_FLAGS | _PAGE_GLOBAL)),
                   -EINVAL, "not allowed");
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(0xFFFFFull, PTE_RO_FLAGS)), -EINVAL,
                   "does not exist");
    /* a refused replacement keeps the old entry and its references */
    EXPECT_REFUSED(update(as.l1_low, 0, sim_pte(foreign, PTE_RW_FLAGS)), -EPERM, "owned by d2");
    CU_ASSERT_EQUAL(pte_mfn(sim_table(as.l1_low)[0]), as.data[0]);
}

static void test_update_ptr_refused(void)
{
    fresh();
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(foreign, 0), 0), -EPERM, "owned by d2");
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(0, 0), 0), -EPERM, "owned by the hypervisor");
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(sim_nr_frames(), 0), 0), -EINVAL,
                   "not in a machine frame");
    EXPECT_REFUSED(mmu_update_one(d1, ~0ull & ~7ull, 0), -EINVAL, "not in a machine frame");
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(as.data[0], 0) | 3, 0), -ENOSYS,
                   "unknown command 3");
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(as.data[0], 0) | 7, 0), -ENOSYS,
                   "unknown command 7");
}

static void test_preserve_ad(void)
{
    fresh();
    intpte_t old = sim_table(as.l1_low)[0];
    sim_table(as.l1_low)[0] = old | _PAGE_DIRTY;          /* as the CPU would */
    uint64_t ptr = sim_ptr(as.l1_low, 0) | MMU_PT_UPDATE_PRESERVE_AD;
    CU_ASSERT_EQUAL(mmu_update_one(d1, ptr, sim_pte(as.data[0], _PAGE_PRESENT | _PAGE_RW)), 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[0],
                    sim_pte(as.data[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY));
    CHECK_INVARIANTS();
    /* on a plain frame too */
    uint64_t *plain = (uint64_t *)sim_table(as.data[1]);
    plain[3] = _PAGE_ACCESSED;
    CU_ASSERT_EQUAL(mmu_update_one(d1, sim_ptr(as.data[1], 3) | MMU_PT_UPDATE_PRESERVE_AD, 0x1000),
                    0);
    CU_ASSERT_EQUAL(plain[3], 0x1000 | _PAGE_ACCESSED);
    CHECK_INVARIANTS();
}

static void test_plain_write(void)
{
    fresh();
    CU_ASSERT_EQUAL(mmu_update_one(d1, sim_ptr(as.data[4], 9), 0xdeadbeefcafeull), 0);
    CU_ASSERT_EQUAL(sim_table(as.data[4])[9], 0xdeadbeefcafeull);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[4])->type_count, 0);
    CU_ASSERT_EQUAL(mmu_update_one(d1, sim_ptr(as.data[0], 1), 5), 0);   /* mapped RW */
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->type_count, 1);
    CHECK_INVARIANTS();
    mfn_t gdt = sim_alloc(d1);
    CU_ASSERT_EQUAL(get_page_and_type(gdt, d1, PGT_seg_desc), 0);
    sim_add_extra_ref(gdt, PGT_seg_desc);
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(gdt, 0), 0x00cf9a000000ffffull), -EINVAL,
                   "in use as GDT/LDT");
}

static void test_machphys_update(void)
{
    fresh();
    CU_ASSERT_EQUAL(mmu_update_one(d1, sim_ptr(as.data[2], 0) | MMU_MACHPHYS_UPDATE, 0x42), 0);
    CU_ASSERT_EQUAL(machine_to_phys[as.data[2]], 0x42);
    CHECK_INVARIANTS();
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(foreign, 0) | MMU_MACHPHYS_UPDATE, 1), -EPERM,
                   "M2P update");
    EXPECT_REFUSED(mmu_update_one(d1, sim_ptr(sim_nr_frames() + 1, 0) | MMU_MACHPHYS_UPDATE, 1),
                   -EPERM, "M2P update");
}

/* ---- mmu_update on L2 / L3 ---- */

static void test_update_l2_entry(void)
{
    fresh();
    mfn_t data = sim_alloc(d1), l1 = sim_alloc(d1);
    sim_table(l1)[0] = sim_pte(data, PTE_RW_FLAGS);
    CU_ASSERT_EQUAL(update(as.l2_low, 1, sim_pte(l1, PTE_RW_FLAGS)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type, PGT_l1);
    CU_ASSERT_EQUAL(PAGE_OF(data)->type_count, 1);
    CHECK_INVARIANTS();
    /* now the L1 is a page table: no more writable mappings of it */
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(l1, PTE_RW_FLAGS)), -EBUSY, "maps L1 frame");
    CU_ASSERT_EQUAL(update(as.l2_low, 1, 0), 0);               /* devalidates */
    CU_ASSERT_EQUAL(PAGE_OF(l1)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(data)->count, 1);
    CHECK_INVARIANTS();
    /* guest part of the hypervisor L2 is the guest's */
    CU_ASSERT_EQUAL(update(as.l2_xen, 1, sim_pte(l1, PTE_RW_FLAGS)), 0);
    CU_ASSERT_EQUAL(update(as.l2_xen, L2_HYPERVISOR_FIRST - 1, sim_pte(l1, PTE_RW_FLAGS)), 0);
    CHECK_INVARIANTS();
}

static void test_update_l2_refused(void)
{
    fresh();
    mfn_t l1 = sim_alloc(d1);
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(l1, PTE_RW_FLAGS | _PAGE_PSE)), -EINVAL,
                   "superpages (PSE) not allowed");
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(l1, PTE_RW_FLAGS | _PAGE_PCD)), -EINVAL,
                   "not allowed");
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(as.data[0], PTE_RW_FLAGS)), -EINVAL,
                   "in use as writable, cannot be L1");
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(as.l2_low, PTE_RW_FLAGS)), -EINVAL,
                   "in use as L2, cannot be L1");
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(foreign, PTE_RW_FLAGS)), -EPERM, "owned by d2");
    EXPECT_REFUSED(update(as.l2_xen, L2_HYPERVISOR_FIRST, 0), -EPERM, "belongs to the hypervisor");
    EXPECT_REFUSED(update(as.l2_xen, 511, sim_pte(l1, PTE_RW_FLAGS)), -EPERM,
                   "belongs to the hypervisor");
    /* a bad L1 is not hooked in */
    sim_table(l1)[3] = sim_pte(as.l3, PTE_RW_FLAGS);
    EXPECT_REFUSED(update(as.l2_low, 1, sim_pte(l1, PTE_RW_FLAGS)), -EBUSY, "maps L3 frame");
}

static void test_update_l3_entry(void)
{
    fresh();
    mfn_t l2 = sim_alloc(d1);
    CU_ASSERT_EQUAL(update(as.l3, 1, sim_pte(l2, _PAGE_PRESENT)), 0);
    CU_ASSERT_EQUAL(sim_table(as.l3)[1], sim_pte(l2, 0x7));    /* RW|U added */
    CU_ASSERT_EQUAL(PAGE_OF(l2)->type, PGT_l2);
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(update(as.l3, 1, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(l2)->type_count, 0);
    /* replacing slot 0's L2 drops the old one's whole subtree */
    CU_ASSERT_EQUAL(update(as.l3, 0, sim_pte(l2, _PAGE_PRESENT | _PAGE_ACCESSED)), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_low)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l1_low)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->type_count, 0);
    CHECK_INVARIANTS();
}

static void test_update_l3_refused(void)
{
    fresh();
    mfn_t l2 = sim_alloc(d1);
    EXPECT_REFUSED(update(as.l3, 3, sim_pte(l2, _PAGE_PRESENT)), -EINVAL,
                   "slot 3 cannot be changed (it holds the hypervisor L2)");
    EXPECT_REFUSED(update(as.l3, 3, 0), -EINVAL, "slot 3 cannot be changed");
    EXPECT_REFUSED(update(as.l3, 4, sim_pte(l2, _PAGE_PRESENT)), -EINVAL,
                   "slot 4 cannot be changed");
    EXPECT_REFUSED(update(as.l3, 100, 0), -EINVAL, "slot 100 cannot be changed");
    EXPECT_REFUSED(update(as.l3, 1, sim_pte(as.l3, _PAGE_PRESENT)), -EINVAL, "recursive L3");
    struct sim_as b;
    second_as(&b);
    EXPECT_REFUSED(update(as.l3, 1, sim_pte(b.l3, _PAGE_PRESENT)), -EINVAL, "recursive L3");
    EXPECT_REFUSED(update(as.l3, 1, sim_pte(as.l2_xen, _PAGE_PRESENT)), -EINVAL,
                   "hypervisor L2");
    EXPECT_REFUSED(update(as.l3, 1, sim_pte(b.l2_xen, _PAGE_PRESENT)), -EINVAL,
                   "hypervisor L2");
    const intpte_t bad[] = { _PAGE_PWT, _PAGE_PCD, _PAGE_PSE, _PAGE_GLOBAL, _PAGE_NX };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
        EXPECT_REFUSED(update(as.l3, 1, sim_pte(l2, _PAGE_PRESENT | bad[i])), -EINVAL,
                       "not allowed");
    EXPECT_REFUSED(update(as.l3, 1, sim_pte(as.data[0], _PAGE_PRESENT)), -EINVAL,
                   "in use as writable, cannot be L2");
}

/* ---- mmuext_op ---- */

static void test_pins(void)
{
    fresh();
    mfn_t l1 = sim_alloc(d1), l2 = sim_alloc(d1);
    struct sim_as b;
    sim_write_as(d1, &b);
    CU_ASSERT_EQUAL(ext(MMUEXT_PIN_L1_TABLE, l1, 0), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_PIN_L2_TABLE, l2, 0), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_PIN_L3_TABLE, b.l3, 0), 0);
    CU_ASSERT(PAGE_OF(l1)->flags & PGF_pinned);
    CHECK_INVARIANTS();
    EXPECT_REFUSED(ext(MMUEXT_PIN_L1_TABLE, l1, 0), -EINVAL, "already pinned");
    EXPECT_REFUSED(ext(MMUEXT_PIN_L2_TABLE, l1, 0), -EINVAL, "already pinned");
    EXPECT_REFUSED(ext(MMUEXT_PIN_L4_TABLE, b.l3, 0), -EINVAL, "no L4");
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(ext(MMUEXT_PIN_L1_TABLE, foreign, 0), -EPERM, "owned by d2");
    EXPECT_REFUSED(ext(MMUEXT_PIN_L1_TABLE, sim_nr_frames() + 3, 0), -EINVAL, "does not exist");
    EXPECT_REFUSED(ext(MMUEXT_PIN_L2_TABLE, as.l1_low, 0), -EINVAL, "in use as L1, cannot be L2");
    mfn_t plain = sim_alloc(d1);
    EXPECT_REFUSED(ext(MMUEXT_UNPIN_TABLE, plain, 0), -EINVAL, "not pinned");
    EXPECT_REFUSED(ext(MMUEXT_UNPIN_TABLE, as.l1_low, 0), -EINVAL, "not pinned");
    EXPECT_REFUSED(ext(MMUEXT_UNPIN_TABLE, foreign, 0), -EPERM, "owned by d2");
    CU_ASSERT_EQUAL(ext(MMUEXT_UNPIN_TABLE, l1, 0), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_UNPIN_TABLE, l2, 0), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_UNPIN_TABLE, b.l3, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(b.l3)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(b.data[0])->count, 1);
    CHECK_INVARIANTS();
}

/* Xen allows unpinning the active base table: the base pointer keeps it
 * typed and validated. */
static void test_unpin_active_base(void)
{
    fresh();
    CU_ASSERT_EQUAL(ext(MMUEXT_UNPIN_TABLE, as.l3, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l3)->type, PGT_l3);
    CU_ASSERT_EQUAL(PAGE_OF(as.l3)->type_count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->type_count, 1);
    CHECK_INVARIANTS();
    EXPECT_REFUSED(update(as.l1_low, 5, sim_pte(as.l3, PTE_RW_FLAGS)), -EBUSY, "maps L3 frame");
    /* leaving it releases everything */
    struct sim_as b;
    second_as(&b);
    CU_ASSERT_EQUAL(ext(MMUEXT_NEW_BASEPTR, b.l3, 0), 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.l3)->type_count, 0);
    CU_ASSERT_EQUAL(PAGE_OF(as.data[0])->count, 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.l2_xen)->flags & PGF_xen_l2, 0);
    CHECK_INVARIANTS();
}

static void test_new_baseptr(void)
{
    fresh();
    struct sim_as b;
    sim_write_as(d1, &b);
    unsigned long changes = sim_stats.base_changes;
    CU_ASSERT_EQUAL(ext(MMUEXT_NEW_BASEPTR, b.l3, 0), 0);     /* validated on the fly */
    CU_ASSERT_EQUAL(v1->guest_table, b.l3);
    CU_ASSERT_EQUAL(sim_stats.base_changes, changes + 1);
    CU_ASSERT_EQUAL(PAGE_OF(as.l3)->type_count, 1);             /* still pinned */
    CHECK_INVARIANTS();
    CU_ASSERT_EQUAL(ext(MMUEXT_NEW_BASEPTR, b.l3, 0), 0);     /* same again */
    CU_ASSERT_EQUAL(PAGE_OF(b.l3)->type_count, 1);
    CHECK_INVARIANTS();
    EXPECT_REFUSED(ext(MMUEXT_NEW_BASEPTR, as.data[0], 0), -EINVAL, "in use as writable");
    EXPECT_REFUSED(ext(MMUEXT_NEW_BASEPTR, as.l2_low, 0), -EINVAL, "in use as L2, cannot be L3");
    mfn_t foreign = sim_alloc(d2), empty = sim_alloc(d1);
    EXPECT_REFUSED(ext(MMUEXT_NEW_BASEPTR, foreign, 0), -EPERM, "owned by d2");
    EXPECT_REFUSED(ext(MMUEXT_NEW_BASEPTR, empty, 0), -EINVAL, "slot 3 is not present");
    EXPECT_REFUSED(ext(MMUEXT_NEW_USER_BASEPTR, b.l3, 0), -EINVAL, "64-bit");
}

static void test_flushes(void)
{
    fresh();
    const unsigned int flush_cmds[] = {
        MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_TLB_FLUSH_MULTI, MMUEXT_TLB_FLUSH_ALL,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(flush_cmds); i++) {
        unsigned long before = sim_stats.tlb_flushes;
        CU_ASSERT_EQUAL(ext(flush_cmds[i], 0, 0x1000), 0);
        CU_ASSERT_EQUAL(sim_stats.tlb_flushes, before + 1);
    }
    const unsigned int invlpg_cmds[] = {
        MMUEXT_INVLPG_LOCAL, MMUEXT_INVLPG_MULTI, MMUEXT_INVLPG_ALL,
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(invlpg_cmds); i++) {
        CU_ASSERT_EQUAL(ext(invlpg_cmds[i], 0x5000 + i, 0x1000), 0);
        CU_ASSERT_EQUAL(sim_stats.last_invlpg, 0x5000 + i);
    }
    EXPECT_REFUSED(ext(MMUEXT_FLUSH_CACHE, 0, 0), -EACCES, "no I/O privilege");
    d1->has_io_privilege = true;
    CU_ASSERT_EQUAL(ext(MMUEXT_FLUSH_CACHE, 0, 0), 0);
    EXPECT_REFUSED(ext(14, 0, 0), -ENOSYS, "unknown command 14");
    EXPECT_REFUSED(ext(18, 0, 0), -ENOSYS, "unknown command 18");
    EXPECT_REFUSED(ext(0xFFFFFFFFu, 0, 0), -ENOSYS, "unknown command");
}

static void test_set_ldt(void)
{
    fresh();
    CU_ASSERT_EQUAL(ext(MMUEXT_SET_LDT, 0x10000, 16), 0);
    CU_ASSERT_EQUAL(sim_stats.ldt_base, 0x10000);
    CU_ASSERT_EQUAL(sim_stats.ldt_ents, 16);
    CU_ASSERT_EQUAL(ext(MMUEXT_SET_LDT, 0x10008, 0), 0);      /* no entries: no LDT */
    CU_ASSERT_EQUAL(sim_stats.ldt_base, 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_SET_LDT, 0xF5800000u - 8192 * 8, 8192), 0);
    EXPECT_REFUSED(ext(MMUEXT_SET_LDT, 0x10008, 16), -EINVAL, "set_ldt");
    EXPECT_REFUSED(ext(MMUEXT_SET_LDT, 0x10000, 8193), -EINVAL, "set_ldt");
    EXPECT_REFUSED(ext(MMUEXT_SET_LDT, 0xF5800000u - 4096, 513), -EINVAL, "set_ldt");
    EXPECT_REFUSED(ext(MMUEXT_SET_LDT, 0xFFFFF000u, 1), -EINVAL, "set_ldt");
}

static void test_clear_and_copy_page(void)
{
    fresh();
    uint64_t *src = (uint64_t *)sim_table(as.data[4]);
    for (unsigned int i = 0; i < L1_ENTRIES; i++)
        src[i] = i * 3;
    CU_ASSERT_EQUAL(ext(MMUEXT_COPY_PAGE, as.data[0], (uint32_t)as.data[4]), 0);
    CU_ASSERT_EQUAL(memcmp(sim_table(as.data[0]), src, PAGE_SIZE), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_CLEAR_PAGE, as.data[4], 0), 0);
    CU_ASSERT_EQUAL(sim_table(as.data[4])[7], 0);
    /* a page table may be the source (it is readable) but never the target */
    CU_ASSERT_EQUAL(ext(MMUEXT_COPY_PAGE, as.data[1], (uint32_t)as.l1_low), 0);
    CU_ASSERT_EQUAL(memcmp(sim_table(as.data[1]), sim_table(as.l1_low), PAGE_SIZE), 0);
    CHECK_INVARIANTS();
    EXPECT_REFUSED(ext(MMUEXT_CLEAR_PAGE, as.l1_low, 0), -EINVAL, "not writable");
    EXPECT_REFUSED(ext(MMUEXT_CLEAR_PAGE, as.l2_xen, 0), -EINVAL, "not writable");
    EXPECT_REFUSED(ext(MMUEXT_COPY_PAGE, as.l1_low, (uint32_t)as.data[4]), -EINVAL,
                   "not writable");
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(ext(MMUEXT_CLEAR_PAGE, foreign, 0), -EPERM, "owned by d2");
    EXPECT_REFUSED(ext(MMUEXT_COPY_PAGE, as.data[0], (uint32_t)foreign), -EPERM, "owned by d2");
    EXPECT_REFUSED(ext(MMUEXT_COPY_PAGE, foreign, (uint32_t)as.data[0]), -EPERM, "owned by d2");
    EXPECT_REFUSED(ext(MMUEXT_CLEAR_PAGE, sim_nr_frames(), 0), -EINVAL, "does not exist");
}

/* ---- update_va_mapping ---- */

static void test_update_va_mapping(void)
{
    fresh();
    CU_ASSERT_EQUAL(update_va_mapping(v1, 0x5000, sim_pte(as.data[4], PTE_RW_FLAGS),
                                      UVMF_INVLPG | UVMF_LOCAL), 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[5], sim_pte(as.data[4], PTE_RW_FLAGS));
    CU_ASSERT_EQUAL(sim_stats.last_invlpg, 0x5000);
    unsigned long flushes = sim_stats.tlb_flushes;
    CU_ASSERT_EQUAL(update_va_mapping(v1, 0x5123, 0, UVMF_TLB_FLUSH | UVMF_ALL), 0);
    CU_ASSERT_EQUAL(sim_stats.tlb_flushes, flushes + 1);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[5], 0);
    CU_ASSERT_EQUAL(update_va_mapping(v1, SIM_VA_HIGH + 0x1000,
                                      sim_pte(as.data[4], PTE_RO_FLAGS), UVMF_NONE), 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_high)[1], sim_pte(as.data[4], PTE_RO_FLAGS));
    CHECK_INVARIANTS();

    paddr_t maddr;
    CU_ASSERT_EQUAL(guest_va_to_l1e_maddr(v1, SIM_VA_HIGH + 0x3000, &maddr), 0);
    CU_ASSERT_EQUAL(maddr, sim_ptr(as.l1_high, 3));
    CU_ASSERT_EQUAL(guest_va_to_l1e_maddr(v1, 0x40000000, &maddr), -EINVAL);
    CU_ASSERT_EQUAL(guest_va_to_l1e_maddr(v1, 0x00200000, &maddr), -EINVAL);

    EXPECT_REFUSED(update_va_mapping(v1, 0xF5800000u, 0, 0), -EINVAL, "hypervisor hole");
    EXPECT_REFUSED(update_va_mapping(v1, 0xFFFFF000u, 0, 0), -EINVAL, "hypervisor hole");
    EXPECT_REFUSED(update_va_mapping(v1, 0x5000, 0, UVMF_FLUSHTYPE_MASK), -EINVAL, "bad flags");
    EXPECT_REFUSED(update_va_mapping(v1, 0x40000000, 0, 0), -EINVAL, "no L1 table");
    EXPECT_REFUSED(update_va_mapping(v1, 0x00200000, 0, 0), -EINVAL, "no L1 table");
    EXPECT_REFUSED(update_va_mapping(v1, 0x5000, sim_pte(as.l1_low, PTE_RW_FLAGS), UVMF_INVLPG),
                   -EBUSY, "maps L1 frame");
    mfn_t foreign = sim_alloc(d2);
    EXPECT_REFUSED(update_va_mapping(v1, 0x5000, sim_pte(foreign, PTE_RO_FLAGS), 0),
                   -EPERM, "owned by d2");
    v1->guest_table = INVALID_MFN;
    CU_ASSERT_EQUAL(guest_va_to_l1e_maddr(v1, 0x5000, &maddr), -EINVAL);
    v1->guest_table = as.l3;
}

/* guest_access over the simulated page tables honours RW. */
static void test_guest_access(void)
{
    fresh();
    uint32_t word = 0x12345678, back = 0;
    CU_ASSERT_EQUAL(copy_to_guest(0x1ffe, &word, sizeof(word)), 0);   /* crosses pages */
    CU_ASSERT_EQUAL(copy_from_guest(&back, 0x1ffe, sizeof(back)), 0);
    CU_ASSERT_EQUAL(back, word);
    CU_ASSERT_EQUAL(copy_to_guest(0x4000, &word, sizeof(word)), -EFAULT);   /* RO */
    CU_ASSERT_EQUAL(copy_from_guest(&back, 0x4000, sizeof(back)), 0);
    CU_ASSERT_EQUAL(copy_from_guest(&back, 0x6000, sizeof(back)), -EFAULT);
    CU_ASSERT_EQUAL(copy_to_guest(0xF57FFFFEu, &word, sizeof(word)), -EFAULT);
}

/* ---- the hypercall wrappers: batches, done, guest pointers ---- */

/* Guest vas of the standard address space (sim.h): slots 0-3 writable,
 * slot 4 read-only, slot 5 unmapped. */
#define VA_REQS 0x1000u
#define VA_DONE 0x2000u
#define VA_RO   0x4000u
#define VA_HOLE 0x5000u

/* Write n requests at guest va: request i stores 0x100 + i in slot i of
 * data[3] (a plain page). */
static void put_requests(guest_va_t va, unsigned int n)
{
    uint8_t *page = (uint8_t *)sim_table(as.data[va >> PAGE_SHIFT]);
    for (unsigned int i = 0; i < n; i++) {
        mmu_update_t req = { sim_ptr(as.data[3], i) | MMU_NORMAL_PT_UPDATE, 0x100 + i };
        size_t off = (va & (PAGE_SIZE - 1)) + i * sizeof(req);
        memcpy(page + off, &req, sizeof(req) <= PAGE_SIZE - off ? sizeof(req) : PAGE_SIZE - off);
    }
}

/* How many of data[3]'s first slots hold their request's value. */
static unsigned int requests_applied(unsigned int n)
{
    unsigned int k = 0;
    while (k < n && sim_table(as.data[3])[k] == 0x100 + k)
        k++;
    return k;
}

static uint32_t guest_done(void)
{
    return *(uint32_t *)sim_table(as.data[VA_DONE >> PAGE_SHIFT]);
}

static void test_mmu_update_batch(void)
{
    fresh();
    put_requests(VA_REQS, 8);
    mmu_update_t *reqs = (mmu_update_t *)sim_table(as.data[VA_REQS >> PAGE_SHIFT]);
    reqs[5].ptr = sim_ptr(as.l1_low, 5);                  /* maps L2 writable: refused */
    reqs[5].val = sim_pte(as.l2_low, PTE_RW_FLAGS);
    CU_ASSERT_EQUAL(do_mmu_update(VA_REQS, 8, VA_DONE, DOMID_SELF), -EBUSY);
    CU_ASSERT_EQUAL(guest_done(), 5);
    CU_ASSERT_EQUAL(requests_applied(8), 5);
    CU_ASSERT_EQUAL(sim_table(as.data[3])[6], 0);
    CU_ASSERT_EQUAL(sim_table(as.l1_low)[5], 0);
    CHECK_INVARIANTS();
    put_requests(VA_REQS, 8);
    CU_ASSERT_EQUAL(do_mmu_update(VA_REQS, 8, VA_DONE, DOMID_SELF), 0);
    CU_ASSERT_EQUAL(guest_done(), 8);
    CU_ASSERT_EQUAL(do_mmu_update(VA_REQS, 0, VA_DONE, 1), 0);      /* own id */
    CU_ASSERT_EQUAL(guest_done(), 0);
    EXPECT_REFUSED(do_mmu_update(VA_REQS, 8, 0, 9), -EPERM, "");     /* not privileged */
    d1->is_privileged = true;
    EXPECT_REFUSED(do_mmu_update(VA_REQS, 8, 0, 9), -ESRCH, "");
    EXPECT_REFUSED(do_mmu_update(VA_REQS, 8, 0, 2), -EPERM, "");     /* foreign: not yet */
}

/* A count whose array would wrap past 4 GiB applies nothing. */
static void test_mmu_update_huge_count(void)
{
    fresh();
    put_requests(VA_REQS, 8);
    EXPECT_REFUSED(do_mmu_update(VA_REQS, 0x10000000u, 0, DOMID_SELF), -EFAULT, "");
    EXPECT_REFUSED(do_mmu_update(VA_REQS, 0xFFFFFFFFu, 0, DOMID_SELF), -EFAULT, "");
    EXPECT_REFUSED(do_mmuext_op(VA_REQS, 0x20000000u, 0, DOMID_SELF), -EFAULT, "");
    *(uint32_t *)sim_table(as.data[VA_DONE >> PAGE_SHIFT]) = 99;
    CU_ASSERT_EQUAL(do_mmu_update(VA_REQS, 0x0FFFFFFFu, VA_DONE, DOMID_SELF), -EFAULT);
    CU_ASSERT_EQUAL(guest_done(), 0);
    CU_ASSERT_EQUAL(requests_applied(8), 0);
}

/* An array running into an unmapped page: the whole requests before it
 * are applied and counted, whether or not the next one straddles. */
static void test_mmu_update_fault_part_way(void)
{
    for (unsigned int straddle = 0; straddle <= 8; straddle += 8) {
        fresh();
        guest_va_t va = VA_HOLE - 3 * sizeof(mmu_update_t) - straddle;
        put_requests(va, 4);
        CU_ASSERT_EQUAL(do_mmu_update(va, 40, VA_DONE, DOMID_SELF), -EFAULT);
        CU_ASSERT_EQUAL(guest_done(), 3);
        CU_ASSERT_EQUAL(requests_applied(8), 3);
        CHECK_INVARIANTS();
    }
    fresh();
    put_requests(VA_REQS, 4);
    CU_ASSERT_EQUAL(do_mmu_update(VA_HOLE, 1, VA_DONE, DOMID_SELF), -EFAULT);
    CU_ASSERT_EQUAL(guest_done(), 0);
    /* done not writable: the requests were applied all the same */
    CU_ASSERT_EQUAL(do_mmu_update(VA_REQS, 4, VA_RO, DOMID_SELF), -EFAULT);
    CU_ASSERT_EQUAL(requests_applied(8), 4);
}

/* ---- whole domains ---- */

static void test_release_returns_everything(void)
{
    fresh();
    struct sim_as b, c;
    second_as(&b);
    sim_build_as(d2, &c);
    CU_ASSERT_EQUAL(update(as.l1_low, 6, sim_pte(b.data[2], PTE_RW_FLAGS)), 0);
    CU_ASSERT_EQUAL(ext(MMUEXT_NEW_BASEPTR, b.l3, 0), 0);
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
        { "mmu_update L1 entry", test_update_l1_entry },
        { "mmu_update L1 fast path", test_update_l1_fast_path },
        { "mmu_update cascade reaches the table", test_update_cascade_reaches_table },
        { "mmu_update L1 refused", test_update_l1_refused },
        { "mmu_update bad ptr refused", test_update_ptr_refused },
        { "PRESERVE_AD", test_preserve_ad },
        { "plain write", test_plain_write },
        { "MACHPHYS_UPDATE", test_machphys_update },
        { "mmu_update L2 entry", test_update_l2_entry },
        { "mmu_update L2 refused", test_update_l2_refused },
        { "mmu_update L3 entry", test_update_l3_entry },
        { "mmu_update L3 refused", test_update_l3_refused },
        { "pin and unpin", test_pins },
        { "unpin the active base table", test_unpin_active_base },
        { "NEW_BASEPTR", test_new_baseptr },
        { "flushes, FLUSH_CACHE, unknown commands", test_flushes },
        { "SET_LDT", test_set_ldt },
        { "CLEAR_PAGE and COPY_PAGE", test_clear_and_copy_page },
        { "update_va_mapping", test_update_va_mapping },
        { "guest access", test_guest_access },
        { "mmu_update batch and done", test_mmu_update_batch },
        { "mmu_update count past 4 GiB", test_mmu_update_huge_count },
        { "mmu_update array faults part way", test_mmu_update_fault_part_way },
        { "release returns everything", test_release_returns_everything },
    };
    return run_mm_suite("mmu", tests, ARRAY_SIZE(tests));
}
