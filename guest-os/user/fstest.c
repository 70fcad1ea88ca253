/*
 * guest-os: fstest, the file system's system calls from ring 3 (run with
 * init=/bin/fstest). Each check prints "ok" or "FAIL" with what it did;
 * the last line is "fstest: N passed, N failed". tests/guest-os/run.sh
 * runs it in both builds and requires the same output and no failure.
 * Covers success and error paths: newlib stdio (fopen/fprintf/fgets/
 * fclose), open flags, read/write/lseek/fstat, unlink (also of an open
 * file), mkdir, readdir, the console device, pipes (also between a parent
 * and a forked child, big enough that both block), dup and dup2, and bad
 * user pointers: outside user space, and inside it but unmapped (EFAULT,
 * never a kernel fault).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sys_nr.h"

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

/* The system call itself, for what the C library would not pass on (its
 * fstat converts the kernel's struct in user space): -errno on failure. */
static long raw_syscall3(long nr, long a, long b, long c)
{
    long rc;
    __asm__ volatile("int $0x80" : "=a"(rc) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return rc;
}

/* A call that must fail with errno `want`. */
static void check_err(long rc, int want, const char *what)
{
    int err = errno;
    char line[128];
    snprintf(line, sizeof(line), "%s -> %ld errno %d (want -1 errno %d)", what, rc, rc < 0 ? err : 0, want);
    check(rc == -1 && err == want, line);
}

static void test_initrd(void)
{
    char line[128] = "";
    FILE *f = fopen("/etc/motd", "r");
    check(f != NULL, "fopen /etc/motd from the initrd");
    if (!f)
        return;
    check(fgets(line, sizeof(line), f) && !strncmp(line, "Welcome to guest-os", 19), "fgets its first line");
    fclose(f);

    struct stat st;
    int fd = open("/bin/fstest", O_RDONLY);
    check(fd >= 3, "open /bin/fstest");
    check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 1000, "fstat: a regular file");
    char magic[4];
    check(read(fd, magic, 4) == 4 && !memcmp(magic, "\177ELF", 4), "read: it is an ELF");
    check_err(write(fd, "x", 1), EBADF, "write to an O_RDONLY descriptor");
    check(close(fd) == 0, "close");
    check_err(close(fd), EBADF, "close it again");
}

static void test_stdio_write(void)
{
    FILE *f = fopen("/tmp1.txt", "w");
    check(f != NULL, "fopen /tmp1.txt for writing (O_CREAT|O_TRUNC)");
    if (!f)
        return;
    for (int i = 0; i < 3; i++)
        fprintf(f, "line %d of %s\n", i, "fstest");
    check(fclose(f) == 0, "fprintf three lines, fclose");
    f = fopen("/tmp1.txt", "a");
    check(f && fprintf(f, "appended\n") == 9 && fclose(f) == 0, "fopen \"a\", append a line");

    char line[64];
    int n = 0, good = 1;
    f = fopen("/tmp1.txt", "r");
    while (f && fgets(line, sizeof(line), f)) {
        char want[64];
        snprintf(want, sizeof(want), n < 3 ? "line %d of fstest\n" : "appended\n", n);
        good &= !strcmp(line, want);
        n++;
    }
    check(f && n == 4 && good, "fgets reads the four lines back");
    if (f)
        fclose(f);
}

static void test_lseek_and_growth(void)
{
    int fd = open("/big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check(fd >= 0, "open /big O_RDWR|O_CREAT|O_TRUNC");
    char buf[1000];
    memset(buf, 'a', sizeof(buf));
    int total = 0;
    for (int i = 0; i < 20; i++)        /* 20000 bytes: five pages */
        total += write(fd, buf, sizeof(buf));
    check(total == 20000, "write 20000 bytes (the file grows page by page)");
    check(lseek(fd, 0, SEEK_END) == 20000, "lseek SEEK_END = size");
    check(lseek(fd, 4090, SEEK_SET) == 4090 && write(fd, "0123456789", 10) == 10, "write across a page boundary");
    check(lseek(fd, -10, SEEK_CUR) == 4090 && read(fd, buf, 10) == 10 && !memcmp(buf, "0123456789", 10),
          "read it back (SEEK_CUR)");
    check(lseek(fd, 30000, SEEK_SET) == 30000 && write(fd, "end", 3) == 3, "write past the end leaves a hole");
    struct stat st;
    check(fstat(fd, &st) == 0 && st.st_size == 30003, "fstat: size 30003");
    check(lseek(fd, 25000, SEEK_SET) == 25000 && read(fd, buf, 4) == 4 && !memcmp(buf, "\0\0\0\0", 4),
          "the hole reads as zeros");
    check(read(fd, buf, 0) == 0 && lseek(fd, 0, SEEK_END) == 30003 && read(fd, buf, 10) == 0,
          "read at the end returns 0");
    check_err(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset");
    check_err(lseek(fd, 0, 7), EINVAL, "lseek with a bad whence");
    check_err(lseek(0, 0, SEEK_SET), ESPIPE, "lseek on the console");
    close(fd);

    fd = open("/big", O_WRONLY | O_TRUNC);
    check(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties it");
    check_err(read(fd, buf, 1), EBADF, "read from an O_WRONLY descriptor");
    close(fd);
}

static void test_unlink(void)
{
    int fd = open("/gone", O_RDWR | O_CREAT | O_EXCL, 0644);
    check(fd >= 0 && write(fd, "still here", 10) == 10, "create /gone with O_EXCL");
    check_err(open("/gone", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "O_EXCL on an existing file");
    check(unlink("/gone") == 0, "unlink /gone while it is open");
    check_err(open("/gone", O_RDONLY), ENOENT, "open it by name afterwards");
    char buf[16] = "";
    check(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof(buf)) == 10 && !memcmp(buf, "still here", 10),
          "the open descriptor still reads it");
    close(fd);
    check_err(unlink("/gone"), ENOENT, "unlink it again");
    check_err(unlink("/etc"), EISDIR, "unlink a directory");
    check(unlink("/tmp1.txt") == 0 && unlink("/big") == 0, "unlink the other test files");
}

static void test_dirs(void)
{
    check(mkdir("/home", 0755) == 0, "mkdir /home");
    check_err(mkdir("/home", 0755), EEXIST, "mkdir /home again");
    check_err(mkdir("/nope/sub", 0755), ENOENT, "mkdir under a missing directory");
    check_err(mkdir("/etc/motd/sub", 0755), ENOTDIR, "mkdir under a file");
    check_err(open("/etc/motd/x", O_RDONLY), ENOTDIR, "open through a file");
    check_err(open("/home", O_WRONLY), EISDIR, "open a directory for writing");
    check_err(open("/missing", O_RDONLY), ENOENT, "open a missing file");
    check_err(open("/etc/motd", O_RDWR | O_WRONLY), EINVAL, "open with a bad access mode");
    char longname[80];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[0] = '/';
    longname[sizeof(longname) - 1] = 0;
    check_err(open(longname, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG, "a 78-byte name");

    FILE *f = fopen("/home/user.txt", "w");
    check(f && fputs("in a new directory\n", f) >= 0 && fclose(f) == 0, "create /home/user.txt");
    check(f && (f = fopen("/home/../home/./user.txt", "r")) != NULL, "open it as /home/../home/./user.txt");
    if (f)
        fclose(f);

    DIR *d = opendir("/");
    char names[256] = "";
    struct dirent *e;
    while (d && (e = readdir(d))) {
        strcat(names, " ");
        strcat(names, e->d_name);
        strcat(names, e->d_type == DT_DIR ? "/" : "");
    }
    if (d)
        closedir(d);
    printf("     readdir /:%s\n", names);
    check(d && !strcmp(names, " dev/ bin/ etc/ home/"), "readdir / lists dev bin etc home");
    d = opendir("/bin");
    int programs = 0, hello = 0;
    while (d && (e = readdir(d))) {
        programs++;
        hello |= !strcmp(e->d_name, "hello") && e->d_type == DT_REG;
    }
    if (d)
        closedir(d);
    check(programs >= 2 && hello, "readdir /bin finds hello");
    check(opendir("/etc/motd") == NULL && errno == ENOTDIR, "opendir on a file: ENOTDIR");
    char buf[64];
    int fd = open("/etc", O_RDONLY);
    check_err(read(fd, buf, sizeof(buf)), EISDIR, "read a directory");
    close(fd);
    fd = open("/etc/motd", O_RDONLY);
    check_err(getdents(fd, buf, sizeof(buf)), ENOTDIR, "getdents on a file");
    close(fd);
    fd = open("/", O_RDONLY);
    check_err(getdents(fd, buf, 4), EINVAL, "getdents with a 4-byte buffer");
    close(fd);
}

static void test_descriptors(void)
{
    struct stat st;
    check(fstat(1, &st) == 0 && S_ISCHR(st.st_mode) && isatty(1), "fd 1 is the console");
    int fd = open("/dev/console", O_WRONLY);
    check(fd >= 0 && write(fd, "     (written to /dev/console)\n", 31) == 31, "write to /dev/console");
    close(fd);
    check_err(write(99, "x", 1), EBADF, "write to fd 99");
    check_err(fstat(-1, &st), EBADF, "fstat fd -1");
    int fds[20], n = 0, last;
    while ((last = open("/etc/motd", O_RDONLY)) >= 0 && n < 20)
        fds[n++] = last;
    int err = errno;
    check(last == -1 && err == EMFILE && n == 13, "the 14th open descriptor: EMFILE (16 per process)");
    while (n)
        close(fds[--n]);

    /* Pointers outside user space (the kernel's, or past the end). */
    check_err(write(1, (void *)0x1000, 4), EFAULT, "write from a kernel address");
    check_err(read(0, (void *)0x7ffffff0, 100), EFAULT, "read into a buffer that runs past user space");
    check_err(open((const char *)0x100000, O_RDONLY), EFAULT, "open a path at a kernel address");

    /* Inside user space but not mapped: EFAULT, not a kernel page fault. */
    char *unmapped = (char *)0x50000000;
    char buf[32];
    fd = open("/etc/motd", O_RDONLY);
    check_err(read(fd, unmapped, 10), EFAULT, "read into an unmapped user address");
    check(read(fd, buf, 7) == 7 && !memcmp(buf, "Welcome", 7), "the failed read consumed nothing");
    close(fd);
    check_err(write(1, NULL, 4), EFAULT, "write from NULL");
    check_err(write(1, unmapped, 4), EFAULT, "write from an unmapped user address");
    check(raw_syscall3(SYS_fstat, 0, (long)unmapped, 0) == -EFAULT, "fstat into an unmapped user address");
    check_err(open(unmapped, O_RDONLY), EFAULT, "open a path at an unmapped user address");
    check_err(mkdir(unmapped, 0755), EFAULT, "mkdir a path at an unmapped user address");
    check_err(unlink(unmapped), EFAULT, "unlink a path at an unmapped user address");
    /* A buffer that starts in the heap's last page and runs past it. */
    char *heap_end = (char *)(((uintptr_t)sbrk(0) + 4095) & ~(uintptr_t)4095);
    check_err(write(1, heap_end - 8, 16), EFAULT, "write from a buffer running off the heap");
    fd = open("/", O_RDONLY);
    check_err(getdents(fd, unmapped, 512), EFAULT, "getdents into an unmapped user address");
    close(fd);
}

/* What the child of test_pipe_fork writes: 20000 bytes (five pipe-fulls,
 * so the writer waits for the reader and the reader for the writer). */
#define FORK_BYTES 20000
static unsigned char pattern(int i) { return (unsigned char)(i * 31 + i / 977); }

static void test_pipes(void)
{
    int p[2];
    char buf[64] = "";
    check(pipe(p) == 0 && p[0] >= 3 && p[1] == p[0] + 1, "pipe: two new descriptors");
    check(write(p[1], "through", 7) == 7, "write 7 bytes into the pipe");
    check(read(p[0], buf, sizeof(buf)) == 7 && !memcmp(buf, "through", 7), "read returns the 7 there are");
    struct stat st;
    check(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat: a FIFO");
    check_err(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe");
    check_err(read(p[1], buf, 1), EBADF, "read from the write end");
    check_err(write(p[0], "x", 1), EBADF, "write to the read end");
    check(write(p[1], "keep", 4) == 4, "write 4 more");
    check_err(read(p[0], (void *)0x50000000, 4), EFAULT, "read them into an unmapped address");
    check(read(p[0], buf, 4) == 4 && !memcmp(buf, "keep", 4), "they are still in the pipe");
    check(close(p[1]) == 0 && read(p[0], buf, sizeof(buf)) == 0, "no writer left: end of file");
    close(p[0]);

    signal(SIGPIPE, SIG_IGN);
    check(pipe(p) == 0 && close(p[0]) == 0, "a pipe without a reader");
    check_err(write(p[1], "x", 1), EPIPE, "write to it");
    close(p[1]);

    int before = dup(0);
    close(before);
    check_err(pipe((int *)0x50000000), EFAULT, "pipe into an unmapped address");
    int after = dup(0);
    check(after == before, "and no descriptors are left behind");
    close(after);
}

static void test_pipe_fork(void)
{
    int p[2];
    check(pipe(p) == 0, "pipe for a child");
    fflush(stdout);
    int pid = fork();
    if (pid == 0) {
        close(p[0]);
        static unsigned char out[1000];
        for (int i = 0; i < FORK_BYTES; i++) {
            out[i % 1000] = pattern(i);
            if (i % 1000 == 999 && write(p[1], out, 1000) != 1000)
                _exit(1);
        }
        struct timespec pause = { 0, 20000000 };   /* the parent waits in read meanwhile */
        nanosleep(&pause, NULL);
        _exit(write(p[1], "end", 3) == 3 ? 0 : 2);
    }
    close(p[1]);
    static unsigned char in[8192];
    int total = 0, good = 1, reads = 0;
    long n;
    while ((n = read(p[0], in, sizeof(in))) > 0) {
        for (long i = 0; i < n && total + i < FORK_BYTES; i++)
            good &= in[i] == pattern(total + (int)i);
        total += (int)n;
        reads++;
    }
    check(n == 0 && total == FORK_BYTES + 3 && good, "read the child's 20003 bytes, then end of file");
    check(reads >= 5, "in several reads (a pipe holds at most a page)");
    int status = -1;
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the child wrote everything and exited 0");
    close(p[0]);
}

static void test_dup(void)
{
    int saved = dup(1);
    check(saved >= 3, "dup(1): the lowest free descriptor");
    int p[2];
    check(pipe(p) == 0, "pipe");
    /* printf would write into the pipe too: check only once stdout is back. */
    fflush(stdout);
    int redirected = dup2(p[1], 1) == 1 && close(p[1]) == 0;
    long written = write(1, "to stdout", 9);
    int restored = dup2(saved, 1) == 1 && close(saved) == 0;
    check(redirected, "dup2 the write end onto stdout");
    check(written == 9, "write to stdout (the pipe)");
    check(restored, "dup2 stdout back");
    char buf[16] = "";
    check(read(p[0], buf, sizeof(buf)) == 9 && !memcmp(buf, "to stdout", 9), "the pipe got it");
    check(read(p[0], buf, sizeof(buf)) == 0, "the dup2 closed the last write end: end of file");
    close(p[0]);
    check(dup2(1, 1) == 1, "dup2(1, 1) is 1");
    check_err(dup2(99, 5), EBADF, "dup2 from fd 99");
    check_err(dup2(1, 16), EBADF, "dup2 to fd 16");
    check_err(dup(-1), EBADF, "dup fd -1");
    int fd = open("/etc/motd", O_RDONLY), copy = dup(fd);
    char a[4] = "", b[4] = "";
    check(read(fd, a, 3) == 3 && read(copy, b, 3) == 3 && !memcmp(a, "Wel", 3) && !memcmp(b, "com", 3),
          "a dup shares the offset");
    close(fd);
    close(copy);
}

int main(void)
{
    test_initrd();
    test_stdio_write();
    test_lseek_and_growth();
    test_unlink();
    test_dirs();
    test_descriptors();
    test_pipes();
    test_pipe_fork();
    test_dup();
    printf("fstest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
