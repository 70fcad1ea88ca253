/*
 * pvx host tests: the domctl hypercall (common/domctl.c).
 *
 * Simulated domains d0 (privileged), d1, d2 and d5 (ids 3 and 4 free, for
 * getdomaininfo's next-domain rule). Each call is made as a guest makes
 * it: struct xen_domctl lies in the caller's guest memory (the standard
 * address space of sim.h) and is copied in and out by the sim's
 * guest-access helpers. Checked: the order of the refusals (version,
 * lookup, privilege), every sub-op's effect and every refusal's errno,
 * and that a refused call changes nothing (pause counts, limits, machine
 * memory including the caller's copy of the argument, reschedules, kills).
 * The scheduler's hooks and domain_kill() are the hypervisor's; here they
 * are stubs that count calls (domain_kill really removes the sim domain).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/errno.h>
#include <pvx/sched.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/domctl.h>
#include "sim_event.h"

/* Guest addresses in the standard address space (sim.h). */
#define ARG_VA  0x1000u       /* data[1]: read-write */
#define RO_VA   0x4000u       /* data[4]: read-only (copy in works, copy out fails) */
#define HOLE_VA 0x5000u       /* not mapped */
#define HYP_VA  0xF6000000u   /* the hypervisor's part of the address space */

#define NR_IDS 6
static struct domain *doms[NR_IDS];     /* by id; NULL where none */
static struct sim_as as[NR_IDS];
static struct domain *d0, *d1, *d2, *d5;

/* ---- the hypervisor's scheduler and domain_kill, as stubs ---- */

static unsigned int reschedules;
static unsigned int kills;
static domid_t last_killed;

void raise_schedule(void)
{
    reschedules++;
}

/* The running vCPU's current stint, not yet charged to its cpu_time. */
static s_time_t current_stint;

s_time_t vcpu_cpu_time(const struct vcpu *v)
{
    return v->cpu_time + (v == current ? current_stint : 0);
}

void domain_kill(struct domain *d)
{
    kills++;
    last_killed = d->domain_id;
    doms[d->domain_id] = NULL;
    sim_evtchn_domain_destroy(d);
}

/* An assertion reported at the caller's line. */
#define ASSERT_AT(cond, line) CU_assertImplementation((cond), (line), #cond, __FILE__, "", CU_FALSE)

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    memset(doms, 0, sizeof(doms));
    static const domid_t ids[] = { 0, 1, 2, 5 };
    for (unsigned int i = 0; i < ARRAY_SIZE(ids); i++) {
        struct domain *d = sim_evtchn_domain_create(ids[i], ids[i] == 0, &as[ids[i]]);
        d->vcpu0->runstate = RUNSTATE_runnable;
        doms[ids[i]] = d;
    }
    d0 = doms[0], d1 = doms[1], d2 = doms[2], d5 = doms[5];
    d0->vcpu0->runstate = RUNSTATE_running;    /* d0 makes the calls */
    reschedules = kills = 0;
    sim_console_clear();
}

/* The hypervisor-side bytes behind guest va (ARG_VA or RO_VA) of d. */
static void *guest_bytes(struct domain *d, uint32_t va)
{
    return (uint8_t *)arch_mfn_to_virt(as[d->domain_id].data[va >> 12]) + (va & 0xfff);
}

/* A domctl as a toolstack fills it in. */
static struct xen_domctl op_for(uint32_t cmd, domid_t domain)
{
    struct xen_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op.domain = domain;
    return op;
}

/* Put op at va in caller's memory and make the call; op becomes what the
 * guest then sees. */
static long call_at(struct domain *caller, struct xen_domctl *op, uint32_t va)
{
    memcpy(guest_bytes(caller, va), op, sizeof(*op));
    sim_evtchn_enter(caller);
    long rc = do_domctl(va);
    memcpy(op, guest_bytes(caller, va), sizeof(*op));
    return rc;
}

static long domctl(struct domain *caller, uint32_t cmd, domid_t domain)
{
    struct xen_domctl op = op_for(cmd, domain);
    return call_at(caller, &op, ARG_VA);
}

/* ---- "a refused call changes nothing" ---- */

struct state {
    unsigned int pause_count[NR_IDS];
    unsigned long max_pages[NR_IDS];
    bool exists[NR_IDS];
    unsigned int reschedules, kills;
};

static void state_take(struct state *s)
{
    memset(s, 0, sizeof(*s));
    for (unsigned int i = 0; i < NR_IDS; i++) {
        s->exists[i] = doms[i] != NULL;
        if (doms[i]) {
            s->pause_count[i] = doms[i]->vcpu0->pause_count;
            s->max_pages[i] = doms[i]->max_pages;
        }
    }
    s->reschedules = reschedules;
    s->kills = kills;
}

