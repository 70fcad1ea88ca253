/*
 * pvx: grant tables v1 and grant_table_op. The rules are in
 * pvx/grant_table.h; this file keeps them:
 *  - setup_table / query_size / get_version / set_version manage a
 *    domain's own table (v1 only: v2 is -EOPNOTSUPP);
 *  - map_grant_ref checks the granter's entry (permit_access, the mapper's
 *    domid, read-only), takes the references an L1 entry holds on the
 *    granted frame, writes the mapper's L1 entry (a va in its current
 *    address space, or a PTE's machine address with GNTMAP_contains_pte),
 *    pins the entry (GTF_reading/GTF_writing) and records a maptrack
 *    handle;
 *  - unmap_grant_ref undoes exactly that;
 *  - copy copies bytes between frames named by grant or by frame number,
 *    with the same permission checks, without mapping anything.
 * Every operation is copied in whole, checked, done, its status copied
 * out. Per-op failures are GNTST_* statuses (Xen's); the hypercall fails
 * only for an unreadable/unwritable op array (-EFAULT) or command.
 */
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/grant_table.h>
#include <public/xen.h>
#include <public/grant_table.h>

/* One grant entry's pins (invariant 2). */
struct grant_active {
    uint16_t pin_ro, pin_rw;
    mfn_t frame;               /* while pinned: the frame the mappings map */
};

/* One mapping a domain made (its handle is the index). */
struct grant_maptrack {
    bool used, writable;
    domid_t granter;
    grant_ref_t ref;
    uint32_t flags;            /* the map request's GNTMAP_* */
    uint64_t host_addr;        /* as the guest gave it, for unmap */
    paddr_t pte_maddr;         /* the L1 entry written */
    mfn_t frame;
};

struct grant_table {
    unsigned int nr_frames;
    mfn_t frames[GRANT_FRAMES_MAX];
    struct grant_active active[GRANT_ENTRIES_MAX];
    struct grant_maptrack maptrack[GRANT_MAPTRACK_MAX];
};

static struct grant_table tables[MAX_DOMAINS];

static struct grant_table *table_of(const struct domain *d) { return &tables[d->domain_id]; }

/* The shared entry `ref` of d's table (ref < nr_frames * 512). */
static grant_entry_v1_t *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    grant_entry_v1_t *frame = arch_mfn_to_virt(gt->frames[ref / GRANT_ENTRIES_PER_FRAME]);
    return &frame[ref % GRANT_ENTRIES_PER_FRAME];
}

/* grant_table_init: see grant_table.h. */
void grant_table_init(struct domain *d)
{
    memset(table_of(d), 0, sizeof(struct grant_table));
}

/* The domain a `dom` field names: the caller (DOMID_SELF or its id), or
 * any domain for dom0. NULL with *status set otherwise. */
static struct domain *op_domain(domid_t dom, int16_t *status)
{
    struct domain *self = current->domain;
    if (dom == DOMID_SELF || dom == self->domain_id)
        return self;
    struct domain *d = domain_by_id(dom);
    if (!d)
        *status = GNTST_bad_domain;
    else if (!self->is_privileged)
        *status = GNTST_permission_denied;
    return d && self->is_privileged ? d : NULL;
}

/* ---- the L1 entry of a mapping ---- */

/* Is pte_maddr an entry of a live L1 table of d? */
static bool live_l1_entry_of(const struct domain *d, paddr_t pte_maddr)
{
    mfn_t l1 = pte_maddr >> PAGE_SHIFT;
    if (!mfn_valid(l1))
        return false;
    const struct page_info *pg = mfn_to_page(l1);
    return pg->owner == d->domain_id && pg->type == PGT_l1 && pg->type_count > 0;
}

static intpte_t *entry_at(paddr_t pte_maddr)
{
    return (intpte_t *)((uint8_t *)arch_mfn_to_virt(pte_maddr >> PAGE_SHIFT) + (pte_maddr & (PAGE_SIZE - 1)));
}

/* Does the entry still hold this mapping's references (invariant 3)? */
static bool entry_holds(const struct domain *mapper, const struct grant_maptrack *m)
{
    if (!live_l1_entry_of(mapper, m->pte_maddr))
        return false;
    intpte_t e = *entry_at(m->pte_maddr);
    return pte_present(e) && pte_mfn(e) == m->frame && ((e & _PAGE_RW) != 0) == m->writable;
}

