/*
 * int80_fast: the ring-3 code (its own user-accessible page) and a ring-1
 * handler for vector 0x80 that records the registers as they arrive.
 */
#include <public/xen.h>

        .text
/* Vector 0x80: save eax..ebp, esp and eflags in int80_arrived (through %ss:
 * %ds is ring 3's), then go on in the runtime's stub, which records the
 * frame in last_trap and leaves ring 3 (user_run() returns). */
        .globl int80_record
int80_record:
        movl %eax, %ss:int80_arrived
        movl %ebx, %ss:int80_arrived + 4
        movl %ecx, %ss:int80_arrived + 8
        movl %edx, %ss:int80_arrived + 12
        movl %esi, %ss:int80_arrived + 16
        movl %edi, %ss:int80_arrived + 20
        movl %ebp, %ss:int80_arrived + 24
        movl %esp, %ss:int80_arrived + 28
        pushfl
        popl %ss:int80_arrived + 32
        jmp *%ss:trap_stub_table + 0x80 * 4

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:

/* Ring 3 as a program leaves it for a system call: its own data segments,
 * NT and AC set on top of the flags user_run() gave, a marker in every
 * register (eax is user_run()'s). */
        .globl user_int80
user_int80:
        movl $FLAT_RING3_DS, %ebx
        movl %ebx, %ds
        movl %ebx, %es
        pushfl
        orl $0x44000, (%esp)            /* NT | AC */
        popfl
        movl $0x0b0b0b0b, %ebx
        movl $0x0c0c0c0c, %ecx
        movl $0x0d0d0d0d, %edx
        movl $0x51515151, %esi
        movl $0xd1d1d1d1, %edi
        movl $0xb9b9b9b9, %ebp
        int $0x80
        .globl user_int80_after
user_int80_after:
        ud2

        .balign 4096
        .globl user_code_end
user_code_end:
