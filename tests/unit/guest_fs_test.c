/*
 * Host tests of guest-os's RAM file system (guest-os/kernel/fs.c), its
 * pipes (pipe.c), its ustar reader (tar.c) and the system calls' user
 * memory access (uaccess.c), compiled for the host by guest-os/guest-os.mk.
 * This file supplies what the kernel would: the page allocator (with a
 * limit, to reach ENOSPC), the console, panic, sleeping (a hook plays the
 * process that would run meanwhile), signals, and user_page_fault over
 * pages mapped at the guest's user addresses.
 * Checks: archives parsed in place and malformed ones refused; paths;
 * reads of archive data and copy-on-first-write (the archive is never
 * written); growth, holes, truncation and every page given back; unlink
 * of an open file; getdents; descriptor limits; pipes (EOF, EPIPE,
 * wrap-around, blocking both ways, EINTR, small writes whole, reader and
 * writer counts over copy and close, limits); dup and dup2; the console's
 * line editing; copies to and from user memory that stop at a page the
 * process does not have (and never touch it).
 */
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
/* The kernel's error numbers (newlib's): two differ from the host's. */
#undef ENOSYS
#undef ENAMETOOLONG
#undef ENOTEMPTY
#undef ETIMEDOUT
#undef EMSGSIZE
#include "errno.h"
#include "kernel.h"
#include "tar.h"

/* ---- the kernel services fs.c uses ---- */
static int pages_out, page_limit = 1 << 20;
static char console_out[256];
static size_t console_len;
static const char *console_in = "";

void *page_alloc(void)
{
    if (pages_out >= page_limit)
        return NULL;
    void *p = aligned_alloc(4096, 4096);
    memset(p, 0, 4096);
    pages_out++;
    return p;
}
void page_free(void *page) { free(page); pages_out--; }
void arch_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len && console_len + 1 < sizeof(console_out); i++)
        console_out[console_len++] = s[i];
}
int arch_console_read_byte(void) { return *console_in ? (unsigned char)*console_in++ : -1; }

/* Blocking. The console read waits a tick at a time when no input is
 * waiting: the input that "arrives" meanwhile is console_later. A pipe
 * sleeps on a channel: sleep_hook plays the other process (it must change
 * something, or the test fails and a signal ends the wait). */
static const char *console_later;
static int signal_flag, sleeps, wakeups;
static void (*sleep_hook)(void);
uint64_t arch_time_ns(void) { return 0; }
int signal_pending(void) { return signal_flag; }
static void nobody_to_wake(void)
{
    CU_FAIL("blocked with nobody to wake it");
    signal_flag = 1;
}
void sleep_until(uint64_t wake_ns)
{
    (void)wake_ns;
    sleeps++;
    if (console_later) {
        console_in = console_later;
        console_later = NULL;
    } else {
        nobody_to_wake();
    }
}
void sleep_on(const void *chan)
{
    (void)chan;
    sleeps++;
    void (*hook)(void) = sleep_hook;
    sleep_hook = NULL;                /* once: a second sleep is a failure */
    if (hook)
        hook();
    else
        nobody_to_wake();
}
void wakeup(const void *chan) { (void)chan; wakeups++; }

/* User memory: USER_PAGES pages at USER_BASE, each absent (PROT_NONE, so
 * touching it without asking kills the test), present, or copy-on-write
 * (read-only until a write fault makes it writable). */
#define USER_PAGES 4
enum { ABSENT, PRESENT, COW };
static int user_state[USER_PAGES], user_faults;
static int user_mapped;
static void user_set(int page, int state)
{
    static const int prot[] = { [ABSENT] = PROT_NONE, [PRESENT] = PROT_READ | PROT_WRITE, [COW] = PROT_READ };
    user_state[page] = state;
    CU_ASSERT_EQUAL(mprotect((void *)(uintptr_t)(USER_BASE + page * 4096u), 4096, prot[state]), 0);
}
int user_page_fault(uint32_t va, int write)
{
    user_faults++;
    uint32_t page = (va - USER_BASE) / 4096u;
    if (va < USER_BASE || page >= USER_PAGES || user_state[page] == ABSENT)
        return -EFAULT;
    if (write && user_state[page] == COW)
        user_set((int)page, PRESENT);
    return 0;
}
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    abort();
}

/* ---- building archives ---- */
static unsigned char archive[16 * 512];
static size_t archive_len;

static void add_entry(const char *name, char type, const char *data)
{
    unsigned char *h = archive + archive_len;
    size_t size = data ? strlen(data) : 0;
    memset(h, 0, 512);
    strncpy((char *)h, name, 100);
    sprintf((char *)h + 100, "%07o", 0644);
    sprintf((char *)h + 124, "%011zo", size);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    unsigned int sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    sprintf((char *)h + 148, "%06o", sum);
    archive_len += 512;
    if (size) {
        memcpy(archive + archive_len, data, size);
        archive_len += (size + 511) & ~(size_t)511;
    }
}

