/* int80_dpl: the ring-3 code (its own user-accessible page). */
        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start, user_int80
user_code_start:
user_int80:
        movl $0x0b0b0b0b, %ebx
        int $0x80
        ud2
        .balign 4096
        .globl user_code_end
user_code_end:
