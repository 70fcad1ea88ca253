/*
 * pvx: every way into the hypervisor and the one way back out.
 *
 * Each entry builds a struct cpu_regs (asm/regs.h) on the hypervisor stack:
 * the CPU pushes ss, rsp, rflags, cs, rip (always, in long mode); the stub
 * pushes an error code (0 if the CPU gave none) and the vector; SAVE_ALL
 * pushes the general registers. restore_all_guest undoes it and irets.
 *
 * Four hot paths: the hypercall stub, where a 32-bit guest's `int $0x82`
 * lands, the registers ebx, ecx, edx, esi, edi, ebp become the C arguments
 * and the handler's result goes back in eax; the iret hypercall, which
 * every return of the guest kernel to ring 3 or to an interrupted ring-1
 * context makes and which is done in place (stack_switch, which every
 * process switch makes, too); the system-call stub, where
 * ring 3's `int $0x80` is bounced to the guest kernel; and the page-fault
 * stub, which bounces a #PF from ring 3 the same way. The last three
 * write no cpu_regs frame and run no C unless something is unusual.
 */
#include <asm/hypercall_nr.h>
#include <asm/traps.h>
#include <public/xen.h>

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

/* The CPU's frame at an entry from a guest, before the stub pushes anything. */
#define CPU_RIP 0
#define CPU_CS 8
#define CPU_RFLAGS 16
#define CPU_RSP 24
#define CPU_SS 32
#define EFLAGS_IF 0x200                         /* as X86_EFLAGS_* in asm/regs.h */
#define EFLAGS_IOPL 0x3000
#define EFLAGS_NT 0x4000
#define EFLAGS_VM 0x20000
#define EFLAGS_CLEARED_ON_BOUNCE 0x74100        /* TF NT RF VM AC, as bounce_frame */

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
        cmpl $__HYPERVISOR_iret, %eax
        je iret_entry
        cmpl $__HYPERVISOR_stack_switch, %eax
        je stack_switch_entry
hypercall_full_entry:
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

/*
 * stack_switch(ss, esp) in place: every process switch of a PV kernel
 * makes it (guest-os's context-switch row). It does what do_stack_switch
 * (guest_traps.c) does, with ss in ebx and esp in ecx: the selector's low
 * 16 bits, RPL 0 made 1 unless null (fixup_guest_cs), stored with esp as
 * the ring-1 stack for bounces from ring 3, and 0 in eax. Anything else,
 * an RPL other than 1 (-EPERM), pending work or an unmasked pending upcall
 * (both handled on the way out), takes the full path before anything is
 * changed. Works in r8-r11, which compatibility mode cannot see.
 */
stack_switch_entry:
        cmpb $0, work_pending(%rip)
        jne hypercall_full_entry
        movq current_vcpu_info(%rip), %r9
        cmpw $1, (%r9)                          /* upcall pending and unmasked? */
        je hypercall_full_entry
        movzwl %bx, %r10d
        testl $3, %r10d
        jnz 1f
        testl %r10d, %r10d                      /* null: refused */
        jz hypercall_full_entry
        orl $1, %r10d                           /* RPL 0 means ring 1 */
1:      movl %r10d, %r11d
        andl $3, %r11d
        cmpl $1, %r11d
        jne hypercall_full_entry
        movq current(%rip), %r8
        movq VCPU_arch(%r8), %r8
        movl %r10d, ARCH_kernel_ss(%r8)
        movl %ecx, ARCH_kernel_sp(%r8)
        xorl %eax, %eax
2:      iretq
        .pushsection .ex_table, "a"
        .quad 2b, bad_iret
        .popsection

