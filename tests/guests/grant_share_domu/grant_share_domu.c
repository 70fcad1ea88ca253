/*
 * DomU program "grant_share_domu" (run by grant_share, not on its own):
 * the mapping side of grant tables. dom0 grants one of its pages as ref 8
 * (writable), ref 9 (read-only) and ref 10 (to another domain). Checks:
 *  - map ref 8 by va: reads dom0's words, writes its own; a second,
 *    read-only mapping by PTE address (GNTMAP_contains_pte) works too;
 *  - refusals: ref 9 writable (read-only grant), ref 10 (not ours),
 *    ref 4096 (past the table), a domain that does not exist, a
 *    misaligned PTE address, a PTE address in a frame that is not one of
 *    our L1 tables, an L1 entry in use, neither host nor device map;
 *  - GNTTABOP_copy from our page into ref 8;
 *  - unmap with the wrong address is refused, the right one works, a
 *    second unmap is a bad handle;
 *  - a version switch to v2 while mapped is refused (-EOPNOTSUPP) and the
 *    mappings keep working; a second read-only mapping unmaps (twice: a
 *    bad handle) without touching the writable one;
 *  - it ends while mapping ref 9 (dom0 checks that this releases it).
 */
#include "domains.h"
#include <public/grant_table.h>

static struct gnttab_map_grant_ref map_ref(grant_ref_t ref, uint64_t host_addr, uint32_t flags, domid_t dom)
{
    struct gnttab_map_grant_ref op = { .host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), 0);
    return op;
}

static int16_t unmap_ref(uint64_t host_addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = host_addr, .handle = handle };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
    return op.status;
}

/* A page-aligned va whose L1 entry exists and is empty. */
static char *empty_slot(void)
{
    char *va = alloc_page();
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)va, 0, 0, UVMF_INVLPG), 0);
    return va;
}

void test_main(void)
{
    events_mask();
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    port_signal((evtchn_port_t)ctl);                       /* hello */
    CHECK(port_wait((evtchn_port_t)ctl));                  /* S1 */

    char *va = empty_slot();
    struct gnttab_map_grant_ref m = map_ref(8, (unsigned long)va, GNTMAP_host_map, 0);
    CHECK_EQ(m.status, GNTST_okay);
    CHECK_EQ(memcmp(va, "from dom0", 10), 0);
    memcpy(va + 100, "from d1", 8);

    char *ro = empty_slot();
    uint64_t ro_pte = pte_maddr_of((unsigned long)ro);
    struct gnttab_map_grant_ref r = map_ref(9, ro_pte, GNTMAP_host_map | GNTMAP_contains_pte | GNTMAP_readonly, 0);
    CHECK_EQ(r.status, GNTST_okay);
    CHECK_EQ(memcmp(ro, "from dom0", 10), 0);

    char *spare = empty_slot();
    CHECK_EQ(map_ref(9, (unsigned long)spare, GNTMAP_host_map, 0).status, GNTST_permission_denied);
    CHECK_EQ(map_ref(10, (unsigned long)spare, GNTMAP_host_map, 0).status, GNTST_permission_denied);
    CHECK_EQ(map_ref(4096, (unsigned long)spare, GNTMAP_host_map, 0).status, GNTST_bad_gntref);
    CHECK_EQ(map_ref(8, (unsigned long)spare, GNTMAP_host_map, 40).status, GNTST_bad_domain);
    CHECK_EQ(map_ref(8, pte_maddr_of((unsigned long)spare) + 4, GNTMAP_host_map | GNTMAP_contains_pte, 0).status,
             GNTST_general_error);
    CHECK_EQ(map_ref(8, (uint64_t)va_to_mfn(spare - 4096) << 12, GNTMAP_host_map | GNTMAP_contains_pte, 0).status,
             GNTST_general_error);                         /* a data page, not an L1 */
    CHECK_EQ(map_ref(8, (unsigned long)va, GNTMAP_host_map, 0).status, GNTST_general_error);  /* in use */
    CHECK_EQ(map_ref(8, (unsigned long)spare, 0, 0).status, GNTST_bad_gntref);

    char *mine = alloc_page();
    memcpy(mine, "copied", 7);
    struct gnttab_copy c = { .source = { .u.gmfn = va_to_mfn(mine), .domid = DOMID_SELF },
                             .dest = { .u.ref = 8, .domid = 0, .offset = 200 }, .len = 7,
                             .flags = GNTCOPY_dest_gref };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, GNTST_okay);
    CHECK_EQ(memcmp(va + 200, "copied", 7), 0);

    /* Switching the table to v2 while grants are mapped: refused, and the
     * mappings keep working; v1 again is fine. */
    struct gnttab_set_version v = { .version = 2 };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &v, 1), -XEN_EOPNOTSUPP);
    v.version = 1;
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &v, 1), 0);
    CHECK_EQ(memcmp(ro, "from dom0", 10), 0);
    /* A second read-only mapping of ref 9, by va, unmapped at once: the
     * read-only mapping took no writable reference, so unmapping it leaves
     * the writable one (ref 8) intact and dom0's frame still writable
     * through it. */
    char *ro2 = empty_slot();
    struct gnttab_map_grant_ref r2 = map_ref(9, (unsigned long)ro2, GNTMAP_host_map | GNTMAP_readonly, 0);
    CHECK_EQ(r2.status, GNTST_okay);
    CHECK_EQ(pte_of((unsigned long)ro2) & 2, 0);             /* not RW */
    CHECK_EQ(unmap_ref((unsigned long)ro2, r2.handle), GNTST_okay);
    CHECK_EQ(unmap_ref((unsigned long)ro2, r2.handle), GNTST_bad_handle);   /* twice */
    va[300] = 'w';
    CHECK_EQ(va[300], 'w');

    port_signal((evtchn_port_t)ctl);                       /* S2 */
    CHECK(port_wait((evtchn_port_t)ctl));                  /* S3 */
    CHECK_EQ(unmap_ref((unsigned long)spare, m.handle), GNTST_general_error);
    CHECK_EQ(unmap_ref((unsigned long)va, m.handle), GNTST_okay);
    CHECK_EQ(pte_of((unsigned long)va) & 1, 0);
    CHECK_EQ(unmap_ref((unsigned long)va, m.handle), GNTST_bad_handle);
    port_signal((evtchn_port_t)ctl);                       /* S4: ref 9 stays mapped */
    CHECK(port_wait((evtchn_port_t)ctl));                  /* S5 */
}
