/* pvx: the register frame saved on the hypervisor stack at every entry. */
#ifndef ASM_REGS_H
#define ASM_REGS_H
#include <pvx/types.h>

/* Order matches entry.S: it pushes rax first and r15 last, after the CPU
 * pushed ss, rsp, rflags, cs, rip and the stub pushed error code and vector. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

#define X86_EFLAGS_TF  0x00000100
#define X86_EFLAGS_IF  0x00000200
#define X86_EFLAGS_IOPL 0x00003000
#define X86_EFLAGS_NT  0x00004000
#define X86_EFLAGS_RF  0x00010000
#define X86_EFLAGS_VM  0x00020000
#define X86_EFLAGS_AC  0x00040000

/* Ring of the interrupted code. */
static inline unsigned int regs_ring(const struct cpu_regs *r) { return r->cs & 3; }
static inline bool regs_from_guest(const struct cpu_regs *r) { return (r->cs & 3) != 0; }

/* While a guest vCPU runs, its frame is always at the top of the hypervisor
 * stack; this is it. */
struct cpu_regs *guest_regs(void);

#endif
