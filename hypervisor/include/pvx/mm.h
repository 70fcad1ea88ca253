/*
 * pvx: the frame table, the frame allocator and the page-type system.
 * (Implemented in common/page_alloc.c, common/page_type.c, common/mmu.c.)
 *
 * Every machine frame has a struct page_info. Invariants (checked by
 * mm_check_invariants() in tests and the fuzzer; page_type.c explains why):
 *  1. A frame has exactly one owner: a domain id, DOMID_XEN_ID (hypervisor)
 *     or DOMID_NONE (free). Free frames have count 0, type_count 0, type
 *     PGT_none, no flags, and sit on the free list.
 *  2. count = number of general references: 1 for the owner's allocation
 *     (PGF_allocated) + 1 per holder: each present page-table entry that
 *     maps the frame, the pin, each vCPU base pointer, the shared_info
 *     reference, each GDT/LDT use. Every type reference is taken together
 *     with a general one (get_page_and_type), never alone.
 *  3. type_count = number of references that need the frame in its current
 *     type: for PGT_writable, one per present writable L1 entry mapping it
 *     (+1 for a shared_info frame, which is writable for good);
 *     for L1/L2/L3, one per entry of a higher table pointing to it, +1 if
 *     pinned, +1 per vCPU base pointer; for PGT_seg_desc, one per GDT/LDT use.
 *  4. A frame has one type at a time; the type may change only when
 *     type_count is 0. So a page table (L1/L2/L3) or descriptor frame is
 *     never writably mapped, and a writably mapped frame is never used as
 *     a page table. When type_count is 0 the type field keeps the last type
 *     (a stale record, used only to know a TLB flush is due when the frame
 *     takes a different type); PGF_pinned and PGF_xen_l2 need type_count > 0.
 *  5. A page-table frame whose type_count > 0 is validated: every present
 *     entry passed the rules for its level and holds the references of (2)
 *     and (3) on the frame it points to. Dropping the last type reference
 *     releases those entry references (recursively).
 *  6. A domain maps only frames it owns, and others' frames only through
 *     grant mappings (grant_table.h).
 *  7. Frames owned by all domains + free frames + hypervisor frames =
 *     total machine frames; each domain's tot_pages = frames it owns, not
 *     counting its grant-table frames (PGF_grant_frame).
 */
#ifndef PVX_MM_H
#define PVX_MM_H

#include <pvx/types.h>

struct domain;
struct vcpu;

enum page_type {
    PGT_none = 0,
    PGT_writable,   /* mapped writable by some L1 entry */
    PGT_l1,
    PGT_l2,
    PGT_l3,
    PGT_seg_desc,   /* GDT/LDT frame */
};

struct page_info {
    domid_t owner;            /* domain id, DOMID_XEN_ID or DOMID_NONE */
    uint8_t type;             /* enum page_type */
    uint8_t flags;            /* PGF_* */
    uint32_t count;           /* general references */
    uint32_t type_count;      /* type references */
    uint32_t next_free;       /* free list link (mfn index), allocator use only */
};

#define PGF_allocated   0x01  /* owner holds its allocation reference */
#define PGF_pinned      0x02  /* pinned (holds one type + one general ref) */
#define PGF_xen_l2      0x04  /* an L2 in L3 slot 3 (hypervisor part filled) */
#define PGF_shared_info 0x08  /* the domain's shared_info frame (holds a
                                 permanent PGT_writable type reference) */
#define PGF_grant_frame 0x10  /* one of the domain's grant-table frames (the
                                 same permanent reference; grant_table.h) */

/* PAE entry bits (64-bit entries; hardware runs them under 4-level paging). */
#define _PAGE_PRESENT  0x001ull
#define _PAGE_RW       0x002ull
#define _PAGE_USER     0x004ull
#define _PAGE_PWT      0x008ull
#define _PAGE_PCD      0x010ull
#define _PAGE_ACCESSED 0x020ull
#define _PAGE_DIRTY    0x040ull
#define _PAGE_PSE      0x080ull
#define _PAGE_PAT      0x080ull   /* in an L1 entry */
#define _PAGE_GLOBAL   0x100ull
#define _PAGE_AVAIL    0xE00ull
#define _PAGE_NX       (1ull << 63)
#define PTE_ADDR_MASK  0x000FFFFFFFFFF000ull

#define L1_ENTRIES 512
#define L2_ENTRIES 512
#define L3_GUEST_ENTRIES 4        /* a PAE guest uses L3 entries 0..3 only */
#define L2_HYPERVISOR_FIRST 428   /* 0xF5800000 >> 21: slot-3 L2 entries from here are ours */
#define L3_XEN_L2_SLOT 3          /* the L3 slot holding the hypervisor L2 */
#define L3_GUEST_ADDED_FLAGS (_PAGE_RW | _PAGE_USER)  /* added to accepted L3 entries */
/* L1 entry bits that do not change which references an entry holds and
 * that any L1 entry may carry: an update of a validated entry that changes
 * only these needs no validation (mmu.c's fast path). Xen's
 * FASTPATH_FLAG_WHITELIST without G and bits 52-62, which pvx refuses in
 * L1 entries (page_type.c checks the mask against its L1 rules). */
