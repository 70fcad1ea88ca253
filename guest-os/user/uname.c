/*
 * guest-os: uname [-a]: the system's name; -a: every field of uname()
 * (sysname, nodename, release, version, machine) on one line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

/* The name, or every field with -a; 1 on a bad option or error. */
int main(int argc, char **argv)
{
    struct utsname u;
    int all = argc > 1 && !strcmp(argv[1], "-a");
    if (argc > 2 || (argc == 2 && !all)) {
        fprintf(stderr, "usage: uname [-a]\n");
        return 1;
    }
    if (uname(&u) < 0) {
        fprintf(stderr, "uname: %s\n", strerror(errno));
        return 1;
    }
    if (all)
        printf("%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);
    else
        printf("%s\n", u.sysname);
    return 0;
}