/* op at va (copied there unless NULL) is refused with err, and nothing
 * changed: domains, machine memory (the guest's copy of op too). */
static void refused_at(struct domain *caller, const struct xen_domctl *op, uint32_t va, long err,
                       int line)
{
    if (op)
        memcpy(guest_bytes(caller, va), op, sizeof(*op));
    sim_evtchn_enter(caller);
    struct state before, after;
    state_take(&before);
    struct sim_snapshot *mem = sim_snapshot_take();
    long rc = do_domctl(va);
    if (rc != err)
        printf("\nline %d: got %ld, want %ld\n", line, rc, err);
    ASSERT_AT(rc == err, line);
    ASSERT_AT(sim_snapshot_same(mem), line);
    state_take(&after);
    ASSERT_AT(memcmp(&before, &after, sizeof(before)) == 0, line);
}
#define REFUSED(caller, op, err) refused_at((caller), &(op), ARG_VA, (err), __LINE__)
#define REFUSED_CMD(caller, cmd, domain, err) do {                  \
        struct xen_domctl op_ = op_for((cmd), (domain));            \
        REFUSED((caller), op_, (err));                              \
    } while (0)

static const uint32_t implemented[] = {
    XEN_DOMCTL_destroydomain, XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain,
    XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_max_mem,
};

/* ---- tests ---- */

/* Version first, then the lookup, then the privilege: for every command. */
static void test_refusal_order(void)
{
    fresh();
    for (unsigned int i = 0; i < ARRAY_SIZE(implemented); i++) {
        uint32_t cmd = implemented[i];
        struct xen_domctl op = op_for(cmd, 1);
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
        REFUSED(d0, op, -EACCES);
        REFUSED(d1, op, -EACCES);
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
        REFUSED(d0, op, -EACCES);
        op = op_for(cmd, 40);                       /* no such domain */
        op.interface_version = 0;
        REFUSED(d1, op, -EACCES);
        REFUSED_CMD(d1, cmd, 40, -ESRCH);           /* looked up before the privilege check */
        REFUSED_CMD(d0, cmd, DOMID_SELF, -ESRCH);   /* domctl takes no DOMID_SELF */
        REFUSED_CMD(d0, cmd, 0xFFFF, -ESRCH);
        REFUSED_CMD(d1, cmd, 0, -EPERM);
        REFUSED_CMD(d1, cmd, 2, -EPERM);
        REFUSED_CMD(d1, cmd, 1, -EPERM);            /* not even about itself */
    }
    REFUSED_CMD(d2, XEN_DOMCTL_getdomaininfo, 3, -EPERM);  /* 3 is missing, 5 is found */
    REFUSED_CMD(d2, XEN_DOMCTL_getdomaininfo, 6, -ESRCH);
    /* Unreadable argument. */
    refused_at(d0, NULL, HOLE_VA, -EFAULT, __LINE__);
    refused_at(d0, NULL, HYP_VA, -EFAULT, __LINE__);
    refused_at(d0, NULL, HOLE_VA - 8, -EFAULT, __LINE__);   /* straddles the hole */
}

static void test_pause_unpause(void)
{
    fresh();
    struct vcpu *v = d1->vcpu0;
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 1), 0);
    CU_ASSERT_EQUAL(v->pause_count, 1);
    CU_ASSERT_EQUAL(reschedules, 1);
    CU_ASSERT_EQUAL(v->runstate, RUNSTATE_runnable);       /* the scheduler decides */
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 1), 0);   /* pauses nest */
    CU_ASSERT_EQUAL(v->pause_count, 2);
    CU_ASSERT_EQUAL(d2->vcpu0->pause_count, 0);
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_unpausedomain, 1), 0);
    CU_ASSERT_EQUAL(v->pause_count, 1);
    unsigned int r = reschedules;
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_unpausedomain, 1), 0);
    CU_ASSERT_EQUAL(v->pause_count, 0);
    CU_ASSERT_EQUAL(reschedules, r + 1);                   /* runnable again */
    REFUSED_CMD(d0, XEN_DOMCTL_unpausedomain, 1, -EINVAL);  /* not paused */
    REFUSED_CMD(d0, XEN_DOMCTL_unpausedomain, 0, -EINVAL);
    REFUSED_CMD(d0, XEN_DOMCTL_pausedomain, 0, -EINVAL);   /* itself */

    /* A blocked domain can be paused and stays blocked. */
    d2->vcpu0->runstate = RUNSTATE_blocked;
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 2), 0);
    CU_ASSERT_EQUAL(d2->vcpu0->runstate, RUNSTATE_blocked);
    CU_ASSERT_EQUAL(d2->vcpu0->pause_count, 1);

    /* At most 255 deep, as Xen. */
    for (unsigned int i = 0; i < 255; i++)
        CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 5), 0);
    REFUSED_CMD(d0, XEN_DOMCTL_pausedomain, 5, -EOVERFLOW);
    CU_ASSERT_EQUAL(d5->vcpu0->pause_count, 255);
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_unpausedomain, 5), 0);
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 5), 0);
}

/* getdomaininfo of id, checked for a 0 result; the answer in *op. */
static void info_of(domid_t id, struct xen_domctl *op)
{
    *op = op_for(XEN_DOMCTL_getdomaininfo, id);
    memset(&op->u, 0xAA, sizeof(op->u));       /* stale bytes the call must replace */
    op->_pad[0] = 0x1234;
    CU_ASSERT_EQUAL(call_at(d0, op, ARG_VA), 0);
}

static void test_getdomaininfo(void)
{
    fresh();
    struct xen_domctl op;
    d1->vcpu0->cpu_time = 123456789;
    info_of(1, &op);
    const struct xen_domctl_getdomaininfo *info = &op.u.getdomaininfo;
    CU_ASSERT_EQUAL(op.domain, 1);
    CU_ASSERT_EQUAL(op.cmd, XEN_DOMCTL_getdomaininfo);
    CU_ASSERT_EQUAL(op.interface_version, XEN_DOMCTL_INTERFACE_VERSION);
    CU_ASSERT_EQUAL(op._pad[0], 0x1234);               /* not the call's to change */
    CU_ASSERT_EQUAL(info->domain, 1);
    CU_ASSERT_EQUAL(info->flags, 0);                   /* runnable, not paused */
    CU_ASSERT_EQUAL(info->tot_pages, d1->tot_pages);
    CU_ASSERT(info->tot_pages > SIM_AS_FRAMES);
    CU_ASSERT_EQUAL(info->max_pages, 64);
    CU_ASSERT_EQUAL(info->shared_info_frame, d1->shared_info_mfn);
    CU_ASSERT_EQUAL(info->cpu_time, 123456789);
    CU_ASSERT_EQUAL(info->nr_online_vcpus, 1);
    CU_ASSERT_EQUAL(info->max_vcpu_id, 0);
    CU_ASSERT_EQUAL(info->pad1, 0);
    CU_ASSERT_EQUAL(info->outstanding_pages, 0);
    CU_ASSERT_EQUAL(info->shr_pages, 0);
    CU_ASSERT_EQUAL(info->paged_pages, 0);
    CU_ASSERT_EQUAL(info->ssidref, 0);
    CU_ASSERT_EQUAL(info->cpupool, 0);
    CU_ASSERT_EQUAL(info->gpaddr_bits, 0);
    static const uint8_t zeros[sizeof(info->handle)];
    CU_ASSERT(memcmp(info->handle, zeros, sizeof(info->handle)) == 0);
    CU_ASSERT(memcmp(info->pad2, zeros, sizeof(info->pad2)) == 0);
    CU_ASSERT_EQUAL(info->arch_config.emulation_flags, 0);
    CU_ASSERT_EQUAL(info->arch_config.misc_flags, 0);
    /* The union past getdomaininfo comes back as the caller gave it (as Xen). */
    for (size_t i = sizeof(*info); i < sizeof(op.u); i++)
        CU_ASSERT_EQUAL(op.u.pad[i], 0xAA);

    /* The caller itself is running (its time includes the current
     * stint); a blocked or paused one says so. */
    d0->vcpu0->cpu_time = 1000;
    current_stint = 500;
    info_of(0, &op);
    CU_ASSERT_EQUAL(op.domain, 0);
    CU_ASSERT_EQUAL(info->flags, XEN_DOMINF_running);
    CU_ASSERT_EQUAL(info->cpu_time, 1500);
    d2->vcpu0->runstate = RUNSTATE_blocked;
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 2), 0);
    info_of(2, &op);
    CU_ASSERT_EQUAL(info->flags, XEN_DOMINF_blocked | XEN_DOMINF_paused);
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_unpausedomain, 2), 0);
    info_of(2, &op);
    CU_ASSERT_EQUAL(info->flags, XEN_DOMINF_blocked);

    /* Shut down (dom0 on its way out) or crashed: the reason in bits 16-23. */
    d1->state = DOMAIN_SHUTDOWN;
    d1->shutdown_code = SHUTDOWN_reboot;
    info_of(1, &op);
    CU_ASSERT_EQUAL(info->flags, XEN_DOMINF_shutdown | SHUTDOWN_reboot << XEN_DOMINF_shutdownshift);
    d1->state = DOMAIN_CRASHED;
    info_of(1, &op);
    CU_ASSERT_EQUAL(info->flags, XEN_DOMINF_shutdown | SHUTDOWN_crash << XEN_DOMINF_shutdownshift);

    /* The first domain at or above the id asked for. */
    info_of(3, &op);
    CU_ASSERT_EQUAL(op.domain, 5);
    CU_ASSERT_EQUAL(info->domain, 5);
    CU_ASSERT_EQUAL(info->shared_info_frame, d5->shared_info_mfn);
    REFUSED_CMD(d0, XEN_DOMCTL_getdomaininfo, 6, -ESRCH);
    REFUSED_CMD(d0, XEN_DOMCTL_getdomaininfo, MAX_DOMAINS, -ESRCH);

    /* Read but not written back: -EFAULT (and nothing else happens). */
    struct xen_domctl ro = op_for(XEN_DOMCTL_getdomaininfo, 1);
    refused_at(d0, &ro, RO_VA, -EFAULT, __LINE__);
}

