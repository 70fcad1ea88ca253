/*
 * int80_fallback: the ring-3 code (its own user-accessible page). eax is
 * the address of vcpu_info[0] (in shared_info, mapped user-writable by the
 * test); each snippet writes one byte of it, then makes a system call.
 */
#include <public/xen.h>

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:

/* evtchn_upcall_pending = 1, then int $0x80. */
        .globl user_pending_int80
user_pending_int80:
        movl $FLAT_RING3_DS, %edx
        movl %edx, %ds
        movb $1, (%eax)
        int $0x80
        .globl user_pending_int80_after
user_pending_int80_after:
        ud2

/* evtchn_upcall_mask = 2, then int $0x80. */
        .globl user_mask2_int80
user_mask2_int80:
        movl $FLAT_RING3_DS, %edx
        movl %edx, %ds
        movb $2, 1(%eax)
        int $0x80
        .globl user_mask2_int80_after
user_mask2_int80_after:
        ud2

        .balign 4096
        .globl user_code_end
user_code_end:
