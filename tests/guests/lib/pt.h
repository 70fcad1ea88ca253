/*
 * pvx test guests: page tables as a PV kernel builds them (for the MMU
 * test guests).
 *
 * A new table is written while its page is an ordinary writable page,
 * then the page is remapped read-only (a frame with a writable mapping
 * cannot become a page table) and hooked in with mmu_update or pinned.
 * The bootstrap tables stay mapped read-only at their bootstrap vas, so a
 * test can always re-read any entry to see what the hypervisor left there.
 * Scratch mappings live above free_va_start() (the bootstrap mapping ends
 * there), under L1 tables the test hooks into the bootstrap slot-0 L2.
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include "traps.h"

#define PTE_P    0x001ull
#define PTE_RW   0x002ull
#define PTE_U    0x004ull
#define PTE_PWT  0x008ull
#define PTE_PCD  0x010ull
#define PTE_A    0x020ull
#define PTE_D    0x040ull
#define PTE_PSE  0x080ull
#define PTE_G    0x100ull
#define PTE_AVAIL 0xE00ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PTE_RW_FLAGS (PTE_P | PTE_RW | PTE_A | PTE_D)      /* 0x063 */
#define PTE_RO_FLAGS (PTE_P | PTE_A)                       /* 0x021 */
#define L2E_FLAGS    (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D) /* 0x067 */
#define L2_SLOT3_GUEST_ENTRIES 428   /* 0xF5800000 >> 21 & 511: the rest is the hypervisor's */

/* Stop the test as ERROR when a set-up step fails (not what is tested). */
#define SETUP(call)                                                             \
    do {                                                                        \
        long setup_rc_ = (call);                                                \
        if (setup_rc_) {                                                        \
            guest_printf("set-up failed at %s:%d: %s = %ld\n", __FILE__, __LINE__, \
                         #call, setup_rc_);                                     \
            test_exit("ERROR", "set-up failed");                                \
        }                                                                       \
    } while (0)

static inline uint64_t pte(uint32_t mfn, uint64_t flags) { return ((uint64_t)mfn << 12) | flags; }
static inline uint32_t pte_to_mfn(uint64_t e) { return (uint32_t)((e & PTE_ADDR) >> 12); }

/* Machine address of the byte at va (a va in the bootstrap mapping). */
static inline uint64_t maddr_of(const volatile void *va)
{
    return ((uint64_t)va_to_mfn((const void *)va) << 12) | ((unsigned long)va & 4095);
}

/* mmu_update `ptr` for entry `slot` of the table in frame `mfn`. */
static inline uint64_t entry_ptr(uint32_t mfn, unsigned int slot)
{
    return ((uint64_t)mfn << 12) + slot * 8u;
}

/* One MMU_NORMAL_PT_UPDATE of entry `slot` of the table in frame `mfn`. */
static inline long set_entry(uint32_t mfn, unsigned int slot, uint64_t val)
{
    return mmu_update1(entry_ptr(mfn, slot) | MMU_NORMAL_PT_UPDATE, val);
}

/* The bootstrap L3 and its L2s (mapped read-only). */
static inline volatile uint64_t *boot_l3(void) { return (volatile uint64_t *)start_info->pt_base; }
static inline uint32_t boot_l3_mfn(void) { return va_to_mfn((void *)start_info->pt_base); }
static inline volatile uint64_t *boot_l2(unsigned int l3_slot)
{
    return mfn_to_va(pte_to_mfn(boot_l3()[l3_slot]));
}
static inline uint32_t boot_l2_mfn(unsigned int l3_slot) { return pte_to_mfn(boot_l3()[l3_slot]); }

/* The machine frames of the M2P (hypervisor frames), from the hypervisor
 * part of the slot-3 L2: a read-only 2 MiB mapping at 0xF5800000. */
static inline uint32_t m2p_first_mfn(void) { return pte_to_mfn(boot_l2(3)[L2_SLOT3_GUEST_ENTRIES]); }

/* Map a bootstrap-region page at its own va with `flags` (INVLPG). */
static inline long remap(volatile void *va, uint64_t flags)
{
    uint64_t e = pte(va_to_mfn((void *)va), flags);
    return HYPERVISOR_update_va_mapping((unsigned long)va, (uint32_t)e, (uint32_t)(e >> 32),
                                        UVMF_INVLPG);
}
static inline long make_readonly(volatile void *va) { return remap(va, PTE_RO_FLAGS); }
static inline long make_writable(volatile void *va) { return remap(va, PTE_RW_FLAGS); }

/* A new page-table page: zeroed and writable; fill it, then seal_table(). */
static inline uint64_t *new_table(void) { return alloc_page(); }
/* Make a filled table page read-only; returns its machine frame. */
static inline uint32_t seal_table(uint64_t *table)
{
    SETUP(make_readonly(table));
    return va_to_mfn(table);
}

/* Hook an empty L1 into the bootstrap slot-0 L2 so that it covers the
 * 2 MiB at va (above free_va_start(), below 1 GiB); returns the L1's va
 * (read-only: its entries change through mmu_update). */
static inline volatile uint64_t *scratch_l1(unsigned long va)
{
    uint64_t *l1 = new_table();
    uint32_t l1_mfn = seal_table(l1);
    SETUP(set_entry(boot_l2_mfn(0), (va >> 21) & 511, pte(l1_mfn, L2E_FLAGS)));
    return l1;
}

/* A copy of the bootstrap L3 with its own copy of the slot-3 L2 (that L2
 * cannot be shared), both sealed but neither pinned nor in use. */
static inline uint32_t copy_boot_l3(uint32_t *l2_slot3_mfn)
{
    uint64_t *l2 = new_table(), *l3 = new_table();
    for (unsigned int i = 0; i < L2_SLOT3_GUEST_ENTRIES; i++)
        l2[i] = boot_l2(3)[i];
    for (unsigned int s = 0; s < 3; s++)
        l3[s] = boot_l3()[s];
    uint32_t l2_mfn = seal_table(l2);
    l3[3] = pte(l2_mfn, PTE_P);
    if (l2_slot3_mfn)
        *l2_slot3_mfn = l2_mfn;
    return seal_table(l3);
}

static inline long flush_va(unsigned long va) { return mmuext1(MMUEXT_INVLPG_LOCAL, va, 0); }

/* Touch the word at va. 0 if it did not fault; 1 if it took a #PF at va
 * (cr2 == va) with the given error code in *error_code (if not NULL);
 * -1 for any other trap. trap_install() must have run. */
static inline int read_faults(unsigned long va, uint32_t *value, uint32_t *error_code)
{
    uint32_t v = 0xdeadbeefu;
    trap_reset();
    __asm__ volatile("1: movl (%[va]), %[v]\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [v] "+r"(v) : [va] "r"(va) : "memory");
    if (last_trap.count == 0) {
        if (value)
            *value = v;
        return 0;
    }
    if (error_code)
        *error_code = last_trap.error_code;
    return last_trap.vector == 14 && last_trap.cr2 == va ? 1 : -1;
}

static inline int write_faults(unsigned long va, uint32_t value, uint32_t *error_code)
{
    trap_reset();
    __asm__ volatile("1: movl %[v], (%[va])\n2:\n" TRAP_FIXUP(1b, 2b)
                     :: [v] "r"(value), [va] "r"(va) : "memory");
    if (last_trap.count == 0)
        return 0;
    if (error_code)
        *error_code = last_trap.error_code;
    return last_trap.vector == 14 && last_trap.cr2 == va ? 1 : -1;
}

/* The word at va, or 0xdeadbeef if reading it faults. */
static inline uint32_t peek(unsigned long va)
{
    uint32_t v = 0xdeadbeefu;
    read_faults(va, &v, 0);
    return v;
}

#endif
