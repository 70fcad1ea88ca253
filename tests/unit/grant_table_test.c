/*
 * pvx host tests: grant tables v1 (common/grant_table.c).
 *
 * Simulated domains d0 (privileged), d1 (the granter) and d2 (the mapper),
 * each with the standard address space of sim.h. Ops are made as guests
 * make them: the op array at OPS_VA of the caller's memory, copied in and
 * out by the sim's guest-access helpers. After every call the page-type
 * invariants (mm_check_invariants, which knows grant mappings) and the
 * frame accounting hold. Checked: setup/query/version; map and unmap by
 * PTE address and by va, read-only and writable, with every refusal
 * (entry type, domid, read-only, ref range, domain, flags, misaligned or
 * foreign PTE address, slot in use, page-table frames, maptrack full);
 * double unmap; a mapped frame cannot be given back; the granter clearing
 * its entry while mapped; the mapper clearing the PTE itself; copy; both
 * kinds of domain death; and a random mix of all of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/errno.h>
#include <pvx/hypercall.h>
#include <pvx/grant_table.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include "mm_test.h"
#include "sim_event.h"

#define OPS_VA   0x1000u      /* data[1] */
#define LIST_VA  0x2000u      /* data[2] */
#define RO_VA    0x4000u      /* data[4], read-only */
#define HOLE_VA  0x5000u
#define FREE_SLOT 100         /* first free slot of l1_low (va 0x64000) */

static struct sim_as as[3];
static struct domain *d0, *d1, *d2;
static mfn_t gframe;          /* d1's grant-table frame */

static void *guest_bytes(struct domain *d, uint32_t va)
{
    return (uint8_t *)arch_mfn_to_virt(as[d->domain_id].data[va >> 12]) + (va & 0xfff);
}

static void check_all(int line)
{
    CU_assertImplementation(sim_check() == 0, line, "mm invariants", __FILE__, "", CU_FALSE);
}

/* grant_table_op(cmd, the n ops at ops, n) by `caller`; ops get the
 * results. */
static long gt_op(struct domain *caller, unsigned int cmd, void *ops, size_t size, unsigned int n)
{
    memcpy(guest_bytes(caller, OPS_VA), ops, size * n);
    sim_evtchn_enter(caller);
    long rc = do_grant_table_op(cmd, OPS_VA, n);
    memcpy(ops, guest_bytes(caller, OPS_VA), size * n);
    check_all(__LINE__);
    return rc;
}

static grant_entry_v1_t *entry(grant_ref_t ref) { return &((grant_entry_v1_t *)arch_mfn_to_virt(gframe))[ref]; }

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    d0 = sim_evtchn_domain_create(0, true, &as[0]);
    d1 = sim_evtchn_domain_create(1, false, &as[1]);
    d2 = sim_evtchn_domain_create(2, false, &as[2]);
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = LIST_VA };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_okay);
    gframe = *(xen_pfn_t *)guest_bytes(d1, LIST_VA);
    sim_console_clear();
}

/* d1 grants `frame` to domid as ref, read-only or not. */
static void grant(grant_ref_t ref, domid_t domid, mfn_t frame, bool readonly)
{
    *entry(ref) = (grant_entry_v1_t){ .flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
                                      .domid = domid, .frame = (uint32_t)frame };
}

static paddr_t slot_maddr(struct domain *d, unsigned int slot)
{
    return (as[d->domain_id].l1_low << PAGE_SHIFT) + slot * sizeof(intpte_t);
}
static intpte_t slot_pte(struct domain *d, unsigned int slot) { return sim_table(as[d->domain_id].l1_low)[slot]; }

/* d2 maps d1's ref at PTE slot `slot` (or at va if by_va); the op. */
static struct gnttab_map_grant_ref map_at(grant_ref_t ref, unsigned int slot, uint32_t flags, bool by_va)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = by_va ? (uint64_t)slot * PAGE_SIZE : slot_maddr(d2, slot),
        .flags = flags | (by_va ? 0 : GNTMAP_contains_pte), .ref = ref, .dom = 1,
    };
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_map_grant_ref, &op, sizeof(op), 1), 0);
    return op;
}

static int16_t unmap(uint64_t host_addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = host_addr, .handle = handle };
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_unmap_grant_ref, &op, sizeof(op), 1), 0);
    return op.status;
}

