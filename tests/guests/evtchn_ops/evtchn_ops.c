/*
 * Test guest "evtchn_ops": event_channel_op as a lone domain (dom0) can
 * use it, with events masked throughout (no upcalls here; evtchn_upcall
 * tests delivery). Every sub-op and every error docs/abi.md lists that one
 * domain can reach:
 *  - alloc_unbound for itself (DOMID_SELF or its own id), then
 *    bind_interdomain to it (loopback): both ends interdomain, the new end
 *    starts pending, each end signals the other, closing one end leaves the
 *    other unbound and bindable again;
 *  - bind_virq (range, global VIRQs on vCPU 0 only, -EEXIST), bind_ipi,
 *    bind_vcpu (which ports may move), send (unbound: 0 and dropped; VIRQ:
 *    -EINVAL), close (clears pending), unmask (redelivers a masked pending
 *    port), status of every kind of port, reset (closes every port);
 *  - -ESRCH for domains that do not exist, -ENOENT for vCPUs, -EINVAL for
 *    ports out of range / free / port 0, -ENOSPC once every port is used;
 *  - -EFAULT for every argument that cannot be read, and for results that
 *    cannot be written back (a read-only page), with no port allocated;
 *  - the FIFO ABI's ops and unknown ops are -ENOSYS, bind_pirq -EPERM.
 */
#include "events.h"
#include "bad_ptr.h"

static struct evtchn_status st;

/* A port's status (EVTCHNSTAT_*), or -errno. Fills st. */
static long status_of(evtchn_port_t port)
{
    long rc = evtchn_status(DOMID_SELF, port, &st);
    return rc ? rc : (long)st.status;
}

/* cmd cannot read its argument: an unmapped page, one that runs into it,
 * and the hypervisor's part of the address space. */
static void check_unreadable(unsigned int cmd)
{
    CHECK_EQ(HYPERVISOR_event_channel_op(cmd, (void *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_event_channel_op(cmd, (void *)straddling_va(1)), -XEN_EFAULT);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_event_channel_op(cmd, (void *)hypervisor_area_vas[i]), -XEN_EFAULT);
}

/* A page the guest maps read-only: the hypervisor reads the argument but
 * cannot write the result back. */
static uint8_t *ro_page;

static void set_ro_page_writable(int writable)
{
    uint64_t pte = pte_of((unsigned long)ro_page);
    uint32_t lo = writable ? (uint32_t)pte | 2u : (uint32_t)pte & ~2u;
    if (HYPERVISOR_update_va_mapping((unsigned long)ro_page, lo, (uint32_t)(pte >> 32), UVMF_INVLPG))
        test_exit("ERROR", "cannot remap the read-only page");
}

/* cmd with arg copied to the read-only page: -EFAULT. */
static long call_read_only(unsigned int cmd, const void *arg, size_t len)
{
    set_ro_page_writable(1);
    memcpy(ro_page, arg, len);
    set_ro_page_writable(0);
    return HYPERVISOR_event_channel_op(cmd, ro_page);
}

/* The lowest free port, found by allocating and closing one. */
static long next_free_port(void)
{
    long p = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    if (p <= 0 || evtchn_close((evtchn_port_t)p))
        test_exit("ERROR", "cannot allocate a port");
    return p;
}

static void test_alloc_unbound(void)
{
    long p = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK(p > 0);
    CHECK_EQ(status_of((evtchn_port_t)p), EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);                  /* DOMID_SELF: us, dom0 */
    CHECK_EQ(st.vcpu, 0);
    long q = evtchn_alloc_unbound(0, 42);           /* own id; the remote need not exist */
    CHECK(q > 0 && q != p);
    CHECK_EQ(status_of((evtchn_port_t)q), EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 42);
    CHECK(!evtchn_is_pending((evtchn_port_t)p) && !evtchn_is_pending((evtchn_port_t)q));

    static const domid_t no_such[] = { 1, 5, 63, 64, 0x7FEF, DOMID_IO, DOMID_XEN, DOMID_INVALID, 0xFFFF };
    for (unsigned int i = 0; i < sizeof(no_such) / sizeof(no_such[0]); i++)
        CHECK_EQ(evtchn_alloc_unbound(no_such[i], DOMID_SELF), -XEN_ESRCH);
    check_unreadable(EVTCHNOP_alloc_unbound);
    /* The result cannot be written back: no port is allocated. */
    long free_port = next_free_port();
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    CHECK_EQ(call_read_only(EVTCHNOP_alloc_unbound, &a, sizeof(a)), -XEN_EFAULT);
    CHECK_EQ(status_of((evtchn_port_t)free_port), EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF), free_port);
    CHECK_EQ(evtchn_close((evtchn_port_t)free_port), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)p), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)q), 0);
}

