/*
 * pvx host tests: memory_op's reservation commands and memory maps
 * (common/memory_op.c, common/memory_reservation.c): the hypercalls of
 * ballooning.
 *
 * Simulated domains d0 (privileged) and d1, d2 (domUs), each with the
 * standard address space of sim.h (12 frames) and max_pages 64. Calls are
 * made as a guest makes them: the argument struct at ARG_VA and the
 * extent list at LIST_VA of the caller's memory. After every call the
 * frame-accounting invariant is checked: frames owned by all domains +
 * free frames + the hypervisor's = the machine's, each domain's tot_pages
 * is what it owns, and mm_check_invariants() holds (references, types).
 * Checked: each command's effect; refusals (a frame mapped, typed, pinned,
 * shared_info, another domain's, free, out of range, misaligned; beyond
 * maxmem; orders too big); partial completion with exactly the extents
 * before the failure done; list pointers failing midway, for reads and
 * for writes back, with nothing leaked; exchange's all-or-nothing chunks;
 * privilege; and a random sequence of all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/errno.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/memory.h>
#include "mm_test.h"
#include "sim_event.h"

#define ARG_VA   0x0000u      /* data[0]: the argument struct */
#define LIST_VA  0x1000u      /* data[1..3]: the extent list (3072 entries) */
#define RO_VA    0x4000u      /* data[4]: read-only */
#define HOLE_VA  0x5000u      /* not mapped */
#define MAX_PAGES 64

static struct sim_as as[3];
static struct domain *d0, *d1, *d2;

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    d0 = sim_evtchn_domain_create(0, true, &as[0]);
    d1 = sim_evtchn_domain_create(1, false, &as[1]);
    d2 = sim_evtchn_domain_create(2, false, &as[2]);
    sim_console_clear();
}

/* The bytes behind guest va of d (a mapped data page). */
static void *guest_bytes(struct domain *d, uint32_t va)
{
    unsigned int page = va >> 12;
    return (uint8_t *)arch_mfn_to_virt(as[d->domain_id].data[page]) + (va & 0xfff);
}

static xen_pfn_t *list_of(struct domain *d) { return guest_bytes(d, LIST_VA); }

/* The accounting invariant, and the page-type invariants. */
static void check_accounting(int line)
{
    unsigned long owned = 0, xen = 0;
    for (mfn_t m = 0; m < max_mfn; m++) {
        domid_t o = mfn_to_page(m)->owner;
        owned += o < DOMID_FIRST_RESERVED;
        xen += o == DOMID_XEN_ID;
    }
    unsigned long tot = 0;
    struct domain *ds[] = { d0, d1, d2 };
    for (unsigned int i = 0; i < 3; i++)
        tot += ds[i] ? ds[i]->tot_pages : 0;
    CU_assertImplementation(owned + xen + frame_alloc_free_count() == max_mfn, line,
                            "owned + xen + free == total", __FILE__, "", CU_FALSE);
    CU_assertImplementation(owned == tot, line, "owned == sum of tot_pages", __FILE__, "", CU_FALSE);
    CU_assertImplementation(sim_check() == 0, line, "mm invariants", __FILE__, "", CU_FALSE);
}
#define ACCOUNTING() check_accounting(__LINE__)

/* The next reservation/exchange call must change nothing at all: a
 * snapshot is taken once its argument is in guest memory. */
static bool expect_unchanged;
static struct sim_snapshot *unchanged_snap;
static void snapshot_if_expected(void)
{
    if (expect_unchanged)
        unchanged_snap = sim_snapshot_take();
}
static void check_if_expected(int line)
{
    if (!expect_unchanged)
        return;
    expect_unchanged = false;
    CU_assertImplementation(sim_snapshot_same(unchanged_snap), line, "nothing changed", __FILE__, "", CU_FALSE);
}
#define UNCHANGED(call) do { expect_unchanged = true; call; check_if_expected(__LINE__); } while (0)


/* A reservation call by `caller` with the list at list_va. */
static long reservation(struct domain *caller, unsigned int cmd, uint32_t list_va,
                        unsigned long nr, unsigned int order, domid_t target)
{
    struct xen_memory_reservation r = { .nr_extents = (xen_ulong_t)nr, .extent_order = order,
                                        .domid = target };
    set_xen_guest_handle(r.extent_start, list_va);
    memcpy(guest_bytes(caller, ARG_VA), &r, sizeof(r));
    snapshot_if_expected();
    sim_evtchn_enter(caller);
    long rc = do_memory_op(cmd, ARG_VA);
    ACCOUNTING();
    return rc;
}

