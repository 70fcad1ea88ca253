/*
 * guest-os user programs: the system-call glue newlib calls (its i686-elf
 * build calls them by their plain names: write, sbrk, ...). Each is one
 * int $0x80 (include/sys_nr.h); a negative result becomes errno.
 * File calls: open/close/read/write/lseek/fstat/unlink/mkdir/getdents,
 * dup/dup2/pipe (kernel/fs.c); gettimeofday is clock_gettime(CLOCK_REALTIME).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fs_abi.h"
#include "guest_os.h"
#include "xen_user.h"
#include "proc_abi.h"
#include "sys_nr.h"

/* The kernel takes newlib's open flags and mode bits as they are. */
_Static_assert(O_RDONLY == FS_O_RDONLY && O_WRONLY == FS_O_WRONLY && O_RDWR == FS_O_RDWR &&
               O_APPEND == FS_O_APPEND && O_CREAT == FS_O_CREAT && O_TRUNC == FS_O_TRUNC &&
               O_EXCL == FS_O_EXCL, "open flags");
_Static_assert(S_IFDIR == FS_S_IFDIR && S_IFREG == FS_S_IFREG && S_IFCHR == FS_S_IFCHR, "modes");
_Static_assert(SEEK_SET == FS_SEEK_SET && SEEK_CUR == FS_SEEK_CUR && SEEK_END == FS_SEEK_END, "whence");
/* ... and mmap's, waitpid's and the clocks' values (signals: lib/signal.c). */
_Static_assert(PROT_NONE == GOS_PROT_NONE && PROT_READ == GOS_PROT_READ && PROT_WRITE == GOS_PROT_WRITE &&
               PROT_EXEC == GOS_PROT_EXEC, "mmap prot");
_Static_assert(MAP_SHARED == GOS_MAP_SHARED && MAP_PRIVATE == GOS_MAP_PRIVATE && MAP_FIXED == GOS_MAP_FIXED &&
               MAP_ANONYMOUS == GOS_MAP_ANONYMOUS, "mmap flags");
_Static_assert(WNOHANG == GOS_WNOHANG, "waitpid options");
_Static_assert(CLOCK_REALTIME == GOS_CLOCK_REALTIME && CLOCK_MONOTONIC == GOS_CLOCK_MONOTONIC, "clocks");

static long syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

/* Six arguments: ebx ecx edx esi edi ebp. ebp may be the frame pointer,
 * which gcc will not give to an asm operand, so eax points at {nr, f}
 * and ebp is saved around the trap. */
static long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
    long ret;
    const long nr_f[2] = { nr, f };
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl 4(%%eax), %%ebp\n\t"
                     "movl (%%eax), %%eax\n\t"
                     "int $0x80\n\t"
                     "popl %%ebp"
                     : "=a"(ret)
                     : "0"(nr_f), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                     : "memory");
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
pid_t fork(void) { return (pid_t)result(syscall3(SYS_fork, 0, 0, 0)); }
/* execve: envp is passed but the kernel gives the program an empty
 * environment. newlib (i686-elf) has no execv/execvp, so execv is here. */
int execve(const char *path, char *const argv[], char *const envp[]) { return (int)result(syscall3(SYS_execve, (long)path, (long)argv, (long)envp)); }
int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }
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

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = flags & O_CREAT ? va_arg(ap, int) : 0;
    va_end(ap);
    return (int)result(syscall3(SYS_open, (long)path, flags, mode));
}

int close(int fd) { return (int)result(syscall3(SYS_close, fd, 0, 0)); }
off_t lseek(int fd, off_t off, int whence) { return (off_t)result(syscall3(SYS_lseek, fd, (long)off, whence)); }
int unlink(const char *path) { return (int)result(syscall3(SYS_unlink, (long)path, 0, 0)); }
int mkdir(const char *path, mode_t mode) { return (int)result(syscall3(SYS_mkdir, (long)path, (long)mode, 0)); }
/* getdents(fd, buf, len): struct fs_dirent records (fs_abi.h); lib/dirent.c wraps it. */
int getdents(int fd, void *buf, size_t len) { return (int)result(syscall3(SYS_getdents, fd, (long)buf, (long)len)); }

