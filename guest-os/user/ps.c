/*
 * guest-os: ps: every process (the procinfo system call), one per line:
 * PID PPID STATE PAGES NAME (PAGES: user pages mapped).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "guest_os.h"

/* A procinfo state as a word. */
static const char *state_name(unsigned int state)
{
    switch (state) {
    case GOS_PROC_RUNNABLE: return "runnable";
    case GOS_PROC_RUNNING:  return "running";
    case GOS_PROC_SLEEPING: return "sleeping";
    case GOS_PROC_ZOMBIE:   return "zombie";
    default:                return "?";
    }
}

/* The header, then one line per process; 1 if procinfo fails. */
int main(void)
{
    struct gos_procinfo p;
    printf("  PID  PPID STATE     PAGES NAME\n");
    int next = procinfo(0, &p);
    while (next > 0) {
        printf("%5d %5d %-9s %5u %s\n", (int)p.pid, (int)p.ppid, state_name(p.state),
               (unsigned int)p.pages, p.name);
        next = procinfo(next, &p);
    }
    if (next < 0) {
        fprintf(stderr, "ps: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
