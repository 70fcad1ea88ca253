/* pvx test guests: helpers for multi-domain tests (see domains.h). */
#include "domains.h"
#include <public/vcpu.h>

/* Where "key=" starts a word of the command line, or NULL. */
static const char *cmdline_find(const char *key)
{
    const char *line = (const char *)start_info->cmd_line;
    size_t klen = strlen(key);
    for (const char *s = line; *s; s++)
        if ((s == line || s[-1] == ' ') && memcmp(s, key, klen) == 0 && s[klen] == '=')
            return s + klen + 1;
    return NULL;
}

unsigned long cmdline_arg(const char *key, unsigned long def)
{
    const char *s = cmdline_find(key);
    if (!s || *s < '0' || *s > '9')
        return def;
    unsigned long v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return v;
}

int cmdline_is(const char *key, const char *value)
{
    const char *s = cmdline_find(key);
    size_t n = strlen(value);
    return s && memcmp(s, value, n) == 0 && (s[n] == ' ' || s[n] == '\0');
}

long evtchn_bind_offered(domid_t remote)
{
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    long rc = -XEN_EINVAL;
    do {
        for (evtchn_port_t port = 1; port < 64; port++) {
            rc = evtchn_bind_interdomain(remote, port);
            if (rc > 0) {
                evtchn_test_and_clear((evtchn_port_t)rc);
                return rc;
            }
            if (rc == -XEN_ESRCH)
                return rc;
        }
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    } while (guest_now() < give_up);
    return rc;
}

int port_wait_until(evtchn_port_t port, uint64_t deadline)
{
    struct sched_poll p = { .nr_ports = 1, .timeout = deadline };
    set_xen_guest_handle(p.ports, &port);
    events_mask();
    while (!evtchn_test_and_clear(port)) {
        if (guest_now() >= deadline)
            return 0;
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
    return 1;
}

int port_wait(evtchn_port_t port)
{
    return port_wait_until(port, guest_now() + DOMAIN_WAIT_NS);
}

void port_signal(evtchn_port_t port)
{
    CHECK_EQ(evtchn_send(port), 0);
}

void sleep_ns(uint64_t ns)
{
    uint64_t deadline = guest_now() + ns;
    struct sched_poll p = { .nr_ports = 0, .timeout = deadline };
    while (guest_now() < deadline)
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);     /* other events may end it early */
}

int domain_alive(domid_t id)
{
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &id) >= 0;
}

int wait_domain_gone(domid_t id, evtchn_port_t dom_exc)
{
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    int notifications = 0;
    for (;;) {
        if (evtchn_test_and_clear(dom_exc))
            notifications++;
        if (!domain_alive(id))
            return notifications;
        if (guest_now() >= give_up)
            return -1;
        /* Look again at the latest in 100 ms, in case a notification was
         * for another domain or coalesced with an earlier one. */
        struct sched_poll p = { .nr_ports = 1, .timeout = guest_now() + 100000000ull };
        set_xen_guest_handle(p.ports, &dom_exc);
        events_mask();
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
    }
}

grant_entry_v1_t *grant_table_setup(void)
{
    xen_pfn_t frame = 0;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(st.frame_list, &frame);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    grant_entry_v1_t *table = alloc_page();
    uint32_t pte = (uint32_t)frame << 12 | 0x63;            /* P|RW|A|D */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)table, pte, 0, UVMF_INVLPG), 0);
    return table;
}

unsigned int check_port_status(domid_t dom, evtchn_port_t port, uint32_t status, domid_t peer,
                               evtchn_port_t peer_port, const char *file, int line)
{
    struct evtchn_status s;
    long rc = evtchn_status(dom, port, &s);
    check_eq(rc, 0, "EVTCHNOP_status", file, line);
    check_eq(s.status, status, "status", file, line);
    if (status == EVTCHNSTAT_unbound)
        check_eq(s.u.unbound.dom, peer, "u.unbound.dom", file, line);
    if (status == EVTCHNSTAT_interdomain) {
        check_eq(s.u.interdomain.dom, peer, "u.interdomain.dom", file, line);
        if (peer_port)
            check_eq(s.u.interdomain.port, peer_port, "u.interdomain.port", file, line);
        return s.u.interdomain.port;
    }
    return 0;
}