static void test_destroydomain(void)
{
    fresh();
    REFUSED_CMD(d0, XEN_DOMCTL_destroydomain, 0, -EINVAL);     /* itself */
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_pausedomain, 2), 0);
    CU_ASSERT_EQUAL(domctl(d0, XEN_DOMCTL_destroydomain, 2), 0);  /* paused or not */
    CU_ASSERT_EQUAL(kills, 1);
    CU_ASSERT_EQUAL(last_killed, 2);
    CU_ASSERT(sim_console_has("(pvx) d0: domctl: destroying d2\n"));
    REFUSED_CMD(d0, XEN_DOMCTL_destroydomain, 2, -ESRCH);
    REFUSED_CMD(d0, XEN_DOMCTL_pausedomain, 2, -ESRCH);
    struct xen_domctl op;
    info_of(2, &op);
    CU_ASSERT_EQUAL(op.domain, 5);                         /* 2 is gone */
    CU_ASSERT_EQUAL(sim_check(), 0);
}

static void test_max_mem(void)
{
    fresh();
    struct xen_domctl op = op_for(XEN_DOMCTL_max_mem, 1);
    op.u.max_mem.max_memkb = 8192;
    CU_ASSERT_EQUAL(call_at(d0, &op, ARG_VA), 0);
    CU_ASSERT_EQUAL(d1->max_pages, 2048);
    op.u.max_mem.max_memkb = 8195;                         /* rounds down */
    CU_ASSERT_EQUAL(call_at(d0, &op, ARG_VA), 0);
    CU_ASSERT_EQUAL(d1->max_pages, 2048);
    CU_ASSERT_EQUAL(d2->max_pages, 64);

    /* Below what it holds: accepted (as Xen); no new frame until under. */
    unsigned long held = d1->tot_pages;
    op.u.max_mem.max_memkb = (held - 2) * 4;
    CU_ASSERT_EQUAL(call_at(d0, &op, ARG_VA), 0);
    CU_ASSERT_EQUAL(d1->max_pages, held - 2);
    CU_ASSERT_EQUAL(d1->tot_pages, held);
    CU_ASSERT_EQUAL(alloc_domain_frame(d1), INVALID_MFN);
    CU_ASSERT_EQUAL(sim_check(), 0);

    /* getdomaininfo reports it. */
    info_of(1, &op);
    CU_ASSERT_EQUAL(op.u.getdomaininfo.max_pages, held - 2);
}

static void test_unimplemented(void)
{
    fresh();
    static const uint32_t cmds[] = { XEN_DOMCTL_createdomain, 0, 6, 12, 86, 1000, 0xFFFFFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
        REFUSED_CMD(d0, cmds[i], 1, -ENOSYS);
        REFUSED_CMD(d1, cmds[i], 2, -EPERM);
    }
    /* createdomain names no existing domain, so the id is not looked up. */
    REFUSED_CMD(d0, XEN_DOMCTL_createdomain, 40, -ENOSYS);
    REFUSED_CMD(d1, XEN_DOMCTL_createdomain, 40, -EPERM);
    REFUSED_CMD(d0, 6, 40, -ESRCH);
}

int main(void)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "refusal order: version, lookup, privilege", test_refusal_order },
        { "pause and unpause", test_pause_unpause },
        { "getdomaininfo", test_getdomaininfo },
        { "destroydomain", test_destroydomain },
        { "max_mem", test_max_mem },
        { "unimplemented commands", test_unimplemented },
    };
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite("domctl", NULL, NULL);
    for (unsigned int i = 0; i < ARRAY_SIZE(tests); i++)
        CU_add_test(suite, tests[i].name, tests[i].fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
