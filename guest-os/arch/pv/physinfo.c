/*
 * guest-os PV: the machine's memory for dom0's tools (SYS_xen_physinfo,
 * include/xen_user.h): XEN_SYSCTL_physinfo, which pvx answers for dom0
 * only.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/sysctl.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

/* arch_xen_physinfo: see kernel/arch.h. */
int arch_xen_physinfo(uint32_t *total_pages, uint32_t *free_pages, uint32_t *cpu_khz)
{
    if (!(start_info->flags & SIF_INITDOMAIN))
        return -EPERM;
    static struct xen_sysctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    if (HYPERVISOR_sysctl(&op))
        return -EIO;
    *total_pages = (uint32_t)op.u.physinfo.total_pages;
    *free_pages = (uint32_t)op.u.physinfo.free_pages;
    *cpu_khz = op.u.physinfo.cpu_khz;
    return 0;
}
