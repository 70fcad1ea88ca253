/* guest-os: the user programs linked into the kernel image, for when the
 * loader gives no initrd (proc.c tries /bin/NAME in the file system
 * first): a table of {name, image, image end} (proc.c's struct
 * program) from programs to programs_end. USER_DIR is the folder of the
 * built ELFs (set by guest-os.mk); init is the first process. */
#define STR(x) #x
#define XSTR(x) STR(x)
#define PROGRAM(n)                                              \
        .section .rodata.user_images, "a";                      \
        .balign 16;                                             \
n##_image: .incbin XSTR(USER_DIR/n.elf);                        \
n##_end:                                                        \
        .section .rodata.user_names, "a";                       \
n##_name: .asciz #n;                                            \
        .section .rodata.user_programs, "a";                    \
        .long n##_name, n##_image, n##_end

        .section .rodata.user_programs, "a"
        .balign 4
        .globl programs, programs_end
programs:
        PROGRAM(init)
        PROGRAM(hello)
        PROGRAM(ticker)
        PROGRAM(spin)
        .section .rodata.user_programs, "a"
programs_end:
        .section .note.GNU-stack, "", @progbits
