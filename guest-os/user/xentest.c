/*
 * guest-os: xentest: the system calls of include/xen_user.h (issue 5),
 * success and error paths. What it checks depends on where it runs:
 *  - PV dom0:
 *    evtchn   a loopback pair (ALLOC_UNBOUND for dom0 + BIND_INTERDOMAIN to
 *             it), NOTIFY each way and WAIT for it, WAIT's timeout and
 *             EINTR, VIRQ_DOM_EXC, UNBIND, and EINVAL / EFAULT cases;
 *    gntmap   the kernel's store page, granted by dom0 to itself as ref 1,
 *             mapped writable and read-only (the same page twice), a
 *             read-only mapping refusing writes (SIGSEGV), a fork's child
 *             without the mappings, munmap and UNMAP, error statuses, and
 *             300 mappings left behind by exit, exec and munmap (pvx holds
 *             256 per domain: a leak would run out);
 *    domains  the list from 0, dom0's entry (its kernel store port, ref 1),
 *             the domUs' store ports, -ESRCH at the end;
 *    xenbus   a fake store daemon: this process maps dom0's store ring
 *             (gntmap 0/1), binds the kernel's store port and answers a
 *             child's XS_READ and XS_WATCH (then fires the watch) sent
 *             through SYS_xenbus; EMSGSIZE, EAGAIN, EINVAL, E2BIG.
 *    console  with a domU there: an attach to d1 waits (the backend serves
 *             it), a second one is EBUSY, a signal ends one (EINTR) and
 *             lets go; EINVAL, ESRCH (no domain, dom0 itself).
 *  - PV domU: evtchn, gntmap, domains and console are EPERM; xenbus checks its
 *    arguments (EINVAL, E2BIG) and has nothing to receive (EAGAIN).
 *  - native: every call is ENOSYS.
 * Prints "xentest: N passed, N failed"; exits 1 if any failed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "guest_os.h"
#include "xen_user.h"
#include "../../include/public/io/xs_wire.h"

#define VIRQ_DOM_EXC 3
#define HDR ((unsigned int)sizeof(struct xsd_sockmsg))

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("xentest: FAIL %s (errno %d)\n", what, errno);
    }
}

/* A call's result as 0 / -errno. */
static int err_of(int rc) { return rc < 0 ? -errno : rc; }

static int evtchn(int op, struct gos_evtchn *e) { return err_of(xen_evtchn(op, e)); }

static uint32_t alloc_port(uint32_t remote)
{
    struct gos_evtchn e = { .remote_dom = remote };
    return evtchn(GOS_EVTCHN_ALLOC_UNBOUND, &e) == 0 ? e.port : 0;
}

static int wait_port(uint32_t timeout_ms, uint32_t *port)
{
    struct gos_evtchn e = { .timeout_ms = timeout_ms };
    int rc = evtchn(GOS_EVTCHN_WAIT, &e);
    *port = e.port;
    return rc;
}

static int notify(uint32_t port) { struct gos_evtchn e = { .port = port }; return evtchn(GOS_EVTCHN_NOTIFY, &e); }
static int unbind(uint32_t port) { struct gos_evtchn e = { .port = port }; return evtchn(GOS_EVTCHN_UNBIND, &e); }

static void on_usr1(int sig) { (void)sig; }

