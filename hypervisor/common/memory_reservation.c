/*
 * pvx: memory_op's reservation commands, the hypercalls of ballooning:
 * increase_reservation, decrease_reservation, populate_physmap and
 * exchange. They move frames between a domain and the free pool.
 *
 * Rules (docs/abi.md "12 memory_op", docs/memory.md):
 *  - A domain never holds more than max_pages frames (maxmem); a request
 *    that would pass it stops there.
 *  - A frame goes back only if it is a plain allocation of the domain:
 *    owned, no mapping, no type, not pinned, not a base pointer, not
 *    shared_info, not in use as a descriptor or grant frame (count 1, type
 *    count 0). Anything else is refused (Xen drops the allocation reference
 *    and lets the frame die with its last user; pvx refuses, so a guest
 *    learns of its mistake and a frame can never be freed twice).
 *  - Every extent of a guest list is copied in (or out) when it is reached,
 *    through the checked guest-access helpers: a list running into an
 *    unmapped page stops the operation there, after the extents before it.
 *  - The result of increase/decrease/populate is the number of extents
 *    done, as in Xen; a refused extent ends the operation. Nothing is
 *    leaked on any path: frames allocated for an extent whose mfn cannot
 *    be written back to the guest are freed again.
 *  - For a PV guest the lists hold machine frame numbers (decrease, and
 *    increase's output) or pseudo-physical frames (populate's input, which
 *    is overwritten with the new machine frames; their M2P entries are set).
 * The accounting invariant (mm.h, 7: owned + free + hypervisor = total)
 * holds after every step; tests/unit/memory_op_test.c checks it.
 */
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/memory_op.h>
#include <public/xen.h>
#include <public/memory.h>

/* The largest pfn a 32-bit PAE guest can name (64 GiB of pseudo-physical
 * space, 2^24 frames: PAE's 36-bit physical addresses). */
#define MAX_GUEST_PFN (1ul << 24)

/* Allocate one extent for d; for populate (gpfn != INVALID_PFN) set the
 * M2P of each frame to gpfn + i, else mark it unknown. INVALID_MFN if none. */
static mfn_t extent_alloc(struct domain *d, unsigned int order, pfn_t gpfn)
{
    mfn_t mfn = alloc_domain_extent(d, order);
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    for (unsigned long i = 0; i < (1ul << order); i++)
        machine_to_phys[mfn + i] = gpfn == INVALID_PFN ? (uint32_t)INVALID_PFN : (uint32_t)(gpfn + i);
    return mfn;
}

/* Free an extent (see release_plain_frame: the callers below flush). */
static void extent_free(mfn_t mfn, unsigned int order)
{
    for (unsigned long i = 0; i < (1ul << order); i++)
        release_plain_frame(mfn + i);
}

/* Whether d may give back the extent at mfn; refusals name the frame. */
static int extent_check_plain(struct domain *d, xen_pfn_t mfn, unsigned int order)
{
    unsigned long n = 1ul << order;
    if (mfn & (n - 1))
        return guest_refusal(d->domain_id, -EINVAL,
                             "memory_op: extent at mfn 0x%lx is not aligned to its order %u",
                             (unsigned long)mfn, order);
    for (unsigned long i = 0; i < n; i++) {
        mfn_t m = (mfn_t)mfn + i;
        if (frame_is_plain_allocation(m, d))
            continue;
        char who[OWNER_NAME_LEN];
        if (!mfn_valid(m) || mfn_to_page(m)->owner != d->domain_id)
            return guest_refusal(d->domain_id, -EINVAL,
                                 "memory_op: cannot give back frame 0x%lx: owned by %s",
                                 (unsigned long)m,
                                 mfn_valid(m) ? owner_name(mfn_to_page(m)->owner, who) : "nobody (no such frame)");
        const struct page_info *pg = mfn_to_page(m);
        return guest_refusal(d->domain_id, -EBUSY,
                             "memory_op: cannot give back frame 0x%lx: still in use "
                             "(%u references, %u of type %u%s%s)",
                             (unsigned long)m, pg->count, pg->type_count, pg->type,
                             pg->flags & PGF_pinned ? ", pinned" : "",
                             pg->flags & PGF_shared_info ? ", shared_info" : "");
    }
    return 0;
}

/* increase (populate false: list entries are only written) and populate
 * (list entries are pfns in, mfns out): one extent per entry, stopping at
 * the first that cannot be done. */
static unsigned long reservation_alloc(struct domain *d, guest_va_t list, unsigned long nr,
                                       unsigned int order, bool populate)
{
    if (order > MAX_EXTENT_ORDER)
        return 0;
    for (unsigned long i = 0; i < nr; i++) {
        xen_pfn_t gpfn = INVALID_PFN;
        guest_va_t slot = list + i * sizeof(gpfn);
        if (populate) {
            if (copy_from_guest(&gpfn, slot, sizeof(gpfn)))
                return i;
            if (gpfn >= MAX_GUEST_PFN || (gpfn & ((1ul << order) - 1))) {
                guest_refusal(d->domain_id, -EINVAL, "populate_physmap: pfn 0x%lx is %s",
                              (unsigned long)gpfn,
                              gpfn >= MAX_GUEST_PFN ? "beyond 64 GiB" : "not aligned to the extent");
                return i;
            }
        }
        mfn_t mfn = extent_alloc(d, order, populate ? gpfn : INVALID_PFN);
        if (mfn == INVALID_MFN)
            return i;
        xen_pfn_t out = (xen_pfn_t)mfn;
        if ((populate || list) && copy_to_guest(slot, &out, sizeof(out))) {
            extent_free(mfn, order);
            return i;
        }
    }
    return nr;
}

/* reservation_increase: see memory_op.h. */
unsigned long reservation_increase(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order)
{
    return reservation_alloc(d, list, nr, order, false);
}

/* reservation_populate: see memory_op.h. */
unsigned long reservation_populate(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order)
{
    return reservation_alloc(d, list, nr, order, true);
}

/* reservation_decrease: see memory_op.h. */
unsigned long reservation_decrease(struct domain *d, guest_va_t list, unsigned long nr,
                                   unsigned int order)
{
    if (order > MAX_EXTENT_ORDER)
        return 0;
    for (unsigned long i = 0; i < nr; i++) {
        xen_pfn_t mfn;
        if (copy_from_guest(&mfn, list + i * sizeof(mfn), sizeof(mfn)) ||
            extent_check_plain(d, mfn, order)) {
            nr = i;
            break;
        }
        extent_free((mfn_t)mfn, order);
    }
    arch_flush_tlb_local();      /* once for the batch: no guest ran meanwhile */
    return nr;
}

/* One chunk of an exchange: in_n input extents (order in_order) starting
 * at input index in_first are replaced by out_n output extents (order
 * out_order) at output index out_first; the same number of frames. All or
 * nothing: 0, or -EFAULT / -EINVAL / -EBUSY / -ENOMEM with d unchanged. */
static int exchange_chunk(struct domain *d, const struct xen_memory_exchange *x,
                          unsigned long in_first, unsigned long in_n,
                          unsigned long out_first, unsigned long out_n)
{
    enum { CHUNK_MAX = 1u << MAX_EXTENT_ORDER };
    static xen_pfn_t in_mfns[CHUNK_MAX], out_gpfns[CHUNK_MAX];
    static mfn_t out_mfns[CHUNK_MAX];
    unsigned int in_order = x->in.extent_order, out_order = x->out.extent_order;
    for (unsigned long j = 0; j < in_n; j++) {
        if (copy_from_guest(&in_mfns[j], x->in.extent_start + (in_first + j) * sizeof(xen_pfn_t),
                            sizeof(xen_pfn_t)))
            return -EFAULT;
        int rc = extent_check_plain(d, in_mfns[j], in_order);
        if (rc)
            return rc;
        for (unsigned long k = 0; k < j; k++)      /* the same extent twice */
            if (in_mfns[k] == in_mfns[j])
                return guest_refusal(d->domain_id, -EINVAL,
                                     "memory_exchange: frame 0x%lx listed twice", (unsigned long)in_mfns[j]);
    }
    for (unsigned long j = 0; j < out_n; j++) {
        if (copy_from_guest(&out_gpfns[j], x->out.extent_start + (out_first + j) * sizeof(xen_pfn_t),
                            sizeof(xen_pfn_t)))
            return -EFAULT;
        if (out_gpfns[j] >= MAX_GUEST_PFN || (out_gpfns[j] & ((1ul << out_order) - 1)))
            return guest_refusal(d->domain_id, -EINVAL, "memory_exchange: pfn 0x%lx is %s",
                                 (unsigned long)out_gpfns[j],
                                 out_gpfns[j] >= MAX_GUEST_PFN ? "beyond 64 GiB" : "not aligned to the extent");
    }
    /* The new frames first (max_pages lifted by the chunk: the exchange
     * gives as many back), then the old ones go. */
    unsigned long frames = in_n << in_order;
    d->max_pages += frames;
    unsigned long got = 0;
    while (got < out_n && (out_mfns[got] = extent_alloc(d, out_order, out_gpfns[got])) != INVALID_MFN)
        got++;
    d->max_pages -= frames;
    int rc = got < out_n ? -ENOMEM : 0;
    for (unsigned long j = 0; !rc && j < out_n; j++) {
        xen_pfn_t out = (xen_pfn_t)out_mfns[j];
        if (copy_to_guest(x->out.extent_start + (out_first + j) * sizeof(out), &out, sizeof(out)))
            rc = -EFAULT;
    }
    if (rc) {      /* undo: the guest keeps its old frames (a partly rewritten out list is harmless) */
        for (unsigned long j = 0; j < got; j++)
            extent_free(out_mfns[j], out_order);
        return rc;
    }
    for (unsigned long j = 0; j < in_n; j++)
        extent_free((mfn_t)in_mfns[j], in_order);
    arch_flush_tlb_local();
    return 0;
}

/* reservation_exchange: see memory_op.h. Xen's memory_exchange: chunks of
 * max(in, out) order, nr_exchanged counts input extents done. */
long reservation_exchange(struct domain *d, struct xen_memory_exchange *x)
{
    unsigned int in_order = x->in.extent_order, out_order = x->out.extent_order;
    if (in_order > MAX_EXTENT_ORDER || out_order > MAX_EXTENT_ORDER)
        return -EPERM;
    if (x->nr_exchanged > x->in.nr_extents || x->in.domid != x->out.domid ||
        x->in.nr_extents > (MAX_GUEST_PFN >> in_order) || x->out.nr_extents > (MAX_GUEST_PFN >> out_order) ||
        (x->in.nr_extents << in_order) != (x->out.nr_extents << out_order))
        return -EINVAL;
    unsigned long in_per_chunk = 1, out_per_chunk = 1;
    if (in_order <= out_order)
        in_per_chunk = 1ul << (out_order - in_order);
    else
        out_per_chunk = 1ul << (in_order - out_order);
    if (x->nr_exchanged % in_per_chunk || x->in.nr_extents % in_per_chunk)
        return -EINVAL;
    for (unsigned long c = x->nr_exchanged / in_per_chunk; c < x->in.nr_extents / in_per_chunk; c++) {
        int rc = exchange_chunk(d, x, c * in_per_chunk, in_per_chunk, c * out_per_chunk, out_per_chunk);
        if (rc)
            return rc;
        x->nr_exchanged = (c + 1) * in_per_chunk;
    }
    return 0;
}