static long increase(struct domain *d, unsigned long nr, unsigned int order)
{
    return reservation(d, XENMEM_increase_reservation, LIST_VA, nr, order, DOMID_SELF);
}

static long decrease(struct domain *d, unsigned long nr, unsigned int order)
{
    return reservation(d, XENMEM_decrease_reservation, LIST_VA, nr, order, DOMID_SELF);
}

static bool plain(mfn_t m, struct domain *d) { return frame_is_plain_allocation(m, d); }

/* ---- increase_reservation ---- */

static void test_increase(void)
{
    fresh();
    unsigned long tot = d1->tot_pages, free_before = frame_alloc_free_count();
    CU_ASSERT_EQUAL(increase(d1, 4, 0), 4);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 4);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_before - 4);
    for (unsigned int i = 0; i < 4; i++) {
        mfn_t m = list_of(d1)[i];
        CU_ASSERT(plain(m, d1));
        CU_ASSERT_EQUAL(machine_to_phys[m], (uint32_t)INVALID_PFN);
        for (unsigned int j = 0; j < i; j++)
            CU_ASSERT_NOT_EQUAL(list_of(d1)[j], m);
    }
    /* An extent of order 2: four aligned, contiguous frames. */
    CU_ASSERT_EQUAL(increase(d1, 1, 2), 1);
    mfn_t first = list_of(d1)[0];
    CU_ASSERT_EQUAL(first % 4, 0);
    for (unsigned int i = 0; i < 4; i++)
        CU_ASSERT(plain(first + i, d1));
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 8);
}

static void test_increase_maxmem(void)
{
    fresh();
    unsigned long room = d1->max_pages - d1->tot_pages;
    CU_ASSERT_EQUAL(increase(d1, room + 5, 0), (long)room);
    CU_ASSERT_EQUAL(d1->tot_pages, d1->max_pages);
    CU_ASSERT_EQUAL(increase(d1, 1, 0), 0);
    /* An order-2 extent needs 4 frames of room. */
    fresh();
    d1->max_pages = d1->tot_pages + 3;
    CU_ASSERT_EQUAL(increase(d1, 1, 2), 0);
    CU_ASSERT_EQUAL(increase(d1, 3, 0), 3);
}

static void test_increase_orders(void)
{
    fresh();
    unsigned long tot = d1->tot_pages;
    CU_ASSERT_EQUAL(increase(d1, 1, MAX_EXTENT_ORDER + 1), 0);
    CU_ASSERT_EQUAL(increase(d1, 1, 31), 0);
    CU_ASSERT_EQUAL(increase(d1, 1, 0xFFFFFFFFu), 0);
    /* No run of 512 aligned free frames in a 512-frame machine. */
    d1->max_pages = 4096;
    CU_ASSERT_EQUAL(increase(d1, 1, 9), 0);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
}

static void test_increase_bad_list(void)
{
    fresh();
    unsigned long tot = d1->tot_pages, free_before = frame_alloc_free_count();
    /* Unmapped: no extent done, the frame allocated for it given back. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, HOLE_VA, 3, 0, DOMID_SELF), 0);
    /* Read-only: the same. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, RO_VA, 3, 0, DOMID_SELF), 0);
    /* Hypervisor area. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, 0xF6000000u, 3, 0, DOMID_SELF), 0);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_before);
    /* Running into the read-only page after two entries: two done. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, RO_VA - 8, 5, 0, DOMID_SELF), 2);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 2);
    /* A NULL list: Xen allows it (the frames are not reported). */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, 0, 2, 0, DOMID_SELF), 2);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 4);
}

/* ---- decrease_reservation ---- */