static void build_archive(void)
{
    memset(archive, 0, sizeof(archive));
    archive_len = 0;
    add_entry("./", '5', NULL);
    add_entry("./etc/", '5', NULL);
    add_entry("./etc/motd", '0', "hello from the archive\n");
    add_entry("./bin/prog", '0', "\177ELF....");    /* bin/ is implied */
    add_entry("./link", '2', NULL);                  /* a symlink: skipped */
    archive_len += 1024;                             /* the two zero blocks */
}

static struct fd_table fds;

static int suite_init(void)
{
    fs_init();
    build_archive();
    if (fs_load_tar(archive, archive_len) != 4)
        return 1;
    fd_table_init_console(&fds);
    /* The guest's user addresses, free in a host process's address space. */
    void *user = mmap((void *)(uintptr_t)USER_BASE, USER_PAGES * 4096, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    user_mapped = user == (void *)(uintptr_t)USER_BASE;
    return 0;
}

/* ---- tar ---- */
static void test_tar_entries(void)
{
    struct tar_entry e;
    size_t off = 0;
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 1);
    CU_ASSERT_STRING_EQUAL(e.path, "./");
    CU_ASSERT_EQUAL(e.type, TAR_DIR);
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 1);
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 1);
    CU_ASSERT_STRING_EQUAL(e.path, "./etc/motd");
    CU_ASSERT_EQUAL(e.size, 23);
    CU_ASSERT_EQUAL(e.mode, 0644);
    CU_ASSERT_PTR_EQUAL(e.data, archive + 3 * 512);
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 1);
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 1);
    CU_ASSERT_EQUAL(e.type, '2');
    CU_ASSERT_EQUAL(tar_next(archive, archive_len, &off, &e), 0);
    CU_ASSERT_EQUAL(tar_next(archive, 0, &(size_t){ 0 }, &e), 0);
}

static void test_tar_malformed(void)
{
    unsigned char copy[sizeof(archive)];
    struct tar_entry e;
    size_t off;

    memcpy(copy, archive, sizeof(copy));
    copy[1024] ^= 1;                                 /* name byte: checksum now wrong */
    off = 1024;
    CU_ASSERT_EQUAL(tar_next(copy, archive_len, &off, &e), -EINVAL);

    memcpy(copy, archive, sizeof(copy));
    off = 1024;                                      /* data would run past the end */
    CU_ASSERT_EQUAL(tar_next(copy, 1024 + 512 + 10, &off, &e), -EINVAL);

    memcpy(copy, archive, sizeof(copy));
    memcpy(copy + 257, "xxxxx", 5);                  /* not ustar (checksum fixed below) */
    memset(copy + 148, ' ', 8);
    unsigned int sum = 0;
    for (int i = 0; i < 512; i++)
        sum += copy[i];
    sprintf((char *)copy + 148, "%06o", sum);
    off = 0;
    CU_ASSERT_EQUAL(tar_next(copy, archive_len, &off, &e), -EINVAL);
    CU_ASSERT_EQUAL(fs_load_tar(copy, archive_len), -EINVAL);
}

/* ---- paths and reads ---- */
static void test_read_archive_file(void)
{
    char buf[64] = "";
    int fd = fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0);
    CU_ASSERT_EQUAL(fd, 3);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf, 5), 5);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf + 5, sizeof(buf)), 18);
    CU_ASSERT_STRING_EQUAL(buf, "hello from the archive\n");
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf, sizeof(buf)), 0);
    struct fs_stat st;
    CU_ASSERT_EQUAL(fs_fstat(&fds, fd, &st), 0);
    CU_ASSERT_EQUAL(st.mode, FS_S_IFREG | 0644);
    CU_ASSERT_EQUAL(st.size, 23);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "x", 1), -EBADF);
    CU_ASSERT_EQUAL(fs_close(&fds, fd), 0);
    CU_ASSERT_EQUAL(fs_close(&fds, fd), -EBADF);

    const void *image;
    size_t size;
    CU_ASSERT_EQUAL(fs_file_image("bin//prog", &image, &size), 0);
    CU_ASSERT_PTR_EQUAL(image, archive + 5 * 512);
    CU_ASSERT_EQUAL(size, 8);
    CU_ASSERT_EQUAL(fs_file_image("/bin", &image, &size), -EISDIR);
}

