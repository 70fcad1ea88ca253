/*
 * DomU program "domctl_domu" (run by the domctl test, not on its own). The
 * `domains` file makes role=rogue d1 and role=worker d2.
 *  - role=rogue tries dom0's domctl commands and must be refused without
 *    effect: every command, on dom0, on the worker and on itself, is
 *    -EPERM (getdomaininfo leaves its argument untouched); a domain that
 *    does not exist is -ESRCH (looked up first, as in Xen; getdomaininfo
 *    too: no domain at or above id 40); a wrong interface version is
 *    -EACCES before anything else; sysctl physinfo is -EPERM (-EACCES with
 *    a wrong version). Then it tells dom0 over the port dom0
 *    offers it and powers off.
 *  - role=worker binds the port dom0 offers it and works: it spins on the
 *    CPU in rounds of 20 ms (by its clock) and sends dom0 an event after
 *    each round, printing a progress line every 5 rounds. dom0 pauses it,
 *    watches that no event comes and its CPU time stays still, unpauses it
 *    and finally destroys it. If it is still running after 30 s it fails.
 */
#include "domains.h"
#include <public/domctl.h>
#include <public/sysctl.h>

#define ROGUE 1
#define WORKER 2
#define ROUND_NS 20000000ull

/* domctl cmd on domain, with the given interface version; *op is what the
 * hypervisor left in the argument. */
static long domctl_v(struct xen_domctl *op, uint32_t cmd, domid_t domain, uint32_t version)
{
    memset(op, 0x5a, sizeof(*op));
    op->cmd = cmd;
    op->interface_version = version;
    op->domain = domain;
    return HYPERVISOR_domctl(op);
}

static long domctl(uint32_t cmd, domid_t domain)
{
    struct xen_domctl op;
    return domctl_v(&op, cmd, domain, XEN_DOMCTL_INTERFACE_VERSION);
}

/* Is the union still the 0x5a filler domctl_v wrote? */
static int untouched(const struct xen_domctl *op)
{
    for (unsigned int i = 0; i < sizeof(op->u.pad); i++)
        if (op->u.pad[i] != 0x5a)
            return 0;
    return 1;
}

static void rogue(void)
{
    static const uint32_t cmds[] = {
        XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain, XEN_DOMCTL_getdomaininfo,
        XEN_DOMCTL_destroydomain, XEN_DOMCTL_max_mem, XEN_DOMCTL_createdomain,
    };
    static const domid_t targets[] = { 0, WORKER, ROGUE };
    struct xen_domctl op;
    for (unsigned int c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
        for (unsigned int t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
            CHECK_EQ(domctl_v(&op, cmds[c], targets[t], XEN_DOMCTL_INTERFACE_VERSION), -XEN_EPERM);
            CHECK(untouched(&op));
            CHECK_EQ(op.domain, targets[t]);
        }
        /* createdomain names no existing domain: it is not looked up. */
        CHECK_EQ(domctl(cmds[c], 40), cmds[c] == XEN_DOMCTL_createdomain ? -XEN_EPERM : -XEN_ESRCH);
        CHECK_EQ(domctl_v(&op, cmds[c], 0, XEN_DOMCTL_INTERFACE_VERSION - 1), -XEN_EACCES);
        CHECK_EQ(domctl_v(&op, cmds[c], 40, 0), -XEN_EACCES);
    }
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, DOMID_SELF), -XEN_ESRCH);
    /* sysctl too: -EPERM, after the version check. */
    static struct xen_sysctl sy;
    memset(&sy, 0x5a, sizeof(sy));
    sy.cmd = XEN_SYSCTL_physinfo;
    sy.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_EQ(HYPERVISOR_sysctl(&sy), -XEN_EPERM);
    CHECK_EQ(sy.u.pad[0], 0x5a);                        /* untouched */
    sy.interface_version = 0;
    CHECK_EQ(HYPERVISOR_sysctl(&sy), -XEN_EACCES);
    guest_printf("rogue: every domctl refused: -EPERM, -ESRCH for a missing domain, "
                 "-EACCES for a wrong version\n");
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    port_signal((evtchn_port_t)ctl);                    /* done: power off */
}

static void worker(void)
{
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    if (checks_failed)
        test_finish();
    guest_printf("worker: counting rounds of 20 ms until dom0 destroys it\n");
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    for (unsigned int round = 1; guest_now() < give_up; round++) {
        uint64_t end = guest_now() + ROUND_NS;
        while (guest_now() < end)
            ;                                           /* the work: CPU time, not sleep */
        port_signal((evtchn_port_t)ctl);
        if (round % 5 == 0)
            guest_printf("worker: round %u\n", round);
    }
    test_exit("FAILURE", "dom0 did not destroy this domain");
}

void test_main(void)
{
    events_mask();
    CHECK_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), 0);
    if (cmdline_is("role", "worker"))
        worker();
    else
        rogue();
}