static void test_decrease(void)
{
    fresh();
    unsigned long tot = d1->tot_pages, free_before = frame_alloc_free_count();
    CU_ASSERT_EQUAL(increase(d1, 6, 0), 6);
    xen_pfn_t got[6];
    memcpy(got, list_of(d1), sizeof(got));
    CU_ASSERT_EQUAL(decrease(d1, 6, 0), 6);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_before);
    for (unsigned int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(mfn_to_page(got[i])->owner, DOMID_NONE);
        CU_ASSERT_EQUAL(machine_to_phys[got[i]], (uint32_t)INVALID_PFN);
    }
    /* Twice: refused, the frame is free now. */
    sim_console_clear();
    CU_ASSERT_EQUAL(decrease(d1, 1, 0), 0);
    CU_ASSERT(sim_console_has("cannot give back frame"));
    CU_ASSERT(sim_console_has("it is free"));
    /* Order 2. */
    CU_ASSERT_EQUAL(increase(d1, 1, 2), 1);
    CU_ASSERT_EQUAL(decrease(d1, 1, 2), 1);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
}

/* Decreasing the extent whose mfn is m (order 0) is refused with msg and
 * changes nothing. */
static void expect_decrease_refused(struct domain *d, mfn_t m, const char *msg)
{
    list_of(d)[0] = (xen_pfn_t)m;
    sim_console_clear();
    UNCHANGED(CU_ASSERT_EQUAL(decrease(d, 1, 0), 0));
    if (!sim_console_has(msg))
        printf("\nexpected '%s' for frame 0x%lx, console: %s\n", msg, (unsigned long)m, sim_console_text());
    CU_ASSERT(sim_console_has(msg));
}

static void test_decrease_refused(void)
{
    fresh();
    expect_decrease_refused(d1, as[1].data[0], "still in use");        /* mapped */
    expect_decrease_refused(d1, as[1].l1_low, "still in use");         /* an L1, pinned via L3 */
    expect_decrease_refused(d1, as[1].l2_low, "still in use");
    expect_decrease_refused(d1, as[1].l3, "pinned");                   /* pinned, base pointer */
    expect_decrease_refused(d1, d1->shared_info_mfn, "shared_info");
    expect_decrease_refused(d1, as[2].data[0], "owned by d2");         /* another domain's */
    expect_decrease_refused(d1, 0, "owned by the hypervisor");
    expect_decrease_refused(d1, max_mfn, "no such frame");
    expect_decrease_refused(d1, 0xFFFFFFFFu, "no such frame");
    /* Misaligned extent of order 1. */
    CU_ASSERT_EQUAL(increase(d1, 1, 1), 1);
    list_of(d1)[0] += 1;
    sim_console_clear();
    CU_ASSERT_EQUAL(decrease(d1, 1, 1), 0);
    CU_ASSERT(sim_console_has("not aligned"));
    /* An order-1 extent with one frame mapped: neither frame goes. */
    fresh();
    mfn_t data0 = as[1].data[0];
    mfn_t pair = data0 & ~(mfn_t)1;
    list_of(d1)[0] = (xen_pfn_t)pair;
    unsigned long tot = d1->tot_pages;
    CU_ASSERT_EQUAL(decrease(d1, 1, 1), 0);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
    CU_ASSERT_EQUAL(decrease(d1, 1, MAX_EXTENT_ORDER + 1), 0);
}

static void test_decrease_partial(void)
{
    fresh();
    unsigned long tot = d1->tot_pages;
    CU_ASSERT_EQUAL(increase(d1, 3, 0), 3);
    xen_pfn_t *l = list_of(d1);
    xen_pfn_t a = l[0], b = l[1], c = l[2];
    l[0] = a; l[1] = as[1].data[1]; l[2] = b;          /* good, mapped, good */
    CU_ASSERT_EQUAL(decrease(d1, 3, 0), 1);
    CU_ASSERT_EQUAL(mfn_to_page(a)->owner, DOMID_NONE);
    CU_ASSERT(plain(b, d1));
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 2);
    /* The same frame twice in one list: the second is refused. */
    l[0] = b; l[1] = b; l[2] = c;
    CU_ASSERT_EQUAL(decrease(d1, 3, 0), 1);
    CU_ASSERT(plain(c, d1));
    /* A list running into an unmapped page: entries before it are done. */
    xen_pfn_t *tail = guest_bytes(d1, RO_VA - 4);
    *tail = c;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_decrease_reservation, RO_VA - 4, 1, 0, DOMID_SELF), 1);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_decrease_reservation, HOLE_VA - 4, 2, 0, DOMID_SELF), 0);
}

