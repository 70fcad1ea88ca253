/* guest-os's own system calls, for user programs (lib/syscalls.c). */
#ifndef GUEST_OS_H
#define GUEST_OS_H

/* Start the program `name` linked into the kernel as a child with argv
 * (NULL-terminated, at most 8 strings). Its pid, or -1 and errno (ENOENT:
 * no such program). Until there are fork and exec. */
int spawn(const char *name, char *const argv[]);

#endif
