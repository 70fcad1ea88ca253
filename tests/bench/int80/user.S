/*
 * int80 bench: the ring-3 loops (their own user-accessible pages) and the
 * two ring-1 handlers for vector 0x80. Each loop runs as many iterations as
 * the eax user_run() gives it and ends with `int $0x81` (a DPL-3 entry to
 * the runtime's stub), which takes user_run() back to ring 1 with eax and
 * ebx in last_trap.
 */
#include <public/xen.h>

        .text
/* (a) The handler reads the clock first thing and returns the instructions
 * (or cycles) since ring 3's rdtsc in eax (the iret hypercall restores eax
 * from its own push, so this is what ring 3 sees). */
        .globl int80_stamp_handler
int80_stamp_handler:
        rdtsc
        subl %esi, %eax
        jmp hypercall_page + __HYPERVISOR_iret * 32

/* (b) The least a handler can do: return to ring 3. */
        .globl int80_return_handler
int80_return_handler:
        jmp hypercall_page + __HYPERVISOR_iret * 32

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:

/* (a) rdtsc, then int $0x80 to int80_stamp_handler: ebx = the least delta. */
        .globl user_stamp_loop
user_stamp_loop:
        movl %eax, %ecx
        movl $0xffffffff, %ebx
1:      rdtsc
        movl %eax, %esi
        int $0x80
        cmpl %ebx, %eax
        cmovb %eax, %ebx
        decl %ecx
        jnz 1b
        int $0x81

/* The same interval with the int and the handler taken out: two rdtsc
 * back to back (with the same mov between them). ebx = the least delta. */
        .globl user_b2b_loop
user_b2b_loop:
        movl %eax, %ecx
        movl $0xffffffff, %ebx
1:      rdtsc
        movl %eax, %esi
        rdtsc
        subl %esi, %eax
        cmpl %ebx, %eax
        cmovb %eax, %ebx
        decl %ecx
        jnz 1b
        int $0x81

/* (b) ecx round trips through int80_return_handler: eax = the total. */
        .globl user_round_trip_loop
user_round_trip_loop:
        movl %eax, %ecx
        rdtsc
        movl %eax, %edi
1:      int $0x80
        decl %ecx
        jnz 1b
        rdtsc
        subl %edi, %eax
        int $0x81

        .balign 4096
        .globl user_code_end
user_code_end:
