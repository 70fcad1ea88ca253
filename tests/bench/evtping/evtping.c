/*
 * Bench domU "evtping": the cost of an event-channel round trip between
 * two domains. Two copies bounce an event over an interdomain channel, as
 * tests/guests/pingpong_domu does: each waits with SCHEDOP_poll (events
 * masked, no upcall), so every half trip is send -> the peer wakes and the
 * scheduler switches to it -> the sender blocks. dom0 (domwait) sleeps
 * meanwhile. The ping side times `warm` round trips, then `runs` runs of
 * `rounds`, and prints the fastest run per round trip:
 *
 *     BENCH evtchn_round_trip <rdtsc ticks per round trip> <rounds>
 *     BENCH evtchn_round_trip_ns <guest-clock ns per round trip> <rounds>
 *
 * (under -icount shift=0 rdtsc counts instructions; under TCG the ns line
 * is the real time). Command line: role=ping peer=D rounds=N runs=R
 * warm=W | role=pong peer=D port=P (same rounds, runs, warm).
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include "../bench_util.h"

/* Sleep until port is pending (masked events: no upcall), then clear it. */
static void wait_and_clear(evtchn_port_t port)
{
    struct sched_poll p = { .nr_ports = 1, .timeout = 0 };
    set_xen_guest_handle(p.ports, &port);
    while (!evtchn_test_and_clear(port))
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

static long round_trip(evtchn_port_t port)
{
    long rc = evtchn_send(port);
    wait_and_clear(port);
    return rc;
}

static void ping(domid_t peer, unsigned long rounds, unsigned long runs, unsigned long warm)
{
    long p = evtchn_alloc_unbound(DOMID_SELF, peer);
    if (p <= 0) {
        bench_error("evtchn_round_trip", p);
        return;
    }
    evtchn_port_t port = (evtchn_port_t)p;
    evtchn_mask(port);
    wait_and_clear(port);                       /* pong's hello */
    long rc = 0;
    for (unsigned long i = 0; i < warm; i++)
        rc |= round_trip(port);
    uint64_t best_tsc = ~0ull, best_ns = ~0ull;
    for (unsigned long r = 0; r < runs; r++) {
        uint64_t t0 = rdtsc(), n0 = guest_now();
        for (unsigned long i = 0; i < rounds; i++)
            rc |= round_trip(port);
        uint64_t t = rdtsc() - t0, n = guest_now() - n0;
        best_tsc = t < best_tsc ? t : best_tsc;
        best_ns = n < best_ns ? n : best_ns;
    }
    if (rc) {
        bench_error("evtchn_round_trip", rc);
    } else {
        bench_report("evtchn_round_trip", best_tsc, rounds);
        bench_report("evtchn_round_trip_ns", best_ns, rounds);
    }
    CHECK_EQ(evtchn_close(port), 0);
}

static void pong(domid_t peer, evtchn_port_t remote_port, unsigned long total)
{
    long p;
    unsigned int tries = 0;
    while ((p = evtchn_bind_interdomain(peer, remote_port)) < 0 && tries++ < 100000)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);   /* ping not there yet */
    if (p <= 0) {
        bench_error("evtchn_bind", p);
        return;
    }
    evtchn_port_t port = (evtchn_port_t)p;
    evtchn_mask(port);
    evtchn_test_and_clear(port);                    /* a fresh binding starts pending */
    CHECK_EQ(evtchn_send(port), 0);                 /* hello */
    for (unsigned long i = 0; i < total; i++) {
        wait_and_clear(port);
        CHECK_EQ(evtchn_send(port), 0);
    }
    CHECK_EQ(evtchn_close(port), 0);
}

void test_main(void)
{
    char role[8];
    arg_word("role", "ping", role, sizeof(role));
    domid_t peer = (domid_t)arg_num("peer", 0);
    unsigned long rounds = arg_num("rounds", 1000), runs = arg_num("runs", 5);
    unsigned long warm = arg_num("warm", 200);
    CHECK(rounds > 0 && runs > 0);
    events_mask();
    if (memcmp(role, "ping", 5) == 0)
        ping(peer, rounds, runs, warm);
    else
        pong(peer, (evtchn_port_t)arg_num("port", 0), warm + runs * rounds);
}
