/*
 * Host tests of guest-os's RAM file system (guest-os/kernel/fs.c) and its
 * ustar reader (guest-os/kernel/tar.c), compiled for the host by
 * guest-os/guest-os.mk. This file supplies what the kernel would: the page
 * allocator (with a limit, to reach ENOSPC), the console and panic.
 * Checks: archives parsed in place and malformed ones refused; paths;
 * reads of archive data and copy-on-first-write (the archive is never
 * written); growth, holes, truncation and every page given back; unlink
 * of an open file; getdents; descriptor limits; the console device.
 */
#include <CUnit/Basic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* The kernel's error numbers (newlib's): two differ from the host's. */
#undef ENOSYS
#undef ENAMETOOLONG
#include "errno.h"
#include "fs.h"
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
/* The console read waits a tick at a time when no input is waiting. */
uint64_t arch_time_ns(void) { return 0; }
void sleep_until(uint64_t wake_ns) { (void)wake_ns; CU_FAIL("console read blocked"); console_in = "\n"; }
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
    console_in = "ab\ncd";
    char buf[8] = "";
    CU_ASSERT_EQUAL(fs_read(&fds, 0, buf, sizeof(buf)), 3);    /* up to the newline */
    CU_ASSERT_EQUAL(fs_read(&fds, 0, buf, sizeof(buf)), 2);
    CU_ASSERT_EQUAL(fs_lseek(&fds, 0, 0, FS_SEEK_SET), -ESPIPE);
    struct fs_stat st;
    CU_ASSERT_EQUAL(fs_fstat(&fds, 0, &st), 0);
    CU_ASSERT_EQUAL(st.mode & FS_S_IFMT, FS_S_IFCHR);
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
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