int fstat(int fd, struct stat *st)
{
    struct fs_stat kst;
    if (result(syscall3(SYS_fstat, fd, (long)&kst, 0)) < 0)
        return -1;
    *st = (struct stat){ .st_ino = (ino_t)kst.ino, .st_mode = kst.mode, .st_nlink = (nlink_t)kst.nlink,
                         .st_size = (off_t)kst.size, .st_blksize = 4096,
                         .st_blocks = (blkcnt_t)((kst.size + 511) / 512) };
    return 0;
}

/* stat(path): open, fstat, close (there is no stat system call). */
int stat(const char *path, struct stat *st)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fstat(fd, st);
    close(fd);
    return rc;
}

int isatty(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    if (!S_ISCHR(st.st_mode)) {
        errno = ENOTTY;
        return 0;
    }
    return 1;
}

/* Descriptors and pipes. */
int dup(int fd) { return (int)result(syscall3(SYS_dup, fd, 0, 0)); }
int dup2(int fd, int to) { return (int)result(syscall3(SYS_dup2, fd, to, 0)); }
int pipe(int fds[2]) { return (int)result(syscall3(SYS_pipe, (long)fds, 0, 0)); }

/* Processes: signals are delivered by the kernel (lib/signal.c). */
int kill(int pid, int sig) { return (int)result(syscall3(SYS_kill, pid, sig, 0)); }
pid_t getppid(void) { return (pid_t)result(syscall3(SYS_getppid, 0, 0, 0)); }

/* Memory: private anonymous mappings (include/sys/mman.h). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    if (offset & 4095) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    long ret = syscall6(SYS_mmap2, (long)addr, (long)len, prot, flags, fd, (long)(offset >> 12));
    if (ret < 0 && ret > -4096) {
        errno = (int)-ret;
        return MAP_FAILED;
    }
    return (void *)ret;
}
int munmap(void *addr, size_t len) { return (int)result(syscall3(SYS_munmap, (long)addr, (long)len, 0)); }
int mprotect(void *addr, size_t len, int prot) { return (int)result(syscall3(SYS_mprotect, (long)addr, (long)len, prot)); }

/* The system. */
int uname(struct utsname *buf) { return (int)result(syscall3(SYS_uname, (long)buf, 0, 0)); }
int sysinfo(struct gos_sysinfo *info) { return (int)result(syscall3(SYS_sysinfo, (long)info, 0, 0)); }
int procinfo(int index, struct gos_procinfo *info) { return (int)result(syscall3(SYS_procinfo, index, (long)info, 0)); }
int balloon(uint32_t target_kib, struct gos_balloon *info) { return (int)result(syscall3(SYS_balloon, (long)target_kib, (long)info, 0)); }

/* The hypervisor for user programs (include/xen_user.h). */
int xenbus(int op, void *buf, unsigned int len) { return (int)result(syscall3(SYS_xenbus, op, (long)buf, (long)len)); }
int xen_evtchn(int op, struct gos_evtchn *arg) { return (int)result(syscall3(SYS_xen_evtchn, op, (long)arg, 0)); }
int xen_gntmap(int op, struct gos_gntmap *arg) { return (int)result(syscall3(SYS_xen_gntmap, op, (long)arg, 0)); }
int xen_domains(unsigned int domid, struct gos_dominfo *info) { return (int)result(syscall3(SYS_xen_domains, (long)domid, (long)info, 0)); }
int xen_physinfo(struct gos_physinfo *info) { return (int)result(syscall3(SYS_xen_physinfo, (long)info, 0, 0)); }
int xen_console(int op, unsigned int domid) { return (int)result(syscall3(SYS_xen_console, op, (long)domid, 0)); }

/* gettimeofday: CLOCK_REALTIME, the wallclock (the timezone is UTC). */
int gettimeofday(struct timeval *tv, void *tz)
{
    struct timespec ts;
    (void)tz;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return -1;
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
