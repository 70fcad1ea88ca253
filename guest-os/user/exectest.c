/*
 * guest-os: exectest, execve (run with init=/bin/exectest). A forked child
 * execs /bin/echoargs with arguments, which prints them and exits with
 * argc; the parent checks the status. Exec of a missing file, of a file
 * that is not a program and of too many arguments fail with the right
 * errno and the caller carries on with its memory intact. Each check prints
 * "ok" or "FAIL"; the last line is "exectest: N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
static int global = 42;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

static int run(const char *path, char *const argv[])
{
    fflush(stdout);
    int pid = fork();
    if (pid == 0) {
        execve(path, argv, environ);
        _exit(100 + errno);
    }
    int status = -1;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int main(void)
{
    char *args[] = { "echoargs", "one", "two words", "", "last", NULL };
    check(run("/bin/echoargs", args) == 5, "child execs /bin/echoargs, exits with argc 5");
    char *hello[] = { "hello", NULL };
    check(run("/bin/hello", hello) == 0, "child execs /bin/hello, exits 0");
    check(run("echoargs", args) == 5, "a bare name is looked up in /bin");

    errno = 0;
    int rc = execve("/bin/no-such-program", args, environ);
    check(rc == -1 && errno == ENOENT, "exec of a missing file: -1, ENOENT");
    errno = 0;
    rc = execve("/etc", args, environ);
    check(rc == -1 && errno != 0, "exec of a directory fails");
    errno = 0;
    rc = execve("/etc/motd", args, environ);
    check(rc == -1 && errno == ENOEXEC, "exec of a text file: -1, ENOEXEC");
    char *many[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", NULL };
    errno = 0;
    rc = execve("/bin/echoargs", many, environ);
    check(rc == -1 && errno == E2BIG, "exec with too many arguments: -1, E2BIG");
    check(global == 42 && args[1][0] == 'o', "after failed execs the caller is intact");
    check(run("/bin/no-such-program", args) == 100 + ENOENT, "a child's failed exec returns to it");
    printf("exectest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
