/*
 * pf_fast: the ring-3 code (its own user-accessible page) and a ring-1
 * handler for vector 14 that records the registers as they arrive.
 */
#include <public/xen.h>

        .text
/* Vector 14: save eax..ebp, esp and eflags in pf_arrived (through %ss: %ds
 * is ring 3's), then go on in the runtime's stub, which records the frame
 * in last_trap and leaves ring 3 (user_run() returns). */
        .globl pf_record
pf_record:
        movl %eax, %ss:pf_arrived
        movl %ebx, %ss:pf_arrived + 4
        movl %ecx, %ss:pf_arrived + 8
        movl %edx, %ss:pf_arrived + 12
        movl %esi, %ss:pf_arrived + 16
        movl %edi, %ss:pf_arrived + 20
        movl %ebp, %ss:pf_arrived + 24
        movl %esp, %ss:pf_arrived + 28
        pushfl
        popl %ss:pf_arrived + 32
        jmp *%ss:trap_stub_table + 14 * 4

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:

/* Ring 3 as a program leaves it: its own data segments, NT and AC set on
 * top of the flags user_run() gave, a marker in every register but eax
 * (user_run()'s: the address to touch); then a write to it. */
        .globl user_write
user_write:
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
        .globl user_write_insn
user_write_insn:
        movl %ebx, (%eax)
        ud2

/* A read of the address in eax. */
        .globl user_read
user_read:
        movl (%eax), %ebx
        ud2

        .balign 4096
        .globl user_code_end
user_code_end:
