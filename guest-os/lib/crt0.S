/*
 * guest-os user programs: the entry point. The kernel enters _start in
 * ring 3 with esp pointing at argc, then argv[0..argc-1], NULL, the
 * environment, NULL (kernel/proc.c builds it). %ds/%es may be null after
 * the privilege change (as on Xen), so copy %ss into them first. Then
 * main(argc, argv, envp) and exit() with its result.
 */
        .text
        .globl _start
_start:
        movl %ss, %eax
        movl %eax, %ds
        movl %eax, %es
        xorl %ebp, %ebp
        movl (%esp), %eax               /* argc */
        leal 4(%esp), %ebx              /* argv */
        leal 8(%esp,%eax,4), %ecx       /* envp: after argv's NULL */
        movl %ecx, environ
        andl $-16, %esp
        subl $4, %esp                   /* 16-byte aligned at the call */
        pushl %ecx
        pushl %ebx
        pushl %eax
        call main
        movl %eax, (%esp)
        call exit
1:      jmp 1b
        .section .note.GNU-stack, "", @progbits
