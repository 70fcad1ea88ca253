/*
 * pvx: the small interface through which common/ code reaches the machine.
 *
 * common/ never includes arch/x86 headers. The real hypervisor implements
 * these in hypervisor/arch/x86/; host builds (CUnit tests, fuzzers) implement
 * them in tests/unit/sim_arch.c over a simulated machine memory.
 */
#ifndef PVX_ARCH_H
#define PVX_ARCH_H

#include <pvx/types.h>

struct vcpu;

/* Hypervisor pointer to the 4 KiB contents of machine frame mfn. The
 * hypervisor maps every machine frame at ARCH_DIRECTMAP_BASE + its address
 * (arch/x86/paging.c checks the constant), so there it is inline: every
 * page-table walk and update uses it. */
#ifdef PVX_HOST_BUILD
void *arch_mfn_to_virt(mfn_t mfn);
#else
#define ARCH_DIRECTMAP_BASE 0xFFFF800000000000ull
static inline void *arch_mfn_to_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(ARCH_DIRECTMAP_BASE + (mfn << PAGE_SHIFT));
}
#endif

/* Flush the current CPU's guest TLB entries (all, or one guest va). */
void arch_flush_tlb_local(void);
void arch_invlpg_local(guest_va_t va);

/* The vCPU's guest base table (v->arch.guest_table) changed: make the
 * hardware use it (if v is running). */
void arch_guest_table_changed(struct vcpu *v);

/* Fill the hypervisor-owned part of a PAE "slot 3" L2 (entries
 * >= L2_HYPERVISOR_FIRST: the read-only M2P). l2 points at the frame. */
void arch_fill_hypervisor_l2(intpte_t *l2);

/* The guest's LDT changed (base va, entries; already range-checked):
 * drop old LDT frame references and remember the new one. */
int arch_set_ldt(struct vcpu *v, guest_va_t base, unsigned int nr_ents);

/* The machine's memory map as the boot loader gave it (e820 records):
 * at most max entries stored, the number stored returned. */
struct pvx_e820entry;
unsigned int arch_machine_memory_map(struct pvx_e820entry *map, unsigned int max);

/* The CPU's (TSC's) frequency in kHz, calibrated at boot; 0 if unknown. */
extern uint32_t cpu_khz;

/* Write bytes to the hypervisor console (serial; stdout on the host). */
void arch_console_write(const char *s, size_t len);

/* A byte typed on the hypervisor console, or -1 if none is waiting. */
int arch_console_getc(void);

/* Stop the machine after a hypervisor bug (prints, never returns). */
__attribute__((noreturn)) void arch_panic_halt(void);

#endif
