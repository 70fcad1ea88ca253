/*
 * guest-os: forktest, fork with copy-on-write (run with init=/bin/forktest).
 * The child writes to a global and to a heap page and exits with a code;
 * the parent checks that its own copies are unchanged and that waitpid
 * gives the child's status; several forks in a row. Each check prints "ok"
 * or "FAIL"; the last line is "forktest: N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
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

int main(void)
{
    char *heap = malloc(8192);
    memset(heap, 'p', 8192);
    for (int round = 1; round <= 4; round++) {
        char line[96];
        fflush(stdout);
        int pid = fork();
        if (pid == 0) {
            global = 1000 + round;
            memset(heap, 'c', 8192);
            int ok = global == 1000 + round && heap[0] == 'c' && heap[8191] == 'c';
            _exit(ok ? 10 + round : 99);
        }
        snprintf(line, sizeof(line), "round %d: fork returns a child pid", round);
        check(pid > 0, line);
        int status = -1;
        int got = waitpid(pid, &status, 0);
        snprintf(line, sizeof(line), "round %d: waitpid returns the child", round);
        check(got == pid, line);
        snprintf(line, sizeof(line), "round %d: child exited with %d (want %d)", round,
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1, 10 + round);
        check(WIFEXITED(status) && WEXITSTATUS(status) == 10 + round, line);
        snprintf(line, sizeof(line), "round %d: parent's global and heap unchanged", round);
        check(global == 42 && heap[0] == 'p' && heap[8191] == 'p', line);
        global = 42;          /* the parent writes too: its own copy */
        heap[100] = 'p';
    }
    /* Two children alive at once, then the parent writes while they run. */
    int a = fork();
    if (a == 0) {
        global = 7;
        _exit(global);
    }
    int b = fork();
    if (b == 0) {
        heap[0] = 'b';
        _exit(heap[0] == 'b' && global == 42 ? 8 : 98);
    }
    global = 43;
    int sa = 0, sb = 0;
    check(waitpid(b, &sb, 0) == b && WEXITSTATUS(sb) == 8, "two children: second exits 8");
    check(waitpid(a, &sa, 0) == a && WEXITSTATUS(sa) == 7, "two children: first exits 7");
    check(global == 43 && heap[0] == 'p', "two children: parent's copy is its own");
    printf("forktest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
