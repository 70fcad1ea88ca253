/*
 * guest-os: cat [FILE...]: copy each file (stdin if none, or for "-") to
 * stdout. A file that cannot be read is reported ("cat: F: reason") and
 * the rest are still copied; the status is then 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copy descriptor fd to stdout; 0, or -1 with errno. */
static int copy(int fd)
{
    char buf[1024];
    int n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (int done = 0, w; done < n; done += w)
            if ((w = write(1, buf + done, (size_t)(n - done))) <= 0)
                return -1;
    return n;
}

/* Copy each argument (or stdin) to stdout; 1 if any could not be read. */
int main(int argc, char **argv)
{
    int status = 0;
    if (argc == 1 && copy(0) < 0) {
        fprintf(stderr, "cat: stdin: %s\n", strerror(errno));
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        int stdin_arg = !strcmp(argv[i], "-");
        int fd = stdin_arg ? 0 : open(argv[i], O_RDONLY);
        if (fd < 0 || copy(fd) < 0) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        }
        if (fd > 0)
            close(fd);
    }
    return status;
}
