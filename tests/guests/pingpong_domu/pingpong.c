/*
 * DomU program "pingpong_domu" (run by multi_pingpong, not on its own):
 * two unprivileged domains bounce an event back and forth over an
 * interdomain event channel, `rounds` times, each waiting with
 * SCHEDOP_poll (events masked), so every round trip blocks one domain and
 * wakes the other through the scheduler. A lost event would leave both
 * waiting forever (the run times out); an extra one shows up as a count
 * mismatch.
 * Command line: role=ping peer=D rounds=N | role=pong peer=D port=P rounds=N
 */
#include "guest.h"
#include "events.h"

/* Value of "key=" in the command line, or def. */
static unsigned long arg(const char *key, unsigned long def)
{
    const char *s = (const char *)start_info->cmd_line;
    size_t klen = strlen(key);
    for (; *s; s++) {
        if ((s == (const char *)start_info->cmd_line || s[-1] == ' ') &&
            memcmp(s, key, klen) == 0 && s[klen] == '=') {
            unsigned long v = 0;
            for (s += klen + 1; *s >= '0' && *s <= '9'; s++)
                v = v * 10 + (unsigned long)(*s - '0');
            return v;
        }
    }
    return def;
}

/* Sleep until port is pending (masked events: no upcall), then clear it. */
static void wait_and_clear(evtchn_port_t port)
{
    struct sched_poll p = { .nr_ports = 1, .timeout = 0 };
    set_xen_guest_handle(p.ports, &port);
    while (!evtchn_test_and_clear(port))
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

void test_main(void)
{
    const char *cmd = (const char *)start_info->cmd_line;
    int ping = memcmp(cmd, "role=ping", 9) == 0;
    unsigned long peer = arg("peer", 0), rounds = arg("rounds", 100);
    CHECK_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), 0);
    events_mask();
    evtchn_port_t port;
    if (ping) {
        long p = evtchn_alloc_unbound(DOMID_SELF, (domid_t)peer);
        CHECK(p > 0);
        port = (evtchn_port_t)p;
        guest_printf("ping: port %u for d%lu\n", port, peer);
        evtchn_mask(port);
        wait_and_clear(port);                       /* pong's hello */
        for (unsigned long i = 0; i < rounds; i++) {
            CHECK_EQ(evtchn_send(port), 0);
            wait_and_clear(port);
        }
    } else {
        long p;
        unsigned int tries = 0;
        while ((p = evtchn_bind_interdomain((domid_t)peer, (evtchn_port_t)arg("port", 0))) < 0 &&
               tries++ < 100000)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);   /* ping not there yet */
        CHECK(p > 0);
        port = (evtchn_port_t)p;
        evtchn_mask(port);
        evtchn_test_and_clear(port);                /* a fresh binding starts pending */
        CHECK_EQ(evtchn_send(port), 0);             /* hello */
        for (unsigned long i = 0; i < rounds; i++) {
            wait_and_clear(port);
            CHECK_EQ(evtchn_send(port), 0);
        }
    }
    guest_printf("%s: %lu round trips done\n", ping ? "ping" : "pong", rounds);
    CHECK_EQ(evtchn_close(port), 0);
}