static void test_paths(void)
{
    int fd = fs_open(&fds, "/bin/../etc/./motd", FS_O_RDONLY, 0);
    CU_ASSERT(fd >= 0);
    fs_close(&fds, fd);
    CU_ASSERT_EQUAL(fs_open(&fds, "/etc/missing", FS_O_RDONLY, 0), -ENOENT);
    CU_ASSERT_EQUAL(fs_open(&fds, "/nodir/x", FS_O_RDONLY | FS_O_CREAT, 0644), -ENOENT);
    CU_ASSERT_EQUAL(fs_open(&fds, "/etc/motd/x", FS_O_RDONLY, 0), -ENOTDIR);
    CU_ASSERT_EQUAL(fs_open(&fds, "", FS_O_RDONLY, 0), -ENOENT);
    CU_ASSERT_EQUAL(fs_open(&fds, "/etc", FS_O_RDWR, 0), -EISDIR);
    CU_ASSERT_EQUAL(fs_open(&fds, "/etc/motd", 3, 0), -EINVAL);
    char name[80];
    memset(name, 'a', sizeof(name));
    name[0] = '/';
    name[61] = 0;                                    /* a 60-byte component */
    CU_ASSERT_EQUAL(fs_open(&fds, name, FS_O_RDWR | FS_O_CREAT, 0644), -ENAMETOOLONG);
    name[60] = 0;                                    /* 59 bytes: the limit */
    fd = fs_open(&fds, name, FS_O_RDWR | FS_O_CREAT, 0644);
    CU_ASSERT(fd >= 0);
    fs_close(&fds, fd);
    CU_ASSERT_EQUAL(fs_unlink(name), 0);
    CU_ASSERT_EQUAL(fs_mkdir("/", 0755), -EEXIST);
    CU_ASSERT_EQUAL(fs_mkdir("/etc", 0755), -EEXIST);
    CU_ASSERT_EQUAL(fs_unlink("/"), -EISDIR);
    CU_ASSERT_EQUAL(fs_unlink("/etc"), -EISDIR);
}

/* ---- writing ---- */
static void test_copy_on_write(void)
{
    unsigned char before[sizeof(archive)];
    memcpy(before, archive, sizeof(before));
    int fd = fs_open(&fds, "/etc/motd", FS_O_RDWR, 0);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "HELLO", 5), 5);
    CU_ASSERT_EQUAL(memcmp(before, archive, sizeof(before)), 0);   /* the archive is untouched */
    char buf[32] = "";
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 0, FS_SEEK_SET), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf, sizeof(buf)), 23);
    CU_ASSERT_STRING_EQUAL(buf, "HELLO from the archive\n");
    const void *image;
    size_t size;
    CU_ASSERT_EQUAL(fs_file_image("/etc/motd", &image, &size), -ENOEXEC);
    fs_close(&fds, fd);
}

static void test_growth_and_free(void)
{
    int base = pages_out;
    int fd = fs_open(&fds, "/big", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL, 0600);
    CU_ASSERT(fd >= 0);
    CU_ASSERT_EQUAL(fs_open(&fds, "/big", FS_O_RDWR | FS_O_CREAT | FS_O_EXCL, 0600), -EEXIST);
    static char block[10000];
    memset(block, 'z', sizeof(block));
    CU_ASSERT_EQUAL(fs_write(&fds, fd, block, sizeof(block)), 10000);
    CU_ASSERT_EQUAL(pages_out - base, 1 + 3);        /* pages[] and three data pages */
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 100000, FS_SEEK_SET), 100000);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "tail", 4), 4);
    CU_ASSERT_EQUAL(pages_out - base, 1 + 4);        /* the hole takes no pages */
    char buf[8] = "x";
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 50000, FS_SEEK_SET), 50000);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf, 4), 4);
    CU_ASSERT_EQUAL(memcmp(buf, "\0\0\0\0", 4), 0);
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, -4, FS_SEEK_END), 100000);
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, -1, FS_SEEK_SET), -EINVAL);
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 0, 3), -EINVAL);
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 3u << 20, FS_SEEK_SET), 3 << 20);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "x", 1), -EFBIG);
    fs_close(&fds, fd);

    /* O_TRUNC gives the pages back; so does unlink. */
    fd = fs_open(&fds, "/big", FS_O_WRONLY | FS_O_TRUNC, 0);
    CU_ASSERT_EQUAL(pages_out, base);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, block, 5000), 5000);
    fs_close(&fds, fd);
    CU_ASSERT_EQUAL(fs_unlink("/big"), 0);
    CU_ASSERT_EQUAL(pages_out, base);

    /* Out of memory: a short write, then ENOSPC. */
    fd = fs_open(&fds, "/full", FS_O_RDWR | FS_O_CREAT, 0600);
    page_limit = pages_out + 3;                      /* pages[] and two data pages */
    CU_ASSERT_EQUAL(fs_write(&fds, fd, block, sizeof(block)), 8192);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, block, 10), -ENOSPC);
    page_limit = 1 << 20;
    fs_close(&fds, fd);
    fs_unlink("/full");
    CU_ASSERT_EQUAL(pages_out, base);
}

