/*
 * guest-os: rm FILE...: unlink each file; "rm: FILE: reason" and status 1
 * for each that cannot be removed (directories cannot).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Remove each file; 1 if any could not be removed. */
int main(int argc, char **argv)
{
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: rm FILE...\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (unlink(argv[i]) < 0) {
            fprintf(stderr, "rm: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}
