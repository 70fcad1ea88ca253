/*
 * Test guest "hvm_param" (dom0): hvm_op's HVMOP_get_param (docs/abi.md,
 * 34), how dom0 learns a boot-time domU's console and store event
 * channels and pages (as Xen's init-dom0less does), with one domU running
 * hvm_param_domu (d1). dom0's part:
 *  - d1's four parameters: the store port is the port of d1 that waits,
 *    unbound, for dom0 (EVTCHNOP_status), the console port is one d1 uses
 *    (not free; who its other end is, is the console backend's business),
 *    the pfns are nonzero; and all four equal what d1 reports of itself
 *    from its start_info and its own p2m list (written into a page dom0
 *    grants it);
 *  - about itself (DOMID_SELF, or 0): no ports and no console ring (0),
 *    and its store page at the pfn its p2m maps start_info.store_mfn at;
 *  - refusals: -ESRCH for a domain that does not exist (40, DOMID_XEN,
 *    and d1 once it is gone), -EINVAL for an index past Xen's range (999,
 *    0x10000) or one pvx does not keep, -ENOSYS for HVMOP_set_param and an
 *    unknown op (99), -EFAULT for an argument it cannot read (unmapped,
 *    straddling into an unmapped page, in the hypervisor's area) or
 *    cannot write back (a read-only mapping of a valid request, which is
 *    left as it was).
 * d1 checks its own side (DOMID_SELF, -EPERM for dom0). dom0 and d1 move
 * in lockstep over an event channel (dom0's port 1).
 */
#include "domains.h"
#include "bad_ptr.h"
#include "hvm_param.h"

/* d1's parameters as hvm_op gives them to dom0. */
struct d1_params {
    uint64_t console_evtchn, store_evtchn, console_pfn, store_pfn;
};

static void read_d1(struct d1_params *p)
{
    CHECK_EQ(hvm_get(1, HVM_PARAM_CONSOLE_EVTCHN, &p->console_evtchn), 0);
    CHECK_EQ(hvm_get(1, HVM_PARAM_STORE_EVTCHN, &p->store_evtchn), 0);
    CHECK_EQ(hvm_get(1, HVM_PARAM_CONSOLE_PFN, &p->console_pfn), 0);
    CHECK_EQ(hvm_get(1, HVM_PARAM_STORE_PFN, &p->store_pfn), 0);
    guest_printf("dom0: d1's console port %u, store port %u, console pfn 0x%x, store pfn 0x%x\n",
                 (unsigned int)p->console_evtchn, (unsigned int)p->store_evtchn,
                 (unsigned int)p->console_pfn, (unsigned int)p->store_pfn);
    CHECK(p->console_evtchn > 0 && p->console_evtchn < 1024);
    CHECK(p->store_evtchn > 0 && p->store_evtchn < 1024);
    CHECK(p->console_evtchn != p->store_evtchn);
    CHECK(p->console_pfn != 0 && p->store_pfn != 0 && p->console_pfn != p->store_pfn);
    if (checks_failed)
        return;
    CHECK_PORT_STATUS(1, (evtchn_port_t)p->store_evtchn, EVTCHNSTAT_unbound, 0, 0);
    struct evtchn_status s;
    CHECK_EQ(evtchn_status(1, (evtchn_port_t)p->console_evtchn, &s), 0);
    CHECK(s.status != EVTCHNSTAT_closed);
}

static void check_self(void)
{
    static const domid_t selves[] = { DOMID_SELF, 0 };
    for (unsigned int i = 0; i < 2; i++) {
        uint64_t value;
        CHECK_EQ(hvm_get(selves[i], HVM_PARAM_CONSOLE_EVTCHN, &value), 0);
        CHECK_EQ(value, 0);
        CHECK_EQ(hvm_get(selves[i], HVM_PARAM_STORE_EVTCHN, &value), 0);
        CHECK_EQ(value, 0);
        CHECK_EQ(hvm_get(selves[i], HVM_PARAM_CONSOLE_PFN, &value), 0);
        CHECK_EQ(value, 0);
        CHECK_EQ(hvm_get(selves[i], HVM_PARAM_STORE_PFN, &value), 0);
        CHECK(value != 0 && value < start_info->nr_pages && p2m[value] == start_info->store_mfn);
    }
}

/* A request that is read but cannot be written back: a read-only second
 * mapping of the page holding a valid one. */
