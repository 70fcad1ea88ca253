/*
 * pvx: mm_check_invariants(), the test oracle for the page-type system.
 *
 * It trusts nothing page_type.c computed: it re-derives from scratch, by
 * scanning every live page table, every pin, base pointer and extra
 * reference, what each frame's count, type_count and type must be, and
 * re-checks the entry rules with its own (deliberately separate) masks.
 * Then it compares with the frame table. Host builds only: it needs
 * malloc for the expected counts.
 */
#ifdef PVX_HOST_BUILD
#include <stdlib.h>
#include <pvx/mm.h>
#include <pvx/grant_table.h>
#include <pvx/domain.h>
#include <pvx/arch.h>
#include <pvx/lib.h>

/* Bits a guest entry may not have, per level (address bits aside). */
#define RESERVED_HIGH 0x7FF0000000000000ull  /* bits 52-62 */
#define L1_FORBIDDEN (_PAGE_GLOBAL | RESERVED_HIGH)
#define L2_FORBIDDEN (_PAGE_PSE | _PAGE_PWT | _PAGE_PCD | _PAGE_GLOBAL | RESERVED_HIGH)
#define L3_FORBIDDEN (_PAGE_PSE | _PAGE_PWT | _PAGE_PCD | _PAGE_GLOBAL | _PAGE_NX | \
                      RESERVED_HIGH)

struct expect {
    uint32_t count, type_count;
    uint8_t type;
    uint32_t xen_l2_refs;   /* type references from an L3 slot 3 */
};

struct checker {
    struct expect *exp;
    struct domain *const *doms;
    unsigned int nr_doms;
};

#define violation(fmt, ...) (printk("mm_check: " fmt "\n", ##__VA_ARGS__), -1)

static struct domain *find_domain(const struct checker *c, domid_t id)
{
    for (unsigned int i = 0; i < c->nr_doms; i++)
        if (c->doms[i]->domain_id == id)
            return c->doms[i];
    return NULL;
}

/* Record one expected reference (plus a type reference unless t is none). */
static int expect_ref(struct checker *c, mfn_t mfn, enum page_type t, const char *holder)
{
    if (!mfn_valid(mfn))
        return violation("%s refers to frame 0x%lx beyond the machine", holder,
                         (unsigned long)mfn);
    struct expect *e = &c->exp[mfn];
    e->count++;
    if (t == PGT_none)
        return 0;
    if (e->type_count > 0 && e->type != t)
        return violation("frame 0x%lx needed as type %d and as type %d (%s)",
                         (unsigned long)mfn, e->type, t, holder);
    e->type = (uint8_t)t;
    e->type_count++;
    return 0;
}

/* Invariant 1 and 7: owners, free frames, accounting. */
static int check_owners(const struct checker *c)
{
    unsigned long nr_free = 0;
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);
        bool idle = pg->count == 0 && pg->type_count == 0 && pg->flags == 0;
        if (pg->owner == DOMID_NONE) {
            if (!idle || pg->type != PGT_none)
                return violation("free frame 0x%lx has state", (unsigned long)mfn);
            nr_free++;
        } else if (pg->owner == DOMID_XEN_ID) {
            if (!idle)
                return violation("hypervisor frame 0x%lx has references", (unsigned long)mfn);
        } else if (!find_domain(c, pg->owner)) {
            return violation("frame 0x%lx owned by unknown d%u", (unsigned long)mfn,
                             (unsigned int)pg->owner);
        } else if (pg->count == 0) {
            return violation("frame 0x%lx owned by d%u has no reference (leaked)",
                             (unsigned long)mfn, (unsigned int)pg->owner);
        }
    }
    if (nr_free != frame_alloc_free_count() || !frame_alloc_list_ok())
        return violation("free list broken: %lu free frames, count says %lu",
                         nr_free, frame_alloc_free_count());
    for (unsigned int i = 0; i < c->nr_doms; i++) {
        unsigned long owned = 0;
        for (mfn_t mfn = 0; mfn < max_mfn; mfn++)
            owned += mfn_to_page(mfn)->owner == c->doms[i]->domain_id &&
                     !(mfn_to_page(mfn)->flags & PGF_grant_frame);
        if (owned != c->doms[i]->tot_pages)
            return violation("d%u owns %lu frames but tot_pages is %lu",
                             (unsigned int)c->doms[i]->domain_id, owned,
                             c->doms[i]->tot_pages);
    }
    return 0;
}

