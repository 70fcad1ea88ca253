/*
 * pvx host tests: the event_channel_op hypercall (common/event_channel_op.c)
 * over the delivery core (common/event_channel.c).
 *
 * Three simulated domains: d0 (privileged) and d1, d2. Each test drives
 * do_event_channel_op() the way a guest does: the argument struct lies in
 * the caller's guest memory (the standard address space of sim.h) and is
 * copied in and out by the sim's guest-access helpers. Every sub-op's
 * success path, and every refusal with its errno, checking that a refused
 * call changes nothing (ports, shared_info bitmaps, guest memory, kicks)
 * and that evtchn_check_invariants() holds after every step. Last, a long
 * random sequence of operations with the same two checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <CUnit/Basic.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/errno.h>
#include <pvx/event.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include "sim_event.h"

/* Guest addresses in the standard address space (sim.h). */
#define ARG_VA  0x1000u       /* data[1]: read-write */
#define RO_VA   0x4000u       /* data[4]: read-only (copy in works, copy out fails) */
#define HOLE_VA 0x5000u       /* not mapped */
#define STRADDLE_VA (HOLE_VA - 1)   /* 1 readable byte, then the hole */
#define HYP_VA  0xF6000000u   /* the hypervisor's part of the address space */

#define NR_DOMS 3
static struct domain *doms[NR_DOMS];
static struct sim_as as[NR_DOMS];
static struct domain *d0, *d1, *d2;

/* An assertion reported at the caller's line. */
#define ASSERT_AT(cond, line) CU_assertImplementation((cond), (line), #cond, __FILE__, "", CU_FALSE)

static void fresh(void)
{
    sim_machine_init(SIM_DEFAULT_FRAMES);
    for (unsigned int i = 0; i < NR_DOMS; i++)
        doms[i] = sim_evtchn_domain_create((domid_t)i, i == 0, &as[i]);
    d0 = doms[0], d1 = doms[1], d2 = doms[2];
    sim_evtchn_kicks = 0;
    sim_console_clear();
}

static struct shared_info *si_of(struct domain *d)
{
    return arch_mfn_to_virt(d->shared_info_mfn);
}

static unsigned int dom_index(struct domain *d)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] == d)
            return i;
    abort();
}

/* The hypervisor-side bytes behind guest va (ARG_VA or RO_VA) of d. */
static void *guest_bytes(struct domain *d, uint32_t va)
{
    struct sim_as *a = &as[dom_index(d)];
    return (uint8_t *)arch_mfn_to_virt(a->data[va >> 12]) + (va & 0xfff);
}

/* ---- invariants and "nothing changed" ---- */

static int invariants_hold(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i] && evtchn_check_invariants(doms[i]))
            return 0;
    return 1;
}
#define CHECK_EV() CU_ASSERT(invariants_hold())

/* Everything event channels own: ports, VIRQ table, limit, bitmaps, kicks. */
struct ev_snap {
    struct evtchn evtchn[NR_DOMS][EVTCHN_MAX_PORTS];
    uint16_t virq_to_port[NR_DOMS][EVTCHN_NR_VIRQS];
    unsigned int max_port[NR_DOMS];
    uint8_t shared_info[NR_DOMS][PAGE_SIZE];
    unsigned long kicks;
};

static struct ev_snap *ev_snap_take(void)
{
    struct ev_snap *s = calloc(1, sizeof(*s));
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        if (!doms[i])
            continue;
        memcpy(s->evtchn[i], doms[i]->evtchn, sizeof(s->evtchn[i]));
        memcpy(s->virq_to_port[i], doms[i]->virq_to_port, sizeof(s->virq_to_port[i]));
        s->max_port[i] = doms[i]->max_evtchn_port;
        memcpy(s->shared_info[i], si_of(doms[i]), PAGE_SIZE);
    }
    s->kicks = sim_evtchn_kicks;
    return s;
}

static bool ev_snap_same(struct ev_snap *s)
{
    bool same = s->kicks == sim_evtchn_kicks;
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        if (!doms[i])
            continue;
        same = same && !memcmp(s->evtchn[i], doms[i]->evtchn, sizeof(s->evtchn[i])) &&
               !memcmp(s->virq_to_port[i], doms[i]->virq_to_port, sizeof(s->virq_to_port[i])) &&
               s->max_port[i] == doms[i]->max_evtchn_port &&
               !memcmp(s->shared_info[i], si_of(doms[i]), PAGE_SIZE);
    }
    free(s);
    return same;
}

/* ---- calling the hypercall as a guest ---- */

/* Put arg at va (ARG_VA or RO_VA) in caller's memory and run cmd on it;
 * the struct as the guest then sees it is copied back into arg. */
static long call_at(struct domain *caller, unsigned int cmd, void *arg, size_t len, uint32_t va)
{
    memcpy(guest_bytes(caller, va), arg, len);
    sim_evtchn_enter(caller);
    long rc = do_event_channel_op(cmd, va);
    memcpy(arg, guest_bytes(caller, va), len);
    return rc;
}
#define CALL(caller, cmd, arg) call_at((caller), (cmd), &(arg), sizeof(arg), ARG_VA)

/* cmd with arg at va is refused with err and changes nothing at all
 * (machine memory, including the guest's copy of arg, and every port). */
static void refused_at(struct domain *caller, unsigned int cmd, const void *arg, size_t len,
                       uint32_t va, long err, int line)
{
    if (arg)
        memcpy(guest_bytes(caller, va), arg, len);
    sim_evtchn_enter(caller);
    struct sim_snapshot *mem = sim_snapshot_take();
    struct ev_snap *ev = ev_snap_take();
    long rc = do_event_channel_op(cmd, va);
    if (rc != err)
        printf("\nline %d: cmd %u: got %ld, want %ld\n", line, cmd, rc, err);
    ASSERT_AT(rc == err, line);
    ASSERT_AT(sim_snapshot_same(mem), line);
    ASSERT_AT(ev_snap_same(ev), line);
    ASSERT_AT(invariants_hold(), line);
}
#define REFUSED(caller, cmd, arg, err) \
    refused_at((caller), (cmd), &(arg), sizeof(arg), ARG_VA, (err), __LINE__)
/* The argument cannot be read (unmapped, straddling, hypervisor area), or
 * read but not written back (read-only page). */
