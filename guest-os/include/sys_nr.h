/*
 * guest-os system call numbers (int $0x80: number in eax, arguments in
 * ebx, ecx, edx, esi, edi, ebp as on Linux i386; result in eax, a negative
 * errno on failure). Shared by the kernel (kernel/syscall.c) and the C
 * library glue (lib/syscalls.c). The numbers are Linux i386's where a call
 * exists there; structure layouts are guest-os's own (include/guest_os.h,
 * include/fs_abi.h) or newlib's.
 */
#ifndef GUEST_OS_SYS_NR_H
#define GUEST_OS_SYS_NR_H

#define SYS_exit   1
#define SYS_fork   2
#define SYS_read   3
#define SYS_write  4
#define SYS_open   5
#define SYS_close  6
#define SYS_waitpid 7          /* options: WNOHANG (1) */
#define SYS_unlink 10
#define SYS_execve 11
#define SYS_lseek  19
#define SYS_getpid 20
#define SYS_kill   37          /* kill(pid, sig): newlib's signal numbers */
#define SYS_mkdir  39
#define SYS_dup    41
#define SYS_pipe   42          /* pipe(int fds[2]) */
#define SYS_brk    45
#define SYS_signal 48          /* signal(sig, handler, trampoline): the old handler */
#define SYS_dup2   63
#define SYS_getppid 64
#define SYS_munmap 91          /* munmap(addr, len) */
#define SYS_sysinfo 116        /* sysinfo(struct gos_sysinfo *) */
#define SYS_sigreturn 119      /* from a signal handler's trampoline only */
#define SYS_uname  122         /* uname(struct utsname *) (include/sys/utsname.h) */
#define SYS_mprotect 125       /* mprotect(addr, len, prot) */
#define SYS_fstat  108
#define SYS_getdents 141
#define SYS_sched_yield 158
#define SYS_nanosleep 162
#define SYS_mmap2  192         /* mmap2(addr, len, prot, flags, fd, pgoff): anonymous only */
#define SYS_clock_gettime 265  /* newlib's clock ids: CLOCK_REALTIME 1, CLOCK_MONOTONIC 4 */
/* guest-os's own calls (no Linux equivalent) from 500 on. */
#define SYS_spawn  500      /* spawn(name, argv): /bin/NAME, or a program linked into the kernel */
#define SYS_procinfo 501    /* procinfo(index, struct gos_procinfo *): the next index, 0 at the end */
#define SYS_balloon 502     /* balloon(target_kib or 0, struct gos_balloon *): the memory balloon */
/* The hypervisor for user programs (include/xen_user.h; PV only). */
#define SYS_xen_evtchn 503  /* xen_evtchn(op, struct gos_evtchn *) (dom0) */
#define SYS_xen_gntmap 504  /* xen_gntmap(op, struct gos_gntmap *) (dom0) */
#define SYS_xenbus 505      /* xenbus(op, buf, len) */
#define SYS_xen_domains 506 /* xen_domains(domid, struct gos_dominfo *) (dom0) */
#define SYS_xen_physinfo 507 /* xen_physinfo(struct gos_physinfo *) (dom0) */
#define SYS_xen_console 508 /* xen_console(op, domid) (dom0): attach the terminal to a domU */

#define SYSCALL_VECTOR 0x80

#endif
