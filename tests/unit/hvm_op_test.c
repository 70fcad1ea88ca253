/*
 * pvx host tests: hvm_op's HVMOP_get_param (common/hvm_op.c).
 *
 * Simulated domains d0 (privileged), d1 and d2, set up as the builder
 * leaves boot-time domains: each domU has a store page and a console ring
 * (frames it owns, whose M2P entries name the pfns its p2m gives them) and
 * a port for each; dom0 has a store page but no ports and no ring. Each
 * call is made as a guest makes it, struct xen_hvm_param in the caller's
 * guest memory (sim.h's standard address space). Checked: every parameter
 * pvx keeps, DOMID_SELF, who may ask whom, Xen's order of refusals
 * (read, index bound, lookup, permission, kept index), every errno, and
 * that a refused call changes nothing (machine memory, the caller's copy
 * of the argument included).
 */
#include <stdio.h>
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/errno.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include "sim_event.h"
#include "mm_test.h"

/* Guest addresses in the standard address space (sim.h). */
#define ARG_VA  0x1000u       /* data[1]: read-write */
#define RO_VA   0x4000u       /* data[4]: read-only (copy in works, copy out fails) */
#define HOLE_VA 0x5000u       /* not mapped */
#define HYP_VA  0xF6000000u   /* the hypervisor's part of the address space */

/* Where the builder would have put d1's and d2's pages and ports. */
#define D1_STORE_PFN    0x41
#define D1_CONSOLE_PFN  0x42
#define D1_STORE_PORT   2
#define D1_CONSOLE_PORT 1
#define D0_STORE_PFN    0x77

static struct sim_as as[3];
static struct domain *d0, *d1, *d2;

/* An assertion reported at the caller's line. */
#define ASSERT_AT(cond, line) CU_assertImplementation((cond), (line), #cond, __FILE__, "", CU_FALSE)

/* A frame of d at pfn (its M2P entry set, as the builder does). */
static mfn_t page_at(struct domain *d, uint32_t pfn)
{
    mfn_t mfn = sim_alloc(d);
    machine_to_phys[mfn] = pfn;
    return mfn;
}

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    d0 = sim_evtchn_domain_create(0, true, &as[0]);
    d1 = sim_evtchn_domain_create(1, false, &as[1]);
    d2 = sim_evtchn_domain_create(2, false, &as[2]);
    d0->store_mfn = page_at(d0, D0_STORE_PFN);
    d0->console_mfn = INVALID_MFN;
    d1->store_mfn = page_at(d1, D1_STORE_PFN);
    d1->console_mfn = page_at(d1, D1_CONSOLE_PFN);
    d1->store_port = D1_STORE_PORT;
    d1->console_port = D1_CONSOLE_PORT;
    d2->store_mfn = page_at(d2, 0x50);
    d2->console_mfn = page_at(d2, 0x51);
    d2->store_port = 3;
    d2->console_port = 4;
}

/* The hypervisor-side bytes behind guest va (ARG_VA or RO_VA) of d. */
static void *guest_bytes(struct domain *d, uint32_t va)
{
    return (uint8_t *)arch_mfn_to_virt(as[d->domain_id].data[va >> 12]) + (va & 0xfff);
}

static struct xen_hvm_param param_for(domid_t domid, uint32_t index)
{
    struct xen_hvm_param p;
    memset(&p, 0, sizeof(p));
    p.domid = domid;
    p.index = index;
    p.value = 0xDEADBEEFCAFEull;       /* what the call must replace */
    return p;
}

/* Put p at va in caller's memory and make the call; p becomes what the
 * guest then sees. */
static long call_at(struct domain *caller, uint32_t op, struct xen_hvm_param *p, uint32_t va)
{
    memcpy(guest_bytes(caller, va), p, sizeof(*p));
    sim_evtchn_enter(caller);
    long rc = do_hvm_op(op, va);
    memcpy(p, guest_bytes(caller, va), sizeof(*p));
    return rc;
}

/* caller's HVMOP_get_param of (domid, index): checks the call answers 0
 * and leaves the rest of the struct as it was; returns the value. */
