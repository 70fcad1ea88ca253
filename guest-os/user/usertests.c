/*
 * guest-os: usertests, every system call's success and error paths from
 * ring 3 (after xv6's usertests; run with init=/bin/usertests). Each check
 * prints "ok" or "FAIL" with what it did and, for an error path, the errno
 * it must give (Linux's: EBADF, ENOENT, EEXIST, EFAULT for a bad pointer,
 * EINVAL, ECHILD, ESRCH, EPIPE, ...). Nothing printed depends on the build
 * or on timing, so tests/guest-os/run.sh requires the same output from the
 * native and the PV build, ending "usertests: N passed, 0 failed"; the exit
 * status is 1 if any check failed. Cases that could kill the tester (a
 * fault, a signal) run in a forked child.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest_os.h"

/* lib/syscalls.c has it; newlib declares it only for _POSIX_PRIORITY_SCHEDULING. */
int sched_yield(void);

#define PAGE 4096
/* Addresses a system call must refuse with EFAULT: the kernel's half,
 * below user space, and a user address with nothing mapped (user space is
 * 0x40000000-0x7fffffff; the program, its heap and its stack are far from
 * 0x6f000000). */
#define KERNEL_PTR   ((void *)0xc0001000)
#define LOW_PTR      ((void *)0x1000)
#define UNMAPPED_PTR ((void *)0x6f000000)

static int passed, failed;

/* Count and print one result. */
static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    fflush(stdout);
    if (ok)
        passed++;
    else
        failed++;
}

/* A call that must fail: rc -1 with errno `want`. */
static void check_err(long rc, int want, const char *what)
{
    int err = errno;
    char line[160];
    if (rc == -1 && err == want)
        snprintf(line, sizeof(line), "%s: -1 %s", what, strerror(want));
    else
        snprintf(line, sizeof(line), "%s: got %ld errno %d, want -1 errno %d (%s)", what, rc,
                 rc == -1 ? err : 0, want, strerror(want));
    check(rc == -1 && err == want, line);
}

/* Run fn in a forked child that exits with its result; the wait status,
 * or -1 if fork or waitpid failed. */
static int in_child(int (*fn)(void))
{
    fflush(stdout);
    int pid = fork();
    if (pid == 0)
        _exit(fn());
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

/* Did the wait status say "exited with code" / "killed by sig"? */
static int exited_with(int status, int code) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code; }
static int killed_by(int status, int sig) { return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig; }

/* ---- files ---- */

