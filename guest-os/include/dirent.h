/*
 * guest-os user programs: directories (newlib's generic build has no
 * <dirent.h>; this one is found first through -Iguest-os/include).
 * opendir/readdir/closedir in lib/dirent.c, over the getdents system call.
 */
#ifndef GUEST_OS_DIRENT_H
#define GUEST_OS_DIRENT_H

#include <stddef.h>
#include <sys/types.h>
#include "fs_abi.h"

struct dirent {
    ino_t d_ino;
    unsigned char d_type;             /* DT_DIR, DT_REG, DT_CHR */
    char d_name[FS_NAME_MAX + 1];
};
#define DT_CHR FS_DT_CHR
#define DT_DIR FS_DT_DIR
#define DT_REG FS_DT_REG

typedef struct DIR DIR;

DIR *opendir(const char *path);
struct dirent *readdir(DIR *dir);
int closedir(DIR *dir);
/* The system call: struct fs_dirent records into buf; bytes filled, 0 at
 * the end, -1 and errno on error. */
int getdents(int fd, void *buf, size_t len);

#endif
