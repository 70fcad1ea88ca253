/*
 * pvx boot entry: Multiboot1 and Multiboot2 headers, then 32-bit protected
 * mode code that builds minimal page tables, enters long mode and calls
 * start_pvx(magic, info_paddr) in the high half.
 *
 * The image is linked at XEN_VIRT_BASE + physical address (-2 GiB), except
 * this file's .boot section, which runs at its physical address. The boot
 * page tables map the first 1 GiB twice: identity (so the instruction after
 * enabling paging still runs) and at -2 GiB (where C code lives). setup.c
 * replaces them with the real hypervisor page tables.
 */
#include <asm/layout.h>

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003      /* page-align modules, give memory info */
#define MB2_MAGIC 0xE85250D6
/* Physical address of a symbol in the high (-2 GiB) part of the image; .boot
 * symbols are linked at their physical addresses already. */
#define PHYS(sym) ((sym) - HYPERVISOR_IMAGE_BASE)

        .section .boot, "ax"
        .code32
        .align 8
multiboot1_header:
        .long MB1_MAGIC, MB1_FLAGS, -(MB1_MAGIC + MB1_FLAGS)

        .align 8
multiboot2_header:
        .long MB2_MAGIC, 0, multiboot2_header_end - multiboot2_header
        .long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
        /* module alignment tag (type 6): page-align modules */
        .short 6, 0
        .long 8
        /* end tag */
        .short 0, 0
        .long 8
multiboot2_header_end:

        .globl start32
start32:
        cli
        cld
        movl $PHYS(boot_stack_top), %esp
        movl %eax, %edi                 /* multiboot magic: first argument */
        movl %ebx, %esi                 /* multiboot info: second argument */

        /* Long mode needs CPUID leaf 0x80000001 with LM. */
        movl $0x80000000, %eax
        cpuid
        cmpl $0x80000001, %eax
        jb no_long_mode
        movl $0x80000001, %eax
        cpuid
        btl $29, %edx
        jnc no_long_mode

        /* boot_l2: 512 x 2 MiB identity entries (first 1 GiB). */
        movl $PHYS(boot_l2), %ebx
        xorl %ecx, %ecx
1:      movl %ecx, %eax
        shll $21, %eax
        orl $0x83, %eax                 /* P | RW | PS */
        movl %eax, (%ebx,%ecx,8)
        movl $0, 4(%ebx,%ecx,8)
        incl %ecx
        cmpl $512, %ecx
        jne 1b

        movl $PHYS(boot_l3_low), %eax
        movl $(PHYS(boot_l2) + 3), (%eax)
        movl $PHYS(boot_l3_high), %eax
        movl $(PHYS(boot_l2) + 3), 510*8(%eax)
        movl $PHYS(boot_l4), %eax
        movl $(PHYS(boot_l3_low) + 3), (%eax)
        movl $(PHYS(boot_l3_high) + 3), 511*8(%eax)

        movl %cr4, %eax
        orl $0x20, %eax                 /* PAE */
        movl %eax, %cr4
        movl $PHYS(boot_l4), %eax
        movl %eax, %cr3
        movl $0xC0000080, %ecx          /* EFER: LME */
        rdmsr
        orl $0x100, %eax
        wrmsr
        movl %cr0, %eax
        orl $0x80010001, %eax           /* PG | WP | PE */
        movl %eax, %cr0

        lgdt boot_gdt_desc
        ljmp $0x08, $start64_low

no_long_mode:
        movw $0x3f8, %dx
        movl $no_lm_msg, %ebx
2:      movb (%ebx), %al
        testb %al, %al
        jz 3f
        outb %al, %dx
        incl %ebx
        jmp 2b
3:      hlt
        jmp 3b

        .code64
start64_low:
        movabsq $start64_high, %rax
        jmp *%rax

        .align 16
boot_gdt:
        .quad 0
        .quad 0x00AF9A000000FFFF        /* 0x08: 64-bit code */
        .quad 0x00CF92000000FFFF        /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
        .short boot_gdt_end - boot_gdt - 1
        .long boot_gdt
no_lm_msg:
        .asciz "pvx: this CPU has no long mode\r\n"

        .text
        .code64
start64_high:
        movl $0x10, %eax
        movl %eax, %ds
        movl %eax, %es
        movl %eax, %ss
        xorl %eax, %eax
        movl %eax, %fs
        movl %eax, %gs
        movabsq $boot_stack_top, %rsp
        xorl %ebp, %ebp
        /* edi = magic, esi = info physical address (zero-extended) */
        movl %esi, %esi
        call start_pvx
4:      hlt
        jmp 4b

        .section .bss.pagetables, "aw", @nobits
        .align 4096
        .globl boot_l4
boot_l4:       .skip 4096
boot_l3_low:   .skip 4096
boot_l3_high:  .skip 4096
boot_l2:       .skip 4096
        .globl boot_stack, boot_stack_top
boot_stack:    .skip 16384
boot_stack_top:
