/*
 * DomU program "hvm_param_domu" (run by hvm_param, not on its own): a
 * boot-time domU's side of hvm_op's HVMOP_get_param (docs/abi.md, 34).
 *  - About itself (DOMID_SELF, or its own id 1) it gets what its
 *    start_info says: the console and store event channels, and for the
 *    console ring and the store page the pfn at which its own p2m list
 *    maps start_info's mfn.
 *  - About dom0 it may not ask (-EPERM, whichever parameter); about a
 *    domain that does not exist it gets -ESRCH, for an index pvx does not
 *    keep or past Xen's range -EINVAL, for HVMOP_set_param -ENOSYS.
 *  - It writes what it knows of itself without hvm_op (start_info, p2m)
 *    into the page dom0 grants it (ref 8), for dom0 to compare with what
 *    hvm_op tells dom0 about d1.
 */
#include "domains.h"
#include "../hvm_param/hvm_param.h"

/* The pfn whose p2m entry is mfn (the guest's own list), or 0. */
static uint32_t p2m_pfn_of(uint32_t mfn)
{
    for (uint32_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] == mfn)
            return pfn;
    return 0;
}

/* HVMOP_get_param of (domid, index) answers 0 with want. */
static void check_param(domid_t domid, uint32_t index, uint64_t want)
{
    uint64_t value;
    CHECK_EQ(hvm_get(domid, index, &value), 0);
    CHECK_EQ(value, want);
}

static void check_self(const struct hvm_param_report *r)
{
    static const domid_t selves[] = { DOMID_SELF, 1 };
    for (unsigned int i = 0; i < 2; i++) {
        check_param(selves[i], HVM_PARAM_CONSOLE_EVTCHN, r->console_evtchn);
        check_param(selves[i], HVM_PARAM_STORE_EVTCHN, r->store_evtchn);
        check_param(selves[i], HVM_PARAM_CONSOLE_PFN, r->console_pfn);
        check_param(selves[i], HVM_PARAM_STORE_PFN, r->store_pfn);
    }
}

static void check_refusals(void)
{
    static const uint32_t kept[] = { HVM_PARAM_STORE_PFN, HVM_PARAM_STORE_EVTCHN,
                                     HVM_PARAM_CONSOLE_PFN, HVM_PARAM_CONSOLE_EVTCHN };
    uint64_t value;
    for (unsigned int i = 0; i < 4; i++) {
        CHECK_EQ(hvm_get(0, kept[i], &value), -XEN_EPERM);
        CHECK_EQ(value, ~0ull);                            /* not written */
        CHECK_EQ(hvm_get(40, kept[i], &value), -XEN_ESRCH);
    }
    CHECK_EQ(hvm_get(DOMID_SELF, 0, &value), -XEN_EINVAL);   /* HVM_PARAM_CALLBACK_IRQ */
    CHECK_EQ(hvm_get(DOMID_SELF, 999, &value), -XEN_EINVAL);
    CHECK_EQ(hvm_get(0, 999, &value), -XEN_EINVAL);          /* the bound comes first */
    struct xen_hvm_param set = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_EVTCHN, .value = 5 };
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_set_param, &set), -XEN_ENOSYS);
    check_param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, start_info->store_evtchn);
}

/* Map dom0's report page (ref 8), fill it in, unmap it. */
static void send_report(const struct hvm_param_report *r)
{
    struct hvm_param_report *page = alloc_page();
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)page, 0, 0, UVMF_INVLPG), 0);
    struct gnttab_map_grant_ref map = { .host_addr = (unsigned long)page, .flags = GNTMAP_host_map,
                                        .ref = REPORT_REF, .dom = 0 };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    CHECK_EQ(map.status, GNTST_okay);
    if (map.status != GNTST_okay)
        return;
    *page = *r;
    struct gnttab_unmap_grant_ref unmap = { .host_addr = (unsigned long)page, .handle = map.handle };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0);
    CHECK_EQ(unmap.status, GNTST_okay);
}

void test_main(void)
{
    events_mask();
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    if (checks_failed)
        test_finish();
    port_signal((evtchn_port_t)ctl);                       /* hello */

    struct hvm_param_report r = {
        .magic = REPORT_MAGIC,
        .console_evtchn = start_info->console.domU.evtchn,
        .store_evtchn = start_info->store_evtchn,
        .console_pfn = p2m_pfn_of(start_info->console.domU.mfn),
        .store_pfn = p2m_pfn_of(start_info->store_mfn),
    };
    CHECK(r.console_pfn != 0 && r.store_pfn != 0);
    guest_printf("hvm_param_domu: start_info console port %u, store port %u; p2m: console pfn 0x%x, "
                 "store pfn 0x%x\n", r.console_evtchn, r.store_evtchn, r.console_pfn, r.store_pfn);
    check_self(&r);
    check_refusals();

    CHECK(port_wait((evtchn_port_t)ctl));                  /* S1: dom0 granted the page */
    send_report(&r);
    port_signal((evtchn_port_t)ctl);                       /* S2: report written */
}