/* A present entry of a table owned by `owner` maps a frame it owns. */
static int check_target(intpte_t e, domid_t owner, mfn_t table, unsigned int slot)
{
    mfn_t mfn = pte_mfn(e);
    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != owner)
        return violation("table 0x%lx slot %u (0x%llx) maps frame 0x%lx not owned by d%u",
                         (unsigned long)table, slot, (unsigned long long)e,
                         (unsigned long)mfn, (unsigned int)owner);
    return 0;
}

static int scan_l1(struct checker *c, mfn_t mfn, const struct domain *d)
{
    const intpte_t *l1 = arch_mfn_to_virt(mfn);
    for (unsigned int i = 0; i < L1_ENTRIES; i++) {
        intpte_t e = l1[i];
        if (!pte_present(e))
            continue;
        if ((e & L1_FORBIDDEN) || ((e & (_PAGE_PWT | _PAGE_PCD)) && !d->has_io_privilege))
            return violation("L1 0x%lx slot %u has forbidden bits: 0x%llx",
                             (unsigned long)mfn, i, (unsigned long long)e);
        bool granted = mfn_valid(pte_mfn(e)) && mfn_to_page(pte_mfn(e))->owner != d->domain_id &&
                       grant_mapping_at(d, mfn, i, pte_mfn(e), (e & _PAGE_RW) != 0);
        if ((!granted && check_target(e, d->domain_id, mfn, i)) ||
            expect_ref(c, pte_mfn(e), (e & _PAGE_RW) ? PGT_writable : PGT_none, "L1 entry"))
            return -1;
    }
    return 0;
}

/* The hypervisor part of a slot-3 L2 is exactly what the arch fills in. */
static int check_xen_part(mfn_t mfn, const intpte_t *l2)
{
    static intpte_t fresh[L2_ENTRIES];
    memset(fresh, 0, sizeof(fresh));
    arch_fill_hypervisor_l2(fresh);
    for (unsigned int i = L2_HYPERVISOR_FIRST; i < L2_ENTRIES; i++)
        if (l2[i] != fresh[i])
            return violation("hypervisor L2 0x%lx slot %u changed to 0x%llx",
                             (unsigned long)mfn, i, (unsigned long long)l2[i]);
    return 0;
}

static int scan_l2(struct checker *c, mfn_t mfn, const struct domain *d)
{
    const intpte_t *l2 = arch_mfn_to_virt(mfn);
    bool xen = mfn_to_page(mfn)->flags & PGF_xen_l2;
    unsigned int n = xen ? L2_HYPERVISOR_FIRST : L2_ENTRIES;
    for (unsigned int i = 0; i < n; i++) {
        intpte_t e = l2[i];
        if (!pte_present(e))
            continue;
        if (e & L2_FORBIDDEN)
            return violation("L2 0x%lx slot %u has forbidden bits: 0x%llx",
                             (unsigned long)mfn, i, (unsigned long long)e);
        if (check_target(e, d->domain_id, mfn, i) ||
            expect_ref(c, pte_mfn(e), PGT_l1, "L2 entry"))
            return -1;
    }
    return xen ? check_xen_part(mfn, l2) : 0;
}

static int scan_l3(struct checker *c, mfn_t mfn, const struct domain *d)
{
    const intpte_t *l3 = arch_mfn_to_virt(mfn);
    for (unsigned int i = L3_GUEST_ENTRIES; i < L2_ENTRIES; i++)
        if (pte_present(l3[i]))
            return violation("L3 0x%lx slot %u is present", (unsigned long)mfn, i);
    if (!pte_present(l3[L3_XEN_L2_SLOT]))
        return violation("L3 0x%lx has no hypervisor L2 in slot 3", (unsigned long)mfn);
    for (unsigned int i = 0; i < L3_GUEST_ENTRIES; i++) {
        intpte_t e = l3[i];
        if (!pte_present(e))
            continue;
        if ((e & L3_FORBIDDEN) || (e & L3_GUEST_ADDED_FLAGS) != L3_GUEST_ADDED_FLAGS)
            return violation("L3 0x%lx slot %u has bad bits: 0x%llx",
                             (unsigned long)mfn, i, (unsigned long long)e);
        if (pte_mfn(e) == mfn)
            return violation("L3 0x%lx maps itself", (unsigned long)mfn);
        if (check_target(e, d->domain_id, mfn, i) ||
            expect_ref(c, pte_mfn(e), PGT_l2, "L3 entry"))
            return -1;
        if (i == L3_XEN_L2_SLOT)
            c->exp[pte_mfn(e)].xen_l2_refs++;
    }
    return 0;
}

static int scan_seg_desc(mfn_t mfn)
{
    const uint64_t *desc = arch_mfn_to_virt(mfn);
    for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
        if (!descriptor_is_safe(desc[i]))
            return violation("descriptor frame 0x%lx entry %u unsafe", (unsigned long)mfn, i);
    return 0;
}

/* Invariant 5/6: what each live table's entries must hold. */
static int scan_tables(struct checker *c)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);
        if (pg->type_count == 0)
            continue;
        const struct domain *d = find_domain(c, pg->owner);
        if (!d)
            return violation("typed frame 0x%lx not owned by a domain", (unsigned long)mfn);
        int rc = 0;
        switch (pg->type) {
        case PGT_l1: rc = scan_l1(c, mfn, d); break;
        case PGT_l2: rc = scan_l2(c, mfn, d); break;
        case PGT_l3: rc = scan_l3(c, mfn, d); break;
        case PGT_seg_desc: rc = scan_seg_desc(mfn); break;
        case PGT_writable: break;
        default: return violation("frame 0x%lx has type_count but no type", (unsigned long)mfn);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Holders other than table entries: allocation, pins, shared_info, base
 * pointers, extra references. */
static int count_holders(struct checker *c, const struct mm_extra_ref *extra,
                         unsigned int nr_extra)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);
        if (pg->flags & PGF_allocated)
            c->exp[mfn].count++;
        if ((pg->flags & PGF_pinned) && (pg->type < PGT_l1 || pg->type > PGT_l3))
            return violation("pinned frame 0x%lx is not a page table", (unsigned long)mfn);
        if ((pg->flags & PGF_pinned) && expect_ref(c, mfn, pg->type, "pin"))
            return -1;
        if ((pg->flags & PGF_grant_frame) && expect_ref(c, mfn, PGT_writable, "grant frame"))
            return -1;
        if ((pg->flags & PGF_shared_info) && expect_ref(c, mfn, PGT_writable, "shared_info"))
            return -1;
    }
    for (unsigned int i = 0; i < c->nr_doms; i++) {
        const struct domain *d = c->doms[i];
        mfn_t base = d->vcpu0 ? d->vcpu0->guest_table : INVALID_MFN;
        if (base == INVALID_MFN)
            continue;
        if (!mfn_valid(base) || mfn_to_page(base)->owner != d->domain_id)
            return violation("d%u base table 0x%lx not its own", (unsigned int)d->domain_id,
                             (unsigned long)base);
        if (expect_ref(c, base, PGT_l3, "base pointer"))
            return -1;
    }
    for (unsigned int i = 0; i < nr_extra; i++)
        if (expect_ref(c, extra[i].mfn, extra[i].type, "extra reference"))
            return -1;
    return 0;
}

/* Invariants 2-4: the frame table agrees with what was derived. */
static int compare(const struct checker *c)
{
    for (mfn_t mfn = 0; mfn < max_mfn; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);
        const struct expect *e = &c->exp[mfn];
        bool xen = pg->flags & PGF_xen_l2;
        if (pg->count != e->count || pg->type_count != e->type_count)
            return violation("frame 0x%lx: count %u type_count %u, expected %u %u",
                             (unsigned long)mfn, pg->count, pg->type_count, e->count,
                             e->type_count);
        if (pg->type_count > 0 && pg->type != e->type)
            return violation("frame 0x%lx: type %d, expected %d", (unsigned long)mfn,
                             pg->type, e->type);
        if (xen && (pg->type != PGT_l2 || pg->type_count != 1 || e->xen_l2_refs != 1))
            return violation("hypervisor L2 0x%lx: type %d, %u type refs, %u from slot 3",
                             (unsigned long)mfn, pg->type, pg->type_count, e->xen_l2_refs);
        if (!xen && e->xen_l2_refs)
            return violation("L2 0x%lx in an L3 slot 3 is not a hypervisor L2",
                             (unsigned long)mfn);
        if ((pg->flags & PGF_shared_info) && pg->type != PGT_writable)
            return violation("shared_info frame 0x%lx is not writable", (unsigned long)mfn);
    }
    return 0;
}

/* mm_check_invariants: see mm.h. */
int mm_check_invariants(struct domain *const *doms, unsigned int nr_doms,
                        const struct mm_extra_ref *extra, unsigned int nr_extra)
{
    struct checker c = { calloc(max_mfn, sizeof(struct expect)), doms, nr_doms };
    BUG_ON(!c.exp);
    int rc = check_owners(&c);
    if (!rc)
        rc = count_holders(&c, extra, nr_extra);
    if (!rc)
        rc = scan_tables(&c);
    if (!rc)
        rc = compare(&c);
    free(c.exp);
    return rc;
}
#endif
