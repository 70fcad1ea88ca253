/*
 * guest-os user programs: the system-call glue newlib calls (its i686-elf
 * build calls them by their plain names: write, sbrk, ...). Each is one
 * int $0x80 (include/sys_nr.h); a negative result becomes errno.
 * Calls the kernel does not have yet are answered here. File calls:
 * open/close/read/write/lseek/fstat/unlink/mkdir/getdents (kernel/fs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fs_abi.h"
#include "guest_os.h"
#include "sys_nr.h"

/* The kernel takes newlib's open flags and mode bits as they are. */
_Static_assert(O_RDONLY == FS_O_RDONLY && O_WRONLY == FS_O_WRONLY && O_RDWR == FS_O_RDWR &&
               O_APPEND == FS_O_APPEND && O_CREAT == FS_O_CREAT && O_TRUNC == FS_O_TRUNC &&
               O_EXCL == FS_O_EXCL, "open flags");
_Static_assert(S_IFDIR == FS_S_IFDIR && S_IFREG == FS_S_IFREG && S_IFCHR == FS_S_IFCHR, "modes");
_Static_assert(SEEK_SET == FS_SEEK_SET && SEEK_CUR == FS_SEEK_CUR && SEEK_END == FS_SEEK_END, "whence");

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

/* Not in the kernel yet. */
int kill(int pid, int sig) { (void)pid; (void)sig; errno = ENOSYS; return -1; }
