/*
 * pvx: page references, page types and page-table validation.
 *
 * Why this exists. A PV guest builds its own page tables in frames it owns
 * and the hardware walks them directly. The guest may therefore point an
 * entry only where it is allowed to, and must never be able to change a
 * page table behind the hypervisor's back. Rather than check every table
 * on every CR3 load, pvx (like Xen) keeps per-frame bookkeeping so that a
 * table is checked once, when it becomes one, and every later change goes
 * through mmu.c which re-checks only the entry that changes.
 *
 * The rules (mm.h lists them as invariants 1-7; mm_check.c re-derives them):
 *  - Two counts per frame. `count` (general references) keeps the frame
 *    allocated and owned: while it is non-zero the frame cannot be freed
 *    and handed to someone else. `type_count` says how many users need the
 *    frame to stay in its current `type`. Every type reference comes with
 *    a general reference (get_page_and_type), so a typed frame never goes
 *    away under its users.
 *  - One type at a time. A frame is plain (writable), an L1, L2 or L3 page
 *    table, or a descriptor (GDT/LDT) frame, and changes type only when
 *    its type_count is 0. A writable mapping takes a PGT_writable type
 *    reference, a table entry takes a PGT_lN reference on what it points
 *    to. Hence the central property: no frame is both a page table (or
 *    descriptor frame) and writable by the guest. A writable mapping of a
 *    typed frame is refused (-EBUSY), as is typing a frame that is mapped
 *    writable (-EINVAL).
 *  - Validation on first use. When a frame gains a page-table type
 *    (type_count 0 -> 1) every present entry is checked against the rules
 *    of its level and takes its own references, recursively: L3 entries
 *    take L2 types, L2 entries take L1 types, L1 entries take general (and
 *    writable) references. When type_count drops back to 0 those entry
 *    references are released again (devalidation), recursively. Because
 *    each level only references the level below, a table can never be
 *    asked for in its own type while it is being validated: a recursive
 *    or self-referencing table always meets a type conflict and is refused.
 *  - Ownership: every present entry maps a frame owned by the table's
 *    owner (get_page checks it); no cross-domain mappings exist yet.
 *  - PAE specifics: only L3 slots 0-3 exist; slot 3 holds the "hypervisor
 *    L2" (PGF_xen_l2) whose entries from L2_HYPERVISOR_FIRST on are filled
 *    by the hypervisor (the read-only M2P), never by the guest. That L2
 *    has exactly one type reference (its L3 slot 3) so it cannot be seen,
 *    and changed, through another table. Accepted L3 entries get RW|U
 *    added, because in long mode those bits restrict everything below.
 *  - Stale types and the TLB. When type_count reaches 0 the type field is
 *    left as it was (Xen does the same): the frame is free to take any type
 *    but the TLB may still hold translations that used it in the old role
 *    (a writable mapping, or a paging-structure cache entry of a table).
 *    So a frame that takes a *different* type than its stale one first
 *    costs a local TLB flush, and so does a frame going back to the free
 *    list. One CPU, one vCPU per domain: no other TLBs to shoot down.
 *  - All or nothing: a get_* that fails has taken nothing; a validation
 *    that fails half way drops what it took, in reverse order.
 *  - Counts never wrap: a reference that would overflow is refused.
 */
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/arch.h>
#include <pvx/lib.h>
#include <pvx/errno.h>

/* Flags a guest may set in entries of each level (besides the address). */
#define L1_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD | \
                    _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PAT | _PAGE_AVAIL | _PAGE_NX)
#define L2_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                    _PAGE_DIRTY | _PAGE_AVAIL | _PAGE_NX)
#define L3_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                    _PAGE_DIRTY | _PAGE_AVAIL)
#define SEG_DESC_ENTRIES (PAGE_SIZE / 8)
_Static_assert((L1_FASTPATH_FLAGS & ~L1_ALLOWED) == 0,
               "mmu.c's L1 fast path may only let a guest change bits every L1 entry may have");
_Static_assert((L1_FASTPATH_FLAGS & (_PAGE_PRESENT | _PAGE_RW | _PAGE_PWT | _PAGE_PCD |
                                     _PAGE_PAT | PTE_ADDR_MASK)) == 0,
               "the L1 fast path must not change the frame, presence, RW or caching");

