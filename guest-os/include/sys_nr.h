/*
 * guest-os system call numbers (int $0x80: number in eax, arguments in
 * ebx, ecx, edx; result in eax, a negative errno on failure). Shared by the
 * kernel (kernel/syscall.c) and the C library glue (lib/syscalls.c). The
 * numbers are Linux i386's where a call exists there.
 */
#ifndef GUEST_OS_SYS_NR_H
#define GUEST_OS_SYS_NR_H

#define SYS_exit   1
#define SYS_read   3
#define SYS_write  4
#define SYS_getpid 20
#define SYS_brk    45

#define SYSCALL_VECTOR 0x80

#endif