static void test_evtchn(void)
{
    uint32_t a = alloc_port(0);
    check(a > 0, "evtchn: ALLOC_UNBOUND for dom0 gives a port");
    struct gos_evtchn e = { .remote_dom = 0, .remote_port = a };
    check(evtchn(GOS_EVTCHN_BIND_INTERDOMAIN, &e) == 0 && e.port > 0 && e.port != a,
          "evtchn: BIND_INTERDOMAIN to our own port (loopback)");
    uint32_t b = e.port, got = 0;
    while (wait_port(50, &got) == 0)        /* a new binding starts pending */
        ;
    check(errno == ETIMEDOUT, "evtchn: WAIT with nothing pending times out (ETIMEDOUT)");
    check(notify(a) == 0, "evtchn: NOTIFY a");
    check(wait_port(1000, &got) == 0 && got == b, "evtchn: WAIT returns b after NOTIFY a");
    check(notify(b) == 0 && wait_port(0, &got) == 0 && got == a, "evtchn: WAIT (forever) returns a after NOTIFY b");
    check(wait_port(20, &got) == -ETIMEDOUT, "evtchn: a fired port is cleared by WAIT");
    check(notify(1023) == -EINVAL, "evtchn: NOTIFY on a port not ours is EINVAL");
    check(evtchn(99, &e) == -EINVAL, "evtchn: an unknown op is EINVAL");
    check(err_of(xen_evtchn(GOS_EVTCHN_NOTIFY, (struct gos_evtchn *)8)) == -EFAULT, "evtchn: a bad pointer is EFAULT");
    struct gos_evtchn v = { .virq = 1 };
    check(evtchn(GOS_EVTCHN_BIND_VIRQ, &v) == -EINVAL, "evtchn: BIND_VIRQ other than VIRQ_DOM_EXC is EINVAL");
    v.virq = VIRQ_DOM_EXC;
    check(evtchn(GOS_EVTCHN_BIND_VIRQ, &v) == 0 && v.port > 0, "evtchn: BIND_VIRQ VIRQ_DOM_EXC");
    check(unbind(v.port) == 0, "evtchn: UNBIND the VIRQ port");
    /* A signal ends a WAIT with EINTR. */
    signal(SIGUSR1, on_usr1);
    pid_t parent = getpid(), child = fork();
    if (child == 0) {
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    check(wait_port(0, &got) == -EINTR, "evtchn: a signal ends WAIT with EINTR");
    waitpid(child, NULL, 0);
    signal(SIGUSR1, SIG_DFL);
    /* A child's ports are closed when it exits: its port cannot be
     * notified by us (not ours) and BIND to it fails once it is closed. */
    int fds[2];
    pipe(fds);
    child = fork();
    if (child == 0) {
        uint32_t p = alloc_port(0);
        write(fds[1], &p, sizeof(p));
        _exit(0);
    }
    uint32_t childs = 0;
    read(fds[0], &childs, sizeof(childs));
    waitpid(child, NULL, 0);
    struct gos_evtchn cb = { .remote_dom = 0, .remote_port = childs };
    check(childs > 0 && evtchn(GOS_EVTCHN_BIND_INTERDOMAIN, &cb) == -EINVAL,
          "evtchn: a port is closed when its process exits");
    close(fds[0]);
    close(fds[1]);
    check(unbind(b) == 0 && unbind(a) == 0, "evtchn: UNBIND both");
    check(unbind(a) == -EINVAL && notify(b) == -EINVAL, "evtchn: an unbound port is no longer ours");
}

static int gntmap(int op, struct gos_gntmap *g) { return err_of(xen_gntmap(op, g)); }

static volatile uint32_t *map_store(int writable)
{
    struct gos_gntmap g = { .domid = 0, .ref = 1, .writable = (uint32_t)writable };
    return gntmap(GOS_GNTMAP_MAP, &g) == 0 ? (volatile uint32_t *)g.va : NULL;
}

static int unmap_va(volatile void *va)
{
    struct gos_gntmap g = { .va = (uint32_t)va };
    return gntmap(GOS_GNTMAP_UNMAP, &g);
}

/* Run fn in a child; its wait status. */
static int killed(int status) { return WIFSIGNALED(status); }    /* the macro reads its argument twice */
static int in_child(void (*fn)(volatile uint32_t *), volatile uint32_t *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}
/* A word of the store page the kernel's client does not use. */
#define SPARE(p) (((volatile struct xenstore_domain_interface *)(p))->error)
static void touch_write(volatile uint32_t *p) { SPARE(p) = 0; }
static void touch_read(volatile uint32_t *p) { (void)SPARE(p); }

static void map_and_exit(volatile uint32_t *how)
{
    if (!map_store(1))
        _exit(2);
    if (how) {
        char *argv[] = { "true", NULL };
        execv("/bin/true", argv);
        _exit(3);
    }
}

static void test_gntmap(void)
{
    volatile uint32_t *rw = map_store(1), *ro = map_store(0);
    check(rw && ro && rw != ro, "gntmap: MAP dom0's ref 1 writable and read-only");
    if (!rw || !ro)
        return;
    SPARE(rw) = 0x5a5a;
    check(SPARE(ro) == 0x5a5a, "gntmap: both mappings show the same page");
    SPARE(rw) = 0;
    check(killed(in_child(touch_write, ro)) , "gntmap: a write to a read-only mapping faults");
    check(killed(in_child(touch_read, rw)), "gntmap: a fork's child has no grant mappings (a hole)");
    SPARE(rw) = 7;
    check(SPARE(ro) == 7, "gntmap: after fork the parent's mappings still work");
    SPARE(rw) = 0;
    check(mprotect((void *)rw, 4096, PROT_READ) != 0 && errno == EINVAL, "gntmap: mprotect of a grant mapping is EINVAL");
    check(unmap_va(ro) == 0, "gntmap: UNMAP");
    check(unmap_va(ro) == -EINVAL, "gntmap: UNMAP twice is EINVAL");
    check(killed(in_child(touch_read, ro)), "gntmap: an unmapped grant page faults");
    check(munmap((void *)rw, 4096) == 0 && unmap_va(rw) == -EINVAL, "gntmap: munmap unmaps it too");
    struct gos_gntmap g = { .domid = 0, .ref = 100000 };
    check(gntmap(GOS_GNTMAP_MAP, &g) == -EINVAL, "gntmap: a ref past the table is EINVAL");
    g.ref = 7;
    check(gntmap(GOS_GNTMAP_MAP, &g) == -EACCES, "gntmap: a ref not granted is EACCES");
    g = (struct gos_gntmap){ .domid = 999, .ref = 1 };
    check(gntmap(GOS_GNTMAP_MAP, &g) == -ESRCH, "gntmap: no such domain is ESRCH");
    check(gntmap(7, &g) == -EINVAL, "gntmap: an unknown op is EINVAL");
    check(err_of(xen_gntmap(GOS_GNTMAP_MAP, (struct gos_gntmap *)8)) == -EFAULT, "gntmap: a bad pointer is EFAULT");
    /* 300 mappings, each left for exit, exec or munmap to take down. */
    int ok = 1;
    for (int i = 0; i < 300 && ok; i++) {
        if (i % 3 == 2) {
            volatile uint32_t *p = map_store(1);
            ok = p && munmap((void *)p, 4096) == 0;
        } else {
            int st = in_child(map_and_exit, i % 3 ? (volatile uint32_t *)1 : NULL);
            ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        }
    }
    check(ok, "gntmap: 300 mappings given back by exit, exec and munmap");
}

static void test_domains(int *domus)
{
    struct gos_dominfo d;
    check(err_of(xen_domains(0, &d)) == 0 && d.domid == 0, "domains: dom0 comes first");
    check(d.store_port > 0 && d.store_ref == 1, "domains: dom0's store port (the kernel's) and ref 1");
    check(strcmp(d.name, "d0") == 0 && d.flags == GOS_DOM_RUNNING && d.tot_pages > 0 && d.max_pages >= d.tot_pages,
          "domains: dom0's name, state and pages");
    int id = 0, n = 0, rc;
    while ((rc = err_of(xen_domains((unsigned int)id, &d))) >= 0) {
        printf("xentest: [varies] domain %s: %lu pages of %lu, store port %lu ref %lu\n", d.name,
               (unsigned long)d.tot_pages, (unsigned long)d.max_pages, (unsigned long)d.store_port,
               (unsigned long)d.store_ref);
        if (rc > 0) {
            check(d.store_port > 0, "domains: a domU's store port waits for dom0");
            (*domus)++;
        }
        id = rc + 1;
        n++;
    }
    check(rc == -ESRCH && n >= 1, "domains: the list ends with ESRCH");
    check(err_of(xen_domains(0, (struct gos_dominfo *)8)) == -EFAULT, "domains: a bad pointer is EFAULT");
    check(err_of(xen_domains(0x7ff0, &d)) == -ESRCH, "domains: a reserved id is ESRCH");
}

/* ---- a fake store daemon on dom0's own store ring ---- */
static volatile struct xenstore_domain_interface *xs;
static uint32_t daemon_port;

/* The next whole message in req[] into h and payload (waiting up to 5 s). */
static int next_request(struct xsd_sockmsg *h, char *payload, unsigned int max)
{
    uint32_t got;
    for (int tries = 0; tries < 50; tries++) {
        uint32_t avail = xs->req_prod - xs->req_cons;
        if (avail >= HDR) {
            char *dst = (char *)h;
            for (unsigned int i = 0; i < HDR; i++)
                dst[i] = xs->req[MASK_XENSTORE_IDX(xs->req_cons + i)];
            if (h->len > max)
                return -1;
            if (avail >= HDR + h->len) {
                for (unsigned int i = 0; i < h->len; i++)
                    payload[i] = xs->req[MASK_XENSTORE_IDX(xs->req_cons + HDR + i)];
                xs->req_cons += HDR + h->len;
                notify(daemon_port);
                return 0;
            }
        }
        wait_port(100, &got);
    }
    return -1;
}

static void put_reply(uint32_t type, uint32_t req_id, const char *payload, unsigned int len);

/* The next request of `type` whose payload starts with `prefix` of plen
 * bytes; the kernel's own (the balloon's watch and statistics) on the way
 * get a plain answer: OK, or ENOENT for a read. */
static int take_request(uint32_t type, const char *prefix, unsigned int plen,
                        struct xsd_sockmsg *h, char *payload, unsigned int max)
{
    while (next_request(h, payload, max) == 0) {
        if (h->type == type && h->len >= plen && !memcmp(payload, prefix, plen))
            return 0;
        if (h->type == XS_READ)
            put_reply(XS_ERROR, h->req_id, "ENOENT", 7);
        else
            put_reply(h->type, h->req_id, "OK", 3);
    }
    return -1;
}

static void put_reply(uint32_t type, uint32_t req_id, const char *payload, unsigned int len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };
    for (unsigned int i = 0; i < HDR; i++)
        xs->rsp[MASK_XENSTORE_IDX(xs->rsp_prod + i)] = ((char *)&h)[i];
    for (unsigned int i = 0; i < len; i++)
        xs->rsp[MASK_XENSTORE_IDX(xs->rsp_prod + HDR + i)] = payload[i];
    __sync_synchronize();
    xs->rsp_prod += HDR + len;
    notify(daemon_port);
}