#define REFUSED_FAULTS(caller, cmd, arg) do {                                          \
        refused_at((caller), (cmd), NULL, 0, HOLE_VA, -EFAULT, __LINE__);              \
        refused_at((caller), (cmd), NULL, 0, STRADDLE_VA, -EFAULT, __LINE__);          \
        refused_at((caller), (cmd), NULL, 0, HYP_VA, -EFAULT, __LINE__);               \
        refused_at((caller), (cmd), &(arg), sizeof(arg), RO_VA, -EFAULT, __LINE__);    \
    } while (0)
/* Only the three unreadable cases (for ops that write nothing back). */
#define REFUSED_UNREADABLE(caller, cmd) do {                                           \
        refused_at((caller), (cmd), NULL, 0, HOLE_VA, -EFAULT, __LINE__);              \
        refused_at((caller), (cmd), NULL, 0, STRADDLE_VA, -EFAULT, __LINE__);          \
        refused_at((caller), (cmd), NULL, 0, HYP_VA, -EFAULT, __LINE__);               \
    } while (0)

/* Sub-op helpers: the port (>= 0) or -errno. */
static long alloc_unbound(struct domain *caller, domid_t dom, domid_t remote)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xdead };
    long rc = CALL(caller, EVTCHNOP_alloc_unbound, a);
    return rc ? rc : (long)a.port;
}

static long bind_interdomain(struct domain *caller, domid_t remote_dom, uint32_t remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote_dom, .remote_port = remote_port };
    long rc = CALL(caller, EVTCHNOP_bind_interdomain, b);
    return rc ? rc : (long)b.local_port;
}

static long bind_virq(struct domain *caller, uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = CALL(caller, EVTCHNOP_bind_virq, b);
    return rc ? rc : (long)b.port;
}

static long bind_ipi(struct domain *caller, uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = CALL(caller, EVTCHNOP_bind_ipi, b);
    return rc ? rc : (long)b.port;
}

static long port_op(struct domain *caller, unsigned int cmd, uint32_t port)
{
    struct evtchn_send s = { .port = port };   /* close, send, unmask: the same layout */
    return CALL(caller, cmd, s);
}
#define evclose(c, p) port_op((c), EVTCHNOP_close, (p))
#define ev_send(c, p) port_op((c), EVTCHNOP_send, (p))
#define ev_unmask(c, p) port_op((c), EVTCHNOP_unmask, (p))

static long status(struct domain *caller, domid_t dom, uint32_t port, struct evtchn_status *out)
{
    *out = (struct evtchn_status){ .dom = dom, .port = port };
    memset(&out->u, 0xAA, sizeof(out->u));      /* stale bytes the call must replace */
    return call_at(caller, EVTCHNOP_status, out, sizeof(*out), ARG_VA);
}

static long bind_vcpu(struct domain *caller, uint32_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return CALL(caller, EVTCHNOP_bind_vcpu, b);
}

static long reset(struct domain *caller, domid_t dom)
{
    struct evtchn_reset r = { .dom = dom };
    return CALL(caller, EVTCHNOP_reset, r);
}

/* ---- shared_info views ---- */

static bool pending(struct domain *d, unsigned int port)
{
    return (si_of(d)->evtchn_pending[port / 32] >> (port % 32)) & 1;
}

static bool selector(struct domain *d, unsigned int port)
{
    return (si_of(d)->vcpu_info[0].evtchn_pending_sel >> (port / 32)) & 1;
}

static void set_mask(struct domain *d, unsigned int port, bool masked)
{
    uint32_t *w = &si_of(d)->evtchn_mask[port / 32];
    *w = masked ? *w | (1u << (port % 32)) : *w & ~(1u << (port % 32));
}

static bool masked(struct domain *d, unsigned int port)
{
    return (si_of(d)->evtchn_mask[port / 32] >> (port % 32)) & 1;
}

/* The guest consumed everything: no pending bits, selectors or upcalls. */
static void ack_all(struct domain *d)
{
    struct shared_info *si = si_of(d);
    memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
    si->vcpu_info[0].evtchn_pending_sel = 0;
    si->vcpu_info[0].evtchn_upcall_pending = 0;
}

/* ---- alloc_unbound ---- */

static void test_alloc_unbound(void)
{
    fresh();
    CU_ASSERT_EQUAL(alloc_unbound(d1, DOMID_SELF, 2), 1);          /* lowest free port */
    CU_ASSERT_EQUAL(alloc_unbound(d1, 1, DOMID_SELF), 2);          /* own id works too */
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_dom, 2);
    CU_ASSERT_EQUAL(d1->evtchn[2].remote_dom, 1);                  /* DOMID_SELF: the caller */
    CU_ASSERT_EQUAL(alloc_unbound(d1, DOMID_SELF, 42), 3);         /* remote need not exist */
    CU_ASSERT_EQUAL(d1->evtchn[3].remote_dom, 42);
    CU_ASSERT_FALSE(pending(d1, 1) || pending(d1, 2) || pending(d1, 3));
    CU_ASSERT_EQUAL(sim_evtchn_kicks, 0);
    CHECK_EV();

    /* dom0 may allocate in another domain; DOMID_SELF is then dom0. */
    CU_ASSERT_EQUAL(alloc_unbound(d0, 2, DOMID_SELF), 1);
    CU_ASSERT_EQUAL(d2->evtchn[1].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d2->evtchn[1].remote_dom, 0);
    CU_ASSERT_EQUAL(d0->evtchn[1].state, ECS_FREE);
    CHECK_EV();

    /* A domU may not. Unknown domains. */
    struct evtchn_alloc_unbound a = { .dom = 2, .remote_dom = 1 };
    REFUSED(d1, EVTCHNOP_alloc_unbound, a, -EPERM);
    a.dom = 0;
    REFUSED(d1, EVTCHNOP_alloc_unbound, a, -EPERM);
    static const domid_t unknown[] = { 3, MAX_DOMAINS, DOMID_IO, DOMID_XEN, DOMID_INVALID, 0xFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++) {
        a.dom = unknown[i];
        REFUSED(d1, EVTCHNOP_alloc_unbound, a, -ESRCH);
        REFUSED(d0, EVTCHNOP_alloc_unbound, a, -ESRCH);
    }
    a = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = 0 };
    REFUSED_FAULTS(d1, EVTCHNOP_alloc_unbound, a);

    /* The port limit: 1..max_evtchn_port, then -ENOSPC; a closed port is reused. */
    d2->max_evtchn_port = 3;
    CU_ASSERT_EQUAL(alloc_unbound(d2, DOMID_SELF, 0), 2);
    CU_ASSERT_EQUAL(alloc_unbound(d2, DOMID_SELF, 0), 3);
    a.dom = DOMID_SELF;
    REFUSED(d2, EVTCHNOP_alloc_unbound, a, -ENOSPC);
    a.dom = 2;
    REFUSED(d0, EVTCHNOP_alloc_unbound, a, -ENOSPC);
    REFUSED(d1, EVTCHNOP_alloc_unbound, a, -EPERM);          /* permission before space */
    CU_ASSERT_EQUAL(evclose(d2, 2), 0);
    CU_ASSERT_EQUAL(alloc_unbound(d2, DOMID_SELF, 0), 2);
    CHECK_EV();
}

