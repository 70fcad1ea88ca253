/*
 * guest-os: the RAM file system (kernel/fs.c). The file system code takes
 * kernel pointers only; kernel/sysfile.c checks the user's pointers and
 * calls it with the running process's descriptor table.
 */
#ifndef GUEST_OS_FS_H
#define GUEST_OS_FS_H

#include <stddef.h>
#include <stdint.h>
#include "fs_abi.h"

#define NOFILE 16                 /* descriptors per process */
#define NFILE  64                 /* open files in the whole system */

struct file;                      /* an open file: node, offset, access mode */

/* A process's descriptors. Embedded in struct proc; a fork copies it with
 * fd_table_copy (the open files are shared, as in Unix), an exit empties it
 * with fd_table_close_all. */
struct fd_table {
    struct file *fd[NOFILE];
};

/* An empty tree: /, /dev and /dev/console. Call once, before anything else. */
void fs_init(void);
/* Add a ustar archive's directories and files (file data stays in the
 * archive until first written). The number of entries added, or -EINVAL for
 * a malformed archive (what came before the bad header is kept). */
int fs_load_tar(const void *archive, size_t len);

/* Descriptors 0, 1, 2 on /dev/console (a fresh table). */
void fd_table_init_console(struct fd_table *t);
void fd_table_copy(struct fd_table *dst, const struct fd_table *src);
void fd_table_close_all(struct fd_table *t);

/* The system calls, on kernel pointers: 0 / a count / a descriptor, or a
 * negative errno. */
int fs_open(struct fd_table *t, const char *path, int flags, uint32_t mode);
int fs_close(struct fd_table *t, int fd);
long fs_read(struct fd_table *t, int fd, void *buf, size_t len);
long fs_write(struct fd_table *t, int fd, const void *buf, size_t len);
long fs_lseek(struct fd_table *t, int fd, long offset, int whence);
int fs_fstat(struct fd_table *t, int fd, struct fs_stat *st);
long fs_getdents(struct fd_table *t, int fd, void *buf, size_t len);
int fs_unlink(const char *path);
int fs_mkdir(const char *path, uint32_t mode);
/* A pipe: fds[0] its read end, fds[1] its write end (the two lowest free
 * descriptors). -EMFILE, -ENFILE or -ENOMEM leave the table as it was. */
int fs_pipe(struct fd_table *t, int fds[2]);
/* The lowest free descriptor, sharing fd's open file (offset and flags). */
int fs_dup(struct fd_table *t, int fd);
/* Make `to` share fd's open file, closing what `to` held first; fd itself
 * if fd == to. -EBADF if fd is not open or `to` is out of range. */
int fs_dup2(struct fd_table *t, int fd, int to);

/* A regular file's whole contents as one contiguous kernel buffer, for
 * exec: only while the data is still in the initrd (a file written at run
 * time lives in scattered pages: -ENOEXEC until exec reads page by page). */
int fs_file_image(const char *path, const void **data, size_t *size);

/* sysfile.c: the system calls on user pointers (kernel/syscall.c's table). */
long sys_open(uint32_t upath, uint32_t flags, uint32_t mode);
long sys_close(uint32_t fd, uint32_t unused1, uint32_t unused2);
long sys_read(uint32_t fd, uint32_t buf, uint32_t len);
long sys_write(uint32_t fd, uint32_t buf, uint32_t len);
long sys_lseek(uint32_t fd, uint32_t offset, uint32_t whence);
long sys_fstat(uint32_t fd, uint32_t ust, uint32_t unused);
long sys_getdents(uint32_t fd, uint32_t buf, uint32_t len);
long sys_unlink(uint32_t upath, uint32_t unused1, uint32_t unused2);
long sys_mkdir(uint32_t upath, uint32_t mode, uint32_t unused);
long sys_pipe(uint32_t ufds, uint32_t unused1, uint32_t unused2);
long sys_dup(uint32_t fd, uint32_t unused1, uint32_t unused2);
long sys_dup2(uint32_t fd, uint32_t to, uint32_t unused);

/* pipe.c: the pipe buffers behind fs_pipe's files (used by fs.c only).
 * read blocks while the pipe is empty and has a writer (0 at end of file);
 * write blocks while full and read by someone (-EPIPE when no reader is
 * left); both return -EINTR if a signal arrives before any byte moved. */
struct pipe;
/* A pipe with one reader and one writer, or NULL (no slot or no memory). */
struct pipe *pipe_alloc(void);
/* The last close of one end's file; the pipe is freed with its last end. */
void pipe_close(struct pipe *p, int write_end);
long pipe_read(struct pipe *p, void *buf, size_t len);
long pipe_write(struct pipe *p, const void *buf, size_t len);

/* Pages held by the file system (file data and nodes), for tests and `free`. */
unsigned int fs_pages_used(void);

#endif