static int send_msg(uint32_t type, uint32_t req_id, const char *payload, unsigned int len)
{
    char buf[256];
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .len = len };
    memcpy(buf, &h, HDR);
    memcpy(buf + HDR, payload, len);
    return err_of(xenbus(XENBUS_SEND, buf, HDR + len));
}

/* The child: a store client through SYS_xenbus. Exit status: 0 or the
 * number of the first failed step. */
static void client(volatile uint32_t *unused)
{
    (void)unused;
    char buf[256];
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)buf;
    if (send_msg(XS_READ, 77, "memory/target", 14))
        _exit(1);
    if (err_of(xenbus(XENBUS_RECV, buf, 8)) != -EMSGSIZE)        /* waits for the reply */
        _exit(2);
    int n = err_of(xenbus(XENBUS_RECV, buf, sizeof(buf)));
    if (n != (int)HDR + 4 || h->type != XS_READ || h->req_id != 77 || memcmp(buf + HDR, "1234", 4))
        _exit(3);
    if (send_msg(XS_WATCH, 5, "memory\0tok", 11))
        _exit(4);
    n = err_of(xenbus(XENBUS_RECV, buf, sizeof(buf)));
    if (n != (int)HDR + 3 || h->type != XS_WATCH || h->req_id != 5)
        _exit(5);
    n = err_of(xenbus(XENBUS_RECV, buf, sizeof(buf)));
    if (n != (int)HDR + 18 || h->type != XS_WATCH_EVENT || memcmp(buf + HDR, "memory/target\0tok", 18))
        _exit(6);
    if (err_of(xenbus(XENBUS_RECV_NOWAIT, buf, sizeof(buf))) != -EAGAIN)
        _exit(7);
    _exit(0);
}