static const char *const type_names[] = {
    [PGT_none] = "none", [PGT_writable] = "writable", [PGT_l1] = "L1",
    [PGT_l2] = "L2", [PGT_l3] = "L3", [PGT_seg_desc] = "GDT/LDT",
};

/* Print why a guest request was refused (naming the domain) and return err. */
#define refuse(domid, err, fmt, ...) guest_refusal((domid), (err), fmt, ##__VA_ARGS__)

static intpte_t *table_of(mfn_t mfn)
{
    return arch_mfn_to_virt(mfn);
}

/* owner_name: see mm.h. */
const char *owner_name(domid_t owner, char *buf)
{
    if (owner == DOMID_XEN_ID)
        return "the hypervisor";
    if (owner == DOMID_NONE)
        return "no domain (it is free)";
    snprintf(buf, OWNER_NAME_LEN, "d%u", (unsigned int)owner);
    return buf;
}

/* ---- general references ---- */

/* get_page: see mm.h. */
bool get_page(mfn_t mfn, struct domain *d)
{
    if (!mfn_valid(mfn))
        return false;
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->owner != d->domain_id || pg->count == 0 || pg->count == UINT32_MAX)
        return false;
    pg->count++;
    return true;
}

/* Drop a general reference; the last one frees the frame. Inlined into
 * the hot mmu_update path (put_page_from_l1e); put_page is the same. */
static inline __attribute__((always_inline)) void drop_page_ref(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    BUG_ON(pg->count == 0);
    if (--pg->count == 0)
        free_domain_frame(mfn);
}

/* put_page: see mm.h. */
void put_page(mfn_t mfn)
{
    drop_page_ref(mfn);
}

/* ---- validation and devalidation ---- */

/* Are the four entries from t on all empty? One test for four: an L1 of a
 * small process is mostly empty, and validating or devalidating it visits
 * all 512 entries (fork and exec each hook and release several). */
static inline bool quad_empty(const intpte_t *t)
{
    return !pte_present(t[0] | t[1] | t[2] | t[3]);
}

/* Undo the first n entry references of a table being validated, or all of
 * a table's: the last first, as they were taken in order. Empty entries
 * hold nothing: they are skipped without a call, four at a time where
 * they can be. */
static void put_entries(intpte_t *table, unsigned int n, void (*put)(intpte_t))
{
    while (n % 4) {
        n--;
        if (pte_present(table[n]))
            put(table[n]);
    }
    while (n) {
        n -= 4;
        if (quad_empty(&table[n]))
            continue;
        for (unsigned int i = n + 4; i-- > n;)
            if (pte_present(table[i]))
                put(table[i]);
    }
}

/* Take the reference of entry i of a table being validated (get), if it
 * is present; if it is refused, put back those of entries 0..i (put) and
 * return the error. */
static inline int get_entry(intpte_t *table, unsigned int i, struct domain *d,
                            int (*get)(intpte_t, struct domain *), void (*put)(intpte_t))
{
    if (!pte_present(table[i]))
        return 0;
    int rc = get(table[i], d);
    if (rc)
        put_entries(table, i, put);
    return rc;
}

/* Take the references of the first n entries of a table being validated,
 * the first first, or none (get_entry). Empty entries are skipped without
 * a call, four at a time where they can be. */
static inline int get_entries(intpte_t *table, unsigned int n, struct domain *d,
                              int (*get)(intpte_t, struct domain *), void (*put)(intpte_t))
{
    unsigned int quads = n & ~3u, i;
    int rc;
    for (unsigned int quad = 0; quad < quads; quad += 4) {
        if (quad_empty(&table[quad]))
            continue;                   /* nothing to check or take */
        for (i = quad; i < quad + 4; i++)
            if ((rc = get_entry(table, i, d, get, put)) != 0)
                return rc;
    }
    for (i = quads; i < n; i++)
        if ((rc = get_entry(table, i, d, get, put)) != 0)
            return rc;
    return 0;
}

static int validate_l1(mfn_t mfn, struct domain *d)
{
    return get_entries(table_of(mfn), L1_ENTRIES, d, get_page_from_l1e, put_page_from_l1e);
}

/* Guest-owned entries of an L2: all, or those below the hypervisor part. */
static unsigned int l2_guest_entries(const struct page_info *pg)
{
    return (pg->flags & PGF_xen_l2) ? L2_HYPERVISOR_FIRST : L2_ENTRIES;
}

/* Validate an L2; a hypervisor L2 gets its upper part (re)filled, whatever
 * the guest wrote there. */