/* ---- bind_interdomain ---- */

static void test_bind_interdomain(void)
{
    fresh();
    long p1 = alloc_unbound(d1, DOMID_SELF, 2);
    CU_ASSERT_EQUAL(p1, 1);
    CU_ASSERT_EQUAL(alloc_unbound(d2, DOMID_SELF, 0), 1);          /* d2's port 1 is taken */
    long p2 = bind_interdomain(d2, 1, (uint32_t)p1);
    CU_ASSERT_EQUAL(p2, 2);
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_INTERDOMAIN);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_dom, 2);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_port, 2);
    CU_ASSERT_EQUAL(d2->evtchn[2].state, ECS_INTERDOMAIN);
    CU_ASSERT_EQUAL(d2->evtchn[2].remote_dom, 1);
    CU_ASSERT_EQUAL(d2->evtchn[2].remote_port, 1);
    /* The new local port starts pending (events sent while unbound were
     * dropped); the remote end does not. */
    CU_ASSERT(pending(d2, 2));
    CU_ASSERT(selector(d2, 2));
    CU_ASSERT_EQUAL(si_of(d2)->vcpu_info[0].evtchn_upcall_pending, 1);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, 1);
    CU_ASSERT_FALSE(pending(d1, 1));
    CHECK_EV();

    /* Each end signals the other. */
    ack_all(d2);
    CU_ASSERT_EQUAL(ev_send(d1, 1), 0);
    CU_ASSERT(pending(d2, 2));
    CU_ASSERT_FALSE(pending(d1, 1));
    CU_ASSERT_EQUAL(ev_send(d2, 2), 0);
    CU_ASSERT(pending(d1, 1));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 1);
    CHECK_EV();

    /* Refusals. */
    struct evtchn_bind_interdomain b = { .remote_dom = 1, .remote_port = 1 };
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);           /* already connected */
    b.remote_port = 0;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);           /* reserved port */
    b.remote_port = 7;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);           /* free port */
    static const uint32_t out_of_range[] = { EVTCHN_MAX_PORTS, 0x10000, 0xFFFFFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(out_of_range); i++) {
        b.remote_port = out_of_range[i];
        REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);
    }
    long for_d0 = alloc_unbound(d1, DOMID_SELF, 0);                /* waits for d0, not d2 */
    b.remote_port = (uint32_t)for_d0;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);
    long ipi = bind_ipi(d1, 0);
    b.remote_port = (uint32_t)ipi;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);
    b.remote_dom = 9;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -ESRCH);
    b.remote_dom = DOMID_XEN;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -ESRCH);
    long for_d2 = alloc_unbound(d1, DOMID_SELF, 2);
    b = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = (uint32_t)for_d2 };
    REFUSED_FAULTS(d2, EVTCHNOP_bind_interdomain, b);            /* the remote stays unbound */
    CU_ASSERT_EQUAL(d1->evtchn[for_d2].state, ECS_UNBOUND);
    d2->max_evtchn_port = 2;                                       /* d2 is full */
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -ENOSPC);
    b.remote_port = (uint32_t)ipi;
    REFUSED(d2, EVTCHNOP_bind_interdomain, b, -EINVAL);           /* arguments before space */
    d2->max_evtchn_port = EVTCHN_MAX_PORTS - 1;
    /* dom0 is not special here: the port must wait for it. */
    b = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = (uint32_t)for_d2 };
    REFUSED(d0, EVTCHNOP_bind_interdomain, b, -EINVAL);
    CU_ASSERT_EQUAL(bind_interdomain(d0, 1, (uint32_t)for_d0), 1);
    CHECK_EV();
}

static void test_loopback(void)
{
    fresh();
    long a = alloc_unbound(d1, DOMID_SELF, DOMID_SELF);
    long b = bind_interdomain(d1, DOMID_SELF, (uint32_t)a);
    CU_ASSERT_EQUAL(a, 1);
    CU_ASSERT_EQUAL(b, 2);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_dom, 1);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_port, 2);
    CU_ASSERT_EQUAL(d1->evtchn[2].remote_port, 1);
    CU_ASSERT(pending(d1, 2));
    CU_ASSERT_FALSE(pending(d1, 1));
    ack_all(d1);
    CU_ASSERT_EQUAL(ev_send(d1, 2), 0);
    CU_ASSERT(pending(d1, 1));
    CU_ASSERT_FALSE(pending(d1, 2));
    CHECK_EV();
    /* Own id instead of DOMID_SELF. */
    long c = alloc_unbound(d1, 1, 1);
    CU_ASSERT_EQUAL(bind_interdomain(d1, 1, (uint32_t)c), 4);
    /* Closing one end leaves the other unbound, waiting for ourselves. */
    CU_ASSERT_EQUAL(evclose(d1, 2), 0);
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_dom, 1);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_port, 0);
    CU_ASSERT_FALSE(pending(d1, 2));                                /* cleared on close */
    CU_ASSERT_EQUAL(bind_interdomain(d1, DOMID_SELF, 1), 2);        /* and can be bound again */
    CHECK_EV();
}

/* ---- bind_virq ---- */