static void test_loopback(void)
{
    long a = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    long b = evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)a);
    CHECK(a > 0 && b > 0 && a != b);
    CHECK(evtchn_is_pending((evtchn_port_t)b));    /* the new end starts pending */
    CHECK(!evtchn_is_pending((evtchn_port_t)a));
    CHECK_EQ(status_of((evtchn_port_t)a), EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 0);
    CHECK_EQ(st.u.interdomain.port, b);
    CHECK_EQ(status_of((evtchn_port_t)b), EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.port, a);
    /* Each end raises the other. */
    CHECK(evtchn_test_and_clear((evtchn_port_t)b));
    CHECK_EQ(evtchn_send((evtchn_port_t)b), 0);
    CHECK(evtchn_is_pending((evtchn_port_t)a));
    CHECK(!evtchn_is_pending((evtchn_port_t)b));
    CHECK_EQ(evtchn_send((evtchn_port_t)a), 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)b));
    CHECK(evtchn_test_and_clear((evtchn_port_t)a));
    /* The own id works as well as DOMID_SELF. */
    long c = evtchn_alloc_unbound(0, 0);
    long d = evtchn_bind_interdomain(0, (evtchn_port_t)c);
    CHECK(d > 0);

    /* Refusals. */
    long free_port = next_free_port();
    long ipi = evtchn_bind_ipi(0);
    long for_other = evtchn_alloc_unbound(DOMID_SELF, 5);     /* waits for d5, not us */
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)a), -XEN_EINVAL);   /* connected */
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)next_free_port()), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, 1024), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, 0xFFFFFFFFu), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)ipi), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)for_other), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(1, (evtchn_port_t)for_other), -XEN_ESRCH);
    CHECK_EQ(evtchn_bind_interdomain(DOMID_XEN, 1), -XEN_ESRCH);
    check_unreadable(EVTCHNOP_bind_interdomain);
    long e = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    free_port = next_free_port();
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF, .remote_port = (evtchn_port_t)e };
    CHECK_EQ(call_read_only(EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EFAULT);
    CHECK_EQ(status_of((evtchn_port_t)e), EVTCHNSTAT_unbound);  /* nothing happened */
    CHECK_EQ(status_of((evtchn_port_t)free_port), EVTCHNSTAT_closed);
    CHECK(!evtchn_is_pending((evtchn_port_t)free_port));

    /* Closing one end: the other waits for us again, drops sends, and can be bound again. */
    CHECK_EQ(evtchn_close((evtchn_port_t)a), 0);
    CHECK_EQ(status_of((evtchn_port_t)b), EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)b), 0);
    CHECK(!evtchn_is_pending((evtchn_port_t)a) && !evtchn_is_pending((evtchn_port_t)b));
    long a2 = evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)b);
    CHECK(a2 > 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)a2));
    const long to_close[] = { a2, b, c, d, e, ipi, for_other };
    for (unsigned int i = 0; i < sizeof(to_close) / sizeof(to_close[0]); i++)
        CHECK_EQ(evtchn_close((evtchn_port_t)to_close[i]), 0);
}