static void test_append_and_unlink_open(void)
{
    int base = pages_out;
    int fd = fs_open(&fds, "/log", FS_O_WRONLY | FS_O_CREAT | FS_O_APPEND, 0644);
    int fd2 = fs_open(&fds, "/log", FS_O_RDWR, 0);
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "one ", 4), 4);
    CU_ASSERT_EQUAL(fs_write(&fds, fd2, "ONE", 3), 3);   /* at offset 0 */
    CU_ASSERT_EQUAL(fs_write(&fds, fd, "two", 3), 3);    /* appended */
    CU_ASSERT_EQUAL(fs_close(&fds, fd), 0);
    CU_ASSERT_EQUAL(fs_unlink("/log"), 0);
    CU_ASSERT_EQUAL(fs_open(&fds, "/log", FS_O_RDONLY, 0), -ENOENT);
    char buf[16] = "";
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd2, 0, FS_SEEK_SET), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, fd2, buf, sizeof(buf)), 7);
    CU_ASSERT_STRING_EQUAL(buf, "ONE two");
    CU_ASSERT(pages_out > base);
    CU_ASSERT_EQUAL(fs_close(&fds, fd2), 0);             /* the last reference */
    CU_ASSERT_EQUAL(pages_out, base);
}

/* ---- directories ---- */
static void test_getdents(void)
{
    CU_ASSERT_EQUAL(fs_mkdir("/home", 0755), 0);
    CU_ASSERT_EQUAL(fs_mkdir("/home/user", 0700), 0);
    int fd = fs_open(&fds, "/", FS_O_RDONLY, 0);
    char buf[256];
    CU_ASSERT_EQUAL(fs_getdents(&fds, fd, buf, 8), -EINVAL);
    char names[128] = "";
    long n;
    /* A 24-byte buffer holds one record at a time ("home": 8 + 5 -> 16). */
    while ((n = fs_getdents(&fds, fd, buf, 24)) > 0) {
        for (long off = 0; off < n;) {
            struct fs_dirent d;
            memcpy(&d, buf + off, sizeof(d));
            strcat(names, buf + off + sizeof(d));
            strcat(names, d.type == FS_DT_DIR ? "/ " : " ");
            CU_ASSERT_EQUAL(d.reclen % 4, 0);
            off += d.reclen;
        }
    }
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_STRING_EQUAL(names, "dev/ etc/ bin/ home/ ");
    CU_ASSERT_EQUAL(fs_lseek(&fds, fd, 0, FS_SEEK_SET), 0);     /* rewind */
    CU_ASSERT(fs_getdents(&fds, fd, buf, sizeof(buf)) > 0);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, buf, 1), -EISDIR);
    fs_close(&fds, fd);
    fd = fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0);
    CU_ASSERT_EQUAL(fs_getdents(&fds, fd, buf, sizeof(buf)), -ENOTDIR);
    fs_close(&fds, fd);
}

/* ---- descriptors and the console ---- */
static void test_descriptors(void)
{
    int opened[NOFILE], n = 0, fd;
    while ((fd = fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0)) >= 0)
        opened[n++] = fd;
    CU_ASSERT_EQUAL(fd, -EMFILE);
    CU_ASSERT_EQUAL(n, NOFILE - 3);
    CU_ASSERT_EQUAL(fs_open(&fds, "/new", FS_O_RDWR | FS_O_CREAT, 0644), -EMFILE);
    CU_ASSERT_EQUAL(fs_open(&fds, "/new", FS_O_RDONLY, 0), -ENOENT);   /* not left behind */
    struct fd_table child;
    fd_table_copy(&child, &fds);
    fd_table_close_all(&fds);
    CU_ASSERT_EQUAL(fs_read(&fds, 1, opened, 1), -EBADF);
    char buf[4];
    CU_ASSERT_EQUAL(fs_read(&child, opened[0], buf, 4), 4);    /* still open in the copy */
    fd_table_close_all(&child);
    fd_table_init_console(&fds);
    CU_ASSERT_EQUAL(fs_read(&fds, -1, buf, 1), -EBADF);
    CU_ASSERT_EQUAL(fs_read(&fds, NOFILE, buf, 1), -EBADF);
}

static void test_console(void)
{
    console_len = 0;
    CU_ASSERT_EQUAL(fs_write(&fds, 1, "out ", 4), 4);
    CU_ASSERT_EQUAL(fs_write(&fds, 2, "err", 3), 3);
    CU_ASSERT_EQUAL(console_len, 7);
    CU_ASSERT_EQUAL(memcmp(console_out, "out err", 7), 0);
    console_in = "ab\ncd\n";
    char buf[8] = "";
    CU_ASSERT_EQUAL(fs_read(&fds, 0, buf, sizeof(buf)), 3);    /* one line at a time */
    CU_ASSERT_EQUAL(memcmp(buf, "ab\n", 3), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, 0, buf, sizeof(buf)), 3);
    CU_ASSERT_EQUAL(memcmp(buf, "cd\n", 3), 0);
    CU_ASSERT_EQUAL(fs_lseek(&fds, 0, 0, FS_SEEK_SET), -ESPIPE);
    struct fs_stat st;
    CU_ASSERT_EQUAL(fs_fstat(&fds, 0, &st), 0);
    CU_ASSERT_EQUAL(st.mode & FS_S_IFMT, FS_S_IFCHR);
}

/* Read one line from the console with `typed` as input (NULL: what is
 * left of the last input): the bytes read (a NUL-terminated string in
 * line) and what was echoed (in console_out). */
static long console_line(const char *typed, char *line, size_t len)
{
    if (typed)
        console_in = typed;
    console_len = 0;
    memset(console_out, 0, sizeof(console_out));
    memset(line, 0, len);
    return fs_read(&fds, 0, line, len - 1);
}

static void test_console_editing(void)
{
    char line[64];
    sleeps = 0;
    CU_ASSERT_EQUAL(console_line("ab\177c\r", line, sizeof(line)), 3);   /* DEL, Enter */
    CU_ASSERT_STRING_EQUAL(line, "ac\n");
    CU_ASSERT_STRING_EQUAL(console_out, "ab\b \bc\n");
    CU_ASSERT_EQUAL(console_line("\bxyz\025ok\n", line, sizeof(line)), 3);   /* BS at the start, Ctrl-U */
    CU_ASSERT_STRING_EQUAL(line, "ok\n");
    CU_ASSERT_STRING_EQUAL(console_out, "xyz\b \b\b \b\b \bok\n");
    CU_ASSERT_EQUAL(console_line("\004", line, sizeof(line)), 0);    /* Ctrl-D: end of file */
    CU_ASSERT_EQUAL(console_line("half\004", line, sizeof(line)), 4); /* mid-line: the text so far */
    CU_ASSERT_STRING_EQUAL(line, "half");
    CU_ASSERT_EQUAL(console_line("hello\nnext\n", line, 3), 2);     /* a short buffer ... */
    CU_ASSERT_STRING_EQUAL(line, "he");
    CU_ASSERT_STRING_EQUAL(console_out, "hello\n");   /* typed ahead: echoed when read */
    CU_ASSERT_EQUAL(console_line(NULL, line, sizeof(line)), 4);     /* ... the rest next time */
    CU_ASSERT_STRING_EQUAL(line, "llo\n");
    CU_ASSERT_EQUAL(console_out[0], 0);
    CU_ASSERT_EQUAL(console_line(NULL, line, sizeof(line)), 5);
    CU_ASSERT_STRING_EQUAL(line, "next\n");
    CU_ASSERT_STRING_EQUAL(console_out, "next\n");
    CU_ASSERT_EQUAL(sleeps, 0);
    /* Text ended by Ctrl-D is not joined with the line after it. */
    CU_ASSERT_EQUAL(console_line("ab\004cd\n\004", line, sizeof(line)), 2);
    CU_ASSERT_STRING_EQUAL(line, "ab");
    CU_ASSERT_EQUAL(console_line(NULL, line, sizeof(line)), 3);
    CU_ASSERT_STRING_EQUAL(line, "cd\n");
    CU_ASSERT_EQUAL(console_line(NULL, line, sizeof(line)), 0);     /* then end of file */
    /* Nothing typed yet: poll a tick at a time until a line is complete. */
    console_later = "late\n";
    CU_ASSERT_EQUAL(console_line("la", line, sizeof(line)), 7);
    CU_ASSERT_STRING_EQUAL(line, "lalate\n");
    CU_ASSERT_EQUAL(sleeps, 1);
    signal_flag = 1;                                               /* a signal ends the wait */
    CU_ASSERT_EQUAL(console_line("", line, sizeof(line)), -EINTR);
    signal_flag = 0;
    /* A line longer than the buffer keeps its last byte for the newline. */
    static char longline[400];
    memset(longline, 'x', 300);
    longline[300] = '\n';
    console_in = longline;
    static char big[400];
    CU_ASSERT_EQUAL(fs_read(&fds, 0, big, sizeof(big)), 256);
    CU_ASSERT_EQUAL(big[254], 'x');
    CU_ASSERT_EQUAL(big[255], '\n');
    signal_flag = 1;                                               /* nothing left over */
    CU_ASSERT_EQUAL(console_line("", line, sizeof(line)), -EINTR);
    signal_flag = 0;
}