static void test_xenbus_args(void)
{
    char buf[HDR + 8];
    struct xsd_sockmsg h = { .type = XS_READ, .len = 8 };
    check(err_of(xenbus(XENBUS_SEND, buf, 8)) == -EINVAL, "xenbus: a message shorter than its header is EINVAL");
    memcpy(buf, &h, HDR);
    check(err_of(xenbus(XENBUS_SEND, buf, HDR + 4)) == -EINVAL, "xenbus: a length that disagrees is EINVAL");
    check(err_of(xenbus(XENBUS_SEND, buf, HDR + XENSTORE_PAYLOAD_MAX + 1)) == -E2BIG, "xenbus: a payload over 4096 is E2BIG");
    check(err_of(xenbus(XENBUS_SEND, (void *)8, HDR)) == -EFAULT, "xenbus: a bad pointer is EFAULT");
    check(err_of(xenbus(XENBUS_RECV_NOWAIT, buf, sizeof(buf))) == -EAGAIN, "xenbus: RECV_NOWAIT with nothing is EAGAIN");
    check(err_of(xenbus(9, buf, sizeof(buf))) == -EINVAL, "xenbus: an unknown op is EINVAL");
}

static void test_xenbus_daemon(void)
{
    struct gos_dominfo d;
    if (err_of(xen_domains(0, &d)) != 0)
        return;
    xs = (volatile struct xenstore_domain_interface *)map_store(1);
    struct gos_evtchn e = { .remote_dom = 0, .remote_port = d.store_port };
    check(xs && evtchn(GOS_EVTCHN_BIND_INTERDOMAIN, &e) == 0, "xenbus: the fake daemon maps dom0's ring and binds its port");
    if (!xs)
        return;
    daemon_port = e.port;
    pid_t pid = fork();
    if (pid == 0)
        client(NULL);
    struct xsd_sockmsg h;
    char payload[512];
    int ok = take_request(XS_READ, "memory/target", 14, &h, payload, sizeof(payload)) == 0;
    check(ok && h.len == 14,
          "xenbus: the child's XS_READ arrives on the ring");
    if (ok)
        put_reply(XS_READ, h.req_id, "1234", 4);
    ok = ok && take_request(XS_WATCH, "memory\0K", 8, &h, payload, sizeof(payload)) == 0;
    check(ok,
          "xenbus: the child's XS_WATCH arrives with a kernel token");
    if (ok) {
        char event[64];
        unsigned int plen = 7, tlen = (unsigned int)strlen(payload + plen) + 1;
        put_reply(XS_WATCH, h.req_id, "OK", 3);
        memcpy(event, "memory/target", 14);
        memcpy(event + 14, payload + plen, tlen);
        put_reply(XS_WATCH_EVENT, 0, event, 14 + tlen);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "xenbus: the child gets its reply and watch event");
    if (WEXITSTATUS(status))
        printf("xentest: client failed at step %d\n", WEXITSTATUS(status));
    /* The child's watch is removed by its exit: an XS_UNWATCH comes. */
    ok = take_request(XS_UNWATCH, "memory\0K", 8, &h, payload, sizeof(payload)) == 0;
    check(ok, "xenbus: a process's watch is removed when it exits");
    if (ok)
        put_reply(XS_UNWATCH, h.req_id, "OK", 3);
    check(unbind(daemon_port) == 0 && unmap_va(xs) == 0, "xenbus: the fake daemon lets go");
}

