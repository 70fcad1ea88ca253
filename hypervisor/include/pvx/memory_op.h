/*
 * pvx: memory_op's reservation commands (common/memory_reservation.c),
 * called by do_memory_op (common/memory_op.c) with the reservation already
 * copied in and the target domain checked. `list` is the guest address of
 * the extent list (xen_pfn_t entries), read and written entry by entry.
 */
#ifndef PVX_MEMORY_OP_H
#define PVX_MEMORY_OP_H

#include <pvx/types.h>

struct domain;
struct xen_memory_exchange;

/* Give d nr extents of 2^order frames, writing each one's first mfn to
 * list[i] (list 0: write nothing, as Xen allows). The extents done. */
unsigned long reservation_increase(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order);
/* Take back the nr extents whose first mfns are in list. The extents done;
 * a frame that is not d's plain allocation stops it (refusal on the console). */
unsigned long reservation_decrease(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order);
/* For each pfn in list, give d an extent, set its M2P entries to pfn..
 * and write its first mfn over list[i]. The extents done. */
unsigned long reservation_populate(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order);
/* XENMEM_exchange on the copied-in *x (x->nr_exchanged updated as chunks
 * complete): 0, or -EPERM (order too big), -EINVAL (inconsistent sizes, a
 * frame that cannot be given back), -EBUSY (a frame in use), -ENOMEM,
 * -EFAULT (a list entry). The caller copies nr_exchanged back. */
long reservation_exchange(struct domain *d, struct xen_memory_exchange *x);

#endif
