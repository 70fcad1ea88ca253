/*
 * guest-os: error numbers returned (negated) by system calls. They are
 * newlib's (sys/errno.h), not Linux's: lib/syscalls.c stores -result in
 * errno unchanged, so a program's strerror() and errno tests just work.
 */
#ifndef GUEST_OS_ERRNO_H
#define GUEST_OS_ERRNO_H

#define EPERM         1
#define ENOENT        2
#define ESRCH         3
#define EINTR         4
#define EIO           5
#define E2BIG         7
#define ENOEXEC       8
#define EBADF         9
#define ECHILD       10
#define EAGAIN       11
#define ENOMEM       12
#define EACCES       13
#define EFAULT       14
#define EBUSY        16
#define EEXIST       17
#define ENOTDIR      20
#define EISDIR       21
#define EINVAL       22
#define ENFILE       23
#define EMFILE       24
#define EFBIG        27
#define ENOSPC       28
#define ESPIPE       29
#define EROFS        30
#define EPIPE        32
#define ENOSYS       88
#define ENOTEMPTY    90
#define ENAMETOOLONG 91
#define ETIMEDOUT   116
#define EMSGSIZE    122

#endif