/* Make the TLB forget a mapping just changed: one page by va; a PTE
 * written by machine address may be mapped anywhere, so all of it. */
static void flush_mapping(uint32_t flags, uint64_t host_addr)
{
    if (flags & GNTMAP_contains_pte)
        arch_flush_tlb_local();
    else
        arch_invlpg_local((guest_va_t)host_addr);
}

/* Drop a pin of entry `ref` of granter g (invariant 2), rewriting the
 * shared flags. */
static void unpin(struct domain *g, grant_ref_t ref, bool writable)
{
    struct grant_table *gt = table_of(g);
    struct grant_active *act = &gt->active[ref];
    if (writable)
        act->pin_rw--;
    else
        act->pin_ro--;
    if (ref >= gt->nr_frames * GRANT_ENTRIES_PER_FRAME)
        return;
    grant_entry_v1_t *e = shared_entry(gt, ref);
    uint16_t flags = e->flags;
    if (!act->pin_rw)
        flags &= (uint16_t)~GTF_writing;
    if (!act->pin_rw && !act->pin_ro)
        flags &= (uint16_t)~GTF_reading;
    e->flags = flags;
}

/* Undo mapping handle h of mapper: the entry's references if it still
 * holds them, the pin, the maptrack slot. false if the entry no longer
 * held the mapping (someone else dropped its references first). */
static bool release_mapping(struct domain *mapper, unsigned int h)
{
    struct grant_maptrack *m = &table_of(mapper)->maptrack[h];
    bool held = entry_holds(mapper, m);
    if (held) {
        intpte_t *e = entry_at(m->pte_maddr);
        intpte_t old = *e;
        *e = 0;
        put_page_from_l1e(old);
        flush_mapping(m->flags, m->host_addr);
    }
    struct domain *g = domain_by_id(m->granter);
    if (g)
        unpin(g, m->ref, m->writable);
    m->used = false;
    return held;
}

/* ---- map and unmap ---- */

/* The L1 entry a map request names: a PTE machine address
 * (GNTMAP_contains_pte: 8-byte aligned, in a live L1 of the mapper) or a
 * va of the mapper's current address space. 0 or a GNTST_* status. */