static int validate_l2(mfn_t mfn, struct domain *d)
{
    intpte_t *l2 = table_of(mfn);
    unsigned int n = l2_guest_entries(mfn_to_page(mfn));
    int rc = get_entries(l2, n, d, get_page_from_l2e, put_page_from_l2e);
    if (rc)
        return rc;
    if (n < L2_ENTRIES)
        arch_fill_hypervisor_l2(l2);
    return 0;
}

/* Validate an L3: slots beyond 3 empty, slot 3 present (the hypervisor L2
 * must always be there), slots 0-3 valid; then add RW|U to what we took. */
static int validate_l3(mfn_t mfn, struct domain *d)
{
    intpte_t *l3 = table_of(mfn);
    for (unsigned int i = L3_GUEST_ENTRIES; i < L2_ENTRIES; i++)
        if (pte_present(l3[i]))
            return refuse(d->domain_id, -EINVAL,
                          "L3 0x%lx: slot %u is present (PAE guests use slots 0-3)",
                          (unsigned long)mfn, i);
    if (!pte_present(l3[L3_XEN_L2_SLOT]))
        return refuse(d->domain_id, -EINVAL,
                      "L3 0x%lx: slot 3 is not present (it must hold the hypervisor L2)",
                      (unsigned long)mfn);
    for (unsigned int i = 0; i < L3_GUEST_ENTRIES; i++) {
        int rc = get_page_from_l3e(l3[i], d, i, mfn);
        if (rc) {
            put_entries(l3, i, put_page_from_l3e);
            return rc;
        }
    }
    for (unsigned int i = 0; i < L3_GUEST_ENTRIES; i++)
        if (pte_present(l3[i]))
            l3[i] |= L3_GUEST_ADDED_FLAGS;
    return 0;
}

/* Every descriptor must be safe; DPL-0 segments are raised to DPL 1 in
 * place (nobody can write the frame meanwhile: it has no writable mapping).
 * A refusal part-way leaves earlier entries raised, which changes nothing a
 * guest could use (a DPL-1 segment is what it runs with anyway). */
static int validate_seg_desc(mfn_t mfn, struct domain *d)
{
    uint64_t *desc = arch_mfn_to_virt(mfn);
    for (unsigned int i = 0; i < SEG_DESC_ENTRIES; i++)
        if (!descriptor_fixup(&desc[i]))
            return refuse(d->domain_id, -EINVAL,
                          "descriptor frame 0x%lx: entry %u (0x%llx) is not safe",
                          (unsigned long)mfn, i, (unsigned long long)desc[i]);
    return 0;
}

/* Check a frame that just became type t and take its entries' references. */
static int validate(mfn_t mfn, enum page_type t)
{
    struct page_info *pg = mfn_to_page(mfn);
    if (t == PGT_writable)
        return 0;
    struct domain *d = domain_by_id(pg->owner);
    if (!d)
        return refuse(pg->owner, -EINVAL, "frame 0x%lx: owner unknown", (unsigned long)mfn);
    switch (t) {
    case PGT_l1: return validate_l1(mfn, d);
    case PGT_l2: return validate_l2(mfn, d);
    case PGT_l3: return validate_l3(mfn, d);
    case PGT_seg_desc: return validate_seg_desc(mfn, d);
    default: panic("validate: bad page type %d", (int)t);
    }
}

/* The last type reference went: release what the entries held. A
 * hypervisor L2 also loses its hypervisor part, so the frame can be used
 * as anything else afterwards. */
static void devalidate(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    intpte_t *table = table_of(mfn);
    switch (pg->type) {
    case PGT_l1:
        put_entries(table, L1_ENTRIES, put_page_from_l1e);
        break;
    case PGT_l2:
        put_entries(table, l2_guest_entries(pg), put_page_from_l2e);
        if (pg->flags & PGF_xen_l2)
            memset(&table[L2_HYPERVISOR_FIRST], 0,
                   (L2_ENTRIES - L2_HYPERVISOR_FIRST) * sizeof(intpte_t));
        break;
    case PGT_l3:
        put_entries(table, L3_GUEST_ENTRIES, put_page_from_l3e);
        break;
    default:
        break;
    }
    pg->flags &= (uint8_t)~PGF_xen_l2;
}

/* ---- type references ---- */

/* get_type_ref's general case: a refusal, or the first reference of a
 * type (which validates the frame). */