static uint64_t get_at(struct domain *caller, domid_t domid, uint32_t index, int line)
{
    struct xen_hvm_param p = param_for(domid, index);
    p.pad = 0x5A5A;
    long rc = call_at(caller, HVMOP_get_param, &p, ARG_VA);
    if (rc != 0)
        printf("\nline %d: got %ld, want 0\n", line, rc);
    ASSERT_AT(rc == 0, line);
    ASSERT_AT(p.domid == domid && p.index == index && p.pad == 0x5A5A, line);
    return p.value;
}
#define GET(caller, domid, index) get_at((caller), (domid), (index), __LINE__)

/* op with p at va (copied there unless NULL) is refused with err, and
 * nothing changed (machine memory, the guest's copy of p too). */
static void refused_at(struct domain *caller, uint32_t op, const struct xen_hvm_param *p, uint32_t va,
                       long err, int line)
{
    if (p)
        memcpy(guest_bytes(caller, va), p, sizeof(*p));
    sim_evtchn_enter(caller);
    struct sim_snapshot *mem = sim_snapshot_take();
    long rc = do_hvm_op(op, va);
    if (rc != err)
        printf("\nline %d: got %ld, want %ld\n", line, rc, err);
    ASSERT_AT(rc == err, line);
    ASSERT_AT(sim_snapshot_same(mem), line);
}
#define REFUSED(caller, domid, index, err) do {                                     \
        struct xen_hvm_param p_ = param_for((domid), (index));                      \
        refused_at((caller), HVMOP_get_param, &p_, ARG_VA, (err), __LINE__);         \
    } while (0)

/* ---- tests ---- */

/* dom0 reads every kept parameter of a domU. */
static void test_dom0_reads_domu(void)
{
    fresh();
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_STORE_EVTCHN), D1_STORE_PORT);
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_CONSOLE_EVTCHN), D1_CONSOLE_PORT);
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_STORE_PFN), D1_STORE_PFN);
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_CONSOLE_PFN), D1_CONSOLE_PFN);
    CU_ASSERT_EQUAL(GET(d0, 2, HVM_PARAM_STORE_EVTCHN), 3);
    CU_ASSERT_EQUAL(GET(d0, 2, HVM_PARAM_CONSOLE_PFN), 0x51);
}

/* A domain asks about itself, by DOMID_SELF or by its id; dom0 has no
 * ports and no console ring, but a store page. */
static void test_self(void)
{
    fresh();
    CU_ASSERT_EQUAL(GET(d1, DOMID_SELF, HVM_PARAM_STORE_EVTCHN), D1_STORE_PORT);
    CU_ASSERT_EQUAL(GET(d1, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN), D1_CONSOLE_PORT);
    CU_ASSERT_EQUAL(GET(d1, DOMID_SELF, HVM_PARAM_STORE_PFN), D1_STORE_PFN);
    CU_ASSERT_EQUAL(GET(d1, 1, HVM_PARAM_CONSOLE_PFN), D1_CONSOLE_PFN);
    CU_ASSERT_EQUAL(GET(d0, DOMID_SELF, HVM_PARAM_STORE_EVTCHN), 0);
    CU_ASSERT_EQUAL(GET(d0, DOMID_SELF, HVM_PARAM_CONSOLE_EVTCHN), 0);
    CU_ASSERT_EQUAL(GET(d0, 0, HVM_PARAM_CONSOLE_PFN), 0);
    CU_ASSERT_EQUAL(GET(d0, DOMID_SELF, HVM_PARAM_STORE_PFN), D0_STORE_PFN);
}

/* The pfn comes from the M2P, which the guest may change; none is 0. */
static void test_pfn_follows_m2p(void)
{
    fresh();
    machine_to_phys[d1->store_mfn] = 0x1234;
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_STORE_PFN), 0x1234);
    machine_to_phys[d1->store_mfn] = (uint32_t)INVALID_PFN;
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_STORE_PFN), 0);
    d1->console_mfn = INVALID_MFN;
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_CONSOLE_PFN), 0);
    CU_ASSERT_EQUAL(GET(d0, 1, HVM_PARAM_CONSOLE_EVTCHN), D1_CONSOLE_PORT);
}

/* Who may ask whom, and Xen's order: index bound, lookup, permission,
 * then whether pvx keeps the parameter. */