#define L1_FASTPATH_FLAGS (_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_AVAIL | _PAGE_USER | _PAGE_NX)

static inline mfn_t pte_mfn(intpte_t e) { return (e & PTE_ADDR_MASK) >> PAGE_SHIFT; }
static inline bool pte_present(intpte_t e) { return (e & _PAGE_PRESENT) != 0; }

/* ---- frame table and allocator (common/page_alloc.c) ---- */
extern struct page_info *frame_table;
extern mfn_t max_mfn;           /* frame_table has max_mfn entries */

/* Set up the frame table over [0, nr_frames); all frames start as
 * hypervisor-owned (DOMID_XEN_ID) until frame_alloc_add_free() hands them
 * to the allocator. */
void frame_table_init(struct page_info *table, mfn_t nr_frames);
void frame_alloc_add_free(mfn_t first, mfn_t count);
unsigned long frame_alloc_free_count(void);
/* Take a free frame for the hypervisor itself (owner DOMID_XEN_ID). */
mfn_t alloc_xen_frame(void);
/* Give a hypervisor frame back to the allocator. */
void frame_free_xen(mfn_t mfn);
/* Allocate one zeroed frame to d: owner d, count 1, PGF_allocated, tot_pages++.
 * INVALID_MFN if none free or d->tot_pages would exceed max_pages. */
mfn_t alloc_domain_frame(struct domain *d);
/* The largest extent memory_op hands out or takes back: 2^9 frames (2 MiB),
 * Xen's limit for a domU. */
#define MAX_EXTENT_ORDER 9
/* Allocate 2^order contiguous zeroed frames, aligned to their size, to d
 * (each as alloc_domain_frame does); the first mfn, or INVALID_MFN if
 * order > MAX_EXTENT_ORDER, d would pass max_pages, or no such run is
 * free. */
mfn_t alloc_domain_extent(struct domain *d, unsigned int order);
/* d may give the frame back: d owns it, and only the allocation
 * reference is held (no mapping, type, pin, base pointer, shared_info,
 * descriptor or grant use). */
bool frame_is_plain_allocation(mfn_t mfn, const struct domain *d);
/* Free a frame for which frame_is_plain_allocation() holds: drop the
 * allocation reference, reset its M2P entry, return it to the free list.
 * The caller must flush the TLB (arch_flush_tlb_local) before the guest
 * runs again: an unmapped frame may still be in it. */
void release_plain_frame(mfn_t mfn);
/* Allocate one of d's grant-table frames: zeroed, owned by d but not
 * counted in tot_pages nor held against max_pages (as Xen, where they are
 * the hypervisor's pages shared with the guest), flagged PGF_grant_frame,
 * with a permanent PGT_writable type reference. INVALID_MFN if none is
 * free. Freed only with the domain (release_domain_frames). */
mfn_t alloc_grant_frame(struct domain *d);
/* Allocate d's shared_info frame: a domain frame flagged PGF_shared_info
 * holding a permanent PGT_writable type reference (so it can never become
 * a page table the hypervisor would then scribble on); sets
 * d->shared_info_mfn. INVALID_MFN if no frame. */
mfn_t alloc_shared_info_frame(struct domain *d);
/* Release every frame d owns (dying domain): clears types, counts,
 * pins, and returns them to the free list; d->tot_pages becomes 0,
 * d->shared_info_mfn and the vCPU base table become INVALID_MFN. Arch
 * references (GDT/LDT) on those frames must be forgotten by the caller. */
void release_domain_frames(struct domain *d);
/* The last general reference on a domain frame went (put_page): return it
 * to the free list, owner's tot_pages--. Allocator use. */
void free_domain_frame(mfn_t mfn);
/* Every frame d owns, its grant frames included (a scan of the frame
 * table: for reports, not hot paths). */
unsigned long domain_owned_frames(const struct domain *d);
/* The free list is well formed: exactly frame_alloc_free_count() entries,
 * all owned by DOMID_NONE. (mm_check_invariants.) */
bool frame_alloc_list_ok(void);
static inline struct page_info *mfn_to_page(mfn_t mfn) { return &frame_table[mfn]; }
static inline bool mfn_valid(mfn_t mfn) { return mfn < max_mfn; }

/* ---- M2P (machine-to-physical): one 32-bit pfn per machine frame ---- */
extern uint32_t *machine_to_phys;   /* max_mfn entries; INVALID_PFN when unset */

/* ---- references and types (common/page_type.c) ---- */
/* Who owns a frame, for refusal messages: "d3", "the hypervisor" or
 * "no domain (it is free)". buf holds at least OWNER_NAME_LEN bytes. */
#define OWNER_NAME_LEN 24
const char *owner_name(domid_t owner, char *buf);
/* Take a general reference on a frame owned by d (and in use: count > 0).
 * false if not valid / not owned / count would overflow. */