static __attribute__((noinline)) int get_type_ref_slow(mfn_t mfn, enum page_type t, bool xen_l2)
{
    struct page_info *pg = mfn_to_page(mfn);
    bool is_xen_l2 = (pg->flags & PGF_xen_l2) != 0;
    if (pg->type_count > 0) {
        if (pg->type != t)
            return refuse(pg->owner, -EINVAL, "frame 0x%lx is in use as %s, cannot be %s",
                          (unsigned long)mfn, type_names[pg->type], type_names[t]);
        if (is_xen_l2)
            return refuse(pg->owner, -EINVAL,
                          "frame 0x%lx is the hypervisor L2 of an L3: no other use allowed",
                          (unsigned long)mfn);
        if (xen_l2)
            return refuse(pg->owner, -EINVAL,
                          "frame 0x%lx is an L2 in use: cannot become a hypervisor L2",
                          (unsigned long)mfn);
        if (pg->type_count == UINT32_MAX)
            return refuse(pg->owner, -EINVAL, "frame 0x%lx: too many type references",
                          (unsigned long)mfn);
        pg->type_count++;
        return 0;
    }
    if (pg->type != t && pg->type != PGT_none)
        arch_flush_tlb_local();   /* stale translations of the old role */
    pg->type = (uint8_t)t;
    pg->type_count = 1;
    if (xen_l2)
        pg->flags |= PGF_xen_l2;
    int rc = validate(mfn, t);
    if (rc) {
        pg->type_count = 0;
        pg->flags &= (uint8_t)~PGF_xen_l2;
    }
    return rc;
}

/* Take a type reference of type t; xen_l2 asks for (or refuses) the
 * hypervisor-L2 flavour of PGT_l2. See get_page_type in mm.h. The common
 * case (one more reference of the type the frame is in use as) is inline. */
static inline __attribute__((always_inline)) int get_type_ref(mfn_t mfn, enum page_type t,
                                                              bool xen_l2)
{
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->type_count > 0 && pg->type_count < UINT32_MAX && pg->type == t && !xen_l2 &&
        !(pg->flags & PGF_xen_l2)) {
        pg->type_count++;
        return 0;
    }
    return get_type_ref_slow(mfn, t, xen_l2);
}

/* get_page_type: see mm.h. */
int get_page_type(mfn_t mfn, enum page_type t)
{
    return get_type_ref(mfn, t, false);
}

/* Drop a type reference; the last one devalidates. (Inlined like
 * drop_page_ref; put_page_type is the same.) */
static inline __attribute__((always_inline)) void drop_type_ref(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    BUG_ON(pg->type_count == 0);
    if (--pg->type_count == 0)
        devalidate(mfn);
}

/* put_page_type: see mm.h. */
void put_page_type(mfn_t mfn)
{
    drop_type_ref(mfn);
}

/* get_page and a type reference, as one: nothing taken on failure. */
static int get_ref_and_type(mfn_t mfn, struct domain *d, enum page_type t, bool xen_l2)
{
    if (!get_page(mfn, d))
        return -EPERM;
    int rc = get_type_ref(mfn, t, xen_l2);
    if (rc)
        put_page(mfn);
    return rc;
}

/* get_page_and_type: see mm.h. */
int get_page_and_type(mfn_t mfn, struct domain *d, enum page_type t)
{
    return get_ref_and_type(mfn, d, t, false);
}

/* put_page_and_type: see mm.h. Type first: the general reference keeps
 * the frame alive while devalidation runs. */
void put_page_and_type(mfn_t mfn)
{
    put_page_type(mfn);
    put_page(mfn);
}

/* ---- entry references ---- */

/* Why check_entry_target refuses e (kept out of line: it is the cold
 * path and its message buffer would weigh on the hot one). */
static __attribute__((noinline, cold)) int refuse_entry_target(intpte_t e, struct domain *d,
                                                               intpte_t allowed,
                                                               const char *level)
{
    intpte_t bad = e & ~(allowed | PTE_ADDR_MASK);
    if (bad)
        return refuse(d->domain_id, -EINVAL, "%s entry 0x%llx: bits 0x%llx not allowed",
                      level, (unsigned long long)e, (unsigned long long)bad);
    mfn_t mfn = pte_mfn(e);
    if (!mfn_valid(mfn))
        return refuse(d->domain_id, -EINVAL, "%s entry 0x%llx: frame 0x%lx does not exist",
                      level, (unsigned long long)e, (unsigned long)mfn);
    char name[OWNER_NAME_LEN];
    return refuse(d->domain_id, -EPERM, "%s entry maps frame 0x%lx owned by %s",
                  level, (unsigned long)mfn, owner_name(mfn_to_page(mfn)->owner, name));
}

