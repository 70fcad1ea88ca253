/*
 * guest-os PV: power off. Where arch/native writes QEMU's isa-debug-exit
 * port, a PV kernel asks pvx with SCHEDOP_shutdown (poweroff, or crash for
 * a failure status). dom0's power-off is the machine's: pvx then ends
 * every domain. So, as Xen's xendomains script does before a host goes
 * down, dom0 first lets the domUs end (up to DOMU_GRACE_NS, looking every
 * 100 ms with getdomaininfo), then powers off the ones still running
 * (SCHEDOP_remote_shutdown).
 */
#include "../../kernel/kernel.h"
#include <public/domctl.h>
#include <public/sched.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

#define DOMU_GRACE_NS (30ull * 1000000000ull)

/* The lowest id of a domU that still exists, or 0 if none does. */
static domid_t first_domu(void)
{
    struct xen_domctl_getdomaininfo info;
    int id = xen_domain_next(1, &info);
    return id > 0 ? (domid_t)id : 0;    /* -ESRCH: no domain from id 1 on */
}

/* Sleep ns without events (SCHEDOP_poll on no port, with a timeout). */
static void sleep_ns(uint64_t ns)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = arch_time_ns() + ns };
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

/* dom0 only: wait for the domUs to end; power off the ones that do not. */
static void end_domus(void)
{
    if (!first_domu())
        return;
    kprintf("guest-os: dom0 waits for the domUs to end before powering off\n");
    uint64_t give_up = arch_time_ns() + DOMU_GRACE_NS;
    while (first_domu() && arch_time_ns() < give_up)
        sleep_ns(100000000ull);
    for (domid_t id; (id = first_domu()) != 0;) {
        kprintf("guest-os: d%u still runs after %u s: powering it off\n", id,
                (unsigned int)(DOMU_GRACE_NS / 1000000000ull));
        struct sched_remote_shutdown r = { .domain_id = id, .reason = SHUTDOWN_poweroff };
        if (HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r))
            break;
        sleep_ns(10000000ull);
    }
}

/* Power off (status 0) or crash (anything else); never returns. */
void arch_shutdown(int status)
{
    if ((start_info->flags & SIF_INITDOMAIN) && shared_info)
        consback_stop();             /* the domUs' consoles back to pvx: dom0 stops draining */
    if (status == 0 && (start_info->flags & SIF_INITDOMAIN) && shared_info)
        end_domus();                 /* a failing dom0 crashes at once */
    struct sched_shutdown s = { .reason = status ? SHUTDOWN_crash : SHUTDOWN_poweroff };
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
}
