/*
 * iret_events: the ring-3 side. iret_user_enter() enters ring 3 through
 * the iret hypercall with known values in every register but eax;
 * user_check_regs reports in ebx whether they arrived (1) or not (0) and
 * traps back with int $0x81 (a DPL-3 entry), eax as it came.
 */
#include <public/xen.h>

#define EBX 0xb1b1b1b1
#define ECX 0xc1c1c1c1
#define EDX 0xd1d1d1d1
#define ESI 0x51515151
#define EDI 0xd2d2d2d2
#define EBP 0xe1e1e1e1

        .text
/* void iret_user_enter(eip, esp, eflags, eax): as the runtime's user_run
 * (its user_return brings us back when ring 3 traps), but every register
 * is set before the jump to the iret hypercall. */
        .globl iret_user_enter
iret_user_enter:
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        movl %esp, user_kernel_esp
        movl 32(%esp), %eax             /* eax (4 registers and the return address below) */
        pushl $FLAT_RING3_SS
        pushl 28(%esp)                  /* esp (24 + 4 pushed) */
        pushl 36(%esp)                  /* eflags (28 + 8) */
        pushl $FLAT_RING3_CS
        pushl 36(%esp)                  /* eip (20 + 16) */
        movl $EBX, %ebx
        movl $ECX, %ecx
        movl $EDX, %edx
        movl $ESI, %esi
        movl $EDI, %edi
        movl $EBP, %ebp
        jmp hypercall_page + __HYPERVISOR_iret * 32

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:
        .globl user_check_regs
user_check_regs:
        cmpl $EBX, %ebx
        jne 1f
        cmpl $ECX, %ecx
        jne 1f
        cmpl $EDX, %edx
        jne 1f
        cmpl $ESI, %esi
        jne 1f
        cmpl $EDI, %edi
        jne 1f
        cmpl $EBP, %ebp
        jne 1f
        movl $1, %ebx
        int $0x81
1:      movl $0, %ebx
        int $0x81
        .balign 4096
        .globl user_code_end
user_code_end:
