/*
 * pvx: grant tables, version 1 (common/grant_table.c): how one domain lets
 * another map or copy one of its frames. The granting domain writes
 * entries {flags, domid, frame} in its grant-table frames; grant_table_op
 * maps, unmaps and copies on the strength of those entries.
 *
 * Invariants (checked by mm_check_invariants and tests/unit/grant_table_test.c):
 *  1. A page-table entry that maps a frame its table's owner does not own
 *     is a grant mapping: a live maptrack entry of the owner records that
 *     L1 slot and frame. It holds the references any L1 entry holds (one
 *     general, plus a writable type reference if RW), so the page-type
 *     rules see it as an ordinary mapping; the granted frame cannot be
 *     given back or retyped as a page table while it is mapped writable.
 *  2. For each grant entry, pin_ro/pin_rw count the live maptrack entries
 *     (read-only / writable mappings) on it; GTF_reading is set in the
 *     shared entry while any is live, GTF_writing while a writable one is.
 *     The granter may rewrite its entry at any time (it is its memory), but
 *     a mapped frame stays referenced until it is unmapped: "revoking" a
 *     mapped grant cannot free the frame.
 *  3. A grant mapping's references are dropped exactly once: by
 *     unmap_grant_ref if the entry still maps the frame, or by whatever
 *     changed or devalidated the entry first (mmu_update clearing it, the
 *     L1 losing its type). The maptrack entry itself always goes on unmap.
 *  4. When a domain dies, its own mappings of others' grants are unmapped,
 *     and every mapping other domains hold of its grants is torn down
 *     (their PTEs cleared), before its frames are released.
 *  5. Grant-table frames are the granter's, flagged PGF_grant_frame, with
 *     a permanent writable type reference (the guest maps them writable;
 *     they can never become page tables); like Xen, neither tot_pages nor
 *     max_pages counts them.
 */
#ifndef PVX_GRANT_TABLE_H
#define PVX_GRANT_TABLE_H

#include <pvx/types.h>

struct domain;

#define GRANT_FRAMES_MAX 4                         /* max_nr_frames */
#define GRANT_ENTRIES_PER_FRAME 512                /* 8-byte v1 entries */
#define GRANT_ENTRIES_MAX (GRANT_FRAMES_MAX * GRANT_ENTRIES_PER_FRAME)
#define GRANT_MAPTRACK_MAX 256                     /* mappings one domain may hold */

/* grant_table_op(cmd, uop, count): see docs/abi.md. */
long do_grant_table_op(uint32_t cmd, uint32_t uop, uint32_t count);

/* A fresh, empty table for a new domain (no frames until setup_table). */
void grant_table_init(struct domain *d);
/* The domain builder's seeding, as Xen's toolstack does it
 * (xc_dom_gnttab_seed): entry ref of d's table grants `frame` to domain
 * `to` (GNTTAB_RESERVED_CONSOLE, GNTTAB_RESERVED_XENSTORE for dom0's
 * backends). Gives d its first grant frame if it has none. 0, -EINVAL (ref
 * past the first frame) or -ENOMEM. */
int grant_table_seed(struct domain *d, uint32_t ref, domid_t to, mfn_t frame);
/* Invariant 4: d is dying; undo every grant mapping it holds or that
 * others hold of its grants. Call before its frames are released. */
void grant_table_destroy(struct domain *d);
/* Invariant 1, for the checker: does a live grant mapping of `mapper`
 * record that slot of L1 frame l1 mapping frame (writable if rw)? */
bool grant_mapping_at(const struct domain *mapper, mfn_t l1, unsigned int slot, mfn_t frame, bool rw);
/* Live mappings d holds, and of d's grants (for tests and the debug key). */
unsigned int grant_mappings_held(const struct domain *d);
unsigned int grant_mappings_of(const struct domain *d);

#endif
