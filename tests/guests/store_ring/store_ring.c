/*
 * Test guest "store_ring" (dom0): how dom0 reaches a domU's store page and
 * console ring without being told their machine frames (docs/memory.md,
 * docs/abi.md "20 grant_table_op"): pvx seeds each domU's grant table as
 * Xen's toolstack does, entry 0 (GNTTAB_RESERVED_CONSOLE) granting its
 * console ring to dom0 and entry 1 (GNTTAB_RESERVED_XENSTORE) its store
 * page; the store's event channel waits, unbound, for dom0. With one domU
 * (store_ring_domu):
 *  - dom0 binds the domU's store port (HVM_PARAM_STORE_EVTCHN: its console
 *    port waits for dom0 too);
 *  - maps grant 1 of d1 writable and grant 0 read-only;
 *  - the domU puts a request in its store ring and notifies; dom0 reads it
 *    through the mapping, answers in the response ring, notifies back;
 *  - the console ring dom0 maps reads as a console ring;
 *  - dom0 unmaps both; the domU then sees its grant entries idle.
 */
#include "domains.h"
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/grant_table.h>
#include <public/io/console.h>
#include <public/io/xs_wire.h>

static struct gnttab_map_grant_ref map_grant(grant_ref_t ref, void *va, uint32_t flags)
{
    struct gnttab_map_grant_ref op = { .host_addr = (unsigned long)va, .flags = GNTMAP_host_map | flags,
                                       .ref = ref, .dom = 1 };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1), 0);
    CHECK_EQ(op.status, GNTST_okay);
    return op;
}

static void unmap_grant(void *va, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = (unsigned long)va, .handle = handle };
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1), 0);
    CHECK_EQ(op.status, GNTST_okay);
}

/* A page-aligned va whose L1 entry exists and is empty. */
static void *empty_slot(void)
{
    void *va = alloc_page();
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)va, 0, 0, UVMF_INVLPG), 0);
    return va;
}

void test_main(void)
{
    events_mask();
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    /* d1's store port waits for us (so does its console port: pvx tells
     * which is which, as Xen tells init-dom0less). */
    struct xen_hvm_param param = { .domid = 1, .index = HVM_PARAM_STORE_EVTCHN };
    CHECK_EQ(HYPERVISOR_hvm_op(HVMOP_get_param, &param), 0);
    long store = evtchn_bind_interdomain(1, (evtchn_port_t)param.value);
    CHECK(exc > 0 && store > 0);
    if (store > 0)
        evtchn_test_and_clear((evtchn_port_t)store);
    if (checks_failed)
        test_finish();
    struct xenstore_domain_interface *xs = empty_slot();
    struct xencons_interface *cons = empty_slot();
    struct gnttab_map_grant_ref ms = map_grant(GNTTAB_RESERVED_XENSTORE, xs, 0);
    struct gnttab_map_grant_ref mc = map_grant(GNTTAB_RESERVED_CONSOLE, cons, GNTMAP_readonly);
    /* Another domain's reserved entries are not for a domU: d1's grant 1
     * names dom0, so only dom0 gets it (checked by the domU). */

    port_signal((evtchn_port_t)store);                   /* S1: mapped */
    CHECK(port_wait((evtchn_port_t)store));              /* the domU's request */
    uint32_t n = xs->req_prod - xs->req_cons;
    CHECK_EQ(n, 12);
    char req[16] = { 0 };
    for (uint32_t i = 0; i < n && i < sizeof(req) - 1; i++)
        req[i] = xs->req[MASK_XENSTORE_IDX(xs->req_cons + i)];
    CHECK_EQ(memcmp(req, "hello, store", 12), 0);
    xs->req_cons += n;
    const char *answer = "hello, d1";
    for (uint32_t i = 0; i < 9; i++)
        xs->rsp[MASK_XENSTORE_IDX(xs->rsp_prod + i)] = answer[i];
    __asm__ volatile("" ::: "memory");
    xs->rsp_prod += 9;
    port_signal((evtchn_port_t)store);                   /* S2: answered */
    CHECK(port_wait((evtchn_port_t)store));              /* S3: the domU read it and said so */
    /* The console ring reads as one (the runtime prints through console_io,
     * so it may be empty; pvx drains what is there). */
    CHECK(cons->out_prod - cons->out_cons <= sizeof(cons->out));
    unmap_grant(xs, ms.handle);
    unmap_grant(cons, mc.handle);
    port_signal((evtchn_port_t)store);                   /* S4: unmapped */
    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
    guest_printf("dom0: reached d1's store ring and console through its seeded grants\n");
}
