/* pvx: memory_op: the dispatcher, the queries and the memory maps. The
 * reservation commands (ballooning) are in memory_reservation.c. */
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/memory_op.h>
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

/* The domain a reservation names: the caller, or (dom0 only) another.
 * As Xen: a missing domain is 0 extents done (*rc = 0), another
 * domain's for a domU -EPERM. */
static struct domain *reservation_domain(domid_t id, long *rc)
{
    struct domain *self = current->domain;
    if (id == DOMID_SELF || id == self->domain_id)
        return self;
    struct domain *d = domain_by_id(id);
    *rc = !d ? 0 : -EPERM;
    return d && self->is_privileged ? d : NULL;
}

/* increase_reservation, decrease_reservation, populate_physmap. */
static long reservation_op(uint32_t cmd, uint32_t arg)
{
    struct xen_memory_reservation r;
    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    long rc;
    struct domain *d = reservation_domain(r.domid, &rc);
    if (!d)
        return rc;
    guest_va_t list = (guest_va_t)r.extent_start;
    switch (cmd) {
    case XENMEM_increase_reservation:
        return (long)reservation_increase(d, list, r.nr_extents, r.extent_order);
    case XENMEM_decrease_reservation:
        return (long)reservation_decrease(d, list, r.nr_extents, r.extent_order);
    default:
        return (long)reservation_populate(d, list, r.nr_extents, r.extent_order);
    }
}

/* exchange: nr_exchanged is copied back whatever happened. */
static long exchange_op(uint32_t arg)
{
    struct xen_memory_exchange x;
    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    long rc;
    struct domain *d = reservation_domain(x.in.domid, &rc);
    if (!d)
        return rc ? rc : -ESRCH;
    rc = reservation_exchange(d, &x);
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged), &x.nr_exchanged,
                      sizeof(x.nr_exchanged)))
        return -EFAULT;
    return rc;
}

/* memory_map (this domain: one RAM entry over its maximum, what a PV
 * kernel assumes when Xen has no map for it) and machine_memory_map (dom0:
 * the machine's map from the boot loader). nr_entries: capacity in,
 * entries stored out; a buffer too small for the whole map gets what fits. */
static long memory_map_op(uint32_t cmd, uint32_t arg)
{
    struct xen_memory_map m;
    if (copy_from_guest(&m, arg, sizeof(m)))
        return -EFAULT;
    enum { MAP_MAX = 32 };
    struct pvx_e820entry map[MAP_MAX];
    unsigned int n;
    if (cmd == XENMEM_memory_map) {
        map[0] = (struct pvx_e820entry){ 0, (uint64_t)current->domain->max_pages << PAGE_SHIFT, PVX_E820_RAM };
        n = 1;
    } else {
        if (!current->domain->is_privileged)
            return -EPERM;
        n = arch_machine_memory_map(map, MAP_MAX);
    }
    if (m.nr_entries < n)
        n = m.nr_entries;
    if (n && copy_to_guest((guest_va_t)m.buffer, map, n * sizeof(map[0])))
        return -EFAULT;
    m.nr_entries = n;
    return copy_to_guest(arg, &m.nr_entries, sizeof(m.nr_entries));
}

/* memory_op(cmd, arg): see docs/abi.md. */
long do_memory_op(uint32_t cmd, uint32_t arg)
{
    long rc = 0;
    struct domain *d;
    switch (cmd) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(cmd, arg);
    case XENMEM_exchange:
        return exchange_op(arg);
    case XENMEM_memory_map:
    case XENMEM_machine_memory_map:
        return memory_map_op(cmd, arg);
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