static void test_bind_virq(void)
{
    fresh();
    long timer = bind_virq(d1, VIRQ_TIMER, 0);
    CU_ASSERT_EQUAL(timer, 1);
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_VIRQ);
    CU_ASSERT_EQUAL(d1->evtchn[1].virq, VIRQ_TIMER);
    CU_ASSERT_EQUAL(d1->virq_to_port[VIRQ_TIMER], 1);
    long exc = bind_virq(d0, VIRQ_DOM_EXC, 0);
    CU_ASSERT_EQUAL(exc, 1);
    CU_ASSERT_EQUAL(bind_virq(d1, VIRQ_ARCH_7, 0), 2);             /* the last VIRQ */
    CHECK_EV();

    /* Delivery through the core. */
    send_guest_virq(d1->vcpu0, VIRQ_TIMER);
    CU_ASSERT(pending(d1, 1));
    send_global_virq(d0, VIRQ_DOM_EXC);
    CU_ASSERT(pending(d0, 1));
    send_guest_virq(d1->vcpu0, VIRQ_DEBUG);                        /* not bound: nothing */
    CU_ASSERT_FALSE(pending(d1, 0) || pending(d1, 2) || pending(d1, 3));

    struct evtchn_bind_virq b = { .virq = VIRQ_TIMER, .vcpu = 0 };
    REFUSED(d1, EVTCHNOP_bind_virq, b, -EEXIST);
    static const uint32_t bad_virq[] = { NR_VIRQS, 255, 0x80000000u, 0xFFFFFFFF };
    for (unsigned int i = 0; i < ARRAY_SIZE(bad_virq); i++) {
        b.virq = bad_virq[i];
        REFUSED(d1, EVTCHNOP_bind_virq, b, -EINVAL);
    }
    b = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };   /* global: vCPU 0 only */
    REFUSED(d1, EVTCHNOP_bind_virq, b, -EINVAL);
    b.vcpu = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_bind_virq, b, -EINVAL);
    b = (struct evtchn_bind_virq){ .virq = VIRQ_DEBUG, .vcpu = 1 };     /* per-vCPU: no vCPU 1 */
    REFUSED(d1, EVTCHNOP_bind_virq, b, -ENOENT);
    b.vcpu = XEN_LEGACY_MAX_VCPUS;
    REFUSED(d1, EVTCHNOP_bind_virq, b, -ENOENT);
    b.virq = VIRQ_TIMER;                     /* bad vCPU before "already bound" */
    REFUSED(d1, EVTCHNOP_bind_virq, b, -ENOENT);
    b = (struct evtchn_bind_virq){ .virq = VIRQ_DEBUG, .vcpu = 0 };
    REFUSED_FAULTS(d1, EVTCHNOP_bind_virq, b);
    CU_ASSERT_EQUAL(d1->virq_to_port[VIRQ_DEBUG], 0);
    d1->max_evtchn_port = 2;
    REFUSED(d1, EVTCHNOP_bind_virq, b, -ENOSPC);
    b.virq = VIRQ_TIMER;
    REFUSED(d1, EVTCHNOP_bind_virq, b, -EEXIST);                  /* arguments before space */
    d1->max_evtchn_port = EVTCHN_MAX_PORTS - 1;

    /* A VIRQ port cannot be sent on; closing unbinds the VIRQ. */
    struct evtchn_send s = { .port = 1 };
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);
    CU_ASSERT_EQUAL(evclose(d1, 1), 0);
    CU_ASSERT_EQUAL(d1->virq_to_port[VIRQ_TIMER], 0);
    CU_ASSERT_FALSE(pending(d1, 1));
    send_guest_virq(d1->vcpu0, VIRQ_TIMER);
    CU_ASSERT_FALSE(pending(d1, 1));
    CU_ASSERT_EQUAL(bind_virq(d1, VIRQ_TIMER, 0), 1);
    /* Every VIRQ number can be bound once. */
    for (uint32_t v = 0; v < NR_VIRQS; v++)
        if (!d1->virq_to_port[v])
            CU_ASSERT(bind_virq(d1, v, 0) > 0);
    for (uint32_t v = 0; v < NR_VIRQS; v++)
        CU_ASSERT_EQUAL(bind_virq(d1, v, 0), -EEXIST);
    CHECK_EV();
}

/* ---- bind_ipi ---- */

static void test_bind_ipi(void)
{
    fresh();
    long p = bind_ipi(d1, 0);
    CU_ASSERT_EQUAL(p, 1);
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_IPI);
    CU_ASSERT_EQUAL(ev_send(d1, 1), 0);
    CU_ASSERT(pending(d1, 1));
    CU_ASSERT(selector(d1, 1));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 1);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, 1);
    CU_ASSERT_EQUAL(ev_send(d1, 1), 0);                 /* already pending: nothing new */
    CU_ASSERT_EQUAL(sim_evtchn_kicks, 1);
    CHECK_EV();
    struct evtchn_bind_ipi b = { .vcpu = 1 };
    REFUSED(d1, EVTCHNOP_bind_ipi, b, -ENOENT);
    b.vcpu = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_bind_ipi, b, -ENOENT);
    b.vcpu = 0;
    REFUSED_FAULTS(d1, EVTCHNOP_bind_ipi, b);
    d1->max_evtchn_port = 1;
    REFUSED(d1, EVTCHNOP_bind_ipi, b, -ENOSPC);
    b.vcpu = 1;
    REFUSED(d1, EVTCHNOP_bind_ipi, b, -ENOENT);
}

/* ---- close ---- */

static void test_close(void)
{
    fresh();
    long unbound = alloc_unbound(d1, DOMID_SELF, 2);         /* 1 */
    long ipi = bind_ipi(d1, 0);                               /* 2 */
    long virq = bind_virq(d1, VIRQ_CON_RING, 0);              /* 3 */
    long to_d2 = alloc_unbound(d1, DOMID_SELF, 2);            /* 4 */
    long from_d2 = bind_interdomain(d2, 1, (uint32_t)to_d2);  /* d2: 1 */
    long for_d0 = alloc_unbound(d0, 1, DOMID_SELF);           /* 5: as a console port is */
    CU_ASSERT_EQUAL(for_d0, 5);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)ipi), 0);
    CHECK_EV();

    struct evtchn_close c = { .port = 0 };
    REFUSED(d1, EVTCHNOP_close, c, -EINVAL);                  /* reserved */
    c.port = 6;
    REFUSED(d1, EVTCHNOP_close, c, -EINVAL);                  /* free */
    c.port = EVTCHN_MAX_PORTS;
    REFUSED(d1, EVTCHNOP_close, c, -EINVAL);
    c.port = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_close, c, -EINVAL);
    REFUSED_UNREADABLE(d1, EVTCHNOP_close);

    /* A port dom0 allocated in d1 is d1's to close (as on Xen). */
    CU_ASSERT_EQUAL(evclose(d1, (uint32_t)for_d0), 0);
    CU_ASSERT_EQUAL(d1->evtchn[for_d0].state, ECS_FREE);
    CU_ASSERT_EQUAL(evclose(d1, (uint32_t)unbound), 0);
    CU_ASSERT_EQUAL(evclose(d1, (uint32_t)ipi), 0);
    CU_ASSERT_FALSE(pending(d1, (unsigned int)ipi));          /* a closed port is not pending */
    CU_ASSERT_EQUAL(evclose(d1, (uint32_t)virq), 0);
    CU_ASSERT_EQUAL(d1->virq_to_port[VIRQ_CON_RING], 0);
    CHECK_EV();
    /* Closing one end of a connection: the peer waits for us again. */
    CU_ASSERT_EQUAL(evclose(d2, (uint32_t)from_d2), 0);
    CU_ASSERT_EQUAL(d1->evtchn[to_d2].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d1->evtchn[to_d2].remote_dom, 2);
    CU_ASSERT_EQUAL(d1->evtchn[to_d2].remote_port, 0);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)to_d2), 0);             /* dropped */
    CU_ASSERT_EQUAL(bind_interdomain(d2, 1, (uint32_t)to_d2), 1);
    CHECK_EV();
    for (unsigned int port = 1; port <= 3; port++)
        CU_ASSERT_EQUAL(d1->evtchn[port].state, ECS_FREE);
    c.port = 1;
    REFUSED(d1, EVTCHNOP_close, c, -EINVAL);                  /* twice */
}

