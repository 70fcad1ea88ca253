/* bounce_fault_pf_ring3: the ring-3 code (its own user-accessible page,
 * read-only): a write to the address in eax. */
        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start, user_write
user_code_start:
user_write:
        movl %eax, (%eax)
        ud2
        .balign 4096
        .globl user_code_end
user_code_end:
