/*
 * pvx: the frame table and the machine-frame allocator.
 *
 * One struct page_info per machine frame (mm.h). Free frames are chained
 * through page_info.next_free into a LIFO list; a frame leaves the list
 * zeroed, either for the hypervisor (owner DOMID_XEN_ID) or for a domain
 * (owner its id, holding the allocation reference, PGF_allocated).
 * Frames come back when their last general reference goes (put_page) or
 * when their dying owner is released wholesale.
 */
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/arch.h>
#include <pvx/lib.h>

#define FREE_LIST_END UINT32_MAX

struct page_info *frame_table;
mfn_t max_mfn;
uint32_t *machine_to_phys;

static uint32_t free_head = FREE_LIST_END;
static unsigned long free_count;

/* frame_table_init: see mm.h. */
void frame_table_init(struct page_info *table, mfn_t nr_frames)
{
    BUG_ON(nr_frames >= FREE_LIST_END);
    frame_table = table;
    max_mfn = nr_frames;
    for (mfn_t mfn = 0; mfn < nr_frames; mfn++)
        table[mfn] = (struct page_info){ .owner = DOMID_XEN_ID, .type = PGT_none };
    free_head = FREE_LIST_END;
    free_count = 0;
}

/* Reset a frame to the free state and push it on the free list. */
static void push_free(mfn_t mfn)
{
    frame_table[mfn] = (struct page_info){
        .owner = DOMID_NONE, .type = PGT_none, .next_free = free_head,
    };
    free_head = (uint32_t)mfn;
    free_count++;
}

/* Pop a free frame, zeroed; INVALID_MFN if none. */
static mfn_t pop_free(void)
{
    if (free_head == FREE_LIST_END)
        return INVALID_MFN;
    mfn_t mfn = free_head;
    free_head = frame_table[mfn].next_free;
    free_count--;
    memset(arch_mfn_to_virt(mfn), 0, PAGE_SIZE);
    return mfn;
}

/* frame_alloc_add_free: see mm.h. Pushed highest first so that the
 * allocator hands out ascending frame numbers (easier to read in logs). */
void frame_alloc_add_free(mfn_t first, mfn_t count)
{
    BUG_ON(first > max_mfn || count > max_mfn - first);
    for (mfn_t mfn = first + count; mfn-- > first;) {
        BUG_ON(frame_table[mfn].owner != DOMID_XEN_ID);
        push_free(mfn);
    }
}

/* frame_alloc_free_count: see mm.h. */
unsigned long frame_alloc_free_count(void)
{
    return free_count;
}

/* alloc_xen_frame: see mm.h. */
mfn_t alloc_xen_frame(void)
{
    mfn_t mfn = pop_free();
    if (mfn != INVALID_MFN)
        frame_table[mfn].owner = DOMID_XEN_ID;
    return mfn;
}

/* alloc_domain_frame: see mm.h. */
mfn_t alloc_domain_frame(struct domain *d)
{
    if (d->tot_pages >= d->max_pages)
        return INVALID_MFN;
    mfn_t mfn = pop_free();
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    struct page_info *pg = mfn_to_page(mfn);
    pg->owner = d->domain_id;
    pg->count = 1;
    pg->flags = PGF_allocated;
    d->tot_pages++;
    return mfn;
}

/* Take the free frame mfn out of the free list (anywhere in it). O(free
 * frames): only multi-frame extents need this. */
static void unlink_free(mfn_t mfn)
{
    uint32_t *link = &free_head;
    while (*link != mfn) {
        BUG_ON(*link == FREE_LIST_END);
        link = &frame_table[*link].next_free;
    }
    *link = frame_table[mfn].next_free;
    free_count--;
}

/* alloc_domain_extent: see mm.h. The first aligned run of 2^order free
 * frames, lowest first. */
mfn_t alloc_domain_extent(struct domain *d, unsigned int order)
{
    if (order == 0)
        return alloc_domain_frame(d);
    unsigned long n = 1ul << order;
    if (order > MAX_EXTENT_ORDER || d->tot_pages + n > d->max_pages || free_count < n)
        return INVALID_MFN;
    for (mfn_t first = 0; first + n <= max_mfn; first += n) {
        mfn_t mfn = first;
        while (mfn < first + n && frame_table[mfn].owner == DOMID_NONE)
            mfn++;
        if (mfn < first + n)
            continue;
        for (mfn = first; mfn < first + n; mfn++) {
            unlink_free(mfn);
            memset(arch_mfn_to_virt(mfn), 0, PAGE_SIZE);
            frame_table[mfn] = (struct page_info){ .owner = d->domain_id, .type = PGT_none,
                                                   .count = 1, .flags = PGF_allocated };
        }
        d->tot_pages += n;
        return first;
    }
    return INVALID_MFN;
}

/* frame_is_plain_allocation: see mm.h. */
bool frame_is_plain_allocation(mfn_t mfn, const struct domain *d)
{
    if (!mfn_valid(mfn))
        return false;
    const struct page_info *pg = &frame_table[mfn];
    return pg->owner == d->domain_id && pg->flags == PGF_allocated && pg->count == 1 &&
           pg->type_count == 0;
}

/* Return a domain frame with no references left to the free list. */
static void free_frame_of(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    BUG_ON(pg->count != 0 || pg->type_count != 0);
    struct domain *d = domain_by_id(pg->owner);
    if (d) {
        d->tot_pages--;
        if (d->shared_info_mfn == mfn)
            d->shared_info_mfn = INVALID_MFN;
    }
    push_free(mfn);
}

/* release_plain_frame: see mm.h. No TLB flush: the caller flushes once
 * for a whole batch, before returning to any guest. */
void release_plain_frame(mfn_t mfn)
{
    struct page_info *pg = &frame_table[mfn];
    BUG_ON(pg->flags != PGF_allocated || pg->count != 1 || pg->type_count != 0);
    pg->flags = 0;
    pg->count = 0;
    machine_to_phys[mfn] = (uint32_t)INVALID_PFN;
    free_frame_of(mfn);
}

/* alloc_shared_info_frame: see mm.h. */
mfn_t alloc_shared_info_frame(struct domain *d)
{
    mfn_t mfn = alloc_domain_frame(d);
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    /* A fresh frame always takes a writable type. */
    BUG_ON(get_page_and_type(mfn, d, PGT_writable) != 0);
    mfn_to_page(mfn)->flags |= PGF_shared_info;
    d->shared_info_mfn = mfn;
    return mfn;
}

/* alloc_grant_frame: see mm.h. */
mfn_t alloc_grant_frame(struct domain *d)
{
    d->max_pages++;
    mfn_t mfn = alloc_domain_frame(d);
    d->max_pages--;
    if (mfn == INVALID_MFN)
        return INVALID_MFN;
    BUG_ON(get_page_and_type(mfn, d, PGT_writable) != 0);
    mfn_to_page(mfn)->flags |= PGF_grant_frame;
    d->tot_pages--;                 /* not the domain's memory (as in Xen) */
    return mfn;
}

/* free_domain_frame: see mm.h. The TLB flush drops any stale translation
 * of the frame before it can be handed to someone else. */
void free_domain_frame(mfn_t mfn)
{
    free_frame_of(mfn);
    arch_flush_tlb_local();
}

/* release_domain_frames: see mm.h. No other domain holds references to
 * d's frames, so resetting them wholesale leaves no dangling counts. */
void release_domain_frames(struct domain *d)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++)
        if (frame_table[mfn].owner == d->domain_id)
            push_free(mfn);
    d->tot_pages = 0;
    d->shared_info_mfn = INVALID_MFN;
    if (d->vcpu0)
        d->vcpu0->guest_table = INVALID_MFN;
    arch_flush_tlb_local();
}

/* domain_owned_frames: see mm.h. */
unsigned long domain_owned_frames(const struct domain *d)
{
    unsigned long n = 0;
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++)
        n += frame_table[mfn].owner == d->domain_id;
    return n;
}

/* frame_alloc_list_ok: see mm.h. Bounded walk, so a cycle cannot hang it. */
bool frame_alloc_list_ok(void)
{
    uint32_t mfn = free_head;
    for (unsigned long i = 0; i < free_count; i++) {
        if (mfn >= max_mfn || frame_table[mfn].owner != DOMID_NONE)
            return false;
        mfn = frame_table[mfn].next_free;
    }
    return mfn == FREE_LIST_END;
}

/* frame_free_xen: see mm.h. */
void frame_free_xen(mfn_t mfn)
{
    BUG_ON(!mfn_valid(mfn) || frame_table[mfn].owner != DOMID_XEN_ID || frame_table[mfn].count != 0);
    push_free(mfn);
}