static int16_t map_target(struct domain *mapper, uint64_t host_addr, uint32_t flags, paddr_t *pte_maddr)
{
    if (flags & GNTMAP_contains_pte) {
        if ((host_addr & (sizeof(intpte_t) - 1)) || !live_l1_entry_of(mapper, (paddr_t)host_addr)) {
            guest_refusal(mapper->domain_id, -EINVAL, "map_grant_ref: 0x%llx is not an entry of one of its L1 tables",
                          (unsigned long long)host_addr);
            return GNTST_general_error;
        }
        *pte_maddr = (paddr_t)host_addr;
        return GNTST_okay;
    }
    if (host_addr >= HYPERVISOR_VIRT_START_32 || guest_va_to_l1e_maddr(current, (guest_va_t)host_addr, pte_maddr) ||
        !live_l1_entry_of(mapper, *pte_maddr)) {
        guest_refusal(mapper->domain_id, -EINVAL, "map_grant_ref: no L1 table of its own covers va 0x%llx",
                      (unsigned long long)host_addr);
        return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

/* A free maptrack handle of d, or -1. */
static int maptrack_get(struct grant_table *gt)
{
    for (unsigned int h = 0; h < GRANT_MAPTRACK_MAX; h++)
        if (!gt->maptrack[h].used)
            return (int)h;
    return -1;
}

/* Check granter g's entry `ref` for mapper (writable or not); the frame,
 * or a GNTST_* status (< 0). */
static long check_grant(struct domain *g, grant_ref_t ref, const struct domain *mapper, bool writable)
{
    struct grant_table *gt = table_of(g);
    if (ref >= gt->nr_frames * GRANT_ENTRIES_PER_FRAME)
        return GNTST_bad_gntref;
    grant_entry_v1_t e = *shared_entry(gt, ref);     /* read once: the granter may change it */
    if ((e.flags & GTF_type_mask) != GTF_permit_access || e.domid != mapper->domain_id)
        return GNTST_permission_denied;
    if (writable && (e.flags & GTF_readonly))
        return GNTST_permission_denied;
    const struct grant_active *act = &gt->active[ref];
    mfn_t frame = act->pin_ro || act->pin_rw ? act->frame : e.frame;
    if (!mfn_valid(frame) || mfn_to_page(frame)->owner != g->domain_id ||
        (mfn_to_page(frame)->flags & (PGF_shared_info | PGF_grant_frame)))
        return GNTST_bad_page;
    return (long)frame;
}

static void map_one(struct gnttab_map_grant_ref *op)
{
    struct domain *mapper = current->domain;
    struct grant_table *mt = table_of(mapper);
    bool writable = !(op->flags & GNTMAP_readonly);
    op->handle = ~0u;
    op->dev_bus_addr = 0;
    if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map))) {
        op->status = GNTST_bad_gntref;          /* Xen's answer to neither */
        return;
    }
    if (!(op->flags & GNTMAP_host_map)) {       /* no IOMMU: device maps alone mean nothing */
        op->status = GNTST_general_error;
        return;
    }
    struct domain *g = domain_by_id(op->dom);
    if (!g) {
        op->status = GNTST_bad_domain;
        return;
    }
    long frame = check_grant(g, op->ref, mapper, writable);
    if (frame < 0) {
        op->status = (int16_t)frame;
        return;
    }
    int h = maptrack_get(mt);
    if (h < 0) {
        op->status = GNTST_no_device_space;
        return;
    }
    paddr_t pte_maddr;
    int16_t st = map_target(mapper, op->host_addr, op->flags, &pte_maddr);
    if (st) {
        op->status = st;
        return;
    }
    intpte_t *e = entry_at(pte_maddr);
    if (pte_present(*e)) {
        guest_refusal(mapper->domain_id, -EBUSY, "map_grant_ref: the L1 entry at 0x%llx is in use",
                      (unsigned long long)pte_maddr);
        op->status = GNTST_general_error;
        return;
    }
    /* The references an L1 entry holds (invariant 1). */
    if (!get_page((mfn_t)frame, g)) {
        op->status = GNTST_general_error;
        return;
    }
    if (writable && get_page_type((mfn_t)frame, PGT_writable)) {
        put_page((mfn_t)frame);
        op->status = GNTST_general_error;       /* a page table or descriptor frame */
        return;
    }
    *e = ((intpte_t)frame << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
         (writable ? _PAGE_RW | _PAGE_DIRTY : 0) | (op->flags & GNTMAP_application_map ? _PAGE_USER : 0);
    flush_mapping(op->flags, op->host_addr);
    struct grant_table *gt = table_of(g);
    struct grant_active *act = &gt->active[op->ref];
    act->frame = (mfn_t)frame;
    if (writable)
        act->pin_rw++;
    else
        act->pin_ro++;
    shared_entry(gt, op->ref)->flags |= (uint16_t)(GTF_reading | (writable ? GTF_writing : 0));
    mt->maptrack[h] = (struct grant_maptrack){ .used = true, .writable = writable, .granter = g->domain_id,
        .ref = op->ref, .flags = op->flags, .host_addr = op->host_addr, .pte_maddr = pte_maddr,
        .frame = (mfn_t)frame };
    op->handle = (grant_handle_t)h;
    op->status = GNTST_okay;
}

static void unmap_one(struct gnttab_unmap_grant_ref *op)
{
    struct domain *mapper = current->domain;
    struct grant_table *mt = table_of(mapper);
    if (op->handle >= GRANT_MAPTRACK_MAX || !mt->maptrack[op->handle].used) {
        op->status = GNTST_bad_handle;
        return;
    }
    struct grant_maptrack *m = &mt->maptrack[op->handle];
    if (op->host_addr != m->host_addr) {
        guest_refusal(mapper->domain_id, -EINVAL, "unmap_grant_ref: handle %u maps 0x%llx, not 0x%llx",
                      op->handle, (unsigned long long)m->host_addr, (unsigned long long)op->host_addr);
        op->status = GNTST_general_error;
        return;
    }
    /* The pin and the handle go either way; if the entry no longer held
     * the mapping its references were dropped already (invariant 3). */
    op->status = release_mapping(mapper, op->handle) ? GNTST_okay : GNTST_general_error;
}

/* ---- copy ---- */