/* ---- send ---- */

static void test_send(void)
{
    fresh();
    long unbound = alloc_unbound(d1, DOMID_SELF, 2);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)unbound), 0);        /* dropped, as Xen */
    CU_ASSERT_FALSE(pending(d1, (unsigned int)unbound));
    CU_ASSERT_EQUAL(sim_evtchn_kicks, 0);
    /* (A domU's unbound console port is served by pvx: console_test.c.) */

    /* A masked port: only the pending bit; no selector, upcall or kick. */
    long ipi = bind_ipi(d1, 0);
    set_mask(d1, (unsigned int)ipi, true);
    unsigned long kicks = sim_evtchn_kicks;
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)ipi), 0);
    CU_ASSERT(pending(d1, (unsigned int)ipi));
    CU_ASSERT_FALSE(selector(d1, (unsigned int)ipi));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 0);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks);

    /* A port above 31 raises its own selector bit; a blocked vCPU wakes. */
    d1->max_evtchn_port = EVTCHN_MAX_PORTS - 1;
    for (unsigned int port = 1; port < 40; port++)
        if (d1->evtchn[port].state == ECS_FREE)
            CU_ASSERT(bind_ipi(d1, 0) > 0);
    d1->vcpu0->runstate = RUNSTATE_blocked;
    CU_ASSERT_EQUAL(ev_send(d1, 37), 0);
    CU_ASSERT(pending(d1, 37));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_pending_sel, 1u << 1);
    CU_ASSERT_EQUAL(d1->vcpu0->runstate, RUNSTATE_runnable);
    CHECK_EV();

    struct evtchn_send s = { .port = 0 };
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);
    s.port = 40;
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);                   /* free */
    s.port = EVTCHN_MAX_PORTS;
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);
    s.port = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);
    long virq = bind_virq(d1, VIRQ_DEBUG, 0);
    s.port = (uint32_t)virq;
    REFUSED(d1, EVTCHNOP_send, s, -EINVAL);
    REFUSED_UNREADABLE(d1, EVTCHNOP_send);
    /* Another domain's port number means nothing to us. */
    long d2_ipi = bind_ipi(d2, 0);
    CU_ASSERT_EQUAL(d2_ipi, 1);
    ack_all(d1);
    ack_all(d2);
    CU_ASSERT_EQUAL(ev_send(d1, 1), 0);                          /* d1's port 1: unbound */
    CU_ASSERT_FALSE(pending(d2, 1));
}

/* ---- status ---- */

static void test_status(void)
{
    fresh();
    struct evtchn_status st;
    long unbound = alloc_unbound(d1, DOMID_SELF, 2);           /* 1 */
    long to_d2 = alloc_unbound(d1, DOMID_SELF, 2);             /* 2 */
    long from_d2 = bind_interdomain(d2, 1, (uint32_t)to_d2);   /* d2: 1 */
    long virq = bind_virq(d1, VIRQ_TIMER, 0);                  /* 3 */
    long ipi = bind_ipi(d1, 0);                                /* 4 */
    long for_d0 = alloc_unbound(d0, 1, DOMID_SELF);            /* 5: as a console port is */

    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, (uint32_t)unbound, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
    CU_ASSERT_EQUAL(st.vcpu, 0);
    CU_ASSERT_EQUAL(st.u.unbound.dom, 2);
    CU_ASSERT_EQUAL(st.u.interdomain.port, 0);                 /* the rest of the union cleared */
    CU_ASSERT_EQUAL(status(d1, 1, (uint32_t)to_d2, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_interdomain);
    CU_ASSERT_EQUAL(st.u.interdomain.dom, 2);
    CU_ASSERT_EQUAL(st.u.interdomain.port, (uint32_t)from_d2);
    CU_ASSERT_EQUAL(status(d2, DOMID_SELF, (uint32_t)from_d2, &st), 0);
    CU_ASSERT_EQUAL(st.u.interdomain.dom, 1);
    CU_ASSERT_EQUAL(st.u.interdomain.port, (uint32_t)to_d2);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, (uint32_t)virq, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_virq);
    CU_ASSERT_EQUAL(st.u.virq, VIRQ_TIMER);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, (uint32_t)ipi, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_ipi);
    CU_ASSERT_EQUAL(st.u.virq, 0);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, (uint32_t)for_d0, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_unbound);
    CU_ASSERT_EQUAL(st.u.unbound.dom, 0);
    CU_ASSERT_EQUAL(st.u.interdomain.port, 0);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, 0, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, 6, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
    CU_ASSERT_EQUAL(status(d1, DOMID_SELF, EVTCHN_MAX_PORTS - 1, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_closed);
    CU_ASSERT_EQUAL(st.dom, DOMID_SELF);                       /* inputs kept */
    /* dom0 may look at anyone. */
    CU_ASSERT_EQUAL(status(d0, 1, (uint32_t)ipi, &st), 0);
    CU_ASSERT_EQUAL(st.status, EVTCHNSTAT_ipi);
    CU_ASSERT_EQUAL(status(d0, 2, (uint32_t)from_d2, &st), 0);
    CU_ASSERT_EQUAL(st.u.interdomain.dom, 1);

    struct evtchn_status s = { .dom = 2, .port = 1 };
    REFUSED(d1, EVTCHNOP_status, s, -EPERM);
    s.dom = 0;
    REFUSED(d1, EVTCHNOP_status, s, -EPERM);
    s.port = EVTCHN_MAX_PORTS;
    REFUSED(d1, EVTCHNOP_status, s, -EPERM);                  /* who before what */
    s.dom = 5;
    REFUSED(d1, EVTCHNOP_status, s, -ESRCH);
    REFUSED(d0, EVTCHNOP_status, s, -ESRCH);
    s.dom = DOMID_SELF;
    REFUSED(d1, EVTCHNOP_status, s, -EINVAL);
    s.port = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_status, s, -EINVAL);
    s.dom = 2;
    REFUSED(d0, EVTCHNOP_status, s, -EINVAL);
    s = (struct evtchn_status){ .dom = DOMID_SELF, .port = 1 };
    REFUSED_FAULTS(d1, EVTCHNOP_status, s);
    CHECK_EV();
}