/* ---- the table ---- */

static void test_setup_and_query(void)
{
    fresh();
    CU_ASSERT_EQUAL(mfn_to_page(gframe)->owner, 1);
    CU_ASSERT(mfn_to_page(gframe)->flags & PGF_grant_frame);
    /* Not the domain's memory: not in tot_pages (as in Xen). */
    unsigned long owned = 0;
    for (mfn_t m = 0; m < max_mfn; m++)
        owned += mfn_to_page(m)->owner == 1;
    CU_ASSERT_EQUAL(d1->tot_pages, owned - 1);
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_query_size, &q, sizeof(q), 1), 0);
    CU_ASSERT_EQUAL(q.status, GNTST_okay);
    CU_ASSERT_EQUAL(q.nr_frames, 1);
    CU_ASSERT_EQUAL(q.max_nr_frames, GRANT_FRAMES_MAX);
    /* Growing keeps the first frame. */
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 3, .frame_list = LIST_VA };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_okay);
    CU_ASSERT_EQUAL(((xen_pfn_t *)guest_bytes(d1, LIST_VA))[0], gframe);
    /* Too many frames; another domain's table; a missing domain. */
    st.nr_frames = GRANT_FRAMES_MAX + 1;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_general_error);
    st = (struct gnttab_setup_table){ .dom = 1, .nr_frames = 1, .frame_list = LIST_VA };
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_permission_denied);
    st.dom = 9;
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_bad_domain);
    st.dom = 1;
    CU_ASSERT_EQUAL(gt_op(d0, GNTTABOP_setup_table, &st, sizeof(st), 1), 0);
    CU_ASSERT_EQUAL(st.status, GNTST_okay);
    /* The frame list unwritable. */
    st = (struct gnttab_setup_table){ .dom = DOMID_SELF, .nr_frames = 1, .frame_list = RO_VA };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_setup_table, &st, sizeof(st), 1), -EFAULT);
    /* The op array unreadable. */
    sim_evtchn_enter(d1);
    CU_ASSERT_EQUAL(do_grant_table_op(GNTTABOP_query_size, HOLE_VA, 1), -EFAULT);
    CU_ASSERT_EQUAL(do_grant_table_op(GNTTABOP_query_size, RO_VA, 1), -EFAULT);   /* result not writable */
    CU_ASSERT_EQUAL(do_grant_table_op(GNTTABOP_query_size, HOLE_VA, 0), 0);
    /* Grant frames are not given back. */
    xen_pfn_t *l = guest_bytes(d1, LIST_VA);
    l[0] = (xen_pfn_t)gframe;
    struct xen_memory_reservation r = { .extent_start = LIST_VA, .nr_extents = 1, .domid = DOMID_SELF };
    memcpy(guest_bytes(d1, OPS_VA), &r, sizeof(r));
    CU_ASSERT_EQUAL(do_memory_op(XENMEM_decrease_reservation, OPS_VA), 0);
}

static void test_versions(void)
{
    fresh();
    struct gnttab_set_version v = { .version = 1 };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_set_version, &v, sizeof(v), 1), 0);
    CU_ASSERT_EQUAL(v.version, 1);
    v.version = 2;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_set_version, &v, sizeof(v), 1), -EOPNOTSUPP);
    v.version = 0;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_set_version, &v, sizeof(v), 1), -EINVAL);
    v.version = 1;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_set_version, &v, sizeof(v), 2), -EINVAL);
    struct gnttab_get_version g = { .dom = DOMID_SELF };
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_get_version, &g, sizeof(g), 1), 0);
    CU_ASSERT_EQUAL(g.version, 1);
    g.dom = 2;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_get_version, &g, sizeof(g), 1), -EPERM);
    g.dom = 9;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_get_version, &g, sizeof(g), 1), -ESRCH);
    sim_evtchn_enter(d1);
    CU_ASSERT_EQUAL(do_grant_table_op(GNTTABOP_get_status_frames, OPS_VA, 1), -EOPNOTSUPP);
    CU_ASSERT_EQUAL(do_grant_table_op(GNTTABOP_transfer, OPS_VA, 1), -ENOSYS);
    CU_ASSERT_EQUAL(do_grant_table_op(99, OPS_VA, 1), -ENOSYS);
    /* v2 while a grant is mapped: refused, the mapping untouched. */
    grant(8, 2, as[1].data[3], false);
    struct gnttab_map_grant_ref m = map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    CU_ASSERT_EQUAL(m.status, GNTST_okay);
    v.version = 2;
    CU_ASSERT_EQUAL(gt_op(d1, GNTTABOP_set_version, &v, sizeof(v), 1), -EOPNOTSUPP);
    CU_ASSERT(pte_present(slot_pte(d2, FREE_SLOT)));
}

