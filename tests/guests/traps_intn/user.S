/*
 * traps_intn: the ring-3 code. Each snippet starts with eax as set by
 * user_run() and ends in a trap, which returns to ring 1 (user_run());
 * nothing runs after the trapping instruction. Its own pages, made
 * user-accessible by the test.
 */
#include <public/xen.h>

#define SNIPPET(name) .globl name; name:
#define AFTER(name) .globl name; name: ud2

        .section .text.user, "ax"
        .balign 4096
        .globl user_code_start
user_code_start:

/* int $0x80 through a DPL-3 trap-table entry; ebx marks the registers. */
SNIPPET(user_int80)
        movl $0x0b0b0b0b, %ebx
        int $0x80
AFTER(user_int80_after)

/* int $0x81 through a DPL-1 entry: #GP. */
SNIPPET(user_int81)
        int $0x81
        ud2

/* A hypercall from ring 3 (eax = 17, xen_version): #GP, eax untouched. */
SNIPPET(user_hypercall)
        xorl %ebx, %ebx
        int $0x82
        ud2

/* int3 through a DPL-0 entry: still delivered. */
SNIPPET(user_int3)
        int3
AFTER(user_int3_after)

/* The data segments after the iret to ring 3: eax = %ds, ebx = %es. */
SNIPPET(user_segs)
        movl %ds, %eax
        movl %es, %ebx
        int $0x80
        ud2

/* Read (eax = address) with a ring-3 data segment. */
SNIPPET(user_read)
        movl %eax, %ebx
        movl $FLAT_RING3_DS, %eax
        movl %eax, %ds
        movl (%ebx), %eax
        int $0x80
        ud2

/* Write to eax with a ring-3 data segment. */
SNIPPET(user_write)
        movl %eax, %ebx
        movl $FLAT_RING3_DS, %eax
        movl %eax, %ds
        movl %eax, (%ebx)
        int $0x80
        ud2

/* Privileged instructions: each one #GP(0). eax is a marker that an
 * emulation would overwrite. */
SNIPPET(user_cli)
        cli
        ud2
SNIPPET(user_sti)
        sti
        ud2
SNIPPET(user_hlt)
        hlt
        ud2
SNIPPET(user_mov_cr0)
        movl %cr0, %eax
        ud2
SNIPPET(user_mov_cr2)
        movl %cr2, %eax
        ud2
SNIPPET(user_mov_dr7)
        movl %dr7, %eax
        ud2
SNIPPET(user_clts)
        clts
        ud2
SNIPPET(user_out)
        outb %al, $0x80
        ud2
SNIPPET(user_rdmsr)
        xorl %ecx, %ecx
        rdmsr
        ud2

/* The fast system-call instructions: no path into the hypervisor. */
SNIPPET(user_syscall)
        syscall
        ud2
SNIPPET(user_sysenter)
        sysenter
        ud2

        .balign 4096
        .globl user_code_end
user_code_end:
