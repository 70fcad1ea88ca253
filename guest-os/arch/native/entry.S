/*
 * guest-os native: trap entry and the way to ring 3. Each vector's stub
 * pushes a dummy error code where the CPU pushes none, then its vector;
 * trap_common completes a struct trapframe (kernel/arch.h), calls trap()
 * and returns with iret.
 */
#include "native.h"

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
        movl $KERNEL_DS, %eax
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
        iret

/* void arch_enter_user(eip, esp): iret to ring 3 with interrupts on. */
        .globl arch_enter_user
arch_enter_user:
        movl 4(%esp), %ecx
        movl 8(%esp), %edx
        movl $USER_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        pushl $USER_DS
        pushl %edx
        pushl $0x202                    /* IF */
        pushl $USER_CS
        pushl %ecx
        xorl %eax, %eax
        iret

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