/* ---- map and unmap ---- */

static void test_map_unmap(void)
{
    fresh();
    mfn_t frame = as[1].data[3];
    struct page_info before = *mfn_to_page(frame);
    grant(8, 2, frame, false);
    struct gnttab_map_grant_ref m = map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    CU_ASSERT_EQUAL(m.status, GNTST_okay);
    intpte_t e = slot_pte(d2, FREE_SLOT);
    CU_ASSERT_EQUAL(pte_mfn(e), frame);
    CU_ASSERT(e & _PAGE_RW);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->count, before.count + 1);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->type_count, before.type_count + 1);
    CU_ASSERT_EQUAL(entry(8)->flags, GTF_permit_access | GTF_reading | GTF_writing);
    CU_ASSERT_EQUAL(grant_mappings_held(d2), 1);
    CU_ASSERT_EQUAL(grant_mappings_of(d1), 1);
    /* The wrong address: refused, still mapped. */
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT + 1), m.handle), GNTST_general_error);
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT), m.handle), GNTST_okay);
    CU_ASSERT_EQUAL(slot_pte(d2, FREE_SLOT), 0);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->count, before.count);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->type_count, before.type_count);
    CU_ASSERT_EQUAL(entry(8)->flags, GTF_permit_access);
    /* Twice: a bad handle. So is one never given. */
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT), m.handle), GNTST_bad_handle);
    CU_ASSERT_EQUAL(unmap(0, 77), GNTST_bad_handle);
    CU_ASSERT_EQUAL(unmap(0, 0xFFFFFFFFu), GNTST_bad_handle);
    CU_ASSERT_EQUAL(grant_mappings_of(d1), 0);
}

static void test_map_readonly_and_by_va(void)
{
    fresh();
    mfn_t frame = as[1].data[3];
    grant(9, 2, frame, true);
    /* A read-only grant mapped writable: denied. Read-only: fine. */
    CU_ASSERT_EQUAL(map_at(9, FREE_SLOT, GNTMAP_host_map, false).status, GNTST_permission_denied);
    unsigned int tc = mfn_to_page(frame)->type_count;
    struct gnttab_map_grant_ref ro = map_at(9, FREE_SLOT, GNTMAP_host_map | GNTMAP_readonly, false);
    CU_ASSERT_EQUAL(ro.status, GNTST_okay);
    CU_ASSERT_FALSE(slot_pte(d2, FREE_SLOT) & _PAGE_RW);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->type_count, tc);
    CU_ASSERT_EQUAL(entry(9)->flags, GTF_permit_access | GTF_readonly | GTF_reading);
    /* By va: slot FREE_SLOT + 1 is va (FREE_SLOT + 1) * 4096. The same
     * grant twice: two pins. */
    struct gnttab_map_grant_ref byva = map_at(9, FREE_SLOT + 1, GNTMAP_host_map | GNTMAP_readonly |
                                              GNTMAP_application_map, true);
    CU_ASSERT_EQUAL(byva.status, GNTST_okay);
    CU_ASSERT_EQUAL(pte_mfn(slot_pte(d2, FREE_SLOT + 1)), frame);
    CU_ASSERT(slot_pte(d2, FREE_SLOT + 1) & _PAGE_USER);
    CU_ASSERT_EQUAL(grant_mappings_of(d1), 2);
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT), ro.handle), GNTST_okay);
    CU_ASSERT(entry(9)->flags & GTF_reading);             /* still one pin */
    CU_ASSERT_EQUAL(unmap((FREE_SLOT + 1) * PAGE_SIZE, byva.handle), GNTST_okay);
    CU_ASSERT_EQUAL(entry(9)->flags, GTF_permit_access | GTF_readonly);
    /* vas with nothing to map them: the hypervisor hole, no L2. */
    struct gnttab_map_grant_ref op = { .host_addr = 0xF6000000u, .flags = GNTMAP_host_map | GNTMAP_readonly,
                                       .ref = 9, .dom = 1 };
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_map_grant_ref, &op, sizeof(op), 1), 0);
    CU_ASSERT_EQUAL(op.status, GNTST_bad_virt_addr);
    op.host_addr = 0x40000000u;
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_map_grant_ref, &op, sizeof(op), 1), 0);
    CU_ASSERT_EQUAL(op.status, GNTST_bad_virt_addr);
}

/* A map request that must fail with status and change nothing. */
static void expect_map_refused(struct gnttab_map_grant_ref op, int16_t status, int line)
{
    const struct gnttab_map_grant_ref orig = op;
    memcpy(guest_bytes(d2, OPS_VA), &orig, sizeof(orig));
    struct sim_snapshot *snap = sim_snapshot_take();
    sim_evtchn_enter(d2);
    long rc = do_grant_table_op(GNTTABOP_map_grant_ref, OPS_VA, 1);
    memcpy(&op, guest_bytes(d2, OPS_VA), sizeof(op));
    CU_assertImplementation(rc == 0 && op.status == status, line, "refused with the status", __FILE__, "", CU_FALSE);
    if (op.status != status)
        printf("\nline %d: status %d, want %d\n", line, op.status, status);
    /* Nothing changed but the op's own output fields. */
    memcpy(guest_bytes(d2, OPS_VA), &orig, sizeof(orig));
    CU_assertImplementation(sim_snapshot_same(snap), line, "nothing changed", __FILE__, "", CU_FALSE);
    check_all(line);
}
#define MAP_REFUSED(op, st) expect_map_refused((op), (st), __LINE__)

static void test_map_refused(void)
{
    fresh();
    mfn_t frame = as[1].data[3];
    struct gnttab_map_grant_ref op = { .host_addr = slot_maddr(d2, FREE_SLOT),
                                       .flags = GNTMAP_host_map | GNTMAP_contains_pte, .ref = 8, .dom = 1 };
    grant(8, 2, frame, false);
    grant(10, 0, frame, false);                                    /* for d0, not d2 */
    *entry(11) = (grant_entry_v1_t){ .flags = GTF_accept_transfer, .domid = 2, .frame = (uint32_t)frame };
    grant(12, 2, d1->shared_info_mfn, false);
    grant(13, 2, as[1].l1_low, false);                             /* a page table */
    grant(14, 2, as[2].data[0], false);                            /* not d1's */
    grant(15, 2, gframe, false);                                   /* the grant table itself */
    struct gnttab_map_grant_ref o = op;
    o.ref = 10; MAP_REFUSED(o, GNTST_permission_denied);
    o.ref = 11; MAP_REFUSED(o, GNTST_permission_denied);
    o.ref = 12; MAP_REFUSED(o, GNTST_bad_page);
    o.ref = 13; MAP_REFUSED(o, GNTST_general_error);               /* writable page table */
    o.ref = 14; MAP_REFUSED(o, GNTST_bad_page);
    o.ref = 15; MAP_REFUSED(o, GNTST_bad_page);
    o.ref = 7;  MAP_REFUSED(o, GNTST_permission_denied);           /* never granted (zeroed) */
    o.ref = GRANT_ENTRIES_PER_FRAME; MAP_REFUSED(o, GNTST_bad_gntref);
    o.ref = 0xFFFFFFFFu; MAP_REFUSED(o, GNTST_bad_gntref);
    o = op; o.dom = 9; MAP_REFUSED(o, GNTST_bad_domain);
    o = op; o.dom = DOMID_SELF; MAP_REFUSED(o, GNTST_bad_domain);
    o = op; o.flags = GNTMAP_contains_pte; MAP_REFUSED(o, GNTST_bad_gntref);
    o = op; o.flags = GNTMAP_device_map | GNTMAP_contains_pte; MAP_REFUSED(o, GNTST_general_error);
    /* PTE addresses: misaligned, in another domain's L1, in a data page,
     * out of memory, a slot in use. */
    o = op; o.host_addr += 4; MAP_REFUSED(o, GNTST_general_error);
    o = op; o.host_addr = slot_maddr(d1, FREE_SLOT); MAP_REFUSED(o, GNTST_general_error);
    o = op; o.host_addr = (uint64_t)as[2].data[0] << PAGE_SHIFT; MAP_REFUSED(o, GNTST_general_error);
    o = op; o.host_addr = (uint64_t)max_mfn << PAGE_SHIFT; MAP_REFUSED(o, GNTST_general_error);
    o = op; o.host_addr = slot_maddr(d2, 0); MAP_REFUSED(o, GNTST_general_error);
    /* A page table granted read-only maps (reading it is harmless). */
    o = op; o.ref = 13; o.flags |= GNTMAP_readonly;
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_map_grant_ref, &o, sizeof(o), 1), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_okay);
}

static void test_maptrack_full(void)
{
    fresh();
    grant(8, 2, as[1].data[3], true);
    unsigned int ok = 0;
    for (unsigned int i = 0; i < GRANT_MAPTRACK_MAX; i++)
        ok += map_at(8, FREE_SLOT + i, GNTMAP_host_map | GNTMAP_readonly, false).status == GNTST_okay;
    CU_ASSERT_EQUAL(ok, GRANT_MAPTRACK_MAX);
    CU_ASSERT_EQUAL(map_at(8, FREE_SLOT + GRANT_MAPTRACK_MAX, GNTMAP_host_map | GNTMAP_readonly, false).status,
                    GNTST_no_device_space);
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT + 3), 3), GNTST_okay);
    CU_ASSERT_EQUAL(map_at(8, FREE_SLOT + GRANT_MAPTRACK_MAX, GNTMAP_host_map | GNTMAP_readonly, false).handle, 3);
}

/* ---- what mapping prevents, and who may undo it ---- */

static long decrease_one(struct domain *d, mfn_t mfn)
{
    *(xen_pfn_t *)guest_bytes(d, LIST_VA) = (xen_pfn_t)mfn;
    struct xen_memory_reservation r = { .extent_start = LIST_VA, .nr_extents = 1, .domid = DOMID_SELF };
    memcpy(guest_bytes(d, OPS_VA), &r, sizeof(r));
    sim_evtchn_enter(d);
    return do_memory_op(XENMEM_decrease_reservation, OPS_VA);
}

static void test_mapped_frame_stays(void)
{
    fresh();
    mfn_t frame = sim_alloc(d1);                  /* a plain frame, mapped nowhere */
    grant(8, 2, frame, false);
    struct gnttab_map_grant_ref m = map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    /* d1 cannot give it back while d2 maps it, even after clearing the
     * entry ("revoking" it). */
    CU_ASSERT_EQUAL(decrease_one(d1, frame), 0);
    *entry(8) = (grant_entry_v1_t){ 0 };
    CU_ASSERT_EQUAL(decrease_one(d1, frame), 0);
    CU_ASSERT(pte_present(slot_pte(d2, FREE_SLOT)));
    /* A new map of the cleared entry is denied; the old one unmaps. */
    CU_ASSERT_EQUAL(map_at(8, FREE_SLOT + 1, GNTMAP_host_map, false).status, GNTST_permission_denied);
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT), m.handle), GNTST_okay);
    CU_ASSERT_EQUAL(decrease_one(d1, frame), 1);
}

static void test_mapper_clears_pte(void)
{
    fresh();
    mfn_t frame = sim_alloc(d1);
    grant(8, 2, frame, false);
    struct gnttab_map_grant_ref m = map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    /* d2 may not repoint or downgrade the grant PTE with mmu_update... */
    intpte_t e = slot_pte(d2, FREE_SLOT);
    CU_ASSERT_NOT_EQUAL(mmu_update_one(d2, slot_maddr(d2, FREE_SLOT), e & ~_PAGE_RW), 0);
    CU_ASSERT_EQUAL(slot_pte(d2, FREE_SLOT), e);
    check_all(__LINE__);
    /* ... but may clear it: the references go with it; unmap then finds
     * nothing to drop, releases the pin and the handle. */
    CU_ASSERT_EQUAL(mmu_update_one(d2, slot_maddr(d2, FREE_SLOT), 0), 0);
    check_all(__LINE__);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->count, 1);
    CU_ASSERT_EQUAL(unmap(slot_maddr(d2, FREE_SLOT), m.handle), GNTST_general_error);
    CU_ASSERT_EQUAL(entry(8)->flags, GTF_permit_access);
    CU_ASSERT_EQUAL(grant_mappings_held(d2), 0);
    CU_ASSERT_EQUAL(decrease_one(d1, frame), 1);
}

