/*
 * guest-os PV: the Xen ELF notes the domain builder reads, the entry point
 * and the hypercall page. pvx enters _start in ring 1 with esi = start_info,
 * esp = the top of the bootstrap stack (the last bootstrap page), events
 * masked, the kernel mapped from virtual address 0.
 */
#include <public/elfnote.h>

#define ELFNOTE(type, desc_directive, value)    \
        .pushsection .note.Xen, "a", @note;     \
        .balign 4;                              \
        .long 2f - 1f;                          \
        .long 4f - 3f;                          \
        .long type;                             \
1:      .asciz "Xen";                           \
2:      .balign 4;                              \
3:      desc_directive value;                   \
4:      .balign 4;                              \
        .popsection

        ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "guest-os")
        ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
        ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
        ELFNOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
        ELFNOTE(XEN_ELFNOTE_PAE_MODE, .asciz, "yes")
        ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .long, 0)
        ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .long, 0)
        ELFNOTE(XEN_ELFNOTE_ENTRY, .long, _start)
        ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .long, hypercall_page)

        .text
        .globl _start
_start:
        cld
        movl %esi, start_info
        movl %esp, boot_stack_top
        call kmain
1:      jmp 1b

        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill 4096, 1, 0

        .data
        .globl start_info, boot_stack_top
start_info:     .long 0
boot_stack_top: .long 0
        .section .note.GNU-stack, "", @progbits