/*
 * The iret fast path: hypercall 23 from ring 1, made by jumping to
 * hypercall page entry 23 (`push %eax; mov $23, %eax; int $0x82`) with
 * Xen's frame on the guest stack: eax eip cs eflags, and esp ss when
 * returning to an outer ring (make bench's int $0x80 round trip and
 * hcbench's iret_ring1 line measure it). It
 * does in place what do_iret (guest_traps.c) and the hypercall return do:
 * eax, eip, cs from the frame (and esp, ss to ring 3; to ring 1 the stack
 * pointer just above the frame, ss unchanged), the upcall mask =
 * !eflags.IF, eflags less IOPL, VM and NT with IF set, and an iretq. Like
 * int80_entry it works in r8-r14, which compatibility mode cannot see, so
 * it saves no register and writes no cpu_regs frame; the guest's other
 * registers are untouched.
 *
 * Anything unusual takes the full path (hypercall_full_entry: the frame,
 * do_iret, the checks on the way out) before anything is changed, so it
 * ends exactly as it always did: a frame that could reach past 4 GiB or
 * that faults when read (do_iret crashes the domain for it), a return to
 * ring 0 or 2, eflags.VM (crashes too), pending work, or a pending upcall
 * that the new mask lets through (delivered on the way out). Every read
 * is 32 bits wide at the offsets do_iret copies, so a frame faults here
 * exactly where it faults there. A multicall never comes here: its iret
 * is dispatched by do_multicall in C. A selector the CPU refuses faults
 * the iretq into bad_iret, as on the full path, with the same registers.
 */
iret_entry:
        movl CPU_RSP(%rsp), %r8d                /* the frame, zero-extended */
        cmpl $(0xffffffff - 24 + 1), %r8d       /* all 24 bytes below 4 GiB */
        ja hypercall_full_entry
1:      movl 8(%r8), %r10d                      /* cs */
2:      movl 12(%r8), %r11d                     /* eflags */
3:      movl 4(%r8), %r14d                      /* eip */
        testb $1, %r10b                         /* ring 1 or 3 */
        jz hypercall_full_entry
        testl $EFLAGS_VM, %r11d
        jnz hypercall_full_entry
        cmpb $0, work_pending(%rip)
        jne hypercall_full_entry
        movq current_vcpu_info(%rip), %r9
        testl $EFLAGS_IF, %r11d
        jz 4f
        cmpb $0, (%r9)                          /* an upcall the new mask lets through? */
        jne hypercall_full_entry
4:      testb $2, %r10b
        jz iret_to_ring1
5:      movl 16(%r8), %r12d                     /* ring 3: esp */
6:      movl 20(%r8), %r13d                     /* and ss */
7:      movl (%r8), %eax                        /* the last read: a fault leaves eax 23 */
        movzwl %r13w, %r13d
        movq %r13, CPU_SS(%rsp)
iret_load_frame:
        /* Every check passed and the frame is read: no way back now. */
        testl $EFLAGS_IF, %r11d
        setz 1(%r9)                             /* upcall mask = !IF */
        andl $~(EFLAGS_IOPL | EFLAGS_VM | EFLAGS_NT), %r11d
        orl $(EFLAGS_IF | 2), %r11d
        movq %r14, CPU_RIP(%rsp)
        movzwl %r10w, %r10d
        movq %r10, CPU_CS(%rsp)
        movq %r11, CPU_RFLAGS(%rsp)
        movq %r12, CPU_RSP(%rsp)
9:      iretq
iret_to_ring1:
        leal 16(%r8), %r12d                     /* just above the frame; ss stays */
8:      movl (%r8), %eax
        jmp iret_load_frame
        .pushsection .ex_table, "a"
        .quad 1b, hypercall_full_entry
        .quad 2b, hypercall_full_entry
        .quad 3b, hypercall_full_entry
        .quad 5b, hypercall_full_entry
        .quad 6b, hypercall_full_entry
        .quad 7b, hypercall_full_entry
        .quad 8b, hypercall_full_entry
        .quad 9b, bad_iret
        .popsection

/*
 * The checks before an in-place bounce from ring 3 (int80_entry, pf_entry),
 * the ones bounce_to_guest and the return path would make: the CPU's frame
 * (cs at cs_at(%rsp)) is from ring 2 or 3; no upcall is pending and
 * unmasked; the upcall mask is 0 or 1; no work is pending; trap-table entry
 * (its cs at trap_cs in struct arch_vcpu) has a handler; the frame of
 * `size` bytes below the ring-1 stack from stack_switch wraps as
 * bounce_frame's esp does and ends below the hypervisor area. Anything
 * else goes to `slow`. Leaves vcpu_info in r9, struct arch_vcpu in r8, the
 * upcall mask in r12 and the frame's address in r10.
 */
