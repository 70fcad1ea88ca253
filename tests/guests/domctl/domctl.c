/*
 * Test guest "domctl" (dom0): the toolstack's domain control, hypercall 36
 * (docs/abi.md). Two domUs run domctl_domu: d1 ("rogue") tries every
 * command and must be refused (-EPERM; see domctl_domu), then powers off;
 * d2 ("worker") spins on the CPU and sends dom0 an event every 20 ms.
 * dom0 checks:
 *  - getdomaininfo of itself: id 0, flags exactly "running", its
 *    reservation as tot_pages / max_pages, its shared_info frame, some CPU
 *    time, one vCPU; the fields pvx has no notion of are 0;
 *  - with d1 gone, getdomaininfo of 1 answers for the next existing
 *    domain, d2 (and says so in op.domain): 2049 pages (8 MiB and
 *    shared_info), its own shared_info frame; of 3 or 40: -ESRCH;
 *  - refusals: a wrong interface version (-EACCES), a missing domain
 *    (-ESRCH), unpausing a domain that is not paused, pausing or
 *    destroying itself (-EINVAL), createdomain and unknown commands
 *    (-ENOSYS);
 *  - max_mem: a limit below what d2 holds is accepted (as Xen) and shows
 *    in its reservation and getdomaininfo; then it is set back;
 *  - pausing: paused, the worker sends no event for 200 ms and its CPU
 *    time does not move, and getdomaininfo says "paused"; pauses nest (one
 *    unpause of two leaves it paused); after the last unpause its events
 *    come again and its CPU time grows;
 *  - destroydomain of d2: gone before the call returns (its reservation is
 *    -ESRCH, VIRQ_DOM_EXC pending); getdomaininfo of 1 is then -ESRCH and a
 *    second destroy too.
 * `expect` checks the hypervisor's lines for d2's destruction and that
 * every frame the domUs had came back.
 */
#include "domains.h"
#include <public/domctl.h>

#define ROGUE 1
#define WORKER 2
#define MS 1000000ull

/* domctl cmd on domain, with the given interface version; *op is what the
 * hypervisor left in the argument. */
static long domctl_v(struct xen_domctl *op, uint32_t cmd, domid_t domain, uint32_t version)
{
    memset(op, 0, sizeof(*op));
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

/* getdomaininfo of id into *op (CHECKs that it answers 0). */
static void info_of(domid_t id, struct xen_domctl *op)
{
    CHECK_EQ(domctl_v(op, XEN_DOMCTL_getdomaininfo, id, XEN_DOMCTL_INTERFACE_VERSION), 0);
}

static long reservation(unsigned int cmd, domid_t id)
{
    return HYPERVISOR_memory_op(cmd, &id);
}

static long set_max_mem(domid_t id, uint64_t kb)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_mem;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = id;
    op.u.max_mem.max_memkb = kb;
    return HYPERVISOR_domctl(&op);
}

/* The fields pvx has no notion of are 0. */
static void check_unknown_fields_zero(const struct xen_domctl_getdomaininfo *info)
{
    CHECK_EQ(info->outstanding_pages, 0);
    CHECK_EQ(info->shr_pages, 0);
    CHECK_EQ(info->paged_pages, 0);
    CHECK_EQ(info->ssidref, 0);
    CHECK_EQ(info->cpupool, 0);
    CHECK_EQ(info->gpaddr_bits, 0);
    CHECK_EQ(info->arch_config.emulation_flags, 0);
    CHECK_EQ(info->arch_config.misc_flags, 0);
    unsigned int nonzero = 0;
    for (unsigned int i = 0; i < sizeof(info->handle); i++)
        nonzero += info->handle[i] != 0;
    CHECK_EQ(nonzero, 0);
}

static void check_self(void)
{
    struct xen_domctl op;
    const struct xen_domctl_getdomaininfo *info = &op.u.getdomaininfo;
    info_of(0, &op);
    CHECK_EQ(op.domain, 0);
    CHECK_EQ(info->domain, 0);
    CHECK_EQ(info->flags, XEN_DOMINF_running);
    CHECK_EQ(info->tot_pages, reservation(XENMEM_current_reservation, DOMID_SELF));
    CHECK_EQ(info->max_pages, reservation(XENMEM_maximum_reservation, DOMID_SELF));
    CHECK_EQ(info->shared_info_frame, start_info->shared_info >> 12);
    CHECK(info->cpu_time > 0);
    CHECK_EQ(info->nr_online_vcpus, 1);
    CHECK_EQ(info->max_vcpu_id, 0);
    check_unknown_fields_zero(info);
}

/* d1 is gone: getdomaininfo of 1 answers for d2. */
static void check_worker_info(void)
{
    struct xen_domctl op;
    const struct xen_domctl_getdomaininfo *info = &op.u.getdomaininfo;
    info_of(ROGUE, &op);
    CHECK_EQ(op.domain, WORKER);
    CHECK_EQ(info->domain, WORKER);
    CHECK_EQ(info->flags & (XEN_DOMINF_paused | XEN_DOMINF_running | XEN_DOMINF_shutdown |
                            XEN_DOMINF_dying), 0);
    CHECK_EQ(info->tot_pages, 2049);
    CHECK_EQ(info->max_pages, 2049);
    CHECK(info->shared_info_frame != 0);
    CHECK(info->shared_info_frame != start_info->shared_info >> 12);
    CHECK_EQ(info->nr_online_vcpus, 1);
    CHECK_EQ(info->max_vcpu_id, 0);
    check_unknown_fields_zero(info);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, WORKER + 1), -XEN_ESRCH);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, 40), -XEN_ESRCH);
}