/* The frame one side of a copy names; GNTST_* (< 0) if not allowed. */
static long copy_frame(const struct gnttab_copy_ptr *p, bool is_gref, bool dest)
{
    struct domain *self = current->domain;
    if (is_gref) {
        struct domain *g = domain_by_id(p->domid);
        if (!g)
            return GNTST_bad_domain;
        return check_grant(g, p->u.ref, self, dest);
    }
    struct domain *d = p->domid == DOMID_SELF ? self : domain_by_id(p->domid);
    if (!d)
        return GNTST_bad_domain;
    if (d != self && !self->is_privileged)
        return GNTST_permission_denied;
    mfn_t mfn = p->u.gmfn;
    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d->domain_id)
        return GNTST_bad_page;
    return (long)mfn;
}

static void copy_one(struct gnttab_copy *op)
{
    if ((uint32_t)op->source.offset + op->len > PAGE_SIZE || (uint32_t)op->dest.offset + op->len > PAGE_SIZE) {
        op->status = GNTST_bad_copy_arg;
        return;
    }
    long src = copy_frame(&op->source, op->flags & GNTCOPY_source_gref, false);
    long dst = src < 0 ? src : copy_frame(&op->dest, op->flags & GNTCOPY_dest_gref, true);
    if (dst < 0) {
        op->status = (int16_t)dst;
        return;
    }
    /* Never write into a page table or descriptor frame. */
    const struct page_info *pg = mfn_to_page((mfn_t)dst);
    if ((pg->type_count > 0 && pg->type != PGT_writable) || (pg->flags & PGF_grant_frame)) {
        op->status = GNTST_general_error;
        return;
    }
    memmove((uint8_t *)arch_mfn_to_virt((mfn_t)dst) + op->dest.offset,
            (const uint8_t *)arch_mfn_to_virt((mfn_t)src) + op->source.offset, op->len);
    op->status = GNTST_okay;
}

/* ---- the table itself ---- */

static void setup_table_one(struct gnttab_setup_table *op, long *rc)
{
    struct domain *d = op_domain(op->dom, &op->status);
    if (!d)
        return;
    struct grant_table *gt = table_of(d);
    if (op->nr_frames > GRANT_FRAMES_MAX) {
        guest_refusal(current->domain->domain_id, -EINVAL, "setup_table: %u frames, at most %u",
                      op->nr_frames, GRANT_FRAMES_MAX);
        op->status = GNTST_general_error;
        return;
    }
    while (gt->nr_frames < op->nr_frames) {
        mfn_t mfn = alloc_grant_frame(d);
        if (mfn == INVALID_MFN) {
            op->status = GNTST_general_error;
            return;
        }
        gt->frames[gt->nr_frames++] = mfn;
    }
    for (unsigned int i = 0; i < op->nr_frames; i++) {
        xen_pfn_t mfn = (xen_pfn_t)gt->frames[i];
        if (copy_to_guest(op->frame_list + i * sizeof(mfn), &mfn, sizeof(mfn))) {
            *rc = -EFAULT;
            return;
        }
    }
    op->status = GNTST_okay;
}

/* Copy in op i of the array at uop (each `size` bytes), run `fn`, copy
 * its result back. -EFAULT if either copy fails. */
#define FOR_EACH_OP(type, uop, count, body) do {                                   \
        for (uint32_t i_ = 0; i_ < (count); i_++) {                                 \
            type op_;                                                               \
            guest_va_t va_ = (uop) + i_ * (guest_va_t)sizeof(type);                 \
            if (copy_from_guest(&op_, va_, sizeof(op_)))                            \
                return -EFAULT;                                                     \
            type *op = &op_;                                                        \
            long rc_ = 0;                                                           \
            body;                                                                   \
            if (copy_to_guest(va_, &op_, sizeof(op_)) || rc_)                       \
                return rc_ ? rc_ : -EFAULT;                                         \
        }                                                                           \
    } while (0)

