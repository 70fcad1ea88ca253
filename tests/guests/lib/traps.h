/*
 * pvx test guests: taking traps and running ring-3 code (trap_entry.S, traps.c).
 *
 * trap_install() gives the guest a trap table whose every vector (0-255)
 * can have a handler: a stub in trap_entry.S that saves the registers, records
 * the bounce frame the hypervisor built in `last_trap`, and resumes with
 * the iret hypercall. Where it resumes:
 *  - a fault at an instruction listed with TRAP_FIXUP(fault, fixup) in the
 *    same asm statement resumes at `fixup`;
 *  - a trap whose eip already is a listed `fixup` (int n, int3, into)
 *    resumes there;
 *  - trap_resume_eip, if set by the test, overrides both (once);
 *  - any trap from ring 3 (or 2) while user_run() is active returns from
 *    user_run() in ring 1 instead;
 *  - anything else is an unexpected trap: reported, and the test fails.
 * The stubs of vectors 8, 10-14 and 17 expect an error code; a software
 * `int n` to one of them has none, so tests do not use those that way.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include "guest.h"

/* The registers a trap stub saves, in memory order (lowest address first). */
struct trap_regs {
    uint32_t es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;   /* pusha */
    uint32_t vector, error_code;    /* error_code 0 if the vector has none */
    uint32_t eip, cs, eflags;       /* the bounce frame from here up */
    uint32_t esp, ss;               /* only when the trap came from ring 2 or 3 */
};

/* What the last trap looked like (filled by the handler). */
struct trap_record {
    unsigned int count;       /* traps taken since trap_reset() */
    uint32_t vector;
    uint32_t error_code;      /* 0 for vectors without one */
    uint32_t eip, cs, eflags;
    uint32_t esp, ss;         /* the pushed ring-3/2 esp/ss (0 from ring 1) */
    uint32_t eax, ebx;        /* registers at the trap */
    uint32_t frame_va;        /* lowest address of the bounce frame (error code or eip) */
    uint32_t handler_ss;      /* %ss the handler ran with */
    uint32_t handler_ds;      /* %ds on entry (before the stub reloads it) */
    uint32_t cr2;             /* shared_info vcpu_info[0].arch.cr2 at entry */
    uint8_t upcall_mask;      /* vcpu_info[0].evtchn_upcall_mask at entry */
};
extern volatile struct trap_record last_trap;
/* If non-zero, the next trap resumes at this eip (then it is cleared). */
extern volatile uint32_t trap_resume_eip;

/* Does the CPU push an error code for this exception vector? */
static inline int vector_has_error_code(unsigned int vec)
{
    return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

/* The handler stub for vector vec (trap_entry.S). */
extern const uint32_t trap_stub_table[256];

/* Install handlers for vectors 0-31 (DPL 0, but DPL 3 for int3 and into,
 * as a kernel would), code selector FLAT_RING1_CS, events not masked. */
void trap_install(void);
/* Install (or replace) the handler of one vector: flags = DPL | 4 to mask
 * events on entry. Returns set_trap_table's result. */
long trap_set(unsigned int vec, unsigned int flags);
/* The same with an explicit code selector and address. */
long trap_set_raw(unsigned int vec, unsigned int flags, uint16_t cs, uint32_t address);
/* Forget the last trap (count = 0, fields = 0xdeadbeef). */
void trap_reset(void);

/* An exception-table entry: if `fault` traps, resume at `fixup`. For use
 * inside an asm statement: asm("1: ud2; 2:" TRAP_FIXUP(1b, 2b)). */
#define TRAP_FIXUP(fault, fixup)                                \
    "\n.pushsection ex_table_guest, \"a\"\n"                    \
    ".long " #fault ", " #fixup "\n"                            \
    ".popsection\n"

/* A page that is not mapped (allocated from the pool, then unmapped). */
void *unmapped_page(void);
/* Does the CPU have NX (so #PF error codes carry the instruction-fetch bit)? */
int cpu_has_nx(void);

/* ---- ring 3 ---- */

/* Set up ring 3: stack_switch to a fresh kernel stack (its top returned in
 * *kernel_sp_out if not NULL) and a user stack page mapped P|RW|U (its top
 * returned). The code run in ring 3 must be in pages made user-accessible
 * with user_map_code(). */
unsigned long user_setup(unsigned long *kernel_sp_out);
/* Make the pages covering [start, end) accessible to ring 3. 0 or the
 * failing update_va_mapping result. */
long user_map_code(const void *start, const void *end);
/* Enter ring 3 at eip with stack esp, eflags and eax (through the iret
 * hypercall); returns when ring-3 code traps. last_trap describes the
 * trap; ring 3's eax at the trap is in last_trap.eax. */
void user_run(uint32_t eip, uint32_t esp, uint32_t eflags, uint32_t eax);
/* The same into another outer ring (e.g. ring 2 through guest GDT
 * segments): cs and ss for the iret frame. */
void user_run_sel(uint32_t cs, uint32_t ss, uint32_t eip, uint32_t esp, uint32_t eflags,
                  uint32_t eax);

#endif