/* ---- populate_physmap ---- */

static void test_populate(void)
{
    fresh();
    unsigned long tot = d1->tot_pages;
    xen_pfn_t *l = list_of(d1);
    l[0] = 100; l[1] = 101; l[2] = 0x5000;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 3, 0, DOMID_SELF), 3);
    static const pfn_t want[] = { 100, 101, 0x5000 };
    for (unsigned int i = 0; i < 3; i++) {
        CU_ASSERT(plain(l[i], d1));
        CU_ASSERT_EQUAL(machine_to_phys[l[i]], want[i]);
    }
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 3);
    /* Order 1 at an aligned pfn: two frames, M2P 200 and 201. */
    l[0] = 200;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 1, 1, DOMID_SELF), 1);
    CU_ASSERT_EQUAL(l[0] % 2, 0);
    CU_ASSERT_EQUAL(machine_to_phys[l[0]], 200);
    CU_ASSERT_EQUAL(machine_to_phys[l[0] + 1], 201);
    /* Misaligned pfn, a pfn past 64 GiB: refused, nothing allocated. */
    tot = d1->tot_pages;
    l[0] = 201;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 1, 1, DOMID_SELF), 0);
    l[0] = 5; l[1] = 1u << 24;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 2, 0, DOMID_SELF), 1);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 1);
}

static void test_populate_bad_list(void)
{
    fresh();
    unsigned long tot = d1->tot_pages, free_before = frame_alloc_free_count();
    /* Readable but not writable: the frame cannot be reported, so it is
     * given back. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, RO_VA, 2, 0, DOMID_SELF), 0);
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, HOLE_VA, 2, 0, DOMID_SELF), 0);
    CU_ASSERT_EQUAL(d1->tot_pages, tot);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), free_before);
    /* One entry before the read-only page. */
    *(xen_pfn_t *)guest_bytes(d1, RO_VA - 4) = 7;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, RO_VA - 4, 3, 0, DOMID_SELF), 1);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 1);
    /* Beyond maxmem: stops there. */
    d1->max_pages = d1->tot_pages + 1;
    xen_pfn_t *l = list_of(d1);
    l[0] = 10; l[1] = 11;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 2, 0, DOMID_SELF), 1);
}

/* ---- exchange ---- */

static long exchange(struct domain *d, unsigned long in_nr, unsigned int in_order,
                     unsigned long out_nr, unsigned int out_order, uint32_t in_va, uint32_t out_va,
                     xen_ulong_t *nr_exchanged)
{
    struct xen_memory_exchange x = {
        .in = { .nr_extents = (xen_ulong_t)in_nr, .extent_order = in_order, .domid = DOMID_SELF },
        .out = { .nr_extents = (xen_ulong_t)out_nr, .extent_order = out_order, .domid = DOMID_SELF },
        .nr_exchanged = *nr_exchanged,
    };
    set_xen_guest_handle(x.in.extent_start, in_va);
    set_xen_guest_handle(x.out.extent_start, out_va);
    memcpy(guest_bytes(d, ARG_VA), &x, sizeof(x));
    snapshot_if_expected();
    sim_evtchn_enter(d);
    long rc = do_memory_op(XENMEM_exchange, ARG_VA);
    ACCOUNTING();
    memcpy(&x, guest_bytes(d, ARG_VA), sizeof(x));
    *nr_exchanged = x.nr_exchanged;
    return rc;
}

#define OUT_VA (LIST_VA + 0x800)