static void test_virq(void)
{
    long v = evtchn_bind_virq(VIRQ_DEBUG, 0);               /* per-vCPU */
    CHECK(v > 0);
    CHECK_EQ(status_of((evtchn_port_t)v), EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_DEBUG);
    CHECK_EQ(st.vcpu, 0);
    long g = evtchn_bind_virq(VIRQ_TBUF, 0);                /* global */
    CHECK(g > 0);
    CHECK_EQ(evtchn_bind_virq(VIRQ_DEBUG, 0), -XEN_EEXIST);
    CHECK_EQ(evtchn_bind_virq(VIRQ_TBUF, 0), -XEN_EEXIST);
    CHECK_EQ(evtchn_bind_virq(NR_VIRQS, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_virq(0xFFFFFFFFu, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_virq(VIRQ_CON_RING, 1), -XEN_EINVAL);   /* global: vCPU 0 only */
    CHECK_EQ(evtchn_bind_virq(VIRQ_XENOPROF, 1), -XEN_ENOENT);  /* per-vCPU: no vCPU 1 */
    CHECK_EQ(evtchn_bind_virq(VIRQ_XENOPROF, 0xFFFFFFFFu), -XEN_ENOENT);
    CHECK_EQ(evtchn_send((evtchn_port_t)v), -XEN_EINVAL);
    check_unreadable(EVTCHNOP_bind_virq);
    struct evtchn_bind_virq bv = { .virq = VIRQ_XENOPROF, .vcpu = 0 };
    CHECK_EQ(call_read_only(EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EFAULT);
    long x = evtchn_bind_virq(VIRQ_XENOPROF, 0);           /* not bound by the refused call */
    CHECK(x > 0);
    /* Closing unbinds; every VIRQ can then be bound once. */
    CHECK_EQ(evtchn_close((evtchn_port_t)v), 0);
    CHECK_EQ(status_of((evtchn_port_t)v), EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_close((evtchn_port_t)g), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)x), 0);
    long ports[NR_VIRQS];
    for (uint32_t virq = 0; virq < NR_VIRQS; virq++) {
        ports[virq] = evtchn_bind_virq(virq, 0);
        CHECK(ports[virq] > 0);
    }
    for (uint32_t virq = 0; virq < NR_VIRQS; virq++) {
        CHECK_EQ(evtchn_bind_virq(virq, 0), -XEN_EEXIST);
        CHECK_EQ(evtchn_close((evtchn_port_t)ports[virq]), 0);
    }
}

static void test_ipi_and_send(void)
{
    long i = evtchn_bind_ipi(0);
    CHECK(i > 0);
    CHECK_EQ(status_of((evtchn_port_t)i), EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 0);
    events_clear_all();
    CHECK_EQ(evtchn_send((evtchn_port_t)i), 0);
    CHECK(evtchn_is_pending((evtchn_port_t)i));
    CHECK_EQ(shared_info->vcpu_info[0].evtchn_pending_sel, 1u << (i / 32));
    CHECK_EQ(upcall_pending(), 1);                 /* flagged, but masked: no upcall */
    CHECK_EQ(evtchn_bind_ipi(1), -XEN_ENOENT);
    CHECK_EQ(evtchn_bind_ipi(0xFFFFFFFFu), -XEN_ENOENT);
    check_unreadable(EVTCHNOP_bind_ipi);
    long free_port = next_free_port();
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    CHECK_EQ(call_read_only(EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_EFAULT);
    CHECK_EQ(status_of((evtchn_port_t)free_port), EVTCHNSTAT_closed);

    /* send: unbound drops; bad ports. */
    long u = evtchn_alloc_unbound(DOMID_SELF, 7);
    CHECK_EQ(evtchn_send((evtchn_port_t)u), 0);
    CHECK(!evtchn_is_pending((evtchn_port_t)u));
    CHECK_EQ(evtchn_send(0), -XEN_EINVAL);
    CHECK_EQ(evtchn_send((evtchn_port_t)next_free_port()), -XEN_EINVAL);
    CHECK_EQ(evtchn_send(1024), -XEN_EINVAL);
    CHECK_EQ(evtchn_send(0xFFFFFFFFu), -XEN_EINVAL);
    check_unreadable(EVTCHNOP_send);

    /* close clears the pending bit; twice is -EINVAL. */
    CHECK_EQ(evtchn_close((evtchn_port_t)i), 0);
    CHECK(!evtchn_is_pending((evtchn_port_t)i));
    CHECK_EQ(evtchn_close((evtchn_port_t)i), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(0), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(1024), -XEN_EINVAL);
    CHECK_EQ(evtchn_close(0xFFFFFFFFu), -XEN_EINVAL);
    check_unreadable(EVTCHNOP_close);
    CHECK_EQ(evtchn_close((evtchn_port_t)u), 0);
    events_clear_all();
}

static void test_unmask(void)
{
    long i = evtchn_bind_ipi(0);
    events_clear_all();
    evtchn_mask((evtchn_port_t)i);
    CHECK_EQ(evtchn_send((evtchn_port_t)i), 0);
    CHECK(evtchn_is_pending((evtchn_port_t)i));
    CHECK_EQ(shared_info->vcpu_info[0].evtchn_pending_sel, 0);   /* masked: no selector */
    CHECK_EQ(upcall_pending(), 0);
    CHECK_EQ(evtchn_unmask((evtchn_port_t)i), 0);
    CHECK(!evtchn_is_masked((evtchn_port_t)i));
    CHECK_EQ(shared_info->vcpu_info[0].evtchn_pending_sel, 1u << (i / 32));
    CHECK_EQ(upcall_pending(), 1);
    /* Unmasking a port that is not pending only clears the mask. */
    events_clear_all();
    evtchn_mask((evtchn_port_t)i);
    CHECK_EQ(evtchn_unmask((evtchn_port_t)i), 0);
    CHECK(!evtchn_is_masked((evtchn_port_t)i));
    CHECK_EQ(upcall_pending(), 0);
    CHECK_EQ(evtchn_unmask(0), 0);
    CHECK_EQ(evtchn_unmask(1024), -XEN_EINVAL);
    CHECK_EQ(evtchn_unmask(0xFFFFFFFFu), -XEN_EINVAL);
    check_unreadable(EVTCHNOP_unmask);
    CHECK_EQ(evtchn_close((evtchn_port_t)i), 0);
}

static void test_bind_vcpu(void)
{
    long u = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    long i = evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)u);
    long g = evtchn_bind_virq(VIRQ_ARCH_0, 0);
    long v = evtchn_bind_virq(VIRQ_DEBUG, 0);
    long ipi = evtchn_bind_ipi(0);
    long u2 = evtchn_alloc_unbound(DOMID_SELF, 3);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)u2, 0), 0);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)i, 0), 0);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)g, 0), 0);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)v, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)ipi, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_vcpu(0, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)next_free_port(), 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_vcpu(1024, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)g, 1), -XEN_ENOENT);
    CHECK_EQ(evtchn_bind_vcpu((evtchn_port_t)u2, 0xFFFFFFFFu), -XEN_ENOENT);
    check_unreadable(EVTCHNOP_bind_vcpu);
    CHECK_EQ(status_of((evtchn_port_t)g), EVTCHNSTAT_virq);
    CHECK_EQ(st.vcpu, 0);
    const long to_close[] = { u, i, g, v, ipi, u2 };
    for (unsigned int n = 0; n < sizeof(to_close) / sizeof(to_close[0]); n++)
        CHECK_EQ(evtchn_close((evtchn_port_t)to_close[n]), 0);
    events_clear_all();
}