/* open/read/write/lseek/fstat/close/unlink and their errors. */
static void test_files(void)
{
    char buf[64];
    int fd = open("/ut-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 3, "open O_CREAT a new file: the lowest free descriptor above 2");
    check(write(fd, "0123456789", 10) == 10, "write 10 bytes");
    check(lseek(fd, 2, SEEK_SET) == 2 && read(fd, buf, 3) == 3 && !memcmp(buf, "234", 3), "lseek and read back");
    struct stat st;
    check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 10, "fstat: a regular file of 10 bytes");
    check(close(fd) == 0, "close");

    check_err(open("/no-such-file", O_RDONLY), ENOENT, "open a missing file");
    check_err(open("/no-dir/file", O_RDWR | O_CREAT, 0644), ENOENT, "create in a missing directory");
    check_err(open("/ut-file", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "open O_CREAT|O_EXCL an existing file");
    check_err(open("/ut-file/x", O_RDONLY), ENOTDIR, "open through a file as if a directory");
    check_err(open("/etc", O_WRONLY), EISDIR, "open a directory for writing");
    check_err(open(NULL, O_RDONLY), EFAULT, "open(NULL)");
    check_err(open(KERNEL_PTR, O_RDONLY), EFAULT, "open a kernel-address path");
    check_err(open(UNMAPPED_PTR, O_RDONLY), EFAULT, "open an unmapped path");

    check_err(read(99, buf, 1), EBADF, "read descriptor 99");
    check_err(read(-1, buf, 1), EBADF, "read descriptor -1");
    check_err(write(99, "x", 1), EBADF, "write descriptor 99");
    check_err(close(99), EBADF, "close descriptor 99");
    check_err(lseek(99, 0, SEEK_SET), EBADF, "lseek descriptor 99");
    check_err(fstat(99, &st), EBADF, "fstat descriptor 99");

    fd = open("/ut-file", O_RDONLY);
    check_err(read(fd, KERNEL_PTR, 4), EFAULT, "read into the kernel's memory");
    check_err(read(fd, UNMAPPED_PTR, 4), EFAULT, "read into unmapped memory");
    check_err(write(1, UNMAPPED_PTR, 4), EFAULT, "write from unmapped memory");
    check_err(write(1, LOW_PTR, 4), EFAULT, "write from below user space");
    check_err(lseek(fd, 0, 42), EINVAL, "lseek with whence 42");
    check_err(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to offset -1");
    check_err(lseek(0, 0, SEEK_CUR), ESPIPE, "lseek on the console");
    check_err(write(fd, "x", 1), EBADF, "write to an O_RDONLY descriptor");
    close(fd);

    check(unlink("/ut-file") == 0, "unlink");
    check_err(unlink("/ut-file"), ENOENT, "unlink it again");
    check_err(unlink("/etc"), EISDIR, "unlink a directory");
    check_err(unlink(UNMAPPED_PTR), EFAULT, "unlink an unmapped path");

    char long_path[300];
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[0] = '/';
    long_path[sizeof(long_path) - 1] = 0;
    check_err(open(long_path, O_RDONLY), ENAMETOOLONG, "open a 299-byte path");
    check_err(open("", O_RDONLY), ENOENT, "open an empty path");
    check(fstat(0, &st) == 0 && S_ISCHR(st.st_mode) && isatty(0), "fstat the console: a character device");
    check(sched_yield() == 0, "sched_yield");
}

/* mkdir and getdents and their errors. */
static void test_dirs(void)
{
    check(mkdir("/ut-dir", 0755) == 0, "mkdir /ut-dir");
    check_err(mkdir("/ut-dir", 0755), EEXIST, "mkdir it again");
    check_err(mkdir("/no-dir/sub", 0755), ENOENT, "mkdir in a missing directory");
    check_err(mkdir(KERNEL_PTR, 0755), EFAULT, "mkdir a kernel-address path");
    int fd = open("/ut-dir/f", O_WRONLY | O_CREAT, 0644);
    check(fd >= 0 && close(fd) == 0, "create a file in it");

    char buf[256];
    fd = open("/ut-dir", O_RDONLY);
    int n = getdents(fd, buf, sizeof(buf));
    struct fs_dirent rec;
    memcpy(&rec, buf, sizeof(rec));
    check(n > 0 && rec.namelen == 1 && !strcmp(buf + sizeof(rec), "f") && rec.type == FS_DT_REG,
          "getdents: the one file");
    check(getdents(fd, buf, sizeof(buf)) == 0, "getdents at the end: 0");
    check_err(getdents(fd, UNMAPPED_PTR, sizeof(buf)), EFAULT, "getdents into unmapped memory");
    close(fd);
    check_err(getdents(99, buf, sizeof(buf)), EBADF, "getdents descriptor 99");
    fd = open("/etc/motd", O_RDONLY);
    check_err(getdents(fd, buf, sizeof(buf)), ENOTDIR, "getdents on a file");
    close(fd);
    check(unlink("/ut-dir/f") == 0, "unlink the file in it");
}

/* A full descriptor table gives EMFILE; freed slots are reused lowest first. */
static void test_fd_limit(void)
{
    int fds[256], n = 0;
    errno = 0;
    while (n < 256 && (fds[n] = open("/etc/motd", O_RDONLY)) >= 0)
        n++;
    int err = errno;
    check(n > 8 && n < 256 && err == EMFILE, "open until the table is full: EMFILE");
    while (n > 0)
        close(fds[--n]);
    int fd = open("/etc/motd", O_RDONLY);
    check(fd == 3, "after closing them the lowest descriptor is 3 again");
    close(fd);
}

/* ---- pipes and descriptors ---- */

/* Write to a pipe nobody reads, SIGPIPE ignored: the errno (EPIPE), or 100+. */
static int write_to_closed_pipe(void)
{
    int p[2];
    if (pipe(p) < 0)
        return 100;
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    return write(p[1], "x", 1) == -1 ? errno : 101;
}

/* The same with SIGPIPE's default action: never returns if it kills. */
static int write_to_closed_pipe_default(void)
{
    int p[2];
    if (pipe(p) < 0)
        return 100;
    close(p[0]);
    write(p[1], "x", 1);
    return 101;
}

/* pipe: data through it, end of file, EPIPE/SIGPIPE, and errors. */
static void test_pipes(void)
{
    int p[2];
    char buf[16] = "";
    int rc = pipe(p);
    check(rc == 0 && p[0] >= 3 && p[1] >= 3 && p[0] != p[1], "pipe: two new descriptors");
    if (rc < 0)
        return;                         /* the rest would read the console */
    check(write(p[1], "hello", 5) == 5 && read(p[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5),
          "write then read through it");
    check_err(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
    check_err(write(p[0], "x", 1), EBADF, "write to the read end");
    check_err(read(p[1], buf, 1), EBADF, "read from the write end");

    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        for (int i = 0; i < 100; i++)
            write(p[1], "0123456789", 10);     /* 1000 bytes, maybe more than one read */
        _exit(0);
    }
    close(p[1]);
    int total = 0, n, good = 1;
    while ((n = read(p[0], buf, 7)) > 0) {
        for (int i = 0; i < n; i++)
            good &= buf[i] == '0' + (total + i) % 10;
        total += n;
    }
    check(pid > 0 && total == 1000 && good && n == 0, "a child writes 1000 bytes; read to end of file (0)");
    waitpid(pid, NULL, 0);
    close(p[0]);

    check(exited_with(in_child(write_to_closed_pipe), EPIPE), "write with no reader, SIGPIPE ignored: EPIPE");
    check(killed_by(in_child(write_to_closed_pipe_default), SIGPIPE), "write with no reader: killed by SIGPIPE");
    check_err(pipe(UNMAPPED_PTR), EFAULT, "pipe into unmapped memory");
    check_err(pipe(KERNEL_PTR), EFAULT, "pipe into the kernel's memory");
}

/* dup and dup2: the lowest slot, shared offsets, and errors. */
static void test_dup(void)
{
    int fd = open("/ut-dup", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int d = dup(fd);
    check(d == fd + 1, "dup: the lowest free descriptor");
    check(write(fd, "ab", 2) == 2 && write(d, "cd", 2) == 2 && lseek(fd, 0, SEEK_CUR) == 4,
          "the duplicate shares the offset");
    check(dup2(fd, 9) == 9 && lseek(9, 0, SEEK_SET) == 0, "dup2 onto a free descriptor");
    char buf[8] = "";
    check(read(fd, buf, 4) == 4 && !memcmp(buf, "abcd", 4), "read what both wrote");
    check(dup2(d, 9) == 9 && close(9) == 0, "dup2 onto an open descriptor closes it first");
    check(dup2(fd, fd) == fd, "dup2 of a descriptor onto itself");
    check_err(dup(99), EBADF, "dup descriptor 99");
    check_err(dup2(99, 5), EBADF, "dup2 from descriptor 99");
    check_err(dup2(fd, -1), EBADF, "dup2 onto descriptor -1");
    check_err(dup2(fd, 100000), EBADF, "dup2 onto descriptor 100000");
    close(d);
    close(fd);
    unlink("/ut-dup");
}

/* ---- processes ---- */

/* 0 if getppid gives a pid that is not our own. */
static int getppid_is_parent(void)
{
    return getppid() > 0 && getppid() != getpid() ? 0 : 1;
}

/* fork, waitpid (WNOHANG too), exit statuses, execve and spawn errors. */
static void test_processes(void)
{
    int me = getpid();
    check(me > 0, "getpid");
    check(exited_with(in_child(getppid_is_parent), 0), "a child's getppid is not its own pid");
    fflush(stdout);
    int pid = fork();
    if (pid == 0)
        _exit(getppid() == me ? 7 : 8);
    int status;
    check(pid > 0 && waitpid(pid, &status, 0) == pid && exited_with(status, 7),
          "fork; the child's getppid is the parent; exit status 7 comes back");
    check_err(waitpid(pid, &status, 0), ECHILD, "waitpid the reaped child again");
    check_err(waitpid(-1, &status, 0), ECHILD, "waitpid(-1) with no children");
    check_err(waitpid(1, &status, 0), ECHILD, "waitpid a process that is not a child");
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(300);
    check(waitpid(pid, &status, 0) == pid && exited_with(status, 300 & 0xff), "exit(300): the status is 300 & 0xff");

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        struct timespec ts = { 0, 200 * 1000 * 1000 };
        nanosleep(&ts, NULL);
        _exit(3);
    }
    check(waitpid(pid, &status, WNOHANG) == 0, "waitpid WNOHANG on a running child: 0");
    check(waitpid(pid, &status, 0) == pid && exited_with(status, 3), "then waitpid blocks until it exits");

    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(0);
    check_err(waitpid(pid, KERNEL_PTR, 0), EFAULT, "waitpid with a kernel-address status");
    waitpid(pid, NULL, 0);

    char *args[] = { "echoargs", "x", NULL };
    check_err(execve("/bin/no-such-program", args, environ), ENOENT, "execve a missing file");
    check_err(execve("/etc/motd", args, environ), ENOEXEC, "execve a text file");
    check_err(execve(UNMAPPED_PTR, args, environ), EFAULT, "execve an unmapped path");
    check_err(execve("/bin/echoargs", UNMAPPED_PTR, environ), EFAULT, "execve with an unmapped argv");
    char *many[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", NULL };
    check_err(execve("/bin/echoargs", many, environ), E2BIG, "execve with 9 arguments");

    char *truth[] = { "true", NULL };
    pid = spawn("true", truth);
    check(pid > 0 && waitpid(pid, &status, 0) == pid && exited_with(status, 0), "spawn /bin/true, wait: 0");
    check_err(spawn("no-such-program", truth), ENOENT, "spawn a missing program");
    check_err(spawn(UNMAPPED_PTR, truth), EFAULT, "spawn an unmapped name");
    check_err(spawn("true", many), E2BIG, "spawn with 9 arguments");
    char *bad_arg[] = { "true", UNMAPPED_PTR, NULL };
    check_err(spawn("true", bad_arg), EFAULT, "spawn with an unmapped argument string");

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        execve("/bin/true", truth, environ);
        _exit(100);
    }
    check(pid > 0 && waitpid(pid, &status, 0) == pid && exited_with(status, 0), "fork, execve /bin/true, wait: 0");
}

/* ---- memory ---- */

/* Write to an address with nothing mapped (never returns if it faults). */
static int touch_unmapped(void)
{
    *(volatile int *)UNMAPPED_PTR = 1;
    return 0;
}

static char *mapped;      /* a page for the children below */

/* Write to the first byte of `mapped` (never returns if it faults). */
static int write_mapped(void)
{
    mapped[0] = 'x';
    return 0;
}

/* sbrk grows the heap; past user space it fails with ENOMEM. */
static void test_brk(void)
{
    char *old = sbrk(0);
    char *p = sbrk(3 * PAGE);
    check(p == old && sbrk(0) == old + 3 * PAGE, "sbrk grows the heap by three pages");
    memset(p, 0x5a, 3 * PAGE);
    check(p[0] == 0x5a && p[3 * PAGE - 1] == 0x5a, "the new heap is writable");
    errno = 0;
    check(sbrk(0x50000000) == (void *)-1 && errno == ENOMEM && sbrk(0) == old + 3 * PAGE,
          "sbrk past the end of user space: ENOMEM, the heap unchanged");
    char *big = malloc(1 << 20);
    check(big != NULL, "malloc 1 MiB");
    if (big)
        memset(big, 1, 1 << 20);
    free(big);
}

/* mmap, mprotect and munmap: zeroed pages, copy on fork, faults, errors. */
static void test_mmap(void)
{
    char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED && ((unsigned long)p & (PAGE - 1)) == 0, "mmap 4 anonymous pages: page-aligned");
    if (p == MAP_FAILED)
        return;
    int zero = 1;
    for (int i = 0; i < 4 * PAGE; i++)
        zero &= p[i] == 0;
    check(zero, "the pages read as zeros");
    memset(p, 'm', 4 * PAGE);
    check(p[4 * PAGE - 1] == 'm', "they are writable");

    mapped = p;
    check(exited_with(in_child(write_mapped), 0) && p[0] == 'm', "a child's write to them is its own copy");
    check(mprotect(p, PAGE, PROT_READ) == 0, "mprotect the first page read-only");
    check(p[0] == 'm', "it still reads");
    check(killed_by(in_child(write_mapped), SIGSEGV), "a write to it: killed by SIGSEGV");
    int fd = open("/etc/motd", O_RDONLY);
    check_err(read(fd, p, 4), EFAULT, "read into a read-only page");
    close(fd);
    check(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 && exited_with(in_child(write_mapped), 0),
          "mprotect it writable again: the write succeeds");

    check(munmap(p, PAGE) == 0, "munmap the first page");
    check(killed_by(in_child(write_mapped), SIGSEGV), "a write to it: killed by SIGSEGV");
    check(p[PAGE] == 'm', "the next page is still there");
    check(munmap(p + PAGE, 3 * PAGE) == 0, "munmap the rest");

    check(killed_by(in_child(touch_unmapped), SIGSEGV), "a write to unmapped memory: killed by SIGSEGV");
    errno = 0;
    check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap of 0 bytes: EINVAL");
    errno = 0;
    check(mmap((void *)0x60000123, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
          errno == EINVAL, "mmap MAP_FIXED at an unaligned address: EINVAL");
    errno = 0;
    check(mmap(KERNEL_PTR, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
          errno == ENOMEM, "mmap MAP_FIXED in the kernel's half: ENOMEM");
    errno = 0;
    check(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 100) == MAP_FAILED && errno == EINVAL,
          "mmap with an unaligned offset: EINVAL");
    check_err(munmap((void *)0x60000123, PAGE), EINVAL, "munmap an unaligned address");
    check_err(munmap(KERNEL_PTR, PAGE), EINVAL, "munmap the kernel's half");
    check_err(mprotect((void *)0x60000123, PAGE, PROT_READ), EINVAL, "mprotect an unaligned address");
    check_err(mprotect(UNMAPPED_PTR, PAGE, PROT_READ), ENOMEM, "mprotect unmapped memory");
    errno = 0;
    check(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap without MAP_ANONYMOUS (no files): EINVAL");
    errno = 0;
    check(mmap(NULL, PAGE, 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap with an unknown protection: EINVAL");
}

/* ---- signals ---- */

static volatile int usr1_count;
/* The SIGUSR1 handler: counts its calls. */
static void on_usr1(int sig)
{
    if (sig == SIGUSR1)
        usr1_count++;
}

/* Sleep 30 s (until a signal ends the process). */
static int sleep_long(void)
{
    struct timespec ts = { 30, 0 };
    nanosleep(&ts, NULL);
    return 0;
}

/* With a SIGUSR1 handler, sleep 5 s: 0 if a signal cut the sleep short
 * (EINTR, the handler ran, the time left written to rem), else 1. */
static int sleep_interrupted(void)
{
    usr1_count = 0;
    signal(SIGUSR1, on_usr1);
    struct timespec ts = { 5, 0 }, rem = { 0, 0 };
    int rc = nanosleep(&ts, &rem);
    return rc == -1 && errno == EINTR && usr1_count == 1 && rem.tv_sec > 0 && rem.tv_sec <= 5 ? 0 : 1;
}

/* signal and kill: handlers, SIG_IGN, default actions, EINTR, errors. */
static void test_signals(void)
{
    check(signal(SIGUSR1, on_usr1) != SIG_ERR, "signal(SIGUSR1, handler)");
    check(kill(getpid(), SIGUSR1) == 0 && usr1_count == 1, "kill(self, SIGUSR1) runs the handler once");
    check(kill(getpid(), 0) == 0, "kill(self, 0): the process exists");
    check(signal(SIGUSR1, SIG_IGN) == on_usr1 && kill(getpid(), SIGUSR1) == 0 && usr1_count == 1,
          "SIG_IGN: the signal is ignored, the old handler returned");
    errno = 0;
    check(signal(SIGKILL, on_usr1) == SIG_ERR && errno == EINVAL, "signal(SIGKILL, handler): EINVAL");
    check_err(kill(30000, SIGTERM), ESRCH, "kill a pid that does not exist");
    check_err(kill(getpid(), 1000), EINVAL, "kill with signal 1000");
    check_err(kill(getpid(), -1), EINVAL, "kill with signal -1");

    fflush(stdout);
    int pid = fork();
    if (pid == 0)
        _exit(sleep_long());
    int status;
    check(kill(pid, SIGKILL) == 0 && waitpid(pid, &status, 0) == pid && killed_by(status, SIGKILL),
          "SIGKILL to a sleeping child: it dies of SIGKILL");
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(sleep_long());
    check(kill(pid, SIGTERM) == 0 && waitpid(pid, &status, 0) == pid && killed_by(status, SIGTERM),
          "SIGTERM to a sleeping child: it dies of SIGTERM");
    check_err(kill(pid, SIGTERM), ESRCH, "kill the reaped child");

    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(sleep_interrupted());
    struct timespec settle = { 0, 100 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    check(kill(pid, SIGUSR1) == 0 && waitpid(pid, &status, 0) == pid && exited_with(status, 0),
          "a handled signal cuts a child's nanosleep short: EINTR and the time left");
}

/* ---- time ---- */

/* A timespec in nanoseconds. */
static long long ns_of(const struct timespec *ts) { return ts->tv_sec * 1000000000ll + ts->tv_nsec; }

/* clock_gettime, nanosleep and gettimeofday, and their errors. */
static void test_time(void)
{
    struct timespec t0, t1, req = { 0, 50 * 1000 * 1000 };
    check(clock_gettime(CLOCK_MONOTONIC, &t0) == 0 && nanosleep(&req, NULL) == 0 &&
          clock_gettime(CLOCK_MONOTONIC, &t1) == 0, "clock_gettime, nanosleep 50 ms, clock_gettime");
    check(ns_of(&t1) - ns_of(&t0) >= 50 * 1000 * 1000, "at least 50 ms passed");
    check(ns_of(&t1) - ns_of(&t0) < 2000ll * 1000 * 1000, "less than 2 s passed");
    struct timespec bad = { 0, 1000 * 1000 * 1000 };
    check_err(nanosleep(&bad, NULL), EINVAL, "nanosleep 1e9 ns");
    bad.tv_sec = -1, bad.tv_nsec = 0;
    check_err(nanosleep(&bad, NULL), EINVAL, "nanosleep -1 s");
    check_err(nanosleep(UNMAPPED_PTR, NULL), EFAULT, "nanosleep with an unmapped request");
    check_err(clock_gettime(CLOCK_MONOTONIC, UNMAPPED_PTR), EFAULT, "clock_gettime into unmapped memory");
    check_err(clock_gettime(12345, &t0), EINVAL, "clock_gettime of clock 12345");

    struct timeval tv;
    check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1577836800, "gettimeofday: a date after 2020");
    struct timespec rt;
    check(clock_gettime(CLOCK_REALTIME, &rt) == 0 && rt.tv_sec >= tv.tv_sec && rt.tv_sec - tv.tv_sec < 5,
          "CLOCK_REALTIME agrees with gettimeofday");
}

/* ---- the system ---- */

/* uname, sysinfo and procinfo, and their errors. */
static void test_system(void)
{
    struct utsname u;
    check(uname(&u) == 0 && !strcmp(u.sysname, "guest-os") && !strcmp(u.machine, "i686") && u.release[0],
          "uname: guest-os, i686, a release");
    check_err(uname(UNMAPPED_PTR), EFAULT, "uname into unmapped memory");

    struct gos_sysinfo si;
    check(sysinfo(&si) == 0 && si.free_pages > 0 && si.free_pages <= si.total_pages &&
          si.fs_pages > 0 && si.nprocs >= 1 && si.uptime_ns > 0, "sysinfo: pages, file system, processes, uptime");
    check(!strcmp(si.build, "native") || !strcmp(si.build, "pv"), "sysinfo: the build is native or pv");
    check_err(sysinfo(KERNEL_PTR), EFAULT, "sysinfo into the kernel's memory");

    struct gos_procinfo p;
    int found = 0, n = 0;
    for (int next = procinfo(0, &p); next > 0 && n < 100; next = procinfo(next, &p), n++)
        found |= p.pid == getpid() && p.state == GOS_PROC_RUNNING && !strcmp(p.name, "usertests") && p.pages > 0;
    check(found, "procinfo lists this process, running, named usertests");
    fflush(stdout);
    int pid = fork();
    if (pid == 0)
        _exit(0);
    struct timespec settle = { 0, 100 * 1000 * 1000 };
    nanosleep(&settle, NULL);
    found = n = 0;
    for (int next = procinfo(0, &p); next > 0 && n < 100; next = procinfo(next, &p), n++)
        found |= p.pid == pid && p.ppid == getpid() && p.state == GOS_PROC_ZOMBIE;
    check(found, "procinfo: an exited, unreaped child is a zombie");
    waitpid(pid, NULL, 0);
    check_err(procinfo(0, UNMAPPED_PTR), EFAULT, "procinfo into unmapped memory");
    check_err(procinfo(-1, &p), EINVAL, "procinfo at index -1");
}

/* Every group of checks; the status is 1 if any failed. */
int main(void)
{
    test_files();
    test_dirs();
    test_fd_limit();
    test_pipes();
    test_dup();
    test_processes();
    test_brk();
    test_mmap();
    test_signals();
    test_time();
    test_system();
    printf("usertests: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
