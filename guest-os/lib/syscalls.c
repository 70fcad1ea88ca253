/*
 * guest-os user programs: the system-call glue newlib calls (its i686-elf
 * build calls them by their plain names: write, sbrk, ...). Each is one
 * int $0x80 (include/sys_nr.h); a negative result becomes errno.
 * Calls the kernel does not have yet are answered here.
 */
#include <errno.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include "guest_os.h"
#include "sys_nr.h"

#undef errno
extern int errno;

static long syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

static long result(long ret)
{
    if (ret < 0 && ret > -4096) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}

void _exit(int status)
{
    for (;;)
        syscall3(SYS_exit, status, 0, 0);
}

int write(int fd, const void *buf, size_t len) { return (int)result(syscall3(SYS_write, fd, (long)buf, (long)len)); }
int read(int fd, void *buf, size_t len) { return (int)result(syscall3(SYS_read, fd, (long)buf, (long)len)); }
int getpid(void) { return (int)result(syscall3(SYS_getpid, 0, 0, 0)); }

/* Processes and time. */
pid_t waitpid(pid_t pid, int *status, int options) { return (pid_t)result(syscall3(SYS_waitpid, pid, (long)status, options)); }
pid_t wait(int *status) { return waitpid(-1, status, 0); }
int sched_yield(void) { return (int)result(syscall3(SYS_sched_yield, 0, 0, 0)); }
int nanosleep(const struct timespec *req, struct timespec *rem) { return (int)result(syscall3(SYS_nanosleep, (long)req, (long)rem, 0)); }
int clock_gettime(clockid_t clock, struct timespec *ts) { return (int)result(syscall3(SYS_clock_gettime, clock, (long)ts, 0)); }
int spawn(const char *name, char *const argv[]) { return (int)result(syscall3(SYS_spawn, (long)name, (long)argv, 0)); }

void *sbrk(ptrdiff_t increment)
{
    static long cur;
    if (!cur)
        cur = syscall3(SYS_brk, 0, 0, 0);
    long old = cur, want = cur + increment;
    if (syscall3(SYS_brk, want, 0, 0) != want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    cur = want;
    return (void *)old;
}

/* Not in the kernel yet: only the console's three descriptors exist. */
int close(int fd) { (void)fd; return 0; }
int isatty(int fd) { return fd >= 0 && fd <= 2 ? 1 : (errno = EBADF, 0); }
off_t lseek(int fd, off_t off, int whence) { (void)fd; (void)off; (void)whence; errno = ESPIPE; return -1; }
int kill(int pid, int sig) { (void)pid; (void)sig; errno = ENOSYS; return -1; }

int fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){ .st_mode = S_IFCHR };
    return 0;
}
