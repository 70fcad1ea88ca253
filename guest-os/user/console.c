/*
 * guest-os: console [N]: a domU's console, in dom0 (as `xl console`).
 * dom0's kernel is the console backend of every domU (arch/pv/consback.c):
 * their output shows on dom0's console as "(dN) " lines. `console N` (or
 * `console dN`) attaches this terminal to domain N instead: its output
 * comes raw, what is typed goes to it, until Ctrl-] brings the terminal
 * back (or the domain ends). Without an argument: the domains there are.
 * Exit status 0 when it came back, 1 on a usage error or a refusal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest_os.h"
#include "xen_user.h"

static const char *state_name(uint32_t flags)
{
    return flags & GOS_DOM_DYING ? "dying" : flags & GOS_DOM_SHUTDOWN ? "shut down" : "running";
}

/* Every domU, one line each. */
static int list(void)
{
    struct gos_dominfo info;
    int n = 0, id;
    for (id = 1; (id = xen_domains((unsigned int)id, &info)) > 0; id++, n++)
        printf("d%u %s\n", info.domid, state_name(info.flags));
    if (errno != ESRCH) {
        fprintf(stderr, "console: %s\n", errno == EPERM ? "only dom0 has the domUs' consoles"
                                         : errno == ENOSYS ? "no hypervisor here (native build)" : strerror(errno));
        return 1;
    }
    if (!n)
        printf("console: no domUs\n");
    else
        printf("console N attaches to dN (Ctrl-] to come back)\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 1)
        return list();
    const char *arg = argv[1];
    if (*arg == 'd')
        arg++;
    char *end;
    unsigned long domid = strtoul(arg, &end, 10);
    if (argc > 2 || *arg == '\0' || *end || domid == 0 || domid > 0x7fef) {
        fprintf(stderr, "usage: console [N]   (attach to domU N; Ctrl-] comes back)\n");
        return 1;
    }
    printf("console: attached to d%lu; Ctrl-] to come back\n", domid);
    fflush(stdout);
    int rc = xen_console(GOS_CONSOLE_ATTACH, (unsigned int)domid);
    if (rc == 0) {
        printf("\nconsole: back in dom0 (d%lu still runs)\n", domid);
        return 0;
    }
    if (rc == 1) {
        printf("\nconsole: d%lu has ended\n", domid);
        return 0;
    }
    switch (errno) {
    case ESRCH: fprintf(stderr, "console: dom0 serves no console of d%lu\n", domid); break;
    case EBUSY: fprintf(stderr, "console: another process is attached to a console\n"); break;
    case EPERM: fprintf(stderr, "console: only dom0 has the domUs' consoles\n"); break;
    case ENOSYS: fprintf(stderr, "console: no hypervisor here (native build)\n"); break;
    default: fprintf(stderr, "console: %s\n", strerror(errno)); break;
    }
    return 1;
}
