/*
 * pvx: domctl, dom0's control of other domains (Xen's hypercall 36): pause
 * and unpause, getdomaininfo, destroydomain, max_mem (docs/abi.md).
 *
 * What it keeps true:
 *  - Only dom0 acts, and only after the argument's interface version
 *    matched and the target was looked up (Xen's order: -EACCES, -ESRCH,
 *    then -EPERM), so a refused call changes nothing.
 *  - A domain is paused while its vCPU's pause_count is above zero; the
 *    scheduler never picks such a vCPU (wants_cpu() in sched_credit.c), so
 *    it runs no guest code and is charged no CPU time until unpaused.
 *    Events and timers still reach it: they wait, pending, for the unpause.
 *  - A domain never pauses itself (it could not unpause), and unpausing
 *    one that is not paused is refused rather than counted below zero.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/sched.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/domctl.h>

/* Toolstack pauses nest at most this deep (Xen's limit). */
#define MAX_CONTROLLER_PAUSES 255

/* getdomaininfo answers for the first domain with an id at or above the
 * one asked (Xen 4.17's rule: a toolstack walks the domain list with it). */
static struct domain *first_domain_from(domid_t id)
{
    for (unsigned int i = id; i < MAX_DOMAINS; i++) {
        struct domain *d = domain_by_id((domid_t)i);
        if (d)
            return d;
    }
    return NULL;
}

/* XEN_DOMINF_* for d. pvx destroys a domU as soon as it stops (and dom0's
 * end is the machine's), so no caller sees one shut down for long, and
 * none dying. */
static uint32_t domain_flags(const struct domain *d)
{
    const struct vcpu *v = d->vcpu0;
    uint32_t flags = 0;
    if (d->state == DOMAIN_SHUTDOWN)
        flags |= XEN_DOMINF_shutdown |
                 (d->shutdown_code & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
    if (d->state == DOMAIN_CRASHED)
        flags |= XEN_DOMINF_shutdown | SHUTDOWN_crash << XEN_DOMINF_shutdownshift;
    if (v->pause_count)
        flags |= XEN_DOMINF_paused;
    if (v->runstate == RUNSTATE_blocked)
        flags |= XEN_DOMINF_blocked;
    if (v->runstate == RUNSTATE_running)
        flags |= XEN_DOMINF_running;
    return flags;
}

/* Fill in what pvx knows about d; every other field is zero. */
static void get_domain_info(const struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->flags = domain_flags(d);
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    info->cpu_time = (uint64_t)vcpu_cpu_time(d->vcpu0);
    info->nr_online_vcpus = d->vcpu0->runstate == RUNSTATE_offline ? 0 : 1;
    info->max_vcpu_id = 0;
    /* outstanding/shared/paged pages, ssidref, handle, cpupool 0,
     * gpaddr_bits and arch_config stay 0: pvx has none of them. */
}

/* XEN_DOMCTL_pausedomain: one more toolstack pause; the vCPU leaves the
 * CPU at the next scheduling decision. */
static long pause_domain(struct domain *d)
{
    if (d == current->domain)
        return -EINVAL;
    if (d->vcpu0->pause_count >= MAX_CONTROLLER_PAUSES)
        return -EOVERFLOW;
    d->vcpu0->pause_count++;
    raise_schedule();
    return 0;
}

/* XEN_DOMCTL_unpausedomain: one pause fewer; at zero the vCPU may run
 * again (if it is not blocked). */
static long unpause_domain(struct domain *d)
{
    if (d->vcpu0->pause_count == 0)
        return -EINVAL;
    if (--d->vcpu0->pause_count == 0)
        raise_schedule();
    return 0;
}

/* XEN_DOMCTL_destroydomain: stop d now, whatever it was doing, and free
 * everything it held; dom0 gets VIRQ_DOM_EXC. */
static long destroy_domain(struct domain *d)
{
    if (d == current->domain)
        return -EINVAL;
    printk("d%u: domctl: destroying d%u\n", current->domain->domain_id, d->domain_id);
    domain_kill(d);
    return 0;
}

/* XEN_DOMCTL_max_mem: as Xen, a limit below what d holds is accepted: d
 * keeps its frames but gets no new one until it is under the limit. */
static long set_max_mem(struct domain *d, uint64_t max_memkb)
{
    d->max_pages = (unsigned long)(max_memkb >> (PAGE_SHIFT - 10));
    return 0;
}

/* domctl(arg): see docs/abi.md. */
long do_domctl(uint32_t arg)
{
    struct xen_domctl op;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    struct domain *d = op.cmd == XEN_DOMCTL_getdomaininfo ? first_domain_from(op.domain)
                                                          : domain_by_id(op.domain);
    if (!d && op.cmd != XEN_DOMCTL_createdomain)
        return -ESRCH;
    if (!current->domain->is_privileged)
        return -EPERM;

    switch (op.cmd) {
    case XEN_DOMCTL_pausedomain:
        return pause_domain(d);
    case XEN_DOMCTL_unpausedomain:
        return unpause_domain(d);
    case XEN_DOMCTL_destroydomain:
        return destroy_domain(d);
    case XEN_DOMCTL_max_mem:
        return set_max_mem(d, op.u.max_mem.max_memkb);
    case XEN_DOMCTL_getdomaininfo:
        get_domain_info(d, &op.u.getdomaininfo);
        op.domain = d->domain_id;
        return copy_to_guest(arg, &op, sizeof(op)) ? -EFAULT : 0;
    default:
        return -ENOSYS;
    }
}
