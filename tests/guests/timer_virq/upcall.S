/*
 * Test guest "timer_virq": the event upcall entry. The hypervisor enters
 * here with events masked and Xen's bounce frame on the stack (eip, cs with
 * the saved upcall mask in bits 16-23, eflags with IF = !saved mask); the
 * C handler takes the pending events, then the iret hypercall (entered by
 * jumping to its hypercall-page entry, which pushes eax) restores the
 * interrupted context and the mask.
 */
        .text
        .globl upcall_entry
upcall_entry:
        pushl %eax
        pushl %ecx
        pushl %edx
        cld
        call upcall_handler
        popl %edx
        popl %ecx
        popl %eax
        jmp hypercall_page + 23 * 32

/* The failsafe callback: a bad segment on return; never expected here. */
        .globl failsafe_entry
failsafe_entry:
        call failsafe_handler
1:      jmp 1b
