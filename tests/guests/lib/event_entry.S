/*
 * pvx test guests: the event callback entry (see events.h).
 *
 * The hypervisor enters here with events masked and Xen's bounce frame on
 * the ring-1 stack: eip, cs (bits 16-23: the saved upcall mask), eflags
 * (and esp, ss from an outer ring). Save the registers, record and
 * acknowledge the upcall in C (event_upcall, events.c), and return through
 * the iret hypercall: entry 23 pushes %eax itself, so the stack then holds
 * the [eax eip cs eflags (esp ss)] frame it wants. It restores eax (the
 * interrupted hypercall's result) and the upcall mask from eflags.IF.
 */
#include <public/xen.h>

        .text
        .globl event_entry
event_entry:
        cld
        pusha
        pushl %ds
        pushl %es
        movl $FLAT_RING1_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        pushl %esp
        call event_upcall
        addl $4, %esp
        popl %es
        popl %ds
        popa
        jmp hypercall_page + __HYPERVISOR_iret * 32