static void test_mapper_dies(void)
{
    fresh();
    mfn_t frame = sim_alloc(d1);
    grant(8, 2, frame, false);
    map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    map_at(8, FREE_SLOT + 1, GNTMAP_host_map | GNTMAP_readonly, false);
    sim_evtchn_domain_destroy(d2);
    d2 = NULL;
    check_all(__LINE__);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->count, 1);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->type_count, 0);
    CU_ASSERT_EQUAL(entry(8)->flags, GTF_permit_access);
    CU_ASSERT_EQUAL(grant_mappings_of(d1), 0);
}

static void test_granter_dies(void)
{
    fresh();
    mfn_t frame = sim_alloc(d1);
    grant(8, 2, frame, false);
    map_at(8, FREE_SLOT, GNTMAP_host_map, false);
    unsigned long free_before = frame_alloc_free_count(), d1_frames = d1->tot_pages;
    sim_console_clear();
    sim_evtchn_domain_destroy(d1);
    d1 = NULL;
    check_all(__LINE__);
    CU_ASSERT(sim_console_has("torn down"));
    CU_ASSERT_EQUAL(slot_pte(d2, FREE_SLOT), 0);       /* d2 cannot reach the freed frame */
    CU_ASSERT_EQUAL(grant_mappings_held(d2), 0);
    CU_ASSERT_EQUAL(mfn_to_page(frame)->owner, DOMID_NONE);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_before + d1_frames + 1);   /* + its grant frame */
}

/* ---- copy ---- */

static long copy1(struct domain *caller, struct gnttab_copy *c)
{
    return gt_op(caller, GNTTABOP_copy, c, sizeof(*c), 1);
}

static void test_copy(void)
{
    fresh();
    mfn_t frame = sim_alloc(d1);
    uint8_t *granted = arch_mfn_to_virt(frame);
    grant(8, 2, frame, false);
    grant(9, 2, frame, true);
    uint8_t *mine = arch_mfn_to_virt(as[2].data[3]);
    memcpy(mine + 100, "hello", 5);
    /* Into the grant, from d2's own frame. */
    struct gnttab_copy c = { .source = { .u.gmfn = (xen_pfn_t)as[2].data[3], .domid = DOMID_SELF, .offset = 100 },
                             .dest = { .u.ref = 8, .domid = 1, .offset = 4000 }, .len = 5,
                             .flags = GNTCOPY_dest_gref };
    CU_ASSERT_EQUAL(copy1(d2, &c), 0);
    CU_ASSERT_EQUAL(c.status, GNTST_okay);
    CU_ASSERT_EQUAL(memcmp(granted + 4000, "hello", 5), 0);
    /* Out of a read-only grant: fine; into it: denied. */
    struct gnttab_copy back = { .source = { .u.ref = 9, .domid = 1, .offset = 4000 },
                                .dest = { .u.gmfn = (xen_pfn_t)as[2].data[3], .domid = DOMID_SELF, .offset = 0 },
                                .len = 5, .flags = GNTCOPY_source_gref };
    CU_ASSERT_EQUAL(copy1(d2, &back), 0);
    CU_ASSERT_EQUAL(back.status, GNTST_okay);
    CU_ASSERT_EQUAL(memcmp(mine, "hello", 5), 0);
    struct gnttab_copy o = c;
    o.dest.u.ref = 9;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_permission_denied);
    /* Crossing a page end. */
    o = c; o.dest.offset = 4094;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_bad_copy_arg);
    o = c; o.source.offset = 4092;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_bad_copy_arg);
    /* Someone else's frame by number: only dom0. */
    o = back; o.dest.u.gmfn = (xen_pfn_t)as[1].data[2]; o.dest.domid = 1;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_permission_denied);
    o.dest.domid = DOMID_SELF;                     /* not d2's frame */
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_bad_page);
    /* Never into a page table. */
    o = back; o.dest.u.gmfn = (xen_pfn_t)as[2].l1_low;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_general_error);
    /* Bad refs and domains. */
    o = c; o.dest.u.ref = 4096;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_bad_gntref);
    o = c; o.dest.domid = 9;
    CU_ASSERT_EQUAL(copy1(d2, &o), 0);
    CU_ASSERT_EQUAL(o.status, GNTST_bad_domain);
    /* Several ops in one call: each gets its status. */
    struct gnttab_copy two[2] = { c, o };
    CU_ASSERT_EQUAL(gt_op(d2, GNTTABOP_copy, two, sizeof(two[0]), 2), 0);
    CU_ASSERT_EQUAL(two[0].status, GNTST_okay);
    CU_ASSERT_EQUAL(two[1].status, GNTST_bad_domain);
}

