/* pvx: memory_op, the queries. (Ballooning, populate_physmap and exchange
 * come with the memory issue and answer -ENOSYS until then.) */
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/memory.h>

/* The domain a domid_t argument names: DOMID_SELF or own id for anyone,
 * any domain for dom0. NULL with *rc set otherwise. As Xen, the domain is
 * looked up before the permission check, so a missing domain is -ESRCH
 * for every caller (event_channel_op's status answers the same way). */
static struct domain *target_domain(uint32_t arg, long *rc)
{
    domid_t id;
    if (copy_from_guest(&id, arg, sizeof(id))) {
        *rc = -EFAULT;
        return NULL;
    }
    struct domain *self = current->domain;
    if (id == DOMID_SELF || id == self->domain_id)
        return self;
    struct domain *d = domain_by_id(id);
    if (!d) {
        *rc = -ESRCH;
        return NULL;
    }
    if (!self->is_privileged) {
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

/* memory_op(cmd, arg): see docs/abi.md. */
long do_memory_op(uint32_t cmd, uint32_t arg)
{
    long rc = 0;
    struct domain *d;
    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return (long)(max_mfn - 1);
    case XENMEM_current_reservation:
        d = target_domain(arg, &rc);
        return d ? (long)d->tot_pages : rc;
    case XENMEM_maximum_reservation:
        d = target_domain(arg, &rc);
        return d ? (long)d->max_pages : rc;
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = {
            .v_start = MACH2PHYS_VIRT_START_PAE, .v_end = MACH2PHYS_VIRT_END_PAE,
            .max_mfn = (uint32_t)(max_mfn - 1),
        };
        return copy_to_guest(arg, &m, sizeof(m));
    }
    default:
        return -ENOSYS;
    }
}
