/*
 * guest-os PV: trap entry and the way to ring 3. pvx bounces a trap to
 * the handler named in our trap table with Xen's frame on the ring-1 stack:
 * [ss esp] eflags cs eip [error code] (as the CPU would push it). Each stub
 * pushes a dummy error code where there is none, then its vector;
 * trap_common completes a struct trapframe (kernel/arch.h), calls trap(),
 * and returns through the iret hypercall (ring 1 cannot iret to ring 3
 * itself): hypercall page entry 23 pushes %eax and expects
 * [eax eip cs eflags (esp ss)] on the stack.
 * Differences from arch/native/entry.S: the selectors and the last
 * instruction of each path (iret -> jmp to the iret hypercall).
 */
#include <public/xen.h>

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)

        .text
        .balign 16
trap_stubs:
        .set vec, 0
        .rept 256
        .balign 16
        .if HAS_ERROR_CODE(vec)
        .else
        pushl $0
        .endif
        pushl $vec
        jmp trap_common
        .set vec, vec + 1
        .endr

trap_common:
        cld
        pusha
        pushl %ds
        pushl %es
        movl $FLAT_RING1_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        pushl %esp
        call trap
        addl $4, %esp
        .globl arch_trap_return
arch_trap_return:
        popl %es
        popl %ds
        popa
        addl $8, %esp                   /* vector, error code */
        jmp hypercall_page + __HYPERVISOR_iret * 32

/* void arch_enter_user(eip, esp): to ring 3 with events on, through the
 * iret hypercall. */
        .globl arch_enter_user
arch_enter_user:
        movl 4(%esp), %ecx
        movl 8(%esp), %edx
        movl $FLAT_RING3_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        pushl $FLAT_RING3_SS
        pushl %edx
        pushl $0x202                    /* IF: events unmasked */
        pushl $FLAT_RING3_CS
        pushl %ecx
        xorl %eax, %eax
        jmp hypercall_page + __HYPERVISOR_iret * 32

        .section .rodata
        .balign 4
        .globl trap_stub_table
trap_stub_table:
        .set vec, 0
        .rept 256
        .long trap_stubs + vec * 16
        .set vec, vec + 1
        .endr
        .section .note.GNU-stack, "", @progbits
