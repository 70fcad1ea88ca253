/*
 * guest-os system call numbers (int $0x80: number in eax, arguments in
 * ebx, ecx, edx; result in eax, a negative errno on failure). Shared by the
 * kernel (kernel/syscall.c) and the C library glue (lib/syscalls.c). The
 * numbers are Linux i386's where a call exists there.
 */
#ifndef GUEST_OS_SYS_NR_H
#define GUEST_OS_SYS_NR_H

#define SYS_exit   1
#define SYS_fork   2
#define SYS_read   3
#define SYS_write  4
#define SYS_open   5
#define SYS_close  6
#define SYS_waitpid 7
#define SYS_unlink 10
#define SYS_execve 11
#define SYS_lseek  19
#define SYS_getpid 20
#define SYS_mkdir  39
#define SYS_brk    45
#define SYS_fstat  108
#define SYS_getdents 141
#define SYS_sched_yield 158
#define SYS_nanosleep 162
#define SYS_clock_gettime 265
/* guest-os's own calls (no Linux equivalent) from 500 on. */
#define SYS_spawn  500      /* spawn(name, argv): /bin/NAME, or a program linked into the kernel */

#define SYSCALL_VECTOR 0x80

#endif