/* ---- bind_vcpu ---- */

static void test_bind_vcpu(void)
{
    fresh();
    long unbound = alloc_unbound(d1, DOMID_SELF, 2);
    long to_d2 = alloc_unbound(d1, DOMID_SELF, 2);
    CU_ASSERT(bind_interdomain(d2, 1, (uint32_t)to_d2) > 0);
    long global = bind_virq(d1, VIRQ_CONSOLE, 0);
    long per_vcpu = bind_virq(d1, VIRQ_TIMER, 0);
    long ipi = bind_ipi(d1, 0);
    CU_ASSERT_EQUAL(bind_vcpu(d1, (uint32_t)unbound, 0), 0);
    CU_ASSERT_EQUAL(bind_vcpu(d1, (uint32_t)to_d2, 0), 0);
    CU_ASSERT_EQUAL(bind_vcpu(d1, (uint32_t)global, 0), 0);
    CU_ASSERT_EQUAL(d1->evtchn[global].notify_vcpu, 0);
    CHECK_EV();

    struct evtchn_bind_vcpu b = { .port = (uint32_t)unbound, .vcpu = 1 };
    REFUSED(d1, EVTCHNOP_bind_vcpu, b, -ENOENT);
    b.vcpu = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_bind_vcpu, b, -ENOENT);
    b.port = EVTCHN_MAX_PORTS;
    REFUSED(d1, EVTCHNOP_bind_vcpu, b, -ENOENT);              /* the vCPU is checked first */
    b.vcpu = 0;
    REFUSED(d1, EVTCHNOP_bind_vcpu, b, -EINVAL);
    const long not_movable[] = { per_vcpu, ipi, 0, 20 /* free */ };
    for (unsigned int i = 0; i < ARRAY_SIZE(not_movable); i++) {
        b.port = (uint32_t)not_movable[i];
        REFUSED(d1, EVTCHNOP_bind_vcpu, b, -EINVAL);
    }
    REFUSED_UNREADABLE(d1, EVTCHNOP_bind_vcpu);
}

/* ---- unmask ---- */

static void test_unmask(void)
{
    fresh();
    long a = bind_ipi(d1, 0), b = bind_ipi(d1, 0);
    /* Masked and pending: unmask delivers it. */
    set_mask(d1, (unsigned int)a, true);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)a), 0);
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 0);
    unsigned long kicks = sim_evtchn_kicks;
    d1->vcpu0->runstate = RUNSTATE_blocked;
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)a), 0);
    CU_ASSERT_FALSE(masked(d1, (unsigned int)a));
    CU_ASSERT(pending(d1, (unsigned int)a));
    CU_ASSERT(selector(d1, (unsigned int)a));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 1);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks + 1);
    CU_ASSERT_EQUAL(d1->vcpu0->runstate, RUNSTATE_runnable);
    /* Not masked any more: nothing to do. */
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)a), 0);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks + 1);
    /* Masked, not pending: only the mask bit goes. */
    ack_all(d1);
    set_mask(d1, (unsigned int)b, true);
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)b), 0);
    CU_ASSERT_FALSE(masked(d1, (unsigned int)b));
    CU_ASSERT_FALSE(selector(d1, (unsigned int)b));
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 0);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks + 1);
    /* The selector bit already set (the guest has not scanned yet): no new upcall. */
    set_mask(d1, (unsigned int)b, true);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)b), 0);
    si_of(d1)->vcpu_info[0].evtchn_pending_sel = 1;
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)b), 0);
    CU_ASSERT_EQUAL(si_of(d1)->vcpu_info[0].evtchn_upcall_pending, 0);
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks + 1);
    /* upcall_pending already set: selector set, no second kick. */
    ack_all(d1);
    si_of(d1)->vcpu_info[0].evtchn_upcall_pending = 1;
    set_mask(d1, (unsigned int)b, true);
    CU_ASSERT_EQUAL(ev_send(d1, (uint32_t)b), 0);
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)b), 0);
    CU_ASSERT(selector(d1, (unsigned int)b));
    CU_ASSERT_EQUAL(sim_evtchn_kicks, kicks + 1);
    /* Any valid port may be unmasked, even a free one or port 0. */
    set_mask(d1, 100, true);
    CU_ASSERT_EQUAL(ev_unmask(d1, 100), 0);
    CU_ASSERT_FALSE(masked(d1, 100));
    CU_ASSERT_EQUAL(ev_unmask(d1, 0), 0);
    CHECK_EV();

    struct evtchn_unmask u = { .port = EVTCHN_MAX_PORTS };
    set_mask(d1, 5, true);
    REFUSED(d1, EVTCHNOP_unmask, u, -EINVAL);
    u.port = 0xFFFFFFFF;
    REFUSED(d1, EVTCHNOP_unmask, u, -EINVAL);
    d1->max_evtchn_port = 4;                                  /* 5 is beyond the limit and free */
    u.port = 5;
    REFUSED(d1, EVTCHNOP_unmask, u, -EINVAL);
    CU_ASSERT_EQUAL(ev_unmask(d1, (uint32_t)b), 0);              /* in use: still valid */
    REFUSED_UNREADABLE(d1, EVTCHNOP_unmask);
}

/* ---- reset ---- */

