/*
 * pvx test guests: trap entry stubs (one per vector) and ring-3 entry.
 *
 * The hypervisor bounces a trap to the handler with Xen's frame on the
 * ring-1 stack: [ss esp] eflags cs eip [error code]. Each stub pushes a
 * dummy error code where the vector has none, then its vector number;
 * trap_common saves the registers, reloads %ds/%es (they are null after
 * ring 3), calls trap_dispatch (traps.c) and returns through the iret
 * hypercall: hypercall page entry 23 pushes %eax itself, so the stack
 * then holds the [eax eip cs eflags (esp ss)] frame it expects.
 */
#include <public/xen.h>

#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17)

        .text
        .align 16
trap_stubs:
        .set vec, 0
        .rept 256
        .align 16
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
        call trap_dispatch
        addl $4, %esp
        testl %eax, %eax
        jnz user_return
        popl %es
        popl %ds
        popa
        addl $8, %esp                   /* vector, error code */
        jmp hypercall_page + __HYPERVISOR_iret * 32

/* void user_enter(eip, esp, eflags, eax, cs, ss): iret to an outer ring;
 * "returns" through user_return when that ring traps (trap_dispatch
 * answers 1). */
        .globl user_enter
user_enter:
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        movl %esp, user_kernel_esp
        movl 20(%esp), %ecx
        movl 24(%esp), %edx
        movl 28(%esp), %esi
        movl 32(%esp), %eax
        pushl 40(%esp)                  /* ss */
        pushl %edx
        pushl %esi
        pushl 48(%esp)                  /* cs (36 + 12 pushed) */
        pushl %ecx
        jmp hypercall_page + __HYPERVISOR_iret * 32
user_return:
        movl user_kernel_esp, %esp
        movl $0, user_kernel_esp
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        ret

        .section .rodata
        .align 4
        .globl trap_stub_table
trap_stub_table:
        .set vec, 0
        .rept 256
        .long trap_stubs + vec * 16
        .set vec, vec + 1
        .endr

        .data
        .globl user_kernel_esp
user_kernel_esp: .long 0
