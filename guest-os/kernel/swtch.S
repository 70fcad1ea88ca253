/*
 * guest-os: the context switch, the same code in both builds (plain
 * 32-bit x86, nothing privileged). swtch(save_esp, load_esp) pushes the
 * callee-saved registers, stores esp in *save_esp, loads load_esp and pops
 * the registers saved there: it returns in the other context. A new
 * process's stack is made to look like this (proc.c).
 */
        .text
        .globl swtch
swtch:
        movl 4(%esp), %eax
        movl 8(%esp), %edx
        pushl %ebp
        pushl %ebx
        pushl %esi
        pushl %edi
        movl %esp, (%eax)
        movl %edx, %esp
        popl %edi
        popl %esi
        popl %ebx
        popl %ebp
        ret
        .section .note.GNU-stack, "", @progbits