static void test_refusals(void)
{
    fresh();
    REFUSED(d1, 0, HVM_PARAM_STORE_EVTCHN, -EPERM);
    REFUSED(d1, 2, HVM_PARAM_CONSOLE_PFN, -EPERM);
    REFUSED(d2, 1, HVM_PARAM_STORE_PFN, -EPERM);
    REFUSED(d1, 40, HVM_PARAM_STORE_EVTCHN, -ESRCH);       /* lookup before permission */
    static const domid_t missing[] = { 3, 40, MAX_DOMAINS, DOMID_IO, DOMID_XEN, DOMID_COW,
                                       DOMID_INVALID, DOMID_IDLE, 0xFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(missing); i++)
        REFUSED(d0, missing[i], HVM_PARAM_STORE_EVTCHN, -ESRCH);

    /* Indices past Xen's range, before anything else. */
    static const uint32_t past[] = { HVM_NR_PARAMS, 999, 0x10000, 0xFFFFFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(past); i++) {
        REFUSED(d0, 1, past[i], -EINVAL);
        REFUSED(d0, 40, past[i], -EINVAL);
        REFUSED(d1, 0, past[i], -EINVAL);
    }
    /* In Xen's range but not kept by pvx: after the permission check. */
    for (uint32_t index = 0; index < HVM_NR_PARAMS; index++) {
        if (index == HVM_PARAM_STORE_PFN || index == HVM_PARAM_STORE_EVTCHN ||
            index == HVM_PARAM_CONSOLE_PFN || index == HVM_PARAM_CONSOLE_EVTCHN)
            continue;
        REFUSED(d0, 1, index, -EINVAL);
        REFUSED(d1, DOMID_SELF, index, -EINVAL);
        REFUSED(d1, 0, index, -EPERM);
        REFUSED(d1, 40, index, -ESRCH);
    }
}

/* An argument that cannot be read, or written back. */
static void test_bad_pointers(void)
{
    fresh();
    refused_at(d0, HVMOP_get_param, NULL, HOLE_VA, -EFAULT, __LINE__);
    refused_at(d0, HVMOP_get_param, NULL, HYP_VA, -EFAULT, __LINE__);
    refused_at(d0, HVMOP_get_param, NULL, HOLE_VA - 8, -EFAULT, __LINE__);   /* straddles the hole */
    refused_at(d0, HVMOP_get_param, NULL, 0xFFFFFFF8u, -EFAULT, __LINE__);   /* wraps past 4 GiB */
    struct xen_hvm_param p = param_for(1, HVM_PARAM_STORE_EVTCHN);
    refused_at(d0, HVMOP_get_param, &p, RO_VA, -EFAULT, __LINE__);          /* read, not written */
    p = param_for(1, 999);
    refused_at(d0, HVMOP_get_param, &p, RO_VA, -EINVAL, __LINE__);          /* refused before writing */
}

/* set_param and every other op: -ENOSYS, the argument not even read. */
static void test_unimplemented(void)
{
    fresh();
    static const uint32_t ops[] = { HVMOP_set_param, 2, 5, 99, 0x100, 0xFFFFFFFF };
    struct xen_hvm_param p = param_for(1, HVM_PARAM_STORE_EVTCHN);
    for (unsigned int i = 0; i < ARRAY_SIZE(ops); i++) {
        refused_at(d0, ops[i], &p, ARG_VA, -ENOSYS, __LINE__);
        refused_at(d1, ops[i], &p, ARG_VA, -ENOSYS, __LINE__);
        refused_at(d0, ops[i], NULL, HOLE_VA, -ENOSYS, __LINE__);
    }
    CU_ASSERT_EQUAL(d1->store_port, D1_STORE_PORT);
}

int main(void)
{
    static const struct mm_test tests[] = {
        { "dom0 reads a domU's parameters", test_dom0_reads_domu },
        { "a domain asks about itself", test_self },
        { "pfns come from the M2P", test_pfn_follows_m2p },
        { "refusals and their order", test_refusals },
        { "bad pointers", test_bad_pointers },
        { "set_param and other ops", test_unimplemented },
    };
    return run_mm_suite("hvm_op", tests, ARRAY_SIZE(tests));
}