static void test_status(void)
{
    CHECK_EQ(status_of(0), EVTCHNSTAT_closed);
    CHECK_EQ(status_of((evtchn_port_t)next_free_port()), EVTCHNSTAT_closed);
    CHECK_EQ(status_of(1023), EVTCHNSTAT_closed);
    CHECK_EQ(st.dom, DOMID_SELF);                   /* inputs as they were */
    CHECK_EQ(st.port, 1023);
    CHECK_EQ(status_of(1024), -XEN_EINVAL);
    CHECK_EQ(status_of(0xFFFFFFFFu), -XEN_EINVAL);
    CHECK_EQ(evtchn_status(0, 0, &st), 0);
    CHECK_EQ(evtchn_status(1, 0, &st), -XEN_ESRCH);
    CHECK_EQ(evtchn_status(DOMID_XEN, 0, &st), -XEN_ESRCH);
    check_unreadable(EVTCHNOP_status);
    struct evtchn_status s = { .dom = DOMID_SELF, .port = 0 };
    CHECK_EQ(call_read_only(EVTCHNOP_status, &s, sizeof(s)), -XEN_EFAULT);
}

static void test_not_offered(void)
{
    static const unsigned int enosys[] = { EVTCHNOP_init_control, EVTCHNOP_expand_array,
                                           EVTCHNOP_set_priority, 14, 15, 0x80000000u, 0xFFFFFFFFu };
    struct evtchn_init_control ic = { .control_gfn = va_to_mfn(ro_page), .offset = 0, .vcpu = 0 };
    for (unsigned int i = 0; i < sizeof(enosys) / sizeof(enosys[0]); i++) {
        CHECK_EQ(HYPERVISOR_event_channel_op(enosys[i], &ic), -XEN_ENOSYS);
        CHECK_EQ(HYPERVISOR_event_channel_op(enosys[i], (void *)unmapped_va()), -XEN_ENOSYS);
    }
    struct evtchn_bind_pirq bp = { .pirq = 1, .flags = 0 };
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &bp), -XEN_EPERM);
    check_unreadable(EVTCHNOP_bind_pirq);
}

