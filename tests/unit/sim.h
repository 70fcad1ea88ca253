/*
 * pvx host tests: a simulated machine for the architecture-neutral core.
 *
 * sim_arch.c implements pvx/arch.h and pvx/guest_access.h over a malloc'd
 * machine memory (nr_frames page-aligned frames), with a frame table, an
 * M2P and a registry of simulated domains; sim_console.c implements
 * printk/panic and captures console output so tests can assert messages.
 * Frame 0 and one "M2P" frame stay hypervisor-owned; the rest are free.
 */
#ifndef PVX_SIM_H
#define PVX_SIM_H

#include <pvx/types.h>
#include <pvx/mm.h>
#include <pvx/domain.h>

#define SIM_DEFAULT_FRAMES 512

/* What the arch hooks were asked to do (reset by sim_machine_init). */
struct sim_stats {
    unsigned long tlb_flushes, invlpgs, base_changes, ldt_sets;
    guest_va_t last_invlpg, ldt_base;
    unsigned int ldt_ents;
};
extern struct sim_stats sim_stats;
extern mfn_t sim_m2p_mfn;   /* hypervisor frame the slot-3 L2 hypervisor part maps */

/* (Re)create the machine: frees the previous one and all sim domains. */
void sim_machine_init(unsigned long nr_frames);
unsigned long sim_nr_frames(void);

/* A domain with one vCPU and a shared_info frame, registered so that
 * domain_by_id() finds it. Aborts on failure (test setup bug). */
struct domain *sim_domain_create(domid_t id, unsigned long max_pages);
/* Release its frames, unregister and free it. */
void sim_domain_destroy(struct domain *d);
/* alloc_domain_frame that aborts on failure. */
mfn_t sim_alloc(struct domain *d);

/* The frame's contents as page-table entries. */
intpte_t *sim_table(mfn_t mfn);
static inline intpte_t sim_pte(mfn_t mfn, intpte_t flags) { return (mfn << PAGE_SHIFT) | flags; }
/* mmu_update ptr of entry slot of table (command 0). */
static inline uint64_t sim_ptr(mfn_t table, unsigned int slot)
{
    return (table << PAGE_SHIFT) + slot * sizeof(intpte_t);
}

/* mm_check_invariants over every sim domain and the extra references. */
int sim_check(void);
void sim_add_extra_ref(mfn_t mfn, enum page_type type);
void sim_clear_extra_refs(void);
unsigned int sim_nr_extra_refs(void);
/* Remove extra reference i (< sim_nr_extra_refs()) from the list and
 * return it; the caller drops (or forgets) the reference itself. */
struct mm_extra_ref sim_take_extra_ref(unsigned int i);

/* The vCPU whose address space copy_{from,to}_guest use. */
void sim_set_current(struct vcpu *v);

/* Whole-machine snapshot: frame table (stale types ignored), memory, M2P,
 * domains' accounting. For "a refused request changes nothing". */
struct sim_snapshot;
struct sim_snapshot *sim_snapshot_take(void);
/* true if nothing changed; prints the first difference otherwise. Frees s. */
bool sim_snapshot_same(struct sim_snapshot *s);

/* Console capture (sim_console.c). */
void sim_console_clear(void);
bool sim_console_has(const char *needle);
const char *sim_console_text(void);

/*
 * A standard guest address space, built the way a guest does it: contents
 * written while the frames are plain, then the L3 pinned and made the
 * base table. Layout:
 *   L3 slot 0 -> l2_low, slot 3 -> l2_xen (the hypervisor L2)
 *   l2_low slot 0 -> l1_low (va 0 - 2 MiB); l2_xen slot 0 -> l1_high (va 0xC0000000)
 *   l1_low: slots 0-3 data[0-3] RW, slot 4 data[4] RO,
 *           slots 16-20 the five tables RO (SIM_SLOT_RO_TABLES)
 *   l1_high: slot 0 data[5] RW
 */
#define SIM_AS_DATA 6
#define SIM_SLOT_RO_TABLES 16
#define SIM_VA_HIGH 0xC0000000u
struct sim_as {
    mfn_t l3, l2_low, l2_xen, l1_low, l1_high;
    mfn_t data[SIM_AS_DATA];
};
#define SIM_AS_FRAMES (5 + SIM_AS_DATA)
#define PTE_RW_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PTE_RO_FLAGS (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
/* Build it in d (aborts if anything is refused) and set d's base table. */
void sim_build_as(struct domain *d, struct sim_as *as);
/* Write the contents only (no pin, no base): for tests of validation. */
void sim_write_as(struct domain *d, struct sim_as *as);

#endif
