/*
 * pvx: hvm_op (hypercall 34), only HVMOP_get_param, and only the four
 * parameters that tell dom0 how to reach a domain's console and store
 * (Xen's HVM params, as init-dom0less reads them for the domains Xen
 * builds at boot; docs/abi.md).
 *
 * Xen refuses HVM params for PV domains (-EINVAL). pvx answers these four
 * for every domain because pvx builds its boot-time domains itself, so
 * only it knows their ports and pages (dom0 has nothing else to ask).
 *
 * What it keeps true:
 *  - The answers are what the builder wrote in the domain's start_info:
 *    the event channels (0 where it gave none: dom0's ports) and the
 *    pages, as the guest frame numbers its p2m maps them at (through the
 *    M2P, which the guest keeps up to date); 0 where there is no page
 *    (dom0's console ring) or the M2P no longer names one.
 *  - Xen's order of refusals: the argument is read, the index bounded,
 *    the domain looked up, then the caller's right to ask checked; only
 *    then is the parameter read and the argument written back. Nothing
 *    changes in any case.
 */
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>

/* The guest frame number of d's frame mfn, or 0 if none. */
static uint64_t pfn_of(mfn_t mfn)
{
    if (mfn == INVALID_MFN || !mfn_valid(mfn))
        return 0;
    uint32_t pfn = machine_to_phys[mfn];
    return pfn == (uint32_t)INVALID_PFN ? 0 : pfn;
}

/* The value of parameter index of d: 0, or -EINVAL for one pvx keeps not. */
static long param_value(const struct domain *d, uint32_t index, uint64_t *value)
{
    switch (index) {
    case HVM_PARAM_STORE_PFN:
        *value = pfn_of(d->store_mfn);
        return 0;
    case HVM_PARAM_STORE_EVTCHN:
        *value = d->store_port;
        return 0;
    case HVM_PARAM_CONSOLE_PFN:
        *value = pfn_of(d->console_mfn);
        return 0;
    case HVM_PARAM_CONSOLE_EVTCHN:
        *value = d->console_port;
        return 0;
    default:
        return -EINVAL;
    }
}

/* HVMOP_get_param: struct xen_hvm_param at arg, value filled in. */
static long get_param(uint32_t arg)
{
    struct xen_hvm_param p;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.index >= HVM_NR_PARAMS)
        return -EINVAL;
    struct domain *d = domain_by_any_id(p.domid);
    if (!d)
        return -ESRCH;
    if (!may_control(d))
        return -EPERM;
    uint64_t value;
    long rc = param_value(d, p.index, &value);
    if (rc)
        return rc;
    p.value = value;
    return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
}

/* hvm_op(op, arg): see docs/abi.md. */
long do_hvm_op(uint32_t op, uint32_t arg)
{
    switch (op) {
    case HVMOP_get_param:
        return get_param(arg);
    default:                   /* HVMOP_set_param among them */
        return -ENOSYS;
    }
}