/* ---- pipes ---- */
static int pipe_fd[2];
static void hook_read_4096(void)
{
    static char sink[4096];
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], sink, sizeof(sink)), 4096);
}
static void hook_read_104(void)
{
    char sink[104];
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], sink, sizeof(sink)), 104);
}
static void hook_write_x(void) { CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], "x", 1), 1); }
static void hook_close_writer(void) { CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0); }
static void hook_close_reader(void) { CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0); }

static void test_pipe_basics(void)
{
    int base = pages_out;
    char buf[16] = "";
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    CU_ASSERT_EQUAL(pipe_fd[0], 3);                  /* the lowest free descriptors */
    CU_ASSERT_EQUAL(pipe_fd[1], 4);
    CU_ASSERT_EQUAL(pages_out - base, 1);            /* the buffer */
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], "hello", 5), 5);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, 2), 2);          /* partial reads */
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf + 2, sizeof(buf)), 3);
    CU_ASSERT_STRING_EQUAL(buf, "hello");
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[1], buf, 1), -EBADF);     /* the wrong ends */
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[0], "x", 1), -EBADF);
    CU_ASSERT_EQUAL(fs_lseek(&fds, pipe_fd[0], 0, FS_SEEK_SET), -ESPIPE);
    CU_ASSERT_EQUAL(fs_getdents(&fds, pipe_fd[0], buf, sizeof(buf)), -ENOTDIR);
    struct fs_stat st;
    CU_ASSERT_EQUAL(fs_fstat(&fds, pipe_fd[1], &st), 0);
    CU_ASSERT_EQUAL(st.mode & FS_S_IFMT, FS_S_IFIFO);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, 0), 0);          /* empty, 0 bytes: no wait */

    /* End of file: bytes still there are read first. */
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], "last", 4), 4);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, sizeof(buf)), 4);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(pages_out - base, 1);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0);
    CU_ASSERT_EQUAL(pages_out, base);                /* both ends closed: freed */

    /* No reader: EPIPE. */
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0);
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], "x", 1), -EPIPE);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0);
    CU_ASSERT_EQUAL(pages_out, base);
}

static void test_pipe_wrap_and_full(void)
{
    static unsigned char out[5000], in[5000];
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (unsigned char)(i * 7 + i / 251);
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    /* Around the end of the ring: 3000 in and out, then 3000 more. */
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 3000), 3000);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, 3000), 3000);
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out + 1000, 3000), 3000);
    memset(in, 0, sizeof(in));
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 3000);
    CU_ASSERT_EQUAL(memcmp(in, out + 1000, 3000), 0);

    /* Full: a write waits for the reader (played by the hook) and then
     * finishes; without a sleep when there is room. */
    sleeps = 0;
    sleep_hook = hook_read_4096;
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 5000), 5000);
    CU_ASSERT_EQUAL(sleeps, 1);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 5000 - 4096);
    CU_ASSERT_EQUAL(memcmp(in, out + 4096, 5000 - 4096), 0);

    /* A small write goes in whole: with 96 bytes free, 200 bytes wait
     * (for exactly 200 free: the hook reads 104). */
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 4000), 4000);
    sleeps = 0;
    sleep_hook = hook_read_104;
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 200), 200);
    CU_ASSERT_EQUAL(sleeps, 1);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 4096);

    /* A read of an empty pipe waits for a writer's bytes, or its close. */
    sleeps = 0;
    sleep_hook = hook_write_x;
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 1);
    CU_ASSERT_EQUAL(sleeps, 1);

    /* A signal: EINTR when nothing moved, else the count so far. */
    signal_flag = 1;
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), -EINTR);
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 5000), 4096);
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 1), -EINTR);
    signal_flag = 0;
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 4096);

    /* The last close of one end wakes a sleeper on the other. */
    wakeups = 0;
    sleep_hook = hook_close_writer;
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], in, sizeof(in)), 0);
    CU_ASSERT(wakeups > 0);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0);

    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 4096), 4096);
    sleep_hook = hook_close_reader;
    CU_ASSERT_EQUAL(fs_write(&fds, pipe_fd[1], out, 10), -EPIPE);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0);
}

