/*
 * pvx: every way into the hypervisor and the one way back out.
 *
 * Each entry builds a struct cpu_regs (asm/regs.h) on the hypervisor stack:
 * the CPU pushes ss, rsp, rflags, cs, rip (always, in long mode); the stub
 * pushes an error code (0 if the CPU gave none) and the vector; SAVE_ALL
 * pushes the general registers. restore_all_guest undoes it and irets.
 *
 * The hypercall stub is the hot path: a 32-bit guest's `int $0x82` lands
 * here, the registers ebx, ecx, edx, esi, edi, ebp become the C arguments,
 * and the handler's result goes back in eax.
 */
#include <asm/hypercall_nr.h>

/* Offsets in struct cpu_regs (asm/regs.h). */
#define REGS_RBP 8*8
#define REGS_RDI 9*8
#define REGS_RSI 10*8
#define REGS_RDX 11*8
#define REGS_RCX 12*8
#define REGS_RBX 13*8
#define REGS_RAX 14*8
#define REGS_VECTOR 15*8
#define REGS_ERROR 16*8
#define REGS_CS 18*8

.macro SAVE_ALL
        pushq %rax
        pushq %rbx
        pushq %rcx
        pushq %rdx
        pushq %rsi
        pushq %rdi
        pushq %rbp
        pushq %r8
        pushq %r9
        pushq %r10
        pushq %r11
        pushq %r12
        pushq %r13
        pushq %r14
        pushq %r15
.endm

.macro RESTORE_ALL
        popq %r15
        popq %r14
        popq %r13
        popq %r12
        popq %r11
        popq %r10
        popq %r9
        popq %r8
        popq %rbp
        popq %rdi
        popq %rsi
        popq %rdx
        popq %rcx
        popq %rbx
        popq %rax
.endm

        .text
/*
 * The hypercall fast path (make bench measures it). Only 32-bit guests make
 * hypercalls, and compatibility mode cannot see r8-r15, so like Xen's
 * compat entry it saves and restores just eax..ebp: the r8-r15 slots of
 * the frame are left unwritten (nothing reads them for a 32-bit guest; the
 * slow exits through restore_all_guest load them into registers it cannot
 * see).
 * Every other field is filled, so C code sees the usual frame. Plain stores
 * and one rsp adjustment instead of pushes, and a return that reloads only
 * what a handler may have changed in the frame (eax is its result).
 */
        .globl hypercall_entry
hypercall_entry:
        subq $17*8, %rsp
        movq $0, REGS_ERROR(%rsp)
        movq $0x82, REGS_VECTOR(%rsp)
        movq %rax, REGS_RAX(%rsp)
        movq %rbx, REGS_RBX(%rsp)
        movq %rcx, REGS_RCX(%rsp)
        movq %rdx, REGS_RDX(%rsp)
        movq %rsi, REGS_RSI(%rsp)
        movq %rdi, REGS_RDI(%rsp)
        movq %rbp, REGS_RBP(%rsp)
        cld                             /* a guest may enter with DF set */
        movl %eax, %eax
        cmpl $NR_HYPERCALLS, %eax
        jae bad_hypercall
        movq %rdi, %r8                  /* arg5: edi */
        movq %rbp, %r9                  /* arg6: ebp */
        movq %rsi, %r10
        movq %rcx, %rsi                 /* arg2: ecx */
        movq %rbx, %rdi                 /* arg1: ebx */
        movq %r10, %rcx                 /* arg4: esi; arg3: edx already in rdx */
        call *hypercall_entry_table(,%rax,8)
        cmpb $0, work_pending(%rip)
        jne hypercall_pending_work
        movq current_vcpu_info(%rip), %rdx
        cmpw $1, (%rdx)                 /* upcall pending (byte 0) and unmasked (byte 1)? */
        je hypercall_pending_work
        movq REGS_RBP(%rsp), %rbp
        movq REGS_RDI(%rsp), %rdi
        movq REGS_RSI(%rsp), %rsi
        movq REGS_RDX(%rsp), %rdx
        movq REGS_RCX(%rsp), %rcx
        movq REGS_RBX(%rsp), %rbx
        addq $17*8, %rsp
2:      iretq
        .pushsection .ex_table, "a"
        .quad 2b, bad_iret
        .popsection
hypercall_pending_work:
        movq %rax, REGS_RAX(%rsp)
        jmp do_pending_work

/* The way out for every other entry. Work (a reschedule, an event upcall)
 * is only done on the way back to a guest, never when a fault inside the
 * hypervisor (a guest-access fixup) returns to hypervisor code. */
        .globl restore_all_guest
restore_all_guest:
        testb $3, REGS_CS(%rsp)
        jz 3f
        cmpb $0, work_pending(%rip)
        jne do_pending_work
        movq current_vcpu_info(%rip), %rax
        cmpw $1, (%rax)                 /* upcall pending and unmasked? */
        je do_pending_work
3:      RESTORE_ALL
        addq $16, %rsp
1:      iretq
        .pushsection .ex_table, "a"
        .quad 1b, bad_iret
        .popsection
/* The iretq faulted (a bad selector in the guest's frame): the registers
 * are the guest's again; rebuild the frame and let C crash the domain. */
bad_iret:
        pushq $0
        pushq $0
        SAVE_ALL
        movq %rsp, %rdi
        call handle_bad_iret
        jmp restore_all_guest
bad_hypercall:
        movq $-38, REGS_RAX(%rsp)       /* -ENOSYS */
        jmp restore_all_guest
do_pending_work:
        movq %rsp, %rdi
        call handle_pending_work
        jmp restore_all_guest

/* Exceptions: vectors with a CPU error code skip the dummy push. */
.macro EXC vec
        .align 16
exc_\vec:
        .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        .else
        pushq $0
        .endif
        pushq $\vec
        jmp trap_common
.endm

        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        EXC \v
        .endr

trap_common:
        SAVE_ALL
        cld
        movq %rsp, %rdi
        call handle_trap
        jmp restore_all_guest

        .globl spurious_entry
spurious_entry:
        pushq $0
        pushq $0xff
        SAVE_ALL
        movq %rsp, %rdi
        call handle_spurious
        jmp restore_all_guest

/* IRQ0, the PIT (arch/x86/time.c): the one hardware timer. It interrupts a
 * guest (guests run with IF=1) or the idle loop; the handler runs with
 * IF=0 and the return path does whatever its timers asked for. */
        .globl timer_irq_entry
timer_irq_entry:
        pushq $0
        pushq $0x20
        SAVE_ALL
        cld                             /* a guest may be interrupted with DF set */
        movq %rsp, %rdi
        call handle_timer_interrupt
        jmp restore_all_guest

/* IRQ4, COM1 received a byte (serial.c): console input for dom0 or the
 * debug keys. */
        .globl serial_irq_entry
serial_irq_entry:
        pushq $0
        pushq $0x24
        SAVE_ALL
        cld
        movq %rsp, %rdi
        call handle_serial_interrupt
        jmp restore_all_guest

        .section .rodata
        .globl exception_stubs
exception_stubs:
        .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad exc_\v
        .endr
