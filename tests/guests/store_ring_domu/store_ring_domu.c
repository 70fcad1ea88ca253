/*
 * DomU program "store_ring_domu" (run by store_ring, not on its own): the
 * domU side of reaching the store through pvx's seeded grants. Checks:
 *  - its grant table exists from the start with one frame (setup_table
 *    for 1 frame returns it; query_size says 1), and entries 0 and 1 grant
 *    its console ring and store page (start_info's machine frames) to
 *    dom0;
 *  - while dom0 maps them, entry 1 shows GTF_reading|GTF_writing and
 *    entry 0 GTF_reading; once unmapped, both are idle again;
 *  - a request written into the store ring and notified on
 *    start_info.store_evtchn is answered by dom0 in the response ring.
 */
#include "domains.h"
#include <public/grant_table.h>
#include <public/io/xs_wire.h>

void test_main(void)
{
    events_mask();
    evtchn_port_t port = start_info->store_evtchn;
    xen_pfn_t frame = 0;
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0);
    CHECK_EQ(q.nr_frames, 1);
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(st.frame_list, &frame);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    grant_entry_v1_t *gt = alloc_page();
    uint64_t pte = ((uint64_t)frame << 12) | 0x63;
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)gt, (uint32_t)pte, 0, UVMF_INVLPG), 0);
    CHECK_EQ(gt[GNTTAB_RESERVED_CONSOLE].domid, 0);
    CHECK_EQ(gt[GNTTAB_RESERVED_CONSOLE].frame, start_info->console.domU.mfn);
    CHECK_EQ(gt[GNTTAB_RESERVED_XENSTORE].domid, 0);
    CHECK_EQ(gt[GNTTAB_RESERVED_XENSTORE].frame, start_info->store_mfn);
    CHECK_EQ(gt[GNTTAB_RESERVED_XENSTORE].flags & GTF_type_mask, GTF_permit_access);

    CHECK(port_wait(port));                              /* S1: dom0 mapped them */
    CHECK_EQ(gt[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gt[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access | GTF_reading);
    struct xenstore_domain_interface *xs = mfn_to_va(start_info->store_mfn);
    CHECK(xs != 0);
    if (checks_failed)
        test_finish();
    const char *req = "hello, store";
    for (uint32_t i = 0; i < 12; i++)
        xs->req[MASK_XENSTORE_IDX(xs->req_prod + i)] = req[i];
    __asm__ volatile("" ::: "memory");
    xs->req_prod += 12;
    port_signal(port);
    CHECK(port_wait(port));                              /* S2: answered */
    char rsp[16] = { 0 };
    uint32_t n = xs->rsp_prod - xs->rsp_cons;
    for (uint32_t i = 0; i < n && i < sizeof(rsp) - 1; i++)
        rsp[i] = xs->rsp[MASK_XENSTORE_IDX(xs->rsp_cons + i)];
    xs->rsp_cons += n;
    guest_printf("store_ring_domu: dom0 answered: %s\n", rsp);
    port_signal(port);                                   /* S3 */
    CHECK(port_wait(port));                              /* S4: unmapped */
    CHECK_EQ(gt[GNTTAB_RESERVED_XENSTORE].flags, GTF_permit_access);
    CHECK_EQ(gt[GNTTAB_RESERVED_CONSOLE].flags, GTF_permit_access);
}