static void check_refusals(void)
{
    struct xen_domctl op;
    CHECK_EQ(domctl_v(&op, XEN_DOMCTL_getdomaininfo, 0, XEN_DOMCTL_INTERFACE_VERSION - 1), -XEN_EACCES);
    CHECK_EQ(domctl_v(&op, XEN_DOMCTL_pausedomain, WORKER, XEN_DOMCTL_INTERFACE_VERSION + 1),
             -XEN_EACCES);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, 40), -XEN_ESRCH);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, ROGUE), -XEN_ESRCH);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, DOMID_SELF), -XEN_ESRCH);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, WORKER), -XEN_EINVAL);   /* running, not paused */
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL);
    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL);          /* itself */
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL);
    CHECK_EQ(domctl(XEN_DOMCTL_createdomain, 0), -XEN_ENOSYS);
    CHECK_EQ(domctl(12, WORKER), -XEN_ENOSYS);                         /* setvcpucontext */
}

static void check_max_mem(void)
{
    struct xen_domctl op;
    CHECK_EQ(set_max_mem(WORKER, 8192), 0);             /* 2048 pages: below the 2049 held */
    CHECK_EQ(reservation(XENMEM_maximum_reservation, WORKER), 2048);
    CHECK_EQ(reservation(XENMEM_current_reservation, WORKER), 2049);
    info_of(WORKER, &op);
    CHECK_EQ(op.u.getdomaininfo.max_pages, 2048);
    CHECK_EQ(set_max_mem(WORKER, 8196), 0);
    CHECK_EQ(reservation(XENMEM_maximum_reservation, WORKER), 2049);
    CHECK_EQ(set_max_mem(40, 8196), -XEN_ESRCH);
}

/* The worker's CPU time (ns) and whether getdomaininfo calls it paused. */
static uint64_t worker_cpu_time(int *paused)
{
    struct xen_domctl op;
    info_of(WORKER, &op);
    CHECK_EQ(op.domain, WORKER);
    *paused = !!(op.u.getdomaininfo.flags & XEN_DOMINF_paused);
    return op.u.getdomaininfo.cpu_time;
}

/* Sleep ns and report whether the worker sent an event meanwhile. */
static int worker_sent_during(evtchn_port_t port, uint64_t ns)
{
    evtchn_test_and_clear(port);
    sleep_ns(ns);
    return evtchn_test_and_clear(port);
}

static void check_pausing(evtchn_port_t port)
{
    int paused;
    CHECK(port_wait(port));                             /* it works */
    sleep_ns(100 * MS);
    uint64_t ran = worker_cpu_time(&paused);
    CHECK(!paused);
    CHECK(ran > 0);

    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, WORKER), 0);
    uint64_t at_pause = worker_cpu_time(&paused);
    CHECK(paused);
    CHECK(!worker_sent_during(port, 200 * MS));
    CHECK_EQ(worker_cpu_time(&paused), at_pause);
    CHECK(paused);

    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, WORKER), 0);    /* pauses nest */
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, WORKER), 0);
    CHECK(!worker_sent_during(port, 50 * MS));
    CHECK_EQ(worker_cpu_time(&paused), at_pause);
    CHECK(paused);
    guest_printf("dom0: d2 paused: no event and no CPU time in 250 ms\n");

    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, WORKER), 0);
    CHECK(port_wait(port));                             /* it works again */
    sleep_ns(50 * MS);
    CHECK(worker_cpu_time(&paused) > at_pause);
    CHECK(!paused);
    CHECK_EQ(domctl(XEN_DOMCTL_unpausedomain, WORKER), -XEN_EINVAL);
}

void test_main(void)
{
    events_mask();
    long rogue = evtchn_alloc_unbound(DOMID_SELF, ROGUE);
    long worker = evtchn_alloc_unbound(DOMID_SELF, WORKER);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(rogue > 0);
    CHECK(worker > 0);
    CHECK(exc > 0);
    if (checks_failed)
        test_finish();
    check_self();

    CHECK(port_wait((evtchn_port_t)rogue));             /* the rogue was refused */
    CHECK(wait_domain_gone(ROGUE, (evtchn_port_t)exc) >= 1);
    CHECK(port_wait((evtchn_port_t)worker));            /* the worker runs */
    if (checks_failed)
        test_finish();
    check_worker_info();
    check_refusals();
    check_max_mem();
    check_pausing((evtchn_port_t)worker);

    CHECK_EQ(domctl(XEN_DOMCTL_pausedomain, WORKER), 0);    /* destroyed even when paused */
    evtchn_test_and_clear((evtchn_port_t)exc);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, WORKER), 0);
    CHECK(!domain_alive(WORKER));
    CHECK_EQ(reservation(XENMEM_current_reservation, WORKER), -XEN_ESRCH);
    CHECK(evtchn_test_and_clear((evtchn_port_t)exc));
    CHECK_PORT_STATUS(DOMID_SELF, worker, EVTCHNSTAT_unbound, WORKER, 0);
    CHECK_EQ(domctl(XEN_DOMCTL_getdomaininfo, ROGUE), -XEN_ESRCH);
    CHECK_EQ(domctl(XEN_DOMCTL_destroydomain, WORKER), -XEN_ESRCH);
    struct xen_domctl op;
    info_of(0, &op);
    CHECK_EQ(op.domain, 0);
    guest_printf("dom0: paused, unpaused and destroyed d2; d1 was refused\n");
}