/* Fill every port: -ENOSPC; reset closes them all. */
static void test_limit_and_reset(void)
{
    unsigned int in_use = 0, allocated = 0;
    for (evtchn_port_t port = 1; port < 1024; port++)
        in_use += status_of(port) != EVTCHNSTAT_closed;
    long p;
    while ((p = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF)) > 0)
        allocated++;
    CHECK_EQ(p, -XEN_ENOSPC);
    CHECK_EQ(in_use + allocated, 1023);
    CHECK_EQ(evtchn_bind_ipi(0), -XEN_ENOSPC);
    CHECK_EQ(evtchn_bind_virq(VIRQ_DEBUG, 0), -XEN_ENOSPC);
    CHECK_EQ(evtchn_bind_ipi(1), -XEN_ENOENT);              /* arguments before space */
    CHECK_EQ(evtchn_status(DOMID_SELF, 1023, &st), 0);
    CHECK(st.status != EVTCHNSTAT_closed);

    CHECK_EQ(evtchn_reset(1), -XEN_ESRCH);
    CHECK_EQ(evtchn_reset(DOMID_XEN), -XEN_ESRCH);
    check_unreadable(EVTCHNOP_reset);
    CHECK_EQ(evtchn_reset(DOMID_SELF), 0);
    for (evtchn_port_t port = 1; port < 1024; port++)
        CHECK_EQ(status_of(port), EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_reset(0), 0);
    CHECK_EQ(evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF), 1);   /* the lowest, all free */
    CHECK_EQ(evtchn_reset(DOMID_SELF), 0);
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "shared_info not mapped");
    check_bad_ptr_layout();
    ro_page = alloc_page();
    test_alloc_unbound();
    test_loopback();
    test_virq();
    test_ipi_and_send();
    test_unmask();
    test_bind_vcpu();
    test_status();
    test_not_offered();
    test_limit_and_reset();
    CHECK_EQ(shared_info->vcpu_info[0].evtchn_upcall_mask, 1);   /* masked throughout */
}
