/*
 * guest-os user programs: the entry point. The kernel enters _start in
 * ring 3 with esp at the top of the stack. %ds/%es may be null after the
 * privilege change (as on Xen), so copy %ss into them first. Then
 * main(argc, argv, environ) and exit() with its result.
 */
        .text
        .globl _start
_start:
        movl %ss, %eax
        movl %eax, %ds
        movl %eax, %es
        xorl %ebp, %ebp
        andl $-16, %esp
        subl $4, %esp                   /* 16-byte aligned at the call */
        pushl environ
        pushl $argv
        pushl $1
        call main
        movl %eax, (%esp)
        call exit
1:      jmp 1b

        .section .rodata
program_name: .asciz "init"
        .data
        .balign 4
argv:   .long program_name, 0
        .section .note.GNU-stack, "", @progbits