/* ---- the console backend (SYS_xen_console), with d1 running ---- */
static int console_call(int op, unsigned int domid) { return err_of(xen_console(op, domid)); }

/* A child attaches to d1 with a SIGUSR1 handler: exit 0 if the attach
 * ended with EINTR. */
static pid_t attach_child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGUSR1, on_usr1);
        _exit(console_call(GOS_CONSOLE_ATTACH, 1) == -EINTR ? 0 : 1);
    }
    return pid;
}

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static void test_console(void)
{
    int rc = -ESRCH;
    for (int tries = 0; tries < 30 && rc == -ESRCH; tries++) {   /* dom0 looks once a second */
        pid_t probe = attach_child();
        nap_ms(100);
        rc = waitpid(probe, NULL, WNOHANG) == probe ? -ESRCH : 0;
        if (rc == 0) {
            kill(probe, SIGUSR1);
            waitpid(probe, NULL, 0);
        }
    }
    check(rc == 0, "console: dom0's backend serves d1 (an attach to it waits)");
    check(console_call(7, 1) == -EINVAL, "console: an unknown op is EINVAL");
    check(console_call(GOS_CONSOLE_ATTACH, 40) == -ESRCH, "console: no such domain is ESRCH");
    check(console_call(GOS_CONSOLE_ATTACH, 0) == -ESRCH, "console: dom0 has no console ring to attach to (ESRCH)");
    pid_t first = attach_child();
    nap_ms(200);
    check(console_call(GOS_CONSOLE_ATTACH, 1) == -EBUSY, "console: a second attach while one holds it is EBUSY");
    kill(first, SIGUSR1);
    int status = 1;
    waitpid(first, &status, 0);
    check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "console: a signal ends the attach with EINTR");
    pid_t second = attach_child();
    nap_ms(200);
    check(waitpid(second, NULL, WNOHANG) == 0, "console: the first one's end let go of the terminal");
    kill(second, SIGUSR1);
    waitpid(second, NULL, 0);
}