static void test_pipe_fork_counts(void)
{
    int base = pages_out;
    char buf[8] = "";
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    struct fd_table child;
    fd_table_copy(&child, &fds);                     /* fork: both ends shared */
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0);   /* the parent's writer */
    CU_ASSERT_EQUAL(fs_write(&child, pipe_fd[1], "hi", 2), 2);   /* the child's still writes */
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, sizeof(buf)), 2);
    CU_ASSERT_EQUAL(fs_close(&child, pipe_fd[0]), 0);             /* a reader is left */
    CU_ASSERT_EQUAL(fs_write(&child, pipe_fd[1], "x", 1), 1);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, sizeof(buf)), 1);
    wakeups = 0;
    fd_table_close_all(&child);                      /* the child exits: the last writer */
    CU_ASSERT(wakeups > 0);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], buf, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0);
    CU_ASSERT_EQUAL(pages_out, base);
}

static void test_pipe_limits(void)
{
    int base = pages_out, fd, opened[NOFILE], n = 0;
    while ((fd = fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0)) >= 0)
        opened[n++] = fd;
    fs_close(&fds, opened[--n]);                     /* one descriptor left */
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), -EMFILE);
    CU_ASSERT_EQUAL(pages_out, base);
    CU_ASSERT_EQUAL(fs_dup(&fds, 0), NOFILE - 1);     /* it is still free */
    fs_close(&fds, NOFILE - 1);
    while (n)
        fs_close(&fds, opened[--n]);
    page_limit = pages_out;                          /* no page for the buffer */
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), -ENOMEM);
    page_limit = 1 << 20;
    CU_ASSERT_EQUAL(fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0), 3);   /* nothing left behind */
    fs_close(&fds, 3);
}

/* ---- dup and dup2 ---- */
static void test_dup(void)
{
    char a[4] = "", b[4] = "";
    int fd = fs_open(&fds, "/etc/motd", FS_O_RDONLY, 0);
    int copy = fs_dup(&fds, fd);
    CU_ASSERT_EQUAL(copy, fd + 1);
    CU_ASSERT_EQUAL(fs_read(&fds, fd, a, 3), 3);
    CU_ASSERT_EQUAL(fs_read(&fds, copy, b, 3), 3);   /* one offset */
    CU_ASSERT_STRING_EQUAL(a, "HEL");                /* (test_copy_on_write wrote it) */
    CU_ASSERT_STRING_EQUAL(b, "LO ");
    CU_ASSERT_EQUAL(fs_close(&fds, fd), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, copy, b, 3), 3);   /* still open */
    CU_ASSERT_EQUAL(fs_dup(&fds, NOFILE), -EBADF);
    CU_ASSERT_EQUAL(fs_dup(&fds, fd), -EBADF);
    CU_ASSERT_EQUAL(fs_dup(&fds, 0), fd);            /* the lowest free */

    CU_ASSERT_EQUAL(fs_dup2(&fds, copy, copy), copy);
    CU_ASSERT_EQUAL(fs_dup2(&fds, fd + 5, 9), -EBADF);
    CU_ASSERT_EQUAL(fs_dup2(&fds, copy, NOFILE), -EBADF);
    CU_ASSERT_EQUAL(fs_dup2(&fds, copy, -1), -EBADF);
    CU_ASSERT_EQUAL(fs_dup2(&fds, copy, 12), 12);
    CU_ASSERT_EQUAL(fs_read(&fds, 12, a, 3), 3);
    CU_ASSERT_STRING_EQUAL(a, "m t");

    /* dup2 onto an open descriptor closes it first: here the write end of
     * a pipe, so the read end sees end of file. */
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    CU_ASSERT_EQUAL(fs_dup2(&fds, 12, pipe_fd[1]), pipe_fd[1]);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], a, 3), 0);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[1], a, 3), 3);   /* now the file */
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[0]), 0);
    /* stdout into a pipe, the shell's way. */
    CU_ASSERT_EQUAL(fs_pipe(&fds, pipe_fd), 0);
    int saved = fs_dup(&fds, 1);
    CU_ASSERT_EQUAL(fs_dup2(&fds, pipe_fd[1], 1), 1);
    CU_ASSERT_EQUAL(fs_close(&fds, pipe_fd[1]), 0);
    CU_ASSERT_EQUAL(fs_write(&fds, 1, "out", 3), 3);
    CU_ASSERT_EQUAL(fs_dup2(&fds, saved, 1), 1);     /* the last writer closed */
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], b, 4), 3);
    CU_ASSERT_EQUAL(fs_read(&fds, pipe_fd[0], b, 4), 0);
    fd_table_close_all(&fds);
    fd_table_init_console(&fds);
}

