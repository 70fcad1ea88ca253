/*
 * guest-os: the file system calls. Each copies the user's data in or out
 * through kernel/uaccess.c (so a bad pointer gives -EFAULT, never a kernel
 * fault) and calls kernel/fs.c, which takes kernel pointers only, with the
 * running process's descriptor table.
 *
 * read, write and getdents go through a kernel bounce buffer: a page from
 * page_alloc for large transfers (one system call moves a page per trip
 * into fs.c), a small buffer on the kernel stack for small ones or when
 * memory is short. It is per call, not static, because a pipe or console
 * read sleeps and another process may enter the same call meanwhile.
 * Before fs.c consumes anything that cannot be put back (a pipe's bytes, a
 * console line, directory entries, a file offset), the destination is
 * faulted in, so the copy out cannot fail half way.
 */
#include "kernel.h"
#include "errno.h"
#include "sys_nr.h"

#define SMALL_BOUNCE 512          /* = PIPE_BUF: a small pipe write stays whole */

struct bounce {
    unsigned char *buf;
    size_t size;
    int is_page;
    unsigned char small[SMALL_BOUNCE];
};

/* Set b up for a transfer of len bytes: a page when len is large and a page
 * is free, else b->small. */
static void bounce_get(struct bounce *b, size_t len)
{
    b->is_page = len > SMALL_BOUNCE && (b->buf = page_alloc()) != NULL;
    if (!b->is_page)
        b->buf = b->small;
    b->size = b->is_page ? PAGE_SIZE : SMALL_BOUNCE;
}

static void bounce_put(struct bounce *b)
{
    if (b->is_page)
        page_free(b->buf);
}

/* Is fd a regular file (reads may continue past a full chunk without
 * blocking)? A negative errno if fd is not open. */
static int fd_is_regular(int fd)
{
    struct fs_stat st;
    int rc = fs_fstat(&current->fds, fd, &st);
    return rc ? rc : (st.mode & FS_S_IFMT) == FS_S_IFREG;
}

long sys_open(uint32_t upath, uint32_t flags, uint32_t mode)
{
    char path[FS_PATH_MAX];
    int rc = copy_string_from_user(path, upath, sizeof(path));
    return rc < 0 ? rc : fs_open(&current->fds, path, (int)flags, mode);
}

long sys_close(uint32_t fd, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    return fs_close(&current->fds, (int)fd);
}

/* read: a regular file is read a chunk at a time until len bytes or its
 * end; a pipe or the console returns after its first chunk (what it had,
 * or one line), as a second trip could block with bytes already read. */
long sys_read(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    int regular = fd_is_regular((int)fd);
    if (regular < 0)
        return regular;
    if (!user_range_ok(ubuf, len))
        return -EFAULT;
    if (len == 0)
        return 0;
    struct bounce b;
    bounce_get(&b, len);
    long done = 0, rc = 0;
    while ((uint32_t)done < len) {
        uint32_t uva = ubuf + (uint32_t)done;
        size_t chunk = len - (uint32_t)done < b.size ? len - (uint32_t)done : b.size;
        if ((rc = fault_in_user(uva, chunk, 1)))
            break;
        long n = fs_read(&current->fds, (int)fd, b.buf, chunk);
        if (n < 0) {
            rc = n;
            break;
        }
        if ((rc = copy_to_user(uva, b.buf, (size_t)n)))
            break;
        done += n;
        if ((size_t)n < chunk || !regular)
            break;
    }
    bounce_put(&b);
    return done ? done : rc;
}

/* write: chunk by chunk; a short or failed chunk ends it, and what was
 * written before counts (POSIX's partial write). A pipe without a reader
 * also sends SIGPIPE. */
long sys_write(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    if (!user_range_ok(ubuf, len))
        return -EFAULT;
    if (len == 0) {
        unsigned char none;
        return fs_write(&current->fds, (int)fd, &none, 0);   /* still -EBADF etc. */
    }
    struct bounce b;
    bounce_get(&b, len);
    long done = 0, rc = 0;
    while ((uint32_t)done < len) {
        size_t chunk = len - (uint32_t)done < b.size ? len - (uint32_t)done : b.size;
        if ((rc = copy_from_user(b.buf, ubuf + (uint32_t)done, chunk)))
            break;
        long n = fs_write(&current->fds, (int)fd, b.buf, chunk);
        if (n == -EPIPE)
            signal_send(current, GOS_SIGPIPE);   /* POSIX: and EPIPE if it is ignored */
        if (n < 0) {
            rc = n;
            break;
        }
        done += n;
        if ((size_t)n < chunk)
            break;
    }
    bounce_put(&b);
    return done ? done : rc;
}

long sys_lseek(uint32_t fd, uint32_t offset, uint32_t whence)
{
    return fs_lseek(&current->fds, (int)fd, (int32_t)offset, (int)whence);
}

long sys_fstat(uint32_t fd, uint32_t ust, uint32_t unused)
{
    (void)unused;
    struct fs_stat st;
    int rc = fs_fstat(&current->fds, (int)fd, &st);
    return rc ? rc : copy_to_user(ust, &st, sizeof(st));
}

/* getdents: at most a page of records per call (the caller loops anyway). */
long sys_getdents(uint32_t fd, uint32_t ubuf, uint32_t len)
{
    struct bounce b;
    bounce_get(&b, len);
    size_t chunk = len < b.size ? len : b.size;
    long rc = fault_in_user(ubuf, chunk, 1);
    if (!rc)
        rc = fs_getdents(&current->fds, (int)fd, b.buf, chunk);
    if (rc > 0 && copy_to_user(ubuf, b.buf, (size_t)rc))
        rc = -EFAULT;
    bounce_put(&b);
    return rc;
}

long sys_unlink(uint32_t upath, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    char path[FS_PATH_MAX];
    int rc = copy_string_from_user(path, upath, sizeof(path));
    return rc < 0 ? rc : fs_unlink(path);
}

long sys_mkdir(uint32_t upath, uint32_t mode, uint32_t unused)
{
    (void)unused;
    char path[FS_PATH_MAX];
    int rc = copy_string_from_user(path, upath, sizeof(path));
    return rc < 0 ? rc : fs_mkdir(path, mode);
}

/* pipe(int fds[2]): the array is faulted in first, so a bad pointer leaves
 * no descriptors behind. */
long sys_pipe(uint32_t ufds, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    int fds[2];
    int rc = fault_in_user(ufds, sizeof(fds), 1);
    if (!rc)
        rc = fs_pipe(&current->fds, fds);
    if (!rc && (rc = copy_to_user(ufds, fds, sizeof(fds)))) {
        fs_close(&current->fds, fds[0]);
        fs_close(&current->fds, fds[1]);
    }
    return rc;
}

long sys_dup(uint32_t fd, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    return fs_dup(&current->fds, (int)fd);
}

long sys_dup2(uint32_t fd, uint32_t to, uint32_t unused)
{
    (void)unused;
    return fs_dup2(&current->fds, (int)fd, (int)to);
}