static void test_exchange(void)
{
    fresh();
    unsigned long tot = d1->tot_pages;
    CU_ASSERT_EQUAL(increase(d1, 4, 0), 4);
    xen_pfn_t old[4];
    memcpy(old, list_of(d1), sizeof(old));
    xen_pfn_t *out = guest_bytes(d1, OUT_VA);
    out[0] = 0x400;                                  /* one order-2 extent at pfn 0x400 */
    xen_ulong_t done = 0;
    CU_ASSERT_EQUAL(exchange(d1, 4, 0, 1, 2, LIST_VA, OUT_VA, &done), 0);
    CU_ASSERT_EQUAL(done, 4);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 4);
    CU_ASSERT_EQUAL(out[0] % 4, 0);
    for (unsigned int i = 0; i < 4; i++) {
        CU_ASSERT(plain(out[0] + i, d1));
        CU_ASSERT_EQUAL(machine_to_phys[out[0] + i], 0x400 + i);
        CU_ASSERT_EQUAL(mfn_to_page(old[i])->owner, DOMID_NONE);
    }
    /* And back: one order-2 extent for four single frames. */
    list_of(d1)[0] = out[0];
    for (unsigned int i = 0; i < 4; i++)
        out[i] = 0x10 + i;
    done = 0;
    CU_ASSERT_EQUAL(exchange(d1, 1, 2, 4, 0, LIST_VA, OUT_VA, &done), 0);
    CU_ASSERT_EQUAL(done, 1);
    CU_ASSERT_EQUAL(d1->tot_pages, tot + 4);
    /* Already all exchanged: nothing to do. */
    CU_ASSERT_EQUAL(exchange(d1, 1, 2, 4, 0, LIST_VA, OUT_VA, &done), 0);
    CU_ASSERT_EQUAL(done, 1);
}

static void test_exchange_refused(void)
{
    fresh();
    CU_ASSERT_EQUAL(increase(d1, 2, 0), 2);
    xen_pfn_t *in = list_of(d1), *out = guest_bytes(d1, OUT_VA);
    xen_pfn_t a = in[0], b = in[1];
    out[0] = 20; out[1] = 21;
    xen_ulong_t done = 0;
    /* Sizes that do not match, domids that differ, orders too big,
     * nr_exchanged past the end: nothing happens. */
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 1, 0, LIST_VA, OUT_VA, &done), -EINVAL));
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 1, 1, 0, LIST_VA, OUT_VA, &done), -EINVAL));
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 10, 1, 10, LIST_VA, OUT_VA, &done), -EPERM));
    done = 3;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 2, 0, LIST_VA, OUT_VA, &done), -EINVAL));
    CU_ASSERT_EQUAL(done, 3);
    /* A mapped frame first: -EBUSY, nothing exchanged. */
    in[0] = as[1].data[0]; in[1] = b;
    done = 0;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 2, 0, LIST_VA, OUT_VA, &done), -EBUSY));
    CU_ASSERT_EQUAL(done, 0);
    /* The same frame twice in one chunk (two order-0 in, one order-1 out). */
    in[0] = a; in[1] = a;
    out[0] = 20;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 1, 1, LIST_VA, OUT_VA, &done), -EINVAL));
    /* Another domain's frame. */
    in[0] = as[2].data[2]; in[1] = b;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 2, 0, LIST_VA, OUT_VA, &done), -EINVAL));
    /* An output pfn not aligned to its order, or past 64 GiB. */
    in[0] = a; in[1] = b;
    out[0] = 21;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 2, 0, 1, 1, LIST_VA, OUT_VA, &done), -EINVAL));
    out[0] = 1u << 24;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 0, 1, 0, LIST_VA, OUT_VA, &done), -EINVAL));
    /* Unreadable lists; an output list that cannot be written back. */
    out[0] = 20;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 0, 1, 0, HOLE_VA, OUT_VA, &done), -EFAULT));
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 0, 1, 0, LIST_VA, HOLE_VA, &done), -EFAULT));
    *(xen_pfn_t *)guest_bytes(d1, RO_VA) = 0;    /* read-only page: reads 0 */
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 0, 1, 0, LIST_VA, RO_VA, &done), -EFAULT));
    CU_ASSERT(plain(a, d1) && plain(b, d1));
    /* Chunk by chunk: the second input is bad, the first chunk stays done. */
    in[0] = a; in[1] = as[1].data[0];
    out[0] = 20; out[1] = 21;
    done = 0;
    CU_ASSERT_EQUAL(exchange(d1, 2, 0, 2, 0, LIST_VA, OUT_VA, &done), -EBUSY);
    CU_ASSERT_EQUAL(done, 1);
    CU_ASSERT_EQUAL(mfn_to_page(a)->owner, DOMID_NONE);
    CU_ASSERT_EQUAL(machine_to_phys[out[0]], 20);
}

