/*
 * guest-os native: the Multiboot1 header and the entry point. QEMU's
 * -kernel (or GRUB's `multiboot`) enters _start in 32-bit protected mode,
 * paging off, eax = 0x2BADB002, ebx = the Multiboot information. We load
 * our own GDT (the loader's is not ours to keep), a boot stack, and call
 * kmain; arch_init (arch.c) does the rest.
 */
#include "native.h"

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003            /* page-aligned modules, memory info */

        .section .multiboot, "a"
        .balign 4
        .long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

        .text
        .globl _start
_start:
        cli
        cld
        movl %ebx, multiboot_info
        lgdt gdt_desc
        ljmp $KERNEL_CS, $1f
1:      movl $KERNEL_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        movl %eax, %ss
        xorl %eax, %eax
        movl %eax, %fs
        movl %eax, %gs
        movl $boot_stack_top, %esp
        call kmain
2:      hlt
        jmp 2b

        .data
        .balign 8
        .globl gdt
/* Flat 4 GiB segments; the TSS descriptor is filled in by arch_init. */
gdt:    .quad 0
        .quad 0x00cf9a000000ffff        /* KERNEL_CS: ring 0 code */
        .quad 0x00cf92000000ffff        /* KERNEL_DS: ring 0 data */
        .quad 0x00cffa000000ffff        /* USER_CS: ring 3 code */
        .quad 0x00cff2000000ffff        /* USER_DS: ring 3 data */
        .quad 0                         /* TSS_SEL */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
        .globl multiboot_info
multiboot_info: .long 0

        .bss
        .balign 16
        .space 16384
boot_stack_top:
        .section .note.GNU-stack, "", @progbits
