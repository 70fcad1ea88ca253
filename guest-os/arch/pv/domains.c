/*
 * guest-os PV: the domains that exist, for dom0's store daemon and tools
 * (SYS_xen_domains, include/xen_user.h; dom0 only).
 *   which      XEN_DOMCTL_getdomaininfo: the first domain with id >= domid
 *              (pvx's rule, by which a toolstack walks the list);
 *   store      a domU's store port, as pvx's builder made it
 *              (HVMOP_get_param HVM_PARAM_STORE_EVTCHN, as Xen's
 *              init-dom0less asks), while it waits for dom0 (EVTCHNOP_
 *              status; it waits again once a daemon that bound it has
 *              gone); 0 while it is bound (a daemon holds it) or if there
 *              is none. Its store page is grant 1 (GNTTAB_RESERVED_
 *              XENSTORE), seeded by pvx.
 *              For dom0 itself: the port of the kernel's own store
 *              connection (xenbus.c), its page granted to itself as ref 1.
 *   name       "dN": no hypercall tells pvx's domain names.
 * Errors: EPERM (not dom0), ESRCH (no domain at or above domid), EFAULT.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <pvx-guest/hypercall.h>
#define GUEST_OS_KERNEL
#include "xen_user.h"
#include "pv.h"

/* domid's store port while it waits for dom0, or 0. */
static uint32_t store_port_of(domid_t domid)
{
    if (domid == 0)
        return xenbus_store_port();
    struct xen_hvm_param param = { .domid = domid, .index = HVM_PARAM_STORE_EVTCHN };
    if (HYPERVISOR_hvm_op(HVMOP_get_param, &param) || param.value == 0 || param.value > 0xffffffffu)
        return 0;
    struct evtchn_status st = { .dom = domid, .port = (evtchn_port_t)param.value };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st) ||
        st.status != EVTCHNSTAT_unbound || st.u.unbound.dom != 0)
        return 0;
    return (uint32_t)param.value;
}

/* xen_domain_next: see pv.h. */
int xen_domain_next(uint16_t from, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo,
                             .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = from };
    long rc = HYPERVISOR_domctl(&op);
    if (rc)
        return (int)rc;
    *info = op.u.getdomaininfo;
    return op.domain;
}

/* xen_domains(domid, info): see include/xen_user.h. */
long arch_sys_xen_domains(uint32_t domid, uint32_t uinfo, uint32_t unused)
{
    (void)unused;
    if (!is_dom0())
        return -EPERM;
    if (domid >= DOMID_FIRST_RESERVED)
        return -ESRCH;
    struct xen_domctl_getdomaininfo d;
    int id = xen_domain_next((uint16_t)domid, &d);
    if (id < 0)
        return id == -ESRCH ? -ESRCH : xen_errno(id);
    struct gos_dominfo info;
    memset(&info, 0, sizeof(info));
    info.domid = (uint32_t)id;
    info.flags = d.flags & XEN_DOMINF_dying ? GOS_DOM_DYING
               : d.flags & XEN_DOMINF_shutdown ? GOS_DOM_SHUTDOWN : GOS_DOM_RUNNING;
    info.tot_pages = (uint32_t)d.tot_pages;
    info.max_pages = (uint32_t)d.max_pages;
    info.store_port = store_port_of((domid_t)id);
    info.store_ref = GNTTAB_RESERVED_XENSTORE;
    ksnprintf(info.name, sizeof(info.name), "d%u", info.domid);
    return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : (long)info.domid;
}