static void check_unwritable_result(void)
{
    struct xen_hvm_param *req = alloc_page();
    struct xen_hvm_param *ro = alloc_page();
    *req = (struct xen_hvm_param){ .domid = 1, .index = HVM_PARAM_STORE_EVTCHN, .value = 0xAAAA };
    uint32_t pte = va_to_mfn(req) << 12 | 0x61;          /* P|A|D, not RW */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)ro, pte, 0, UVMF_INVLPG), 0);
    CHECK_EQ(ro->index, HVM_PARAM_STORE_EVTCHN);
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, ro), -XEN_EFAULT);
    CHECK_EQ(req->value, 0xAAAA);
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, req), 0);   /* the same request, writable */
    CHECK(req->value != 0xAAAA);
}

static void check_refusals(void)
{
    uint64_t value;
    CHECK_EQ(hvm_get(40, HVM_PARAM_STORE_EVTCHN, &value), -XEN_ESRCH);
    CHECK_EQ(hvm_get(DOMID_XEN, HVM_PARAM_STORE_EVTCHN, &value), -XEN_ESRCH);
    CHECK_EQ(hvm_get(DOMID_IO, HVM_PARAM_CONSOLE_PFN, &value), -XEN_ESRCH);
    CHECK_EQ(hvm_get(1, 999, &value), -XEN_EINVAL);
    CHECK_EQ(hvm_get(1, 0x10000, &value), -XEN_EINVAL);
    CHECK_EQ(hvm_get(1, HVM_NR_PARAMS, &value), -XEN_EINVAL);
    CHECK_EQ(hvm_get(40, 999, &value), -XEN_EINVAL);         /* the bound comes first */
    CHECK_EQ(hvm_get(1, 0, &value), -XEN_EINVAL);            /* HVM_PARAM_CALLBACK_IRQ: not kept */
    CHECK_EQ(hvm_get(1, HVM_NR_PARAMS - 1, &value), -XEN_EINVAL);
    CHECK_EQ(value, ~0ull);                                  /* not written */

    struct xen_hvm_param p = { .domid = 1, .index = HVM_PARAM_STORE_EVTCHN, .value = 7 };
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_set_param, &p), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_hvm_op(99, &p), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_hvm_op(2, &p), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_set_param, (void *)unmapped_va()), -XEN_ENOSYS);
    CHECK_EQ(p.value, 7);

    check_bad_ptr_layout();
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, (void *)unmapped_va()), -XEN_EFAULT);
    struct xen_hvm_param *tail = (void *)straddling_va(8);
    tail->domid = 1;                                         /* the mapped half is a valid start */
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, tail), -XEN_EFAULT);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, (void *)hypervisor_area_vas[i]), -XEN_EFAULT);
    check_unwritable_result();
}

/* A page granted to d1 (writable) as REPORT_REF, for its report. */
static volatile struct hvm_param_report *grant_report_page(void)
{
    grant_entry_v1_t *table = grant_table_setup();
    struct hvm_param_report *report = alloc_page();
    table[REPORT_REF] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 1,
                                            .frame = va_to_mfn(report) };
    return report;
}

void test_main(void)
{
    events_mask();
    long ctl = evtchn_alloc_unbound(DOMID_SELF, 1);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK_EQ(ctl, 1);
    CHECK(exc > 0);
    CHECK(port_wait(1));                                     /* hello */
    if (checks_failed)
        test_finish();

    struct d1_params d1;
    read_d1(&d1);
    check_self();
    check_refusals();

    volatile struct hvm_param_report *report = grant_report_page();
    port_signal(1);                                          /* S1: granted */
    CHECK(port_wait(1));                                     /* S2: d1 wrote its report */
    CHECK_EQ(report->magic, REPORT_MAGIC);
    CHECK_EQ(report->console_evtchn, d1.console_evtchn);
    CHECK_EQ(report->store_evtchn, d1.store_evtchn);
    CHECK_EQ(report->console_pfn, d1.console_pfn);
    CHECK_EQ(report->store_pfn, d1.store_pfn);

    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
    uint64_t value;
    CHECK_EQ(hvm_get(1, HVM_PARAM_STORE_EVTCHN, &value), -XEN_ESRCH);
    guest_printf("dom0: hvm_param checks done, d1's parameters match its start_info and p2m, d1 gone\n");
}