/* grant_table_op(cmd, uop, count): see docs/abi.md. */
long do_grant_table_op(uint32_t cmd, uint32_t uop, uint32_t count)
{
    if (count > 0x10000000u / 64)          /* the array would pass 4 GiB */
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        FOR_EACH_OP(struct gnttab_map_grant_ref, uop, count, map_one(op));
        return 0;
    case GNTTABOP_unmap_grant_ref:
        FOR_EACH_OP(struct gnttab_unmap_grant_ref, uop, count, unmap_one(op));
        return 0;
    case GNTTABOP_copy:
        FOR_EACH_OP(struct gnttab_copy, uop, count, copy_one(op));
        return 0;
    case GNTTABOP_setup_table:
        FOR_EACH_OP(struct gnttab_setup_table, uop, count, setup_table_one(op, &rc_));
        return 0;
    case GNTTABOP_query_size:
        FOR_EACH_OP(struct gnttab_query_size, uop, count, {
            struct domain *d = op_domain(op->dom, &op->status);
            if (d) {
                op->nr_frames = table_of(d)->nr_frames;
                op->max_nr_frames = GRANT_FRAMES_MAX;
                op->status = GNTST_okay;
            }
        });
        return 0;
    case GNTTABOP_get_version:
        FOR_EACH_OP(struct gnttab_get_version, uop, count, {
            int16_t st = 0;
            if (op_domain(op->dom, &st))
                op->version = 1;
            else
                rc_ = st == GNTST_bad_domain ? -ESRCH : -EPERM;
        });
        return 0;
    case GNTTABOP_set_version: {
        /* Only version 1: v2 (and anything else) is refused with nothing
         * changed, whether or not grants are mapped. */
        struct gnttab_set_version v;
        if (count != 1)
            return -EINVAL;
        if (copy_from_guest(&v, uop, sizeof(v)))
            return -EFAULT;
        if (v.version == 2)
            return -EOPNOTSUPP;
        if (v.version != 1)
            return -EINVAL;
        return copy_to_guest(uop, &v, sizeof(v));
    }
    case GNTTABOP_get_status_frames:
        return -EOPNOTSUPP;                /* v2 only */
    default:
        return -ENOSYS;                    /* dump_table, transfer, unmap_and_replace, swap, cache_flush */
    }
}

/* grant_table_seed: see grant_table.h. */
int grant_table_seed(struct domain *d, uint32_t ref, domid_t to, mfn_t frame)
{
    struct grant_table *gt = table_of(d);
    if (ref >= GRANT_ENTRIES_PER_FRAME)
        return -EINVAL;
    if (gt->nr_frames == 0) {
        mfn_t mfn = alloc_grant_frame(d);
        if (mfn == INVALID_MFN)
            return -ENOMEM;
        gt->frames[gt->nr_frames++] = mfn;
    }
    *shared_entry(gt, ref) = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = to,
                                                 .frame = (uint32_t)frame };
    return 0;
}

/* ---- domain death, and the checker's view ---- */

/* grant_table_destroy: see grant_table.h. */
void grant_table_destroy(struct domain *d)
{
    struct grant_table *own = table_of(d);
    for (unsigned int h = 0; h < GRANT_MAPTRACK_MAX; h++)
        if (own->maptrack[h].used)
            release_mapping(d, h);
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *mapper = domain_by_id(id);
        if (!mapper || mapper == d)
            continue;
        struct grant_table *mt = table_of(mapper);
        for (unsigned int h = 0; h < GRANT_MAPTRACK_MAX; h++) {
            if (!mt->maptrack[h].used || mt->maptrack[h].granter != d->domain_id)
                continue;
            printk("d%u: grant %u mapped by d%u torn down: d%u is dying\n", d->domain_id,
                   mt->maptrack[h].ref, id, d->domain_id);
            release_mapping(mapper, h);
        }
    }
    own->nr_frames = 0;
}

/* grant_mapping_at: see grant_table.h. */
bool grant_mapping_at(const struct domain *mapper, mfn_t l1, unsigned int slot, mfn_t frame, bool rw)
{
    const struct grant_table *mt = &tables[mapper->domain_id];
    paddr_t maddr = (l1 << PAGE_SHIFT) + slot * sizeof(intpte_t);
    for (unsigned int h = 0; h < GRANT_MAPTRACK_MAX; h++) {
        const struct grant_maptrack *m = &mt->maptrack[h];
        if (m->used && m->pte_maddr == maddr && m->frame == frame && m->writable == rw)
            return true;
    }
    return false;
}

/* grant_mappings_held / grant_mappings_of: see grant_table.h. */
unsigned int grant_mappings_held(const struct domain *d)
{
    unsigned int n = 0;
    for (unsigned int h = 0; h < GRANT_MAPTRACK_MAX; h++)
        n += tables[d->domain_id].maptrack[h].used;
    return n;
}

unsigned int grant_mappings_of(const struct domain *d)
{
    unsigned int n = 0;
    for (unsigned int r = 0; r < GRANT_ENTRIES_MAX; r++)
        n += tables[d->domain_id].active[r].pin_ro + tables[d->domain_id].active[r].pin_rw;
    return n;
}
