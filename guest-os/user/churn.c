/*
 * guest-os: churn, memory given back (run with init=/bin/churn). 200 times
 * fork + exit + wait, then 200 times fork + exec (churn itself, which
 * exits at once) + wait: more processes than PV has address-space slots
 * (64) and more memory than either build has free unless reaped processes'
 * pages, page tables and kernel stacks are freed. The last line is
 * "churn: N forks, N execs, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
#define ROUNDS 200

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return 7;
    char *heap = malloc(16384);            /* pages the children share COW */
    memset(heap, 'c', 16384);
    int forks = 0, execs = 0, failed = 0;
    for (int i = 0; i < ROUNDS; i++) {
        int pid = fork();
        if (pid == 0) {
            heap[0] = 'x';                 /* a COW copy to give back */
            _exit(i & 0x7f);
        }
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == (i & 0x7f))
            forks++;
        else if (failed++ < 5)
            printf("FAIL fork round %d (pid %d)\n", i, pid);
    }
    for (int i = 0; i < ROUNDS; i++) {
        int pid = fork();
        if (pid == 0) {
            char *args[] = { "churn", "child", NULL };
            execve("/bin/churn", args, environ);
            _exit(99);
        }
        int status;
        if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
            WEXITSTATUS(status) == 7)
            execs++;
        else if (failed++ < 5)
            printf("FAIL exec round %d (pid %d)\n", i, pid);
    }
    if (heap[0] != 'c')
        failed++;
    printf("churn: %d forks, %d execs, %d failed\n", forks, execs, failed);
    return failed != 0;
}