/* ---- everything at random ---- */

static void test_random(void)
{
    fresh();
    srand(99);
    mfn_t frames[4];
    for (unsigned int i = 0; i < 4; i++)
        frames[i] = sim_alloc(d1);
    grant_handle_t handles[64];
    unsigned int slots[64], nh = 0;
    for (unsigned int step = 0; step < 2000; step++) {
        grant_ref_t ref = (grant_ref_t)(8 + rand() % 6);
        switch (rand() % 6) {
        case 0:                                            /* (re)grant, maybe badly */
            grant(ref, (domid_t)(rand() % 4), rand() % 5 ? frames[rand() % 4] : as[1].l1_low, rand() % 2);
            break;
        case 1:
        case 2: {                                          /* map */
            unsigned int slot = FREE_SLOT + (unsigned int)(rand() % 64);
            uint32_t fl = GNTMAP_host_map | (rand() % 2 ? GNTMAP_readonly : 0);
            struct gnttab_map_grant_ref m = map_at(ref, slot, fl, rand() % 2);
            if (m.status == GNTST_okay && nh < 64) {
                handles[nh] = m.handle;
                slots[nh++] = slot;
            }
            break;
        }
        case 3:                                            /* unmap */
            if (nh) {
                unsigned int i = (unsigned int)rand() % nh;
                struct gnttab_unmap_grant_ref u = { .host_addr = slot_maddr(d2, slots[i]), .handle = handles[i] };
                gt_op(d2, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1);
                if (u.status == GNTST_general_error) {     /* mapped by va: retry that way */
                    u = (struct gnttab_unmap_grant_ref){ .host_addr = (uint64_t)slots[i] * PAGE_SIZE,
                                                         .handle = handles[i] };
                    gt_op(d2, GNTTABOP_unmap_grant_ref, &u, sizeof(u), 1);
                }
                handles[i] = handles[--nh];
                slots[i] = slots[nh];
            }
            break;
        case 4:                                            /* the mapper clears a slot */
            sim_evtchn_enter(d2);
            mmu_update_one(d2, slot_maddr(d2, FREE_SLOT + (unsigned int)(rand() % 64)), 0);
            break;
        default:                                           /* the granter tries to give one back */
            decrease_one(d1, frames[rand() % 4]);
        }
        if (sim_check() != 0) {
            printf("\ninvariants broken at step %u\n", step);
            CU_FAIL("invariants");
            break;
        }
    }
    /* Both die: everything comes back. */
    sim_evtchn_domain_destroy(d2);
    d2 = NULL;
    sim_evtchn_domain_destroy(d1);
    d1 = NULL;
    CU_ASSERT_EQUAL(sim_check(), 0);
}

int main(void)
{
    static const struct mm_test tests[] = {
        { "setup_table and query_size", test_setup_and_query },
        { "versions: 1 only", test_versions },
        { "map and unmap by PTE address", test_map_unmap },
        { "read-only and by-va mappings", test_map_readonly_and_by_va },
        { "refused maps change nothing", test_map_refused },
        { "maptrack fills up and frees", test_maptrack_full },
        { "a mapped frame cannot be given back or revoked", test_mapped_frame_stays },
        { "the mapper clearing its PTE", test_mapper_clears_pte },
        { "the mapper dies", test_mapper_dies },
        { "the granter dies", test_granter_dies },
        { "copy", test_copy },
        { "random operations keep the invariants", test_random },
    };
    return run_mm_suite("grant_table", tests, ARRAY_SIZE(tests));
}