int main(void)
{
    struct gos_sysinfo si;
    sysinfo(&si);
    struct gos_evtchn e = { 0 };
    struct gos_gntmap g = { 0 };
    struct gos_dominfo d;
    char buf[64];
    if (strcmp(si.build, "pv") != 0) {
        check(err_of(xen_evtchn(GOS_EVTCHN_ALLOC_UNBOUND, &e)) == -ENOSYS, "native: evtchn is ENOSYS");
        check(err_of(xen_gntmap(GOS_GNTMAP_MAP, &g)) == -ENOSYS, "native: gntmap is ENOSYS");
        check(err_of(xen_domains(0, &d)) == -ENOSYS, "native: domains is ENOSYS");
        check(err_of(xenbus(XENBUS_RECV_NOWAIT, buf, sizeof(buf))) == -ENOSYS, "native: xenbus is ENOSYS");
        check(console_call(GOS_CONSOLE_ATTACH, 1) == -ENOSYS, "native: console is ENOSYS");
    } else if (!strstr(si.platform, "dom0")) {
        check(err_of(xen_evtchn(GOS_EVTCHN_ALLOC_UNBOUND, &e)) == -EPERM, "domU: evtchn is EPERM");
        check(err_of(xen_gntmap(GOS_GNTMAP_MAP, &g)) == -EPERM, "domU: gntmap is EPERM");
        check(err_of(xen_domains(0, &d)) == -EPERM, "domU: domains is EPERM");
        check(console_call(GOS_CONSOLE_ATTACH, 1) == -EPERM, "domU: console is EPERM");
        test_xenbus_args();
    } else {
        int domus = 0;
        test_evtchn();
        test_gntmap();
        test_domains(&domus);
        if (domus)
            test_console();
        test_xenbus_args();
        test_xenbus_daemon();
    }
    printf("xentest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
