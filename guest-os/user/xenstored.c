/*
 * guest-os: xenstored, the store daemon (dom0, PV build; docs/store.md).
 * The store itself is guest-os/xenstore/ (tree, permissions, watches,
 * transactions, the wire protocol, the rings); this file is what only
 * dom0 can do: reach domains. At start it connects every domain that
 * has a store port, dom0 first (xen_domains: its store port; its page is
 * granted to dom0 as ref store_ref), as if each had been INTRODUCEd, and
 * binds VIRQ_DOM_EXC. Then it loops: wait for any of its ports, serve
 * every connection a bounded number of requests (XS_BUDGET) so one busy
 * or hostile domain cannot starve the others, write out queued replies
 * and events, notify the domains whose indices moved. On VIRQ_DOM_EXC it
 * releases the domains that are gone, dying or shut down, and connects
 * new ones. "xenstored -q" logs nothing but errors. Exit status 1 if it
 * cannot start (not dom0, no event channels).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <public/grant_table.h>
#include <public/xen.h>
#include "xen_user.h"
#include "xenstore.h"

#define XS_BUDGET 8                     /* requests per connection per round */

static struct xs_store store;
static int quiet;

/* Backend: map domid's store page (grant store_ref, else ref 1) and bind
 * its store port; see struct xs_backend. */
static int backend_connect(void *ctx, struct xs_conn *conn, uint32_t remote_port)
{
    (void)ctx;
    struct gos_dominfo info;
    uint32_t ref = GNTTAB_RESERVED_XENSTORE;
    if (xen_domains(conn->domid, &info) == (int)conn->domid && info.store_ref)
        ref = info.store_ref;
    struct gos_gntmap map = { .domid = conn->domid, .ref = ref, .writable = 1 };
    if (xen_gntmap(GOS_GNTMAP_MAP, &map) < 0) {
        int err = errno;
        xs_log(&store, "d%u: cannot map its store page (grant %u): %s", (unsigned)conn->domid,
               (unsigned)ref, strerror(err));
        return -err;
    }
    struct gos_evtchn ev = { .remote_dom = conn->domid, .remote_port = remote_port };
    if (xen_evtchn(GOS_EVTCHN_BIND_INTERDOMAIN, &ev) < 0) {
        int err = errno;
        xs_log(&store, "d%u: cannot bind its store port %u: %s", (unsigned)conn->domid,
               (unsigned)remote_port, strerror(err));
        xen_gntmap(GOS_GNTMAP_UNMAP, &map);
        return -err;
    }
    conn->intf = (struct xenstore_domain_interface *)(uintptr_t)map.va;
    conn->local_port = ev.port;
    if (!quiet)
        xs_log(&store, "d%u: connected (its port %u, ours %u)", (unsigned)conn->domid, (unsigned)remote_port,
               (unsigned)ev.port);
    return 0;
}

/* Backend: undo backend_connect. */
static void backend_disconnect(void *ctx, struct xs_conn *conn)
{
    (void)ctx;
    struct gos_evtchn ev = { .port = conn->local_port };
    struct gos_gntmap map = { .va = (uint32_t)(uintptr_t)conn->intf };
    xen_evtchn(GOS_EVTCHN_UNBIND, &ev);
    xen_gntmap(GOS_GNTMAP_UNMAP, &map);
    if (!quiet)
        xs_log(&store, "d%u: released", (unsigned)conn->domid);
}

/* Tell a domain its ring moved. */
static void notify(const struct xs_conn *conn)
{
    struct gos_evtchn ev = { .port = conn->local_port };
    xen_evtchn(GOS_EVTCHN_NOTIFY, &ev);
}

/* Release the connected domains that are gone, dying or shut down;
 * connect the running ones with a store port that are not connected. */
static void check_domains(void)
{
    struct gos_dominfo info;
    for (struct xs_conn *c = xs_next_conn(&store, 1); c; ) {
        uint32_t domid = c->domid;
        int id = xen_domains(domid, &info);
        if (id != (int)domid || (info.flags & (GOS_DOM_DYING | GOS_DOM_SHUTDOWN)))
            xs_release_domain(&store, domid);
        c = xs_next_conn(&store, domid + 1);
    }
    for (int id = 0; (id = xen_domains((unsigned)id, &info)) >= 0; id++) {
        int err;
        if (info.store_port && (info.flags & GOS_DOM_RUNNING) && !xs_find_conn(&store, info.domid))
            xs_connect_domain(&store, info.domid, info.store_port, &err);
    }
}

/* Serve every connection once; 1 if one has requests left over. */
static int serve_round(void)
{
    int more = 0;
    for (struct xs_conn *c = xs_next_conn(&store, 0); c; ) {
        uint32_t domid = c->domid;
        int r = xs_conn_run(c, XS_BUDGET);
        if (r & XS_RUN_NOTIFY)
            notify(c);
        more |= r & XS_RUN_MORE;
        c = xs_next_conn(&store, domid + 1);
    }
    for (struct xs_conn *c = store.conns; c; c = c->next)   /* events queued by others */
        if (xs_conn_flush(c))
            notify(c);
    return more;
}

/* Start, connect the domains, serve forever. */
int main(int argc, char **argv)
{
    static const struct xs_backend backend = { backend_connect, backend_disconnect, NULL };
    quiet = argc > 1 && !strcmp(argv[1], "-q");
    if (xs_store_init(&store, &backend) < 0) {
        fprintf(stderr, "xenstored: out of memory\n");
        return 1;
    }
    struct gos_evtchn virq = { .virq = VIRQ_DOM_EXC };
    if (xen_evtchn(GOS_EVTCHN_BIND_VIRQ, &virq) < 0) {
        fprintf(stderr, "xenstored: cannot bind VIRQ_DOM_EXC: %s (dom0 of the PV build only)\n", strerror(errno));
        return 1;
    }
    check_domains();
    if (!xs_find_conn(&store, 0))
        xs_log(&store, "d0: not connected: dom0's own clients will get no answer");
    if (!quiet)
        xs_log(&store, "serving");
    int more = 1;
    for (;;) {
        struct gos_evtchn wait = { .timeout_ms = more ? 1 : 0 };
        if (xen_evtchn(GOS_EVTCHN_WAIT, &wait) >= 0 && wait.port == virq.port)
            check_domains();
        more = serve_round();
    }
}
