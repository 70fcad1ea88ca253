/*
 * guest-os: the constants of the process, memory, signal and clock system
 * calls, as the kernel sees them (it includes no newlib header). They are
 * newlib's values (signals, wait, clocks) and Linux i386's (mmap's PROT_ and
 * MAP_, our include/sys/mman.h): lib/syscalls.c and lib/signal.c check
 * each one against those headers with _Static_assert.
 */
#ifndef GUEST_OS_PROC_ABI_H
#define GUEST_OS_PROC_ABI_H

/* mmap2, mprotect */
#define GOS_PROT_NONE  0x0
#define GOS_PROT_READ  0x1
#define GOS_PROT_WRITE 0x2
#define GOS_PROT_EXEC  0x4           /* accepted; x86 PAE without NX: as READ */
#define GOS_MAP_SHARED    0x01       /* refused: private anonymous only */
#define GOS_MAP_PRIVATE   0x02
#define GOS_MAP_FIXED     0x10
#define GOS_MAP_ANONYMOUS 0x20

/* waitpid */
#define GOS_WNOHANG 1

/* clock_gettime */
#define GOS_CLOCK_REALTIME  1
#define GOS_CLOCK_MONOTONIC 4

/* Signals (newlib's sys/signal.h numbers); 1 to GOS_NSIG - 1. */
#define GOS_NSIG    32
#define GOS_SIGINT   2
#define GOS_SIGILL   4
#define GOS_SIGTRAP  5
#define GOS_SIGFPE   8
#define GOS_SIGKILL  9
#define GOS_SIGSEGV 11
#define GOS_SIGPIPE 13
#define GOS_SIGTERM 15
#define GOS_SIGURG  16
#define GOS_SIGSTOP 17
#define GOS_SIGCONT 19
#define GOS_SIGCHLD 20
#define GOS_SIGWINCH 28
#define GOS_SIG_DFL 0                /* handler values of SYS_signal */
#define GOS_SIG_IGN 1

#endif
