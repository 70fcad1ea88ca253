/*
 * pvx: sysctl (hypercall 35), the machine as a toolstack sees it. Only
 * XEN_SYSCTL_physinfo: the CPU and the memory (total and free frames), which
 * dom0's automatic balloon reads to keep a reserve free. dom0 only.
 */
#include <pvx/errno.h>
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/sysctl.h>

/* physinfo: one CPU, one node; the frame counts of the allocator. */
static void physinfo(struct xen_sysctl_physinfo *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->threads_per_core = 1;
    pi->cores_per_socket = 1;
    pi->nr_cpus = 1;
    pi->max_cpu_id = 0;
    pi->nr_nodes = 1;
    pi->max_node_id = 0;
    pi->cpu_khz = cpu_khz;
    pi->capabilities = XEN_SYSCTL_PHYSCAP_pv;
    pi->total_pages = max_mfn;
    pi->free_pages = frame_alloc_free_count();
    pi->max_mfn = max_mfn - 1;
}

/* sysctl(arg): see docs/abi.md. The order of refusals is Xen's: the
 * argument is read, then the version, then the caller's privilege. */
long do_sysctl(uint32_t arg)
{
    struct xen_sysctl op;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (!current->domain->is_privileged)
        return -EPERM;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        physinfo(&op.u.physinfo);
        return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
    default:
        return -ENOSYS;
    }
}
