/* pvx: delivering exceptions and interrupts to a guest. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

/* What entry.S's int $0x80 and #PF fast paths read, by offset (traps.c
 * checks each against the C layout): struct vcpu's arch pointer, trap-table
 * entries 0x80 and 14 (struct guest_trap), the virtual CR2 and the ring-1
 * stack from stack_switch in struct arch_vcpu; the lowest address a bounce
 * frame may not reach. */
#define VCPU_arch 24
#define ARCH_trap80_cs (0x80 * 8)
#define ARCH_trap80_dpl (0x80 * 8 + 2)
#define ARCH_trap14_cs (14 * 8)
#define ARCH_cr2 2396
#define VCPU_INFO_cr2 8
#define ARCH_kernel_ss 2108
#define ARCH_kernel_sp 2112
#define BOUNCE_STACK_LIMIT 0xF5800000   /* HYPERVISOR_VIRT_START_32 */

#ifndef __ASSEMBLY__
#include <asm/regs.h>
#include <asm/vcpu.h>

#define TRAP_divide_error 0
#define TRAP_debug 1
#define TRAP_nmi 2
#define TRAP_int3 3
#define TRAP_overflow 4
#define TRAP_bounds 5
#define TRAP_invalid_op 6
#define TRAP_no_device 7
#define TRAP_double_fault 8
#define TRAP_invalid_tss 10
#define TRAP_no_segment 11
#define TRAP_stack_error 12
#define TRAP_gp_fault 13
#define TRAP_page_fault 14
#define TRAP_copro_error 16
#define TRAP_alignment_check 17
#define TRAP_machine_check 18
#define TRAP_simd_error 19

/* Make v's guest kernel take vector `vec` next (as if the CPU delivered it):
 * writes Xen's bounce frame on the guest kernel stack and points regs at the
 * handler from the trap table. has_error pushes error_code. Crashes the domain
 * if there is no handler or the frame cannot be written. */
void bounce_to_guest(struct vcpu *v, struct cpu_regs *regs, unsigned int vec,
                     bool has_error, uint32_t error_code, guest_va_t resume_eip);
/* Enter callback cb (the event upcall) as if interrupted at regs->rip:
 * Xen's frame without an error code. Crashes the domain if the frame
 * cannot be written. */
void bounce_to_callback(struct vcpu *v, struct cpu_regs *regs, const struct guest_callback *cb);
/* A saved data segment selector (segs: ds, es, fs, gs) could not be
 * reloaded: enter the failsafe callback with Xen's frame (the four
 * selectors below eip, ds lowest) so the guest can repair them. Crashes the
 * domain if it registered none. */
void bounce_to_failsafe(struct vcpu *v, struct cpu_regs *regs, const uint16_t segs[4]);
/* Set by code that needs work done before the next return to a guest. */
extern volatile uint8_t work_pending;
/* `int $0x80` that entry.S's fast path left to C (from ring 1, an entry
 * that does not admit the caller, no handler, a stack it could not write,
 * work pending): regs->rip is after the instruction. */
void handle_int80(struct cpu_regs *regs);

#endif /* __ASSEMBLY__ */
#endif