static void test_exchange_nomem(void)
{
    fresh();
    /* Give d1 every free frame, then ask to exchange one frame for one:
     * the output is allocated before the input goes, so none is free. */
    d1->max_pages = 4096;
    unsigned long n = frame_alloc_free_count();
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, 0, n, 0, DOMID_SELF), (long)n);
    CU_ASSERT_EQUAL(frame_alloc_free_count(), 0);
    CU_ASSERT_EQUAL(increase(d1, 1, 0), 0);
    fresh();
    d1->max_pages = 4096;
    n = frame_alloc_free_count();
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, LIST_VA, n, 0, DOMID_SELF), (long)n);
    xen_pfn_t keep = list_of(d1)[0];
    list_of(d1)[0] = keep;
    *(xen_pfn_t *)guest_bytes(d1, OUT_VA) = 3;
    xen_ulong_t done = 0;
    UNCHANGED(CU_ASSERT_EQUAL(exchange(d1, 1, 0, 1, 0, LIST_VA, OUT_VA, &done), -ENOMEM));
    CU_ASSERT(plain(keep, d1));
}

/* ---- privilege and domains ---- */

static void test_privilege(void)
{
    fresh();
    unsigned long tot2 = d2->tot_pages;
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, LIST_VA, 1, 0, 2), -EPERM);
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_decrease_reservation, LIST_VA, 1, 0, 2), -EPERM);
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_populate_physmap, LIST_VA, 1, 0, 2), -EPERM);
    CU_ASSERT_EQUAL(d2->tot_pages, tot2);
    /* dom0 for d2: the frames are d2's. */
    CU_ASSERT_EQUAL(reservation(d0, XENMEM_increase_reservation, LIST_VA, 2, 0, 2), 2);
    CU_ASSERT_EQUAL(d2->tot_pages, tot2 + 2);
    CU_ASSERT(plain(list_of(d0)[0], d2));
    CU_ASSERT_EQUAL(reservation(d0, XENMEM_decrease_reservation, LIST_VA, 2, 0, 2), 2);
    CU_ASSERT_EQUAL(d2->tot_pages, tot2);
    /* As Xen: a missing domain is no extent done, for anyone. */
    CU_ASSERT_EQUAL(reservation(d0, XENMEM_increase_reservation, LIST_VA, 1, 0, 7), 0);
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, LIST_VA, 1, 0, 7), 0);
    /* An own id works like DOMID_SELF. */
    CU_ASSERT_EQUAL(reservation(d1, XENMEM_increase_reservation, LIST_VA, 1, 0, 1), 1);
    /* exchange names its domain in in.domid: another domain's is -EPERM for
     * a domU, a missing one -ESRCH; nr_exchanged stays 0 either way. */
    struct xen_memory_exchange x = {
        .in = { .extent_start = LIST_VA, .nr_extents = 1, .domid = 2 },
        .out = { .extent_start = LIST_VA + 0x800, .nr_extents = 1, .domid = 2 },
    };
    memcpy(guest_bytes(d1, ARG_VA), &x, sizeof(x));
    sim_evtchn_enter(d1);
    CU_ASSERT_EQUAL(do_memory_op(XENMEM_exchange, ARG_VA), -EPERM);
    x.in.domid = x.out.domid = 7;
    memcpy(guest_bytes(d1, ARG_VA), &x, sizeof(x));
    CU_ASSERT_EQUAL(do_memory_op(XENMEM_exchange, ARG_VA), -ESRCH);
    memcpy(&x, guest_bytes(d1, ARG_VA), sizeof(x));
    CU_ASSERT_EQUAL(x.nr_exchanged, 0);
    /* The argument itself unreadable. */
    sim_evtchn_enter(d1);
    CU_ASSERT_EQUAL(do_memory_op(XENMEM_increase_reservation, HOLE_VA), -EFAULT);
    CU_ASSERT_EQUAL(do_memory_op(XENMEM_exchange, HOLE_VA - 8), -EFAULT);
}

/* ---- memory maps ---- */

static long memory_map(struct domain *d, unsigned int cmd, uint32_t capacity, uint32_t buf_va)
{
    struct xen_memory_map m = { .nr_entries = capacity };
    set_xen_guest_handle(m.buffer, buf_va);
    memcpy(guest_bytes(d, ARG_VA), &m, sizeof(m));
    sim_evtchn_enter(d);
    long rc = do_memory_op(cmd, ARG_VA);
    memcpy(&m, guest_bytes(d, ARG_VA), sizeof(m));
    return rc ? rc : (long)m.nr_entries;
}

static void test_memory_map(void)
{
    fresh();
    struct pvx_e820entry *e = guest_bytes(d1, LIST_VA);
    memset(e, 0xAA, 4 * sizeof(*e));
    CU_ASSERT_EQUAL(memory_map(d1, XENMEM_memory_map, 4, LIST_VA), 1);
    CU_ASSERT_EQUAL(e[0].addr, 0);
    CU_ASSERT_EQUAL(e[0].size, (uint64_t)MAX_PAGES * PAGE_SIZE);
    CU_ASSERT_EQUAL(e[0].type, PVX_E820_RAM);
    CU_ASSERT_EQUAL(((uint8_t *)&e[1])[0], 0xAA);
    CU_ASSERT_EQUAL(memory_map(d1, XENMEM_memory_map, 0, LIST_VA), 0);
    CU_ASSERT_EQUAL(memory_map(d1, XENMEM_memory_map, 1, HOLE_VA), -EFAULT);
    CU_ASSERT_EQUAL(memory_map(d1, XENMEM_memory_map, 1, RO_VA), -EFAULT);
    /* The machine's map: dom0 only. */
    CU_ASSERT_EQUAL(memory_map(d1, XENMEM_machine_memory_map, 8, LIST_VA), -EPERM);
    e = guest_bytes(d0, LIST_VA);
    CU_ASSERT_EQUAL(memory_map(d0, XENMEM_machine_memory_map, 8, LIST_VA), 3);
    CU_ASSERT_EQUAL(e[0].type, PVX_E820_RAM);
    CU_ASSERT_EQUAL(e[2].addr, 0x100000);
    CU_ASSERT_EQUAL(memory_map(d0, XENMEM_machine_memory_map, 2, LIST_VA), 2);
    CU_ASSERT_EQUAL(sizeof(struct pvx_e820entry), 20);
}

/* ---- everything at random, the invariant after each call ---- */

static void test_random(void)
{
    fresh();
    srand(1234);
    struct domain *ds[] = { d1, d2 };
    d1->max_pages = d2->max_pages = 200;
    for (unsigned int step = 0; step < 3000; step++) {
        struct domain *d = ds[rand() % 2];
        xen_pfn_t *l = list_of(d);
        unsigned int nr = (unsigned int)(rand() % 6), order = (unsigned int)(rand() % 3);
        for (unsigned int i = 0; i < nr; i++) {
            /* A frame that may be anyone's, free, a table, or out of range. */
            l[i] = (xen_pfn_t)(rand() % (int)(max_mfn + 4));
        }
        switch (rand() % 4) {
        case 0: reservation(d, XENMEM_increase_reservation, LIST_VA, nr, order, DOMID_SELF); break;
        case 1: reservation(d, XENMEM_decrease_reservation, LIST_VA, nr, order, DOMID_SELF); break;
        case 2: reservation(d, XENMEM_populate_physmap, LIST_VA, nr, order, DOMID_SELF); break;
        default: {
            xen_ulong_t done = 0;
            exchange(d, nr, order, nr, order, LIST_VA, OUT_VA, &done);
        }
        }
        if (sim_check() != 0) {
            printf("\ninvariants broken at step %u\n", step);
            break;
        }
    }
}

int main(void)
{
    static const struct mm_test tests[] = {
        { "increase_reservation gives plain frames", test_increase },
        { "increase stops at maxmem", test_increase_maxmem },
        { "increase refuses big orders", test_increase_orders },
        { "increase with bad lists leaks nothing", test_increase_bad_list },
        { "decrease gives frames back once", test_decrease },
        { "decrease refuses frames in use or not ours", test_decrease_refused },
        { "decrease completes partially", test_decrease_partial },
        { "populate_physmap sets the M2P", test_populate },
        { "populate with bad lists leaks nothing", test_populate_bad_list },
        { "exchange swaps extents", test_exchange },
        { "exchange refusals change nothing", test_exchange_refused },
        { "exchange without memory changes nothing", test_exchange_nomem },
        { "reservations for other domains", test_privilege },
        { "memory maps", test_memory_map },
        { "random operations keep the accounting", test_random },
    };
    return run_mm_suite("memory_op", tests, ARRAY_SIZE(tests));
}
