/* pvx: the x86 part of a vCPU: what a 32-bit PV guest kernel has told us. */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H
#include <pvx/types.h>
#include <pvx/domain.h>
#include <asm/regs.h>

#define NR_GUEST_GDT_FRAMES 14
#define NR_LDT_FRAMES 16

/* One guest trap table entry (from set_trap_table). */
struct guest_trap {
    uint16_t cs;        /* 0 = no handler */
    uint8_t dpl;        /* most privileged... least: rings <= dpl may `int n` */
    bool mask_events;   /* TI_SET_IF clear: mask events on entry */
    uint32_t eip;
};

struct guest_callback { uint16_t cs; uint32_t eip; bool mask_events; };

struct arch_vcpu {
    struct guest_trap traps[256];
    struct guest_callback event_cb, failsafe_cb, nmi_cb, syscall32_cb, sysenter_cb;
    uint32_t kernel_ss, kernel_sp;
    mfn_t l4_mfn;                /* hypervisor-owned L4, slot 0 = guest L3 */
    intpte_t *pervcpu_l1;        /* maps GDT pages (0-15) and LDT pages (16-31) */
    mfn_t gdt_frames[NR_GUEST_GDT_FRAMES];
    unsigned int nr_gdt_frames, gdt_ents;
    mfn_t ldt_frames[NR_LDT_FRAMES];
    unsigned int nr_ldt_frames, ldt_ents;
    guest_va_t ldt_base;
    uint32_t cr2;                /* virtual CR2 */
    bool fpu_ts;                 /* virtual CR0.TS (fpu_taskswitch) */
    unsigned int iopl;           /* virtual IOPL (ring that may cli/out) */
    bool in_multicall;
    bool multicall_preempted;    /* an iret ran inside a multicall */
    struct vcpu_info *vcpu_info; /* this vCPU's slot in shared_info */
    uint64_t debugreg[8];
    /* Saved while the vCPU is not running (arch/x86/schedule.c). */
    struct cpu_regs saved_regs;
    uint16_t ds, es, fs, gs;
    bool fpu_initialised;
    uint8_t fpu_state[512] __attribute__((aligned(16)));   /* fxsave64 image */
};

/* Load v's address space (L4 with v's guest L3 in slot 0) and descriptors. */
void vcpu_load_context(struct vcpu *v);
/* Pick the next vCPU and switch to it (or idle). Never returns: the
 * hypervisor stack restarts in the return-to-guest path or the idle loop. */
__attribute__((noreturn)) void schedule(void);
/* The running vCPU's domain is being destroyed: forget it unsaved. */
void schedule_forget_current(void);
/* Crash v's domain: print reason and registers, release its frames, and
 * schedule something else (never returns to the guest). */
__attribute__((noreturn)) void domain_crash(struct domain *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
