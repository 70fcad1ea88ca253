/*
 * Test guest "grant_share" (dom0): grant tables between two real domains
 * (docs/abi.md "20 grant_table_op"), with one domU running
 * grant_share_domu (d1). dom0 is the granter:
 *  - setup_table gives it a grant frame it maps writable and fills in:
 *    ref 8 grants one of its pages to d1 writable, ref 9 the same page
 *    read-only, ref 10 to another domain (d5);
 *  - d1 maps ref 8, reads what dom0 wrote and writes back, and copies
 *    into it with GNTTABOP_copy (its checks are in grant_share_domu);
 *  - while d1 maps it, the entry shows GTF_reading|GTF_writing and dom0
 *    cannot give the frame back (decrease_reservation, even with its own
 *    mapping gone);
 *  - after d1 unmaps ref 8, the flags are clear; d1 then ends while still
 *    mapping ref 9 read-only: its death releases that mapping, so GTF_reading
 *    clears and the frame can be given back.
 * dom0 and d1 move in lockstep over an event channel (dom0's port 1).
 */
#include "domains.h"
#include <public/grant_table.h>
#include <public/memory.h>

static long map_at(void *va, uint32_t mfn, int writable)
{
    uint64_t pte = mfn ? ((uint64_t)mfn << 12) | (writable ? 0x63 : 0x61) : 0;
    return HYPERVISOR_update_va_mapping((unsigned long)va, (uint32_t)pte, (uint32_t)(pte >> 32), UVMF_INVLPG);
}

static long give_back(uint32_t mfn)
{
    xen_pfn_t list[1] = { mfn };
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

void test_main(void)
{
    events_mask();
    long ctl = evtchn_alloc_unbound(DOMID_SELF, 1);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK_EQ(ctl, 1);
    CHECK(exc > 0);

    grant_entry_v1_t *table = grant_table_setup();
    char *shared = alloc_page();
    uint32_t shared_mfn = va_to_mfn(shared);
    memcpy(shared, "from dom0", 10);
    table[8] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 1, .frame = shared_mfn };
    table[9] = (grant_entry_v1_t){ .flags = GTF_permit_access | GTF_readonly, .domid = 1, .frame = shared_mfn };
    table[10] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 5, .frame = shared_mfn };

    CHECK(port_wait(1));                                  /* hello */
    port_signal(1);                                       /* S1: granted */
    CHECK(port_wait(1));                                  /* S2: d1 maps ref 8 and wrote */
    CHECK_EQ(memcmp(shared + 100, "from d1", 8), 0);
    CHECK_EQ(memcmp(shared + 200, "copied", 7), 0);
    CHECK_EQ(table[8].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(map_at(shared, 0, 0), 0);                    /* our own mapping gone ... */
    CHECK_EQ(give_back(shared_mfn), 0);                   /* ... d1's keeps the frame */
    port_signal(1);                                       /* S3 */
    CHECK(port_wait(1));                                  /* S4: d1 unmapped ref 8, maps ref 9 */
    CHECK_EQ(table[8].flags, GTF_permit_access);
    CHECK_EQ(table[9].flags, GTF_permit_access | GTF_readonly | GTF_reading);
    port_signal(1);                                       /* S5: go */
    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
    CHECK_EQ(table[9].flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(give_back(shared_mfn), 1);
    guest_printf("dom0: grant checks done, d1 gone, the shared frame given back\n");
}
