/*
 * guest-os: the file system's system-call ABI, shared by the kernel
 * (kernel/fs.c, kernel/sysfile.c) and the C library glue (lib/). The open
 * flags and mode bits have newlib's values (sys/_default_fcntl.h,
 * sys/stat.h), so lib passes a program's flags through unchanged; fstat and
 * getdents fill the fixed-layout structures below, which lib converts.
 */
#ifndef GUEST_OS_FS_ABI_H
#define GUEST_OS_FS_ABI_H

#include <stdint.h>

/* open(path, flags, mode) */
#define FS_O_ACCMODE 0x0003
#define FS_O_RDONLY  0x0000
#define FS_O_WRONLY  0x0001
#define FS_O_RDWR    0x0002
#define FS_O_APPEND  0x0008
#define FS_O_CREAT   0x0200
#define FS_O_TRUNC   0x0400
#define FS_O_EXCL    0x0800

/* lseek(fd, offset, whence) */
#define FS_SEEK_SET 0
#define FS_SEEK_CUR 1
#define FS_SEEK_END 2

/* st_mode: the file type and the permission bits */
#define FS_S_IFMT  0170000
#define FS_S_IFDIR 0040000
#define FS_S_IFCHR 0020000
#define FS_S_IFREG 0100000
#define FS_S_IFIFO 0010000     /* a pipe */

#define FS_NAME_MAX 59        /* bytes in one path component */
#define FS_PATH_MAX 256       /* bytes in a path, with its NUL */

/* fstat(fd, struct fs_stat *) */
struct fs_stat {
    uint32_t ino, mode, nlink, size;
};

/* getdents(fd, buf, len): as many records as fit, each reclen bytes
 * (a multiple of 4); returns the bytes filled, 0 at the end. */
struct fs_dirent {
    uint32_t ino;
    uint16_t reclen;
    uint8_t type;             /* FS_DT_* */
    uint8_t namelen;
    char name[];              /* NUL-terminated */
};
#define FS_DT_CHR 2
#define FS_DT_DIR 4
#define FS_DT_REG 8

#endif