/* ---- user memory (uaccess.c) ---- */
#define UPAGE(i) (USER_BASE + (i) * 4096u)
static void test_uaccess(void)
{
    CU_ASSERT_FATAL(user_mapped);                    /* 0x40000000 free on this host */
    user_set(0, PRESENT);
    user_set(1, COW);
    user_set(2, ABSENT);
    user_set(3, PRESENT);
    char buf[8192];
    memset(buf, 'k', sizeof(buf));

    /* Across a page boundary into a copy-on-write page: it becomes writable. */
    CU_ASSERT_EQUAL(copy_to_user(UPAGE(1) - 4, "abcdefgh", 8), 0);
    CU_ASSERT_EQUAL(user_state[1], PRESENT);
    CU_ASSERT_EQUAL(memcmp((char *)(uintptr_t)(UPAGE(1) - 4), "abcdefgh", 8), 0);
    char back[8];
    CU_ASSERT_EQUAL(copy_from_user(back, UPAGE(1) - 4, 8), 0);
    CU_ASSERT_EQUAL(memcmp(back, "abcdefgh", 8), 0);

    /* Reading a copy-on-write page keeps it read-only. */
    user_set(1, COW);
    CU_ASSERT_EQUAL(copy_from_user(back, UPAGE(1), 8), 0);
    CU_ASSERT_EQUAL(user_state[1], COW);

    /* An absent page anywhere in the range: EFAULT, and it is not touched
     * (PROT_NONE would kill the test). */
    CU_ASSERT_EQUAL(copy_to_user(UPAGE(1) + 100, buf, 8192), -EFAULT);
    CU_ASSERT_EQUAL(copy_from_user(buf, UPAGE(2) + 4000, 10), -EFAULT);
    CU_ASSERT_EQUAL(fault_in_user(UPAGE(0), 3 * 4096, 0), -EFAULT);
    CU_ASSERT_EQUAL(fault_in_user(UPAGE(0), 2 * 4096, 1), 0);

    /* Outside user space: refused before any page is looked at. */
    user_faults = 0;
    CU_ASSERT_EQUAL(copy_from_user(buf, 0x1000, 4), -EFAULT);
    CU_ASSERT_EQUAL(copy_to_user(USER_END - 4, buf, 8), -EFAULT);
    CU_ASSERT_EQUAL(copy_from_user(buf, 0xfffffff0u, 0x20), -EFAULT);
    CU_ASSERT_EQUAL(user_faults, 0);
    CU_ASSERT_EQUAL(copy_to_user(0, buf, 0), 0);     /* nothing to copy */
    CU_ASSERT(user_range_ok(USER_END - 4, 4));
    CU_ASSERT(!user_range_ok(USER_END, 0));

    /* Strings: the length, ENAMETOOLONG, and EFAULT at an absent page. */
    char str[16];
    strcpy((char *)(uintptr_t)(UPAGE(0) + 4090), "across");
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(0) + 4090, sizeof(str)), 6);
    CU_ASSERT_STRING_EQUAL(str, "across");
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(0) + 4090, 6), -ENAMETOOLONG);
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(0) + 4090, 7), 6);
    memset((char *)(uintptr_t)(UPAGE(1) + 4090), 'z', 6);
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(1) + 4090, sizeof(str)), -EFAULT);
    CU_ASSERT_EQUAL(copy_string_from_user(str, 0x100000, sizeof(str)), -EFAULT);
    *(char *)(uintptr_t)(UPAGE(3) + 4095) = 'q';     /* the next page is not the process's */
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(3) + 4095, sizeof(str)), -EFAULT);
    *(char *)(uintptr_t)(UPAGE(3) + 4095) = 0;
    CU_ASSERT_EQUAL(copy_string_from_user(str, UPAGE(3) + 4095, sizeof(str)), 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("guest_fs", suite_init, NULL);
    CU_add_test(s, "tar entries", test_tar_entries);
    CU_add_test(s, "tar malformed", test_tar_malformed);
    CU_add_test(s, "read an archive file", test_read_archive_file);
    CU_add_test(s, "paths", test_paths);
    CU_add_test(s, "copy on first write", test_copy_on_write);
    CU_add_test(s, "growth, holes, freeing", test_growth_and_free);
    CU_add_test(s, "append, unlink an open file", test_append_and_unlink_open);
    CU_add_test(s, "getdents", test_getdents);
    CU_add_test(s, "descriptors", test_descriptors);
    CU_add_test(s, "console", test_console);
    CU_add_test(s, "console line editing", test_console_editing);
    CU_add_test(s, "pipes: EOF, EPIPE, freeing", test_pipe_basics);
    CU_add_test(s, "pipes: wrap-around, blocking, EINTR", test_pipe_wrap_and_full);
    CU_add_test(s, "pipes: ends shared over fork", test_pipe_fork_counts);
    CU_add_test(s, "pipes: limits", test_pipe_limits);
    CU_add_test(s, "dup and dup2", test_dup);
    CU_add_test(s, "user memory access", test_uaccess);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
