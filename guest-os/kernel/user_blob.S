/* guest-os: the first user program, linked into the kernel image until
 * there is a file system. INIT_ELF is its path (set by guest-os.mk). */
        .section .rodata
        .balign 16
        .globl init_image, init_image_end
init_image:
        .incbin INIT_ELF
init_image_end:
        .section .note.GNU-stack, "", @progbits