/* Common checks of a present entry: no disallowed bits, a real frame,
 * owned by d. 0 or the refusal errno. */
static inline __attribute__((always_inline)) int check_entry_target(intpte_t e, struct domain *d,
                                                                    intpte_t allowed,
                                                                    const char *level)
{
    mfn_t mfn = pte_mfn(e);
    if ((e & ~(allowed | PTE_ADDR_MASK)) || !mfn_valid(mfn) ||
        mfn_to_page(mfn)->owner != d->domain_id)
        return refuse_entry_target(e, d, allowed, level);
    return 0;
}

/* get_page_from_l1e: see mm.h. Read-only mappings take a general
 * reference only; writable ones also the PGT_writable type. */
int get_page_from_l1e(intpte_t l1e, struct domain *d)
{
    if (!pte_present(l1e))
        return 0;
    int rc = check_entry_target(l1e, d, L1_ALLOWED, "L1");
    if (rc)
        return rc;
    if ((l1e & (_PAGE_PWT | _PAGE_PCD)) && !d->has_io_privilege)
        return refuse(d->domain_id, -EINVAL,
                      "L1 entry 0x%llx: PWT/PCD need I/O privilege", (unsigned long long)l1e);
    mfn_t mfn = pte_mfn(l1e);
    const struct page_info *pg = mfn_to_page(mfn);
    if ((l1e & _PAGE_RW) && pg->type_count > 0 && pg->type != PGT_writable)
        return refuse(d->domain_id, -EBUSY, "L1 entry maps %s frame 0x%lx writable",
                      type_names[pg->type], (unsigned long)mfn);
    if (!get_page(mfn, d))
        return refuse(d->domain_id, -EPERM, "L1 entry: frame 0x%lx cannot take a reference",
                      (unsigned long)mfn);
    if ((l1e & _PAGE_RW) && get_type_ref(mfn, PGT_writable, false)) {
        put_page(mfn);
        return -EBUSY;
    }
    return 0;
}

/* put_page_from_l1e: see mm.h. */
void put_page_from_l1e(intpte_t l1e)
{
    if (!pte_present(l1e))
        return;
    if (l1e & _PAGE_RW)
        drop_type_ref(pte_mfn(l1e));
    drop_page_ref(pte_mfn(l1e));
}

/* get_page_from_l2e: see mm.h. */
int get_page_from_l2e(intpte_t l2e, struct domain *d)
{
    if (!pte_present(l2e))
        return 0;
    if (l2e & _PAGE_PSE)
        return refuse(d->domain_id, -EINVAL, "L2 entry 0x%llx: superpages (PSE) not allowed",
                      (unsigned long long)l2e);
    int rc = check_entry_target(l2e, d, L2_ALLOWED, "L2");
    if (rc)
        return rc;
    return get_ref_and_type(pte_mfn(l2e), d, PGT_l1, false);
}

/* put_page_from_l2e: see mm.h. */
void put_page_from_l2e(intpte_t l2e)
{
    if (pte_present(l2e))
        put_page_and_type(pte_mfn(l2e));
}

/* get_page_from_l3e: see mm.h. */
int get_page_from_l3e(intpte_t l3e, struct domain *d, unsigned int slot, mfn_t l3_mfn)
{
    if (!pte_present(l3e))
        return 0;
    int rc = check_entry_target(l3e, d, L3_ALLOWED, "L3");
    if (rc)
        return rc;
    mfn_t mfn = pte_mfn(l3e);
    const struct page_info *pg = mfn_to_page(mfn);
    if (mfn == l3_mfn || (pg->type_count > 0 && pg->type == PGT_l3))
        return refuse(d->domain_id, -EINVAL,
                      "L3 entry maps L3 0x%lx: recursive L3 mappings are not allowed",
                      (unsigned long)mfn);
    return get_ref_and_type(mfn, d, PGT_l2, slot == L3_XEN_L2_SLOT);
}

/* put_page_from_l3e: see mm.h. */
void put_page_from_l3e(intpte_t l3e)
{
    if (pte_present(l3e))
        put_page_and_type(pte_mfn(l3e));
}