.macro BOUNCE_CHECKS cs_at, trap_cs, size, slow
        testb $2, \cs_at(%rsp)
        jz \slow
        movq current_vcpu_info(%rip), %r9
        cmpw $1, (%r9)                          /* upcall pending (byte 0) and unmasked? */
        je \slow
        movzbl 1(%r9), %r12d                    /* evtchn_upcall_mask */
        cmpl $1, %r12d
        ja \slow
        cmpb $0, work_pending(%rip)
        jne \slow
        movq current(%rip), %r8
        movq VCPU_arch(%r8), %r8
        testw $0xfffc, \trap_cs(%r8)            /* a null selector is no handler */
        jz \slow
        movl ARCH_kernel_sp(%r8), %r10d
        subl $\size, %r10d
        cmpl $(BOUNCE_STACK_LIMIT - \size), %r10d
        ja \slow
.endm

/*
 * After the frame is written: mask events if the trap-table entry (its cs
 * at trap_cs in struct arch_vcpu, its flag and eip after it as in struct
 * guest_trap) asks, and turn the CPU's frame into a return to its handler
 * on the ring-1 stack (r10) with TF, NT, RF, VM and AC clear. Registers as
 * BOUNCE_CHECKS left them.
 */
.macro BOUNCE_TO_HANDLER trap_cs
        movzbl \trap_cs+3(%r8), %r11d
        orb %r11b, 1(%r9)                       /* flag 4: mask events */
        andl $~EFLAGS_CLEARED_ON_BOUNCE, CPU_RFLAGS(%rsp)
        movl \trap_cs+4(%r8), %r11d
        movq %r11, CPU_RIP(%rsp)
        movzwl \trap_cs(%r8), %r11d
        movq %r11, CPU_CS(%rsp)
        movq %r10, CPU_RSP(%rsp)
        movl ARCH_kernel_ss(%r8), %r11d
        movq %r11, CPU_SS(%rsp)
.endm

/*
 * The system-call fast path: `int $0x80` from ring 3 of a 32-bit PV guest
 * (make bench's "int $0x80" rows measure it; docs/tour.md tells the story).
 * A 64-bit IDT gate cannot lead to the guest's 32-bit handler, so the DPL-3
 * gate leads here, and this does in place what handle_int80 ->
 * bounce_to_guest would: Xen's bounce frame [ss esp] eflags cs eip on the
 * ring-1 stack from stack_switch, events masked if the entry asks, and an
 * iretq straight to the handler. It uses only r8-r12, which compatibility
 * mode cannot see, so no guest register is saved or restored, and it
 * writes no cpu_regs frame: nothing in C runs.
 *
 * It checks what bounce_to_guest and the return path would: the entry
 * admits ring 3 (DPL 3) and has a code selector, the frame fits below the
 * hypervisor area, no work is pending (work_pending, an unmasked upcall),
 * and the upcall mask is 0 or 1. Anything else takes the C path with a full
 * frame (int80_slow): ring 1 (or 2 with a DPL-2 entry), a #GP for an entry
 * that does not admit the caller, a crash for no handler, and any fault
 * writing the guest stack (the C path's copy faults the same way and
 * crashes the domain). A guest always runs with IF set (every way back to
 * it sets IF; with IOPL 0 it cannot clear it), so eflags in the frame is
 * rflags less IF when events are masked.
 */
        .globl int80_entry
int80_entry:
        BOUNCE_CHECKS CPU_CS, ARCH_trap80_cs, 20, int80_slow
        cmpb $3, ARCH_trap80_dpl(%r8)           /* the entry admits ring 3 */
        jne int80_slow
        /* The bounce frame, from its lowest address: eip cs eflags esp ss. */
        movl CPU_RIP(%rsp), %r11d               /* after the int instruction */
1:      movl %r11d, (%r10)
        imull $0x10000, %r12d, %r11d
        movw CPU_CS(%rsp), %r11w                /* cs | upcall mask << 16 */
2:      movl %r11d, 4(%r10)
        imull $EFLAGS_IF, %r12d, %r12d
        movl CPU_RFLAGS(%rsp), %r11d
        subl %r12d, %r11d                       /* IF = !upcall mask */
3:      movl %r11d, 8(%r10)
        movl CPU_RSP(%rsp), %r11d
