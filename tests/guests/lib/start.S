/*
 * pvx test guests: ELF notes (what the domain builder reads) and the entry
 * point. The builder enters at _start in ring 1 with esi = start_info,
 * esp = top of the bootstrap stack, events masked.
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

        ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "pvx-test-guest")
        ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "1")
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
        movl %esp, boot_stack_top
        pushl %esi
        call runtime_start
1:      jmp 1b

        .balign 4096
        .globl hypercall_page
hypercall_page:
        .fill 4096, 1, 0

        .data
        .globl boot_stack_top
boot_stack_top: .long 0