static void test_reset(void)
{
    fresh();
    long to_d2 = alloc_unbound(d1, DOMID_SELF, 2);
    long from_d2 = bind_interdomain(d2, 1, (uint32_t)to_d2);
    long d2_to_d1 = alloc_unbound(d2, DOMID_SELF, 1);
    long from_d1 = bind_interdomain(d1, 2, (uint32_t)d2_to_d1);
    CU_ASSERT(bind_virq(d1, VIRQ_TIMER, 0) > 0);
    CU_ASSERT(bind_ipi(d1, 0) > 0);
    long loop = alloc_unbound(d1, DOMID_SELF, DOMID_SELF);
    CU_ASSERT(bind_interdomain(d1, DOMID_SELF, (uint32_t)loop) > 0);
    long for_d0 = alloc_unbound(d0, 1, DOMID_SELF);           /* as a console port is */
    CU_ASSERT(for_d0 > 0);
    CHECK_EV();

    struct evtchn_reset r = { .dom = 2 };
    REFUSED(d1, EVTCHNOP_reset, r, -EPERM);
    r.dom = 0;
    REFUSED(d1, EVTCHNOP_reset, r, -EPERM);
    r.dom = 1;
    REFUSED(d0, EVTCHNOP_reset, r, -EINVAL);                  /* d1 is running */
    r.dom = 7;
    REFUSED(d1, EVTCHNOP_reset, r, -ESRCH);
    REFUSED(d0, EVTCHNOP_reset, r, -ESRCH);
    REFUSED_UNREADABLE(d1, EVTCHNOP_reset);

    CU_ASSERT_EQUAL(reset(d1, DOMID_SELF), 0);
    for (unsigned int port = 1; port < EVTCHN_MAX_PORTS; port++)   /* every port, */
        CU_ASSERT_EQUAL(d1->evtchn[port].state, ECS_FREE);         /* for_d0 too */
    CU_ASSERT_EQUAL(d1->evtchn[0].state, ECS_RESERVED);
    CU_ASSERT_EQUAL(d1->virq_to_port[VIRQ_TIMER], 0);
    for (unsigned int w = 0; w < 32; w++)
        CU_ASSERT_EQUAL(si_of(d1)->evtchn_pending[w], 0);
    /* d2's ends wait for d1 again. */
    CU_ASSERT_EQUAL(d2->evtchn[from_d2].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d2->evtchn[from_d2].remote_dom, 1);
    CU_ASSERT_EQUAL(d2->evtchn[d2_to_d1].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d2->evtchn[d2_to_d1].remote_dom, 1);
    CU_ASSERT(from_d1 > 0);
    CHECK_EV();
    CU_ASSERT_EQUAL(reset(d1, 1), 0);                         /* own id, nothing left */
    CU_ASSERT_EQUAL(bind_interdomain(d1, 2, (uint32_t)d2_to_d1), 1);

    /* dom0 may reset a paused domain. */
    d2->vcpu0->pause_count = 1;
    CU_ASSERT_EQUAL(reset(d0, 2), 0);
    CU_ASSERT_EQUAL(d2->evtchn[from_d2].state, ECS_FREE);
    CU_ASSERT_EQUAL(d1->evtchn[1].state, ECS_UNBOUND);
    CU_ASSERT_EQUAL(d1->evtchn[1].remote_dom, 2);
    r.dom = 2;
    REFUSED(d1, EVTCHNOP_reset, r, -EPERM);                   /* paused or not */
    CHECK_EV();
}

/* ---- the rest ---- */

static void test_unimplemented(void)
{
    fresh();
    struct evtchn_init_control ic = { .control_gfn = 5, .offset = 0, .vcpu = 0 };
    REFUSED(d1, EVTCHNOP_init_control, ic, -ENOSYS);
    struct evtchn_expand_array ea = { .array_gfn = 5 };
    REFUSED(d1, EVTCHNOP_expand_array, ea, -ENOSYS);
    struct evtchn_set_priority sp = { .port = 1, .priority = 3 };
    REFUSED(d1, EVTCHNOP_set_priority, sp, -ENOSYS);
    static const unsigned int unknown[] = { 14, 15, 100, 0x80000000u, 0xFFFFFFFFu };
    for (unsigned int i = 0; i < ARRAY_SIZE(unknown); i++)
        REFUSED(d1, unknown[i], sp, -ENOSYS);
    /* Nothing is read: a bad pointer changes no answer. */
    refused_at(d1, EVTCHNOP_init_control, NULL, 0, HOLE_VA, -ENOSYS, __LINE__);
    refused_at(d1, EVTCHNOP_expand_array, NULL, 0, HYP_VA, -ENOSYS, __LINE__);
    refused_at(d1, 0xFFFFFFFFu, NULL, 0, HOLE_VA, -ENOSYS, __LINE__);

    struct evtchn_bind_pirq bp = { .pirq = 1, .flags = 0 };
    REFUSED(d1, EVTCHNOP_bind_pirq, bp, -EPERM);
    REFUSED(d0, EVTCHNOP_bind_pirq, bp, -EPERM);
    REFUSED_UNREADABLE(d1, EVTCHNOP_bind_pirq);
}

/* Destroying one side leaves the other unbound, waiting for the dead id. */
static void test_destroy(void)
{
    fresh();
    long to_d2 = alloc_unbound(d1, DOMID_SELF, 2);
    CU_ASSERT(bind_interdomain(d2, 1, (uint32_t)to_d2) > 0);
    long for_d1 = alloc_unbound(d2, DOMID_SELF, 1);
    CU_ASSERT(bind_interdomain(d1, 2, (uint32_t)for_d1) > 0);
    CU_ASSERT(bind_virq(d2, VIRQ_TIMER, 0) > 0);
    long loop = alloc_unbound(d2, DOMID_SELF, DOMID_SELF);
    CU_ASSERT(bind_interdomain(d2, DOMID_SELF, (uint32_t)loop) > 0);
    CHECK_EV();
    sim_evtchn_domain_destroy(d2);
    doms[2] = d2 = NULL;
    for (unsigned int port = 1; port <= 2; port++) {
        CU_ASSERT_EQUAL(d1->evtchn[port].state, ECS_UNBOUND);
        CU_ASSERT_EQUAL(d1->evtchn[port].remote_dom, 2);
    }
    CHECK_EV();
    CU_ASSERT_EQUAL(ev_send(d1, 1), 0);                          /* dropped */
    CU_ASSERT_EQUAL(bind_interdomain(d1, 2, 1), -ESRCH);
    CU_ASSERT_EQUAL(evclose(d1, 1), 0);
    CU_ASSERT_EQUAL(evclose(d1, 2), 0);
    CHECK_EV();
    /* A new d2 starts clean and can connect to d1 again. */
    doms[2] = d2 = sim_evtchn_domain_create(2, false, &as[2]);
    long again = alloc_unbound(d1, DOMID_SELF, 2);
    CU_ASSERT_EQUAL(bind_interdomain(d2, 1, (uint32_t)again), 1);
    CHECK_EV();
}