4:      movl %r11d, 12(%r10)
        movl CPU_SS(%rsp), %r11d
5:      movl %r11d, 16(%r10)
        BOUNCE_TO_HANDLER ARCH_trap80_cs
6:      iretq
        .pushsection .ex_table, "a"
        .quad 1b, int80_slow
        .quad 2b, int80_slow
        .quad 3b, int80_slow
        .quad 4b, int80_slow
        .quad 5b, int80_slow
        .quad 6b, bad_iret
        .popsection
int80_slow:
        pushq $0
        pushq $0x80
        SAVE_ALL
        cld
        movq %rsp, %rdi
        call handle_int80
        jmp restore_all_guest

/*
 * The page-fault fast path: a #PF from ring 3 (or 2) of a 32-bit PV guest,
 * bounced in place to the guest kernel's handler for vector 14, as
 * int80_entry bounces a system call (make bench's guest-os page fault and
 * protection fault rows take it). It does what handle_trap ->
 * guest_page_fault -> bounce_to_guest and the return path would: CR2 into
 * the virtual CR2 and vcpu_info's arch.cr2, Xen's bounce frame with the
 * error code [ss esp] eflags cs eip error on the ring-1 stack from
 * stack_switch, events masked if the entry asks, eflags less TF, NT, RF,
 * VM and AC with IF set, and an iretq to the handler. Like int80_entry it
 * works in r8-r13, which compatibility mode cannot see, and writes no
 * cpu_regs frame.
 *
 * Anything else takes the C path (pf_slow, through trap_common) before
 * anything is changed, so it ends as it always did: a fault from ring 1 or
 * in the hypervisor, pending work or an unmasked pending upcall, an upcall
 * mask other than 0 or 1, no handler (a crash), a frame that would reach
 * the hypervisor area. A fault writing the guest stack (whose own #PF
 * changed CR2) puts the guest's CR2 back before it goes there: the C path
 * then records the same CR2 and crashes the domain for the same write.
 * The trap table's DPL is not checked, as the C path does not check it
 * for exceptions.
 */
pf_entry:                                       /* the error code at 0(%rsp) */
        BOUNCE_CHECKS 8+CPU_CS, ARCH_trap14_cs, 24, pf_slow
        movq %cr2, %r13
        movl %r13d, ARCH_cr2(%r8)
        movl %r13d, VCPU_INFO_cr2(%r9)
        /* The bounce frame, from its lowest address: error eip cs eflags esp ss. */
        movl (%rsp), %r11d
1:      movl %r11d, (%r10)
        movl 8+CPU_RIP(%rsp), %r11d
2:      movl %r11d, 4(%r10)
        imull $0x10000, %r12d, %r11d
        movw 8+CPU_CS(%rsp), %r11w              /* cs | upcall mask << 16 */
3:      movl %r11d, 8(%r10)
        xorl $1, %r12d
        imull $EFLAGS_IF, %r12d, %r12d          /* IF = !upcall mask */
        movl 8+CPU_RFLAGS(%rsp), %r11d
        andl $~EFLAGS_IF, %r11d
        orl %r12d, %r11d
4:      movl %r11d, 12(%r10)
        movl 8+CPU_RSP(%rsp), %r11d
5:      movl %r11d, 16(%r10)
        movl 8+CPU_SS(%rsp), %r11d
6:      movl %r11d, 20(%r10)
        addq $8, %rsp                           /* drop the error code */
        orl $EFLAGS_IF, CPU_RFLAGS(%rsp)
        BOUNCE_TO_HANDLER ARCH_trap14_cs
7:      iretq
        .pushsection .ex_table, "a"
        .quad 1b, pf_stack_fault
        .quad 2b, pf_stack_fault
        .quad 3b, pf_stack_fault
        .quad 4b, pf_stack_fault
        .quad 5b, pf_stack_fault
        .quad 6b, pf_stack_fault
        .quad 7b, bad_iret
        .popsection
pf_stack_fault:
        movq %r13, %cr2                         /* the guest's fault, not ours */
pf_slow:
        pushq $14
        jmp trap_common

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
        .if \vec == 14
        jmp pf_entry                    /* error code pushed; its own fast path */
        .elseif (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
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
