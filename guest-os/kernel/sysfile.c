/*
 * guest-os: the file system calls. Each checks the user's pointers (the
 * whole range must lie in user space; a path is copied in byte by byte,
 * each address checked) and calls kernel/fs.c with the running process's
 * descriptor table. Not yet checked: that the pages are mapped (a bad
 * pointer inside user space faults in the kernel, which panics).
 */
#include "kernel.h"
#include "errno.h"
#include "sys_nr.h"

static int user_range_ok(uint32_t va, uint32_t len)
{
    return va >= USER_BASE && va < USER_END && len <= USER_END - va;
}

/* Copy the NUL-terminated path at user address uva into buf (FS_PATH_MAX). */
static int copy_path_in(char *buf, uint32_t uva)
{
    for (uint32_t i = 0; i < FS_PATH_MAX; i++) {
        if (!user_range_ok(uva + i, 1))
            return -EFAULT;
        if (!(buf[i] = ((const char *)uva)[i]))
            return 0;
    }
    return -ENAMETOOLONG;
}

long sys_open(uint32_t upath, uint32_t flags, uint32_t mode)
{
    char path[FS_PATH_MAX];
    int rc = copy_path_in(path, upath);
    return rc ? rc : fs_open(&current->fds, path, (int)flags, mode);
}

long sys_close(uint32_t fd, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    return fs_close(&current->fds, (int)fd);
}

long sys_read(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return fs_read(&current->fds, (int)fd, (void *)buf, len);
}

long sys_write(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return fs_write(&current->fds, (int)fd, (const void *)buf, len);
}

long sys_lseek(uint32_t fd, uint32_t offset, uint32_t whence)
{
    return fs_lseek(&current->fds, (int)fd, (int32_t)offset, (int)whence);
}

long sys_fstat(uint32_t fd, uint32_t ust, uint32_t unused)
{
    (void)unused;
    if (!user_range_ok(ust, sizeof(struct fs_stat)))
        return -EFAULT;
    struct fs_stat st;
    int rc = fs_fstat(&current->fds, (int)fd, &st);
    if (!rc)
        memcpy((void *)ust, &st, sizeof(st));
    return rc;
}

long sys_getdents(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (!user_range_ok(buf, len))
        return -EFAULT;
    return fs_getdents(&current->fds, (int)fd, (void *)buf, len);
}

long sys_unlink(uint32_t upath, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    char path[FS_PATH_MAX];
    int rc = copy_path_in(path, upath);
    return rc ? rc : fs_unlink(path);
}

long sys_mkdir(uint32_t upath, uint32_t mode, uint32_t unused)
{
    (void)unused;
    char path[FS_PATH_MAX];
    int rc = copy_path_in(path, upath);
    return rc ? rc : fs_mkdir(path, mode);
}