bool get_page(mfn_t mfn, struct domain *d);
/* Drop a general reference; the last one frees the frame. */
void put_page(mfn_t mfn);
/* Take a type reference of type t (validating the frame if it becomes a
 * page table or descriptor frame). 0 or -errno: -EINVAL if the frame has
 * another type in use (or is a hypervisor L2 asked for as a plain L2), or
 * the validation error of a bad entry (-EINVAL, -EPERM, -EBUSY). The
 * caller holds a general reference on the frame. */
int get_page_type(mfn_t mfn, enum page_type t);
void put_page_type(mfn_t mfn);
/* get_page + get_page_type; -EPERM if d does not own the frame (nothing
 * taken on failure). */
int get_page_and_type(mfn_t mfn, struct domain *d, enum page_type t);
void put_page_and_type(mfn_t mfn);
/* The common case of get_page + get_page_type, inline for the process
 * switch (NEW_BASEPTR to a table already in use as one): a frame d owns
 * and uses, already typed t, neither count at its limit, not the
 * hypervisor L2. Both counts go up by one and true is returned: exactly
 * what the two calls would do. Otherwise false and nothing is taken; the
 * caller makes the two calls, which refuse or validate as they always do. */
static inline bool get_page_and_type_in_use(mfn_t mfn, domid_t owner, enum page_type t)
{
    if (!mfn_valid(mfn))
        return false;
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->owner != owner || pg->count == 0 || pg->count == UINT32_MAX ||
        pg->type != t || pg->type_count == 0 || pg->type_count == UINT32_MAX ||
        (pg->flags & PGF_xen_l2))
        return false;
    pg->count++;
    pg->type_count++;
    return true;
}
/* put_page_and_type when neither count reaches zero (nothing to
 * devalidate or free), inline; otherwise the call. */
static inline void put_page_and_type_inline(mfn_t mfn)
{
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->type_count > 1 && pg->count > 1) {
        pg->type_count--;
        pg->count--;
    } else {
        put_page_and_type(mfn);
    }
}

/* The references one page-table entry holds (Xen's names). get_* checks
 * the entry against its level's rules for domain d (the table's owner)
 * and takes its references: 0, or -errno with nothing taken; non-present
 * entries hold nothing. put_* drops them. For L3 entries, slot says which
 * of 0..3 (slot 3 takes the target as the hypervisor L2) and l3_mfn is
 * the table itself (to refuse a recursive mapping with a clear message). */
int get_page_from_l1e(intpte_t l1e, struct domain *d);
void put_page_from_l1e(intpte_t l1e);
int get_page_from_l2e(intpte_t l2e, struct domain *d);
void put_page_from_l2e(intpte_t l2e);
int get_page_from_l3e(intpte_t l3e, struct domain *d, unsigned int slot, mfn_t l3_mfn);
void put_page_from_l3e(intpte_t l3e);

/* ---- the MMU operations behind the hypercalls (common/mmu.c) ----
 * All take already-copied-in values; the hypercall wrappers that read guest
 * arrays live in common/mmu_hypercalls.c. Return 0 or -errno. */
/* mmu_update one request {ptr, val} (command in ptr's low 3 bits, as in
 * Xen; commands other than NORMAL, MACHPHYS and PRESERVE_AD: -ENOSYS). */
int mmu_update_one(struct domain *d, uint64_t ptr, uint64_t val);
/* mmuext_op one request (struct mmuext_op fields). */
int mmuext_op_one(struct vcpu *v, unsigned int cmd, uint32_t arg1, uint32_t arg2);
/* update_va_mapping for the vCPU's current address space. */
int update_va_mapping(struct vcpu *v, guest_va_t va, intpte_t val, unsigned int flags);

/* Walk v's current guest page tables for va: store the L1 entry's machine
 * address (for mmu_update-style modification) in *pte_maddr. -EINVAL if the
 * L3/L2 entries covering va are not present. */
int guest_va_to_l1e_maddr(struct vcpu *v, guest_va_t va, paddr_t *pte_maddr);

/* A guest segment descriptor (GDT/LDT entry) is safe to load: not a system
 * segment or gate, no 64-bit code, DPL >= 1 (or not present). (common/descriptor.c) */
bool descriptor_is_safe(uint64_t desc);
/* Accept a descriptor as Xen does: a present DPL-0 code/data segment is
 * raised to DPL 1 in place; false (and *desc unchanged) if it is unsafe
 * even then. (common/descriptor.c) */
bool descriptor_fixup(uint64_t *desc);

#ifdef PVX_HOST_BUILD
/* A reference held outside page tables, pins and base pointers (e.g. an
 * arch GDT/LDT frame): one general reference, plus a type reference of
 * `type` unless it is PGT_none. */
struct mm_extra_ref {
    mfn_t mfn;
    enum page_type type;
};
/* Check invariants 1-7 for the whole machine, given every live domain and
 * every extra reference; returns 0 or prints the first violation and
 * returns -1. Host builds only (tests and fuzzers; it needs malloc).
 * (common/mm_check.c) */
int mm_check_invariants(struct domain *const *doms, unsigned int nr_doms,
                        const struct mm_extra_ref *extra, unsigned int nr_extra);
#endif

#endif