/* The checker itself notices broken state. */
static void test_checker(void)
{
    fresh();
    long a = alloc_unbound(d1, DOMID_SELF, 2);
    long b = bind_interdomain(d2, 1, (uint32_t)a);
    long v = bind_virq(d1, VIRQ_TIMER, 0);
    long ipi = bind_ipi(d1, 0);
    CU_ASSERT(invariants_hold());
    d2->evtchn[b].remote_port = 9;
    CU_ASSERT_FALSE(invariants_hold());
    d2->evtchn[b].remote_port = (uint16_t)a;
    d1->virq_to_port[VIRQ_DEBUG] = (uint16_t)v;
    CU_ASSERT_FALSE(invariants_hold());
    d1->virq_to_port[VIRQ_DEBUG] = 0;
    d1->evtchn[40].notify_vcpu = 3;                           /* a free port with residue */
    CU_ASSERT_FALSE(invariants_hold());
    d1->evtchn[40].notify_vcpu = 0;
    d1->evtchn[0].state = ECS_FREE;
    CU_ASSERT_FALSE(invariants_hold());
    d1->evtchn[0].state = ECS_RESERVED;
    d1->evtchn[ipi].state = ECS_IPI + 1;                      /* no such state */
    CU_ASSERT_FALSE(invariants_hold());
    d1->evtchn[ipi].state = ECS_IPI;
    CU_ASSERT(invariants_hold());
}

/* ---- random sequences ---- */

static unsigned int rnd_state = 12345;
static unsigned int rnd(unsigned int n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

/* A random domid field: mostly live domains, sometimes DOMID_SELF or junk. */
static domid_t rnd_dom(void)
{
    static const domid_t ids[] = { 0, 1, 2, 1, 2, DOMID_SELF, DOMID_SELF, 3, DOMID_XEN };
    return ids[rnd(ARRAY_SIZE(ids))];
}

/* Small port numbers (the limit is low) and a few out of range. */
static uint32_t rnd_port(void)
{
    static const uint32_t odd[] = { 0, 15, 16, EVTCHN_MAX_PORTS, 0xFFFFFFFF };
    return rnd(8) ? rnd(16) : odd[rnd(ARRAY_SIZE(odd))];
}

static void test_random_sequences(void)
{
    fresh();
    for (unsigned int i = 0; i < NR_DOMS; i++)
        doms[i]->max_evtchn_port = 15;
    unsigned int ok = 0, refused = 0;
    for (unsigned int step = 0; step < 20000; step++) {
        struct domain *caller = doms[rnd(NR_DOMS)];
        if (rnd(50) == 0) {
            ack_all(caller);
            continue;
        }
        if (rnd(20) == 0)
            set_mask(caller, rnd(16), rnd(2));
        union {
            struct evtchn_alloc_unbound au;
            struct evtchn_bind_interdomain bi;
            struct evtchn_bind_virq bv;
            struct evtchn_bind_ipi ipi;
            struct evtchn_send port;
            struct evtchn_status st;
            struct evtchn_bind_vcpu vc;
            struct evtchn_reset rs;
        } arg;
        memset(&arg, 0, sizeof(arg));
        unsigned int cmd = rnd(11);
        switch (cmd) {
        case EVTCHNOP_alloc_unbound:
            arg.au = (struct evtchn_alloc_unbound){ .dom = rnd_dom(), .remote_dom = rnd_dom() };
            break;
        case EVTCHNOP_bind_interdomain:
            arg.bi = (struct evtchn_bind_interdomain){ .remote_dom = rnd_dom(), .remote_port = rnd_port() };
            break;
        case EVTCHNOP_bind_virq:
            arg.bv = (struct evtchn_bind_virq){ .virq = rnd(NR_VIRQS + 2), .vcpu = rnd(4) == 0 };
            break;
        case EVTCHNOP_bind_ipi:
            arg.ipi.vcpu = rnd(8) == 0;
            break;
        case EVTCHNOP_status:
            arg.st = (struct evtchn_status){ .dom = rnd_dom(), .port = rnd_port() };
            break;
        case EVTCHNOP_bind_vcpu:
            arg.vc = (struct evtchn_bind_vcpu){ .port = rnd_port(), .vcpu = rnd(8) == 0 };
            break;
        case EVTCHNOP_reset:
            if (rnd(10))
                continue;                  /* rare: it wipes everything */
            arg.rs.dom = rnd_dom();
            doms[2]->vcpu0->pause_count = rnd(2);
            break;
        default:                           /* close, send, unmask, bind_pirq */
            arg.port.port = rnd_port();
            break;
        }
        memcpy(guest_bytes(caller, ARG_VA), &arg, sizeof(arg));
        struct ev_snap *before = ev_snap_take();
        sim_evtchn_enter(caller);
        long rc = do_event_channel_op(cmd, ARG_VA);
        if (rc == 0) {
            free(before);
            ok++;
        } else {
            if (!ev_snap_same(before)) {
                printf("\nstep %u: d%u cmd %u refused (%ld) but changed state\n", step,
                       caller->domain_id, cmd, rc);
                CU_FAIL("a refused call changed state");
                return;
            }
            refused++;
        }
        if (!invariants_hold()) {
            printf("\nstep %u: d%u cmd %u rc %ld broke an invariant\n", step,
                   caller->domain_id, cmd, rc);
            CU_FAIL("invariant broken");
            return;
        }
    }
    CU_ASSERT(ok > 2000);
    CU_ASSERT(refused > 2000);
}

int main(void)
{
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        { "alloc_unbound", test_alloc_unbound },
        { "bind_interdomain", test_bind_interdomain },
        { "interdomain loopback", test_loopback },
        { "bind_virq", test_bind_virq },
        { "bind_ipi", test_bind_ipi },
        { "close", test_close },
        { "send", test_send },
        { "status", test_status },
        { "bind_vcpu", test_bind_vcpu },
        { "unmask", test_unmask },
        { "reset", test_reset },
        { "FIFO ops, unknown ops, bind_pirq", test_unimplemented },
        { "destroying one side", test_destroy },
        { "the invariant checker", test_checker },
        { "random sequences", test_random_sequences },
    };
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite("evtchn", NULL, NULL);
    for (unsigned int i = 0; i < ARRAY_SIZE(tests); i++)
        CU_add_test(suite, tests[i].name, tests[i].fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
