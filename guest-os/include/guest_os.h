/* guest-os's own system calls, for user programs (lib/syscalls.c). */
#ifndef GUEST_OS_H
#define GUEST_OS_H

/* Start the program `name` as a child with argv (NULL-terminated, at most
 * 8 strings): /bin/NAME from the file system (`name` itself if it contains
 * a '/'), else the program of that name linked into the kernel. Its pid,
 * or -1 and errno (ENOENT: no such program). Until there are fork and exec. */
int spawn(const char *name, char *const argv[]);

#endif
