/*
 * DomU program "evtchn_cross_domu" (run by evtchn_cross, not on its own):
 * the unprivileged side of the cross-domain event-channel rules. Both
 * roles bind the control port dom0 offers them (dom0's port 1 for d1,
 * 2 for d2) and check the refusals:
 *  - alloc_unbound in another domain's table (the other domU's, dom0's),
 *    EVTCHNOP_status and EVTCHNOP_reset of another domain: -EPERM;
 *  - bind_interdomain to a port not offered to us (the other domU's
 *    console and store ports, which wait for dom0; dom0's port offered
 *    to the other domU):
 *    -EINVAL; to a domain that does not exist: -ESRCH;
 *  - a port offered to a domain that does not exist is allowed.
 * role=a (d1) then follows dom0's steps: binds the port dom0 offers next
 * and, once dom0 closed its end, sees it unbound and sends on it (0,
 * dropped). It offers a port to d2 and sleeps twice until d2's event,
 * each time after telling d2 it is going to sleep:
 *  - in SCHEDOP_poll on that port with a 100 ms timeout: d2 sends after
 *    10 ms, so the poll returns well before its timeout;
 *  - then in SCHEDOP_block with only that port and a 5 s safety timer able
 *    to wake it: d2 sends after 200 ms, so d1 must sleep that long and wake
 *    by d2's event, not by the timer, and not earlier: the poll's 100 ms
 *    timeout, which passes meanwhile, belonged to a poll that is over (Xen
 *    wakes a vCPU from its poll timer only while it still polls).
 * When dom0 reports d2 gone, d1's port to d2 is unbound, waiting for d2,
 * and a send on it returns 0.
 */
#include "domains.h"
#include <public/vcpu.h>

static domid_t self, other;

static void check_refusals(void)
{
    struct evtchn_status s;
    CHECK_EQ(evtchn_alloc_unbound(other, self), -XEN_EPERM);
    CHECK_EQ(evtchn_alloc_unbound(0, self), -XEN_EPERM);
    CHECK_EQ(evtchn_status(other, 1, &s), -XEN_EPERM);
    CHECK_EQ(evtchn_status(0, 1, &s), -XEN_EPERM);
    CHECK_EQ(evtchn_reset(other), -XEN_EPERM);
    CHECK_EQ(evtchn_bind_interdomain(other, start_info->console.domU.evtchn), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(other, start_info->store_evtchn), -XEN_EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(40, 1), -XEN_ESRCH);
    CHECK_EQ(evtchn_status(40, 1, &s), -XEN_ESRCH);
    long future = evtchn_alloc_unbound(DOMID_SELF, 40);
    CHECK(future > 0);
    CHECK_PORT_STATUS(DOMID_SELF, future, EVTCHNSTAT_unbound, 40, 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)future), 0);
}

/* dom0 offers a port, then closes its end: ours is unbound, sends drop. */
static void follow_close_one_end(evtchn_port_t ctl)
{
    CHECK(port_wait(ctl));                              /* S1 */
    long mine = evtchn_bind_offered(0);
    CHECK(mine > 0);
    CHECK_PORT_STATUS(DOMID_SELF, mine, EVTCHNSTAT_interdomain, 0, 0);
    port_signal(ctl);
    CHECK(port_wait(ctl));                              /* S2: dom0 closed its end */
    CHECK_PORT_STATUS(DOMID_SELF, mine, EVTCHNSTAT_unbound, 0, 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)mine), 0);
    port_signal(ctl);
    CHECK_EQ(evtchn_close((evtchn_port_t)mine), 0);
}

/* Poll on `port` with a 100 ms timeout; the other domU sends 10 ms after
 * our signal. */
static void poll_until_other_sends(evtchn_port_t port)
{
    uint64_t t0 = guest_now();
    port_signal(port);                                  /* "I am going to poll" */
    CHECK(port_wait_until(port, t0 + 100000000ull));
    uint64_t slept = guest_now() - t0;
    CHECK(slept >= 5000000ull && slept < 100000000ull);
}

/* Block with only `port` (and a safety timer) able to wake us; the other
 * domU sends 200 ms after our signal. */
static void block_until_other_sends(evtchn_port_t port, evtchn_port_t ctl)
{
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long timer = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(timer > 0);
    events_install_callback();
    evtchn_mask(ctl);                                   /* poll still sees it later */
    events_clear_all();
    uint64_t t0 = guest_now();
    struct vcpu_set_singleshot_timer safety = { .timeout_abs_ns = t0 + 5 * NSEC_PER_SEC };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &safety), 0);
    port_signal(port);                                  /* "I am going to sleep" */
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    events_mask();
    uint64_t slept = guest_now() - t0;
    int by_event = evtchn_test_and_clear(port);
    CHECK(by_event);                                    /* woken by the other domain */
    CHECK(!evtchn_is_pending((evtchn_port_t)timer));    /* not by the timer */
    CHECK(slept >= 190000000ull);                       /* and not before it sent */
    CHECK(last_upcall.count >= 1);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)timer), 0);
    guest_printf("evtchn_cross a: SCHEDOP_block returned after %llu ms, %s\n",
                 (unsigned long long)(slept / 1000000),
                 by_event ? "woken by d2's event" : "with no event pending");
}

static void role_a(evtchn_port_t ctl)
{
    follow_close_one_end(ctl);
    long to_b = evtchn_alloc_unbound(DOMID_SELF, other);
    CHECK(to_b > 0);
    CHECK(port_wait((evtchn_port_t)to_b));              /* b bound it and says hello */
    CHECK_PORT_STATUS(DOMID_SELF, to_b, EVTCHNSTAT_interdomain, other, 0);
    poll_until_other_sends((evtchn_port_t)to_b);
    block_until_other_sends((evtchn_port_t)to_b, ctl);
    CHECK(port_wait(ctl));                              /* S3: dom0 saw b go */
    CHECK_PORT_STATUS(DOMID_SELF, to_b, EVTCHNSTAT_unbound, other, 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)to_b), 0);
}

static void role_b(void)
{
    CHECK_EQ(evtchn_bind_interdomain(0, 1), -XEN_EINVAL);   /* dom0's port for d1 */
    long to_a = evtchn_bind_offered(other);
    CHECK(to_a > 0);
    CHECK_PORT_STATUS(DOMID_SELF, to_a, EVTCHNSTAT_interdomain, other, 0);
    port_signal((evtchn_port_t)to_a);                   /* hello */
    CHECK(port_wait((evtchn_port_t)to_a));              /* a is about to poll */
    sleep_ns(10000000ull);
    port_signal((evtchn_port_t)to_a);
    CHECK(port_wait((evtchn_port_t)to_a));              /* a is about to block */
    sleep_ns(200000000ull);
    port_signal((evtchn_port_t)to_a);
    guest_printf("evtchn_cross b: woke d%u after 10 ms, then after 200 ms\n", other);
}

void test_main(void)
{
    int a = cmdline_is("role", "a");
    self = a ? 1 : 2;
    other = a ? 2 : 1;
    events_mask();
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    if (checks_failed)
        test_finish();
    CHECK_PORT_STATUS(DOMID_SELF, ctl, EVTCHNSTAT_interdomain, 0, self);  /* dom0's port = our id */
    check_refusals();
    port_signal((evtchn_port_t)ctl);                    /* hello */
    if (a)
        role_a((evtchn_port_t)ctl);
    else
        role_b();
}
