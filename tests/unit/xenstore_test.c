/*
 * Host tests of guest-os's store core (guest-os/xenstore/), compiled for
 * the host by guest-os/guest-os.mk. The backend is faked: "connecting" a
 * domain gives it a zeroed ring page in host memory, and the test plays
 * each domain's side of the ring (requests in, replies and watch events
 * out), running the connections as the daemon's loop does. Checks: the
 * tree (write, read, mkdir, directory, recursive rm, missing parents),
 * paths (relative, invalid, too long), permissions (a domU reading or
 * writing another domU's keys gets EACCES; set_perms by the owner only,
 * who cannot give the node away; inheritance), watches (fire once when
 * set, on changes at or under the path, not to a domain that cannot read
 * the node, below a removed node, @introduceDomain/@releaseDomain,
 * relative paths), transactions (isolation, commit, abort, a conflicting
 * commit gets EAGAIN and changes nothing), the domain operations
 * (INTRODUCE/RELEASE dom0 only), the wire parser with malformed input
 * (unterminated strings, bad numbers, unknown types, an over-long message
 * drops only that connection), the ring (requests split and across the
 * wrap, indices near 2^32, replies longer than the ring, corrupt
 * indices), quotas, a domain that never reads its replies, and a fuzz
 * loop of random messages after which the store still answers and
 * another domain's node is intact.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenstore.h"

#define NDOMS 8
static struct xs_store store;
static char events[NDOMS][8192];       /* "path,token;" per domain */
static uint32_t next_req_id = 1;
static uint32_t start_index;           /* ring indices a new page starts at */

/* The fake backend: a zeroed page in host memory, indices at start_index. */
static int fake_connect(void *ctx, struct xs_conn *conn, uint32_t remote_port)
{
    (void)ctx;
    if (remote_port == 999)
        return -EINVAL;
    conn->intf = calloc(1, sizeof(*conn->intf));
    conn->intf->req_cons = conn->intf->req_prod = start_index;
    conn->intf->rsp_cons = conn->intf->rsp_prod = start_index;
    conn->local_port = remote_port;
    return 0;
}
/* Free the fake page. */
static void fake_disconnect(void *ctx, struct xs_conn *conn)
{
    (void)ctx;
    free(conn->intf);
}

static struct xenstore_domain_interface *page(uint32_t domid)
{
    return xs_find_conn(&store, domid)->intf;
}

static void run_all(void);

/* As domain domid: put len bytes into its request ring, letting the
 * store run whenever the ring is full. */
static void ring_put(uint32_t domid, const void *buf, uint32_t len)
{
    struct xenstore_domain_interface *p = page(domid);
    for (uint32_t i = 0; i < len; i++) {
        if (p->req_prod - p->req_cons == XENSTORE_RING_SIZE)
            run_all();
        p->req[MASK_XENSTORE_IDX(p->req_prod)] = ((const char *)buf)[i];
        p->req_prod++;
    }
}

/* One round of the daemon's loop over every connection, until idle. */
static void run_all(void)
{
    for (int round = 0; round < 100; round++) {
        int more = 0;
        for (struct xs_conn *c = xs_next_conn(&store, 0); c; c = xs_next_conn(&store, c->domid + 1))
            more |= xs_conn_run(c, 4) & XS_RUN_MORE;
        for (struct xs_conn *c = store.conns; c; c = c->next)
            xs_conn_flush(c);
        if (!more)
            return;
    }
}

/* As domain domid: take up to len bytes out of its response ring. */
static uint32_t ring_get(uint32_t domid, void *buf, uint32_t len)
{
    struct xenstore_domain_interface *p = page(domid);
    uint32_t n = p->rsp_prod - p->rsp_cons;
    if (n > len)
        n = len;
    for (uint32_t i = 0; i < n; i++)
        ((char *)buf)[i] = p->rsp[MASK_XENSTORE_IDX(p->rsp_cons + i)];
    p->rsp_cons += n;
    return n;
}

/* As domain domid: the next whole message out of its response ring
 * (reading as it is flushed); 0 if none. payload gets a NUL after it. */
static int recv_msg(uint32_t domid, struct xsd_sockmsg *hdr, char *payload)
{
    if (page(domid)->rsp_prod == page(domid)->rsp_cons)
        return 0;
    uint32_t got = 0;
    while (got < sizeof(*hdr)) {
        got += ring_get(domid, (char *)hdr + got, sizeof(*hdr) - got);
        xs_conn_flush(xs_find_conn(&store, domid));
    }
    got = 0;
    while (got < hdr->len) {
        got += ring_get(domid, payload + got, hdr->len - got);
        xs_conn_flush(xs_find_conn(&store, domid));
    }
    payload[hdr->len] = 0;
    return 1;
}

/* Drain domid's ring: watch events into events[domid]; the last other
 * message into hdr/payload. 1 if there was one. */
static int drain(uint32_t domid, struct xsd_sockmsg *hdr, char *payload)
{
    static char buf[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg h;
    int found = 0;
    while (recv_msg(domid, &h, buf)) {
        if (h.type == XS_WATCH_EVENT) {
            char *e = events[domid];
            size_t l = strlen(e);
            snprintf(e + l, sizeof(events[0]) - l, "%s,%s;", buf, buf + strlen(buf) + 1);
        } else {
            *hdr = h;
            memcpy(payload, buf, h.len + 1);
            found = 1;
        }
    }
    return found;
}

/* Send one request from domid and run the store; its reply as text: the
 * payload with each NUL shown as '|', or "ERR:NAME" for XS_ERROR, or
 * "NONE" if there was no reply. */
static const char *call_raw(uint32_t domid, uint32_t type, uint32_t tx, const char *payload, uint32_t len)
{
    static char text[XENSTORE_PAYLOAD_MAX + 16];
    static char buf[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .tx_id = tx, .len = len };
    ring_put(domid, &hdr, sizeof(hdr));
    ring_put(domid, payload, len);
    run_all();
    struct xsd_sockmsg r;
    for (struct xs_conn *c = store.conns; c; c = c->next)   /* the others' events */
        if (c->domid != domid && !c->broken)
            drain(c->domid, &r, buf);
    if (!drain(domid, &r, buf))
        return "NONE";
    CU_ASSERT_EQUAL(r.req_id, hdr.req_id);
    if (r.type == XS_ERROR) {
        snprintf(text, sizeof(text), "ERR:%s", buf);
        return text;
    }
    CU_ASSERT_EQUAL(r.type, type);
    for (uint32_t i = 0; i < r.len; i++)
        text[i] = buf[i] ? buf[i] : '|';
    text[r.len] = 0;
    return text;
}

/* A request of up to three strings: a and b NUL-terminated (b may be
 * NULL), then value unterminated (may be NULL). */
static const char *call(uint32_t domid, uint32_t type, uint32_t tx, const char *a, const char *b, const char *value)
{
    static char p[XENSTORE_PAYLOAD_MAX + 64];
    uint32_t len = 0;
    if (a)
        memcpy(p, a, strlen(a) + 1), len += (uint32_t)strlen(a) + 1;
    if (b)
        memcpy(p + len, b, strlen(b) + 1), len += (uint32_t)strlen(b) + 1;
    if (value)
        memcpy(p + len, value, strlen(value)), len += (uint32_t)strlen(value);
    return call_raw(domid, type, tx, p, len);
}

#define READ(d, path)             call(d, XS_READ, 0, path, NULL, NULL)
#define WRITE(d, path, v)         call(d, XS_WRITE, 0, path, NULL, v)
#define DIR(d, path)              call(d, XS_DIRECTORY, 0, path, NULL, NULL)
#define RM(d, path)               call(d, XS_RM, 0, path, NULL, NULL)

static const struct xs_backend fake = { fake_connect, fake_disconnect, NULL };

/* A fresh store with dom0, d1 and d2 connected. */
static void setup(void)
{
    int err;
    xs_store_init(&store, &fake);
    store.quiet = 1;
    memset(events, 0, sizeof(events));
    for (uint32_t d = 0; d < 3; d++)
        CU_ASSERT_PTR_NOT_NULL(xs_connect_domain(&store, d, 10 + d, &err));
}

static void teardown(void)
{
    xs_store_free(&store);
    start_index = 0;
}

static void test_tree(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(WRITE(0, "/a/b/c", "x"), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/a/b/c"), "x");
    CU_ASSERT_STRING_EQUAL(READ(0, "/a/b"), "");             /* a missing parent, created empty */
    CU_ASSERT_STRING_EQUAL(call(0, XS_MKDIR, 0, "/a/d", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_MKDIR, 0, "/a/d", NULL, NULL), "OK|");   /* exists: fine */
    CU_ASSERT_STRING_EQUAL(DIR(0, "/a"), "b|d|");
    CU_ASSERT_STRING_EQUAL(WRITE(0, "/a/b/c", "longer value"), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/a/b/c"), "longer value");
    CU_ASSERT_STRING_EQUAL(WRITE(0, "/a/e", ""), "OK|");
    CU_ASSERT_STRING_EQUAL(RM(0, "/a"), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/a/b/c"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(READ(0, "/a"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(RM(0, "/a"), "OK|");               /* its parent exists */
    CU_ASSERT_STRING_EQUAL(RM(0, "/a/b"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(RM(0, "/"), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(DIR(0, "/local/domain"), "0|1|2|");
    /* A value of the largest size and one byte over. */
    static char big[XENSTORE_PAYLOAD_MAX + 2];
    memset(big, 'v', sizeof(big) - 1);
    big[XENSTORE_PAYLOAD_MAX - 3] = 0;                       /* "/b\0" + value = 4096 */
    CU_ASSERT_STRING_EQUAL(WRITE(0, "/b", big), "OK|");
    CU_ASSERT_EQUAL(strlen(READ(0, "/b")), XENSTORE_PAYLOAD_MAX - 3);
    teardown();
}

static void test_paths(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(WRITE(1, "rel/key", "v"), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/local/domain/1/rel/key"), "v");
    CU_ASSERT_STRING_EQUAL(READ(1, "rel/key"), "v");
    const char *bad[] = { "//a", "/a/", "/a//b", "/a b", "/a.b", "", "@foo", "/a@", "@introduceDomain" };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        CU_ASSERT_STRING_EQUAL(WRITE(0, bad[i], "v"), "ERR:EINVAL");
    static char longp[XENSTORE_ABS_PATH_MAX + 8];
    memset(longp, 'a', sizeof(longp) - 1);
    longp[0] = '/';
    longp[XENSTORE_ABS_PATH_MAX + 1] = 0;                    /* one over */
    CU_ASSERT_STRING_EQUAL(WRITE(0, longp, "v"), "ERR:EINVAL");
    longp[XENSTORE_ABS_PATH_MAX] = 0;                        /* exactly the maximum */
    CU_ASSERT_STRING_EQUAL(WRITE(0, longp, "v"), "OK|");
    longp[XENSTORE_REL_PATH_MAX + 2] = 0;
    CU_ASSERT_STRING_EQUAL(WRITE(1, longp + 1, "v"), "ERR:EINVAL");   /* relative, one over */
    /* A deep path: 1000 levels, removed again (walks are not recursive). */
    char deep[2100] = "/d";
    for (int i = 0; i < 1000; i++)
        strcat(deep, "/x");
    CU_ASSERT_STRING_EQUAL(WRITE(0, deep, "v"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_TRANSACTION_START, 0, "", NULL, NULL), "1|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_RM, 1, "/d", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_TRANSACTION_END, 1, "T", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/d"), "ERR:ENOENT");
    teardown();
}

static void test_perms(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(WRITE(1, "data", "secret"), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(2, "/local/domain/1/data"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "/local/domain/1/data", "x"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "/local/domain/1/new", "x"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(RM(2, "/local/domain/1/data"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(DIR(2, "/local/domain/1"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(READ(0, "/local/domain/1/data"), "secret");
    CU_ASSERT_STRING_EQUAL(READ(1, "/local/domain/1/data"), "secret");
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_PERMS, 0, "data", NULL, NULL), "n1|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_GET_PERMS, 0, "/local/domain/2", NULL, NULL), "n2|");
    /* A domU cannot write outside its own directory (the root is "n0"). */
    CU_ASSERT_STRING_EQUAL(WRITE(1, "/top", "x"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(READ(1, "/local/domain"), "ERR:EACCES");
    /* The owner lets d2 read; d2 still cannot write. */
    CU_ASSERT_STRING_EQUAL(call(1, XS_SET_PERMS, 0, "data", "n1", "r2"), "ERR:EINVAL");   /* unterminated */
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_SET_PERMS, 0, "data\0n1\0r2", 11), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(2, "/local/domain/1/data"), "secret");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "/local/domain/1/data", "x"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_PERMS, 0, "data", NULL, NULL), "n1|r2|");
    /* Only the owner (or dom0) sets perms, and a domU cannot give a node away. */
    CU_ASSERT_STRING_EQUAL(call(2, XS_SET_PERMS, 0, "/local/domain/1/data", "b2", NULL), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call(1, XS_SET_PERMS, 0, "data", "b2", NULL), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call(1, XS_SET_PERMS, 0, "data", "x1", NULL), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call(1, XS_SET_PERMS, 0, "data", "r99999", NULL), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call(1, XS_SET_PERMS, 0, "nothere", "n1", NULL), "ERR:ENOENT");
    /* A shared directory: dom0 makes it writable by d2, which owns what it creates there. */
    CU_ASSERT_STRING_EQUAL(call(0, XS_MKDIR, 0, "/shared", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_SET_PERMS, 0, "/shared\0n0\0w2\0", 14), "OK|");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "/shared/k", "v"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_GET_PERMS, 0, "/shared/k", NULL, NULL), "n2|w2|");
    CU_ASSERT_STRING_EQUAL(READ(1, "/shared/k"), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(WRITE(1, "/shared/k2", "v"), "ERR:EACCES");
    teardown();
}

static void test_watches(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(call(1, XS_WATCH, 0, "data", "tok", NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(events[1], "data,tok;");          /* fires once when set */
    CU_ASSERT_STRING_EQUAL(call(1, XS_WATCH, 0, "data", "tok", NULL), "ERR:EEXIST");
    events[1][0] = 0;
    CU_ASSERT_STRING_EQUAL(WRITE(1, "data/sub", "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(events[1], "data/sub,tok;");      /* under the path, relative */
    events[1][0] = 0;
    CU_ASSERT_STRING_EQUAL(WRITE(1, "other", "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(events[1], "");
    /* d2 watches d1's directory: set, but no event for nodes it cannot read. */
    CU_ASSERT_STRING_EQUAL(call(2, XS_WATCH, 0, "/local/domain/1", "spy", NULL), "OK|");
    events[2][0] = 0;
    CU_ASSERT_STRING_EQUAL(WRITE(1, "data", "2"), "OK|");
    CU_ASSERT_STRING_EQUAL(events[2], "");
    /* dom0 sees everything, absolute. */
    CU_ASSERT_STRING_EQUAL(call(0, XS_WATCH, 0, "/local/domain/1/data/sub", "w0", NULL), "OK|");
    events[0][0] = 0;
    CU_ASSERT_STRING_EQUAL(RM(1, "data"), "OK|");           /* fires watches below too */
    CU_ASSERT_STRING_EQUAL(events[0], "/local/domain/1/data/sub,w0;");
    CU_ASSERT_PTR_NOT_NULL(strstr(events[1], "data,tok;"));
    CU_ASSERT_STRING_EQUAL(call(1, XS_UNWATCH, 0, "data", "tok", NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_UNWATCH, 0, "data", "tok", NULL), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WATCH, 0, "data", NULL, NULL), "ERR:EINVAL");     /* no token */
    CU_ASSERT_STRING_EQUAL(call(1, XS_WATCH, 0, "@bogus", "t", NULL), "ERR:EINVAL");
    /* @introduceDomain / @releaseDomain. */
    CU_ASSERT_STRING_EQUAL(call(0, XS_WATCH, 0, "@introduceDomain", "in", NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(call(0, XS_WATCH, 0, "@releaseDomain", "out", NULL), "OK|");
    events[0][0] = 0;
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "3\0" "1234\0" "7\0", 9), "OK|");
    CU_ASSERT_STRING_EQUAL(events[0], "@introduceDomain,in;");
    events[0][0] = 0;
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_RELEASE, 0, "3\0", 2), "OK|");
    CU_ASSERT_STRING_EQUAL(events[0], "@releaseDomain,out;");
    /* A watch on the root sees everything (dom0). */
    CU_ASSERT_STRING_EQUAL(call(0, XS_WATCH, 0, "/", "root", NULL), "OK|");
    events[0][0] = 0;
    CU_ASSERT_STRING_EQUAL(WRITE(2, "k", "v"), "OK|");
    CU_ASSERT_STRING_EQUAL(events[0], "/local/domain/2/k,root;");
    CU_ASSERT_STRING_EQUAL(call(2, XS_RESET_WATCHES, 0, NULL, NULL, NULL), "OK|");
    CU_ASSERT_EQUAL(xs_find_conn(&store, 2)->nwatches, 0);
    teardown();
}

static void test_transactions(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(WRITE(1, "x", "old"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WATCH, 0, "x", "t", NULL), "OK|");
    const char *id = call(1, XS_TRANSACTION_START, 0, "", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(id, "1|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WRITE, 1, "x", NULL, "new"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_READ, 1, "x", NULL, NULL), "new");   /* inside */
    CU_ASSERT_STRING_EQUAL(READ(1, "x"), "old");                            /* outside */
    events[1][0] = 0;
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 1, "T", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(1, "x"), "new");
    CU_ASSERT_STRING_EQUAL(events[1], "x,t;");               /* fires at commit */

    /* A conflicting commit: dom0 changes what the transaction read. */
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_START, 0, "", NULL, NULL), "2|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_READ, 2, "x", NULL, NULL), "new");
    CU_ASSERT_STRING_EQUAL(WRITE(0, "/local/domain/1/x", "dom0's"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WRITE, 2, "y", NULL, "from tx"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 2, "T", NULL, NULL), "ERR:EAGAIN");
    CU_ASSERT_STRING_EQUAL(READ(1, "y"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call(1, XS_READ, 2, "x", NULL, NULL), "ERR:ENOENT");   /* closed */

    /* A node created concurrently where the transaction creates it. */
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_START, 0, "", NULL, NULL), "3|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WRITE, 3, "dir/z", NULL, "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(WRITE(1, "dir/w", "2"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 3, "T", NULL, NULL), "ERR:EAGAIN");

    /* Unrelated changes do not conflict; reading back own writes does not either. */
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_START, 0, "", NULL, NULL), "4|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WRITE, 4, "a/b/c", NULL, "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_READ, 4, "a/b", NULL, NULL), "");
    CU_ASSERT_STRING_EQUAL(call(1, XS_RM, 4, "x", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "elsewhere", "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 4, "T", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(1, "a/b/c"), "1");
    CU_ASSERT_STRING_EQUAL(READ(1, "x"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call(0, XS_GET_PERMS, 0, "/local/domain/1/a/b", NULL, NULL), "n1|");

    /* Abort; bad ends; isolation between domains (d2 cannot use d1's id). */
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_START, 0, "", NULL, NULL), "5|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_WRITE, 5, "q", NULL, "1"), "OK|");
    CU_ASSERT_STRING_EQUAL(call(2, XS_READ, 5, "/local/domain/2", NULL, NULL), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 5, "X", NULL, NULL), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 5, "F", NULL, NULL), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(1, "q"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call(1, XS_TRANSACTION_END, 77, "T", NULL, NULL), "ERR:ENOENT");
    /* Permissions hold inside a transaction too. */
    CU_ASSERT_STRING_EQUAL(call(2, XS_TRANSACTION_START, 0, "", NULL, NULL), "1|");
    CU_ASSERT_STRING_EQUAL(call(2, XS_READ, 1, "/local/domain/1/a/b/c", NULL, NULL), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call(2, XS_WRITE, 1, "/local/domain/1/a", NULL, "x"), "ERR:EACCES");
    /* A quota of open transactions. */
    for (int i = 0; i < XS_QUOTA_TXNS - 1; i++)
        CU_ASSERT_STRING_NOT_EQUAL(call(2, XS_TRANSACTION_START, 0, "", NULL, NULL), "ERR:ENOSPC");
    CU_ASSERT_STRING_EQUAL(call(2, XS_TRANSACTION_START, 0, "", NULL, NULL), "ERR:ENOSPC");
    teardown();
    CU_ASSERT_EQUAL(store.txn_bytes, 0);
}

static void test_domains(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_DOMAIN_PATH, 0, "3", NULL, NULL), "/local/domain/3|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_DOMAIN_PATH, 0, "x3", NULL, NULL), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_DOMAIN_PATH, 0, "99999999999", NULL, NULL), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call(1, XS_IS_DOMAIN_INTRODUCED, 0, "2", NULL, NULL), "T|");
    CU_ASSERT_STRING_EQUAL(call(1, XS_IS_DOMAIN_INTRODUCED, 0, "5", NULL, NULL), "F|");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_INTRODUCE, 0, "5\0" "0\0" "7\0", 6), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_RELEASE, 0, "2\0", 2), "ERR:EACCES");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "5\0" "x\0" "7\0", 6), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "5\0" "0\0", 4), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "5\0" "0\0" "999\0", 8), "ERR:EINVAL");  /* backend fails */
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "0\0" "0\0" "7\0", 6), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "5\0" "0\0" "7\0", 6), "OK|");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "5\0" "0\0" "7\0", 6), "ERR:EEXIST");
    CU_ASSERT_STRING_EQUAL(call(0, XS_GET_PERMS, 0, "/local/domain/5", NULL, NULL), "n5|");
    CU_ASSERT_STRING_EQUAL(WRITE(5, "k", "v"), "OK|");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_RELEASE, 0, "5\0", 2), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/local/domain/5/k"), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_RELEASE, 0, "5\0", 2), "ERR:ENOENT");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_RELEASE, 0, "0\0", 2), "ERR:EINVAL");
    teardown();
}

static void test_malformed(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_READ, 0, "data", 4), "ERR:EINVAL");      /* unterminated */
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_READ, 0, "", 0), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_MKDIR, 0, "a\0b", 3), "ERR:EINVAL");     /* trailing bytes */
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_WATCH, 0, "a\0tok", 5), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_TRANSACTION_END, 0, "T", 1), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(1, 999, 0, "", 0), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_WATCH_EVENT, 0, "a\0b\0", 4), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_CONTROL, 0, "print\0", 6), "ERR:ENOSYS");
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_READ, 9, "data\0", 5), "ERR:ENOENT");   /* no such transaction */
    CU_ASSERT_STRING_EQUAL(call_raw(1, XS_SET_PERMS, 0, "\0n1\0", 4), "ERR:EINVAL");
    CU_ASSERT_STRING_EQUAL(WRITE(1, "data", "kept"), "OK|");
    /* A message claiming more than the payload maximum: d1 is dropped, d2 goes on. */
    struct xsd_sockmsg hdr = { .type = XS_READ, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1 };
    ring_put(1, &hdr, sizeof(hdr));
    run_all();
    CU_ASSERT(xs_find_conn(&store, 1)->broken);
    CU_ASSERT_STRING_EQUAL(call(1, XS_READ, 0, "data", NULL, NULL), "NONE");
    CU_ASSERT_STRING_EQUAL(READ(2, "/local/domain/2"), "");
    CU_ASSERT_STRING_EQUAL(READ(0, "/local/domain/1/data"), "kept");
    /* A producer index more than a ring ahead. */
    page(2)->req_prod += XENSTORE_RING_SIZE + 5;
    run_all();
    CU_ASSERT(xs_find_conn(&store, 2)->broken);
    /* Releasing a dropped domain and introducing it again gives a fresh connection. */
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_RELEASE, 0, "2\0", 2), "OK|");
    CU_ASSERT_STRING_EQUAL(call_raw(0, XS_INTRODUCE, 0, "2\0" "0\0" "12\0", 7), "OK|");
    CU_ASSERT_STRING_EQUAL(WRITE(2, "k", "v"), "OK|");
    /* A response consumer index ahead of the producer. */
    page(2)->rsp_cons += 3000;
    struct xsd_sockmsg h2 = { .type = XS_READ, .req_id = 2, .len = 2 };
    ring_put(2, &h2, sizeof(h2));
    ring_put(2, "k\0", 2);
    run_all();
    CU_ASSERT(xs_find_conn(&store, 2)->broken);
    teardown();
}

static void test_ring(void)
{
    start_index = 0xFFFFFF00u;                 /* indices wrap past 2^32 early on */
    setup();
    char value[600], path[64];
    memset(value, 'r', sizeof(value) - 1);
    value[sizeof(value) - 1] = 0;
    for (int i = 0; i < 40; i++) {             /* ~25 KiB through a 1 KiB ring: many wraps */
        snprintf(path, sizeof(path), "k%d", i);
        value[0] = (char)('a' + i % 26);
        CU_ASSERT_STRING_EQUAL(WRITE(1, path, value), "OK|");
        CU_ASSERT_STRING_EQUAL(READ(1, path), value);
    }
    /* A request split byte by byte, a run between each byte. */
    char msg[64];
    struct xsd_sockmsg hdr = { .type = XS_READ, .req_id = 4242, .len = 4 };
    memcpy(msg, &hdr, sizeof(hdr));
    memcpy(msg + sizeof(hdr), "k3\0", 3);
    hdr.len = 3;
    memcpy(msg, &hdr, sizeof(hdr));
    for (uint32_t i = 0; i < sizeof(hdr) + 3; i++) {
        ring_put(1, msg + i, 1);
        run_all();
    }
    struct xsd_sockmsg r;
    static char buf[XENSTORE_PAYLOAD_MAX + 1];
    CU_ASSERT(drain(1, &r, buf));
    CU_ASSERT_EQUAL(r.req_id, 4242);
    CU_ASSERT_EQUAL(r.len, 599);
    /* A reply longer than the ring (4000 bytes) comes out in pieces. */
    static char big[4001];
    memset(big, 'B', 4000);
    CU_ASSERT_STRING_EQUAL(WRITE(1, "big", big), "OK|");
    CU_ASSERT_STRING_EQUAL(READ(1, "big"), big);
    /* Several requests queued at once are all answered, in order. */
    for (int i = 0; i < 10; i++) {
        struct xsd_sockmsg h = { .type = XS_READ, .req_id = 100 + i, .len = 3 };
        ring_put(1, &h, sizeof(h));
        ring_put(1, "k1\0", 3);
    }
    run_all();
    for (int i = 0; i < 10; i++) {
        CU_ASSERT(recv_msg(1, &r, buf));
        CU_ASSERT_EQUAL(r.req_id, 100 + i);
    }
    teardown();
}

static void test_quota_and_slow_reader(void)
{
    setup();
    char path[32];
    const char *rc = "OK|";
    int i;
    for (i = 0; i < XS_QUOTA_NODES + 10 && !strcmp(rc, "OK|"); i++) {
        snprintf(path, sizeof(path), "n%d", i);
        rc = WRITE(1, path, "v");
    }
    CU_ASSERT_STRING_EQUAL(rc, "ERR:ENOSPC");
    CU_ASSERT(i <= XS_QUOTA_NODES);
    CU_ASSERT_STRING_EQUAL(RM(1, "n0"), "OK|");              /* room for one more */
    CU_ASSERT_STRING_EQUAL(WRITE(1, "again", "v"), "OK|");
    /* d2 sends requests and never reads its replies: the store stops reading
     * its ring (it is not cut off), and still serves d1. */
    struct xs_conn *c2 = xs_find_conn(&store, 2);
    for (int round = 0; round < 200; round++) {
        struct xenstore_domain_interface *p = page(2);
        while (p->req_prod - p->req_cons <= XENSTORE_RING_SIZE - 24) {
            struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = 2 };
            ring_put(2, &h, sizeof(h));
            ring_put(2, "k\0", 2);
        }
        run_all();
    }
    CU_ASSERT(!c2->broken);
    CU_ASSERT(c2->out_len <= XS_OUT_MAX);
    CU_ASSERT(page(2)->req_prod != page(2)->req_cons);         /* it left requests unread */
    CU_ASSERT_STRING_EQUAL(READ(1, "again"), "v");
    teardown();
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static void test_fuzz(void)
{
    setup();
    CU_ASSERT_STRING_EQUAL(WRITE(1, "secret", "d1's"), "OK|");
    static const char *words[] = { "/", "a", "b", "/local/domain/1", "/local/domain/1/secret", "@releaseDomain",
                                   "T", "F", "1", "n2", "b2", "r1", "", "../x", "//" };
    char payload[300];
    for (int iter = 0; iter < 20000; iter++) {
        uint32_t len = 0;
        int nwords = (int)(rnd() % 4);
        for (int w = 0; w < nwords; w++) {
            const char *s = words[rnd() % (sizeof(words) / sizeof(words[0]))];
            memcpy(payload + len, s, strlen(s) + 1);
            len += (uint32_t)strlen(s) + (rnd() % 8 ? 1 : 0);
        }
        if (rnd() % 5 == 0) {
            uint32_t extra = rnd() % 40;
            for (uint32_t k = 0; k < extra; k++)
                payload[len++] = (char)(rnd() % 5 ? 'a' + rnd() % 26 : 0);
        }
        uint32_t type = rnd() % 10 ? rnd() % XS_TYPE_COUNT : rnd();
        uint32_t tx = rnd() % 4 ? 0 : rnd() % 4;
        call_raw(2, type, tx, payload, len);
        events[2][0] = 0;
        CU_ASSERT_FATAL(!xs_find_conn(&store, 2)->broken);
    }
    CU_ASSERT_STRING_EQUAL(READ(1, "secret"), "d1's");
    CU_ASSERT_STRING_EQUAL(call(1, XS_GET_PERMS, 0, "secret", NULL, NULL), "n1|");
    CU_ASSERT_STRING_EQUAL(READ(0, "/local/domain/1/secret"), "d1's");
    /* Random bytes straight into a ring: the connection may be dropped, nothing else. */
    int err;
    CU_ASSERT_PTR_NOT_NULL(xs_connect_domain(&store, 3, 13, &err));
    for (int iter = 0; iter < 2000 && !xs_find_conn(&store, 3)->broken; iter++) {
        char junk[64];
        uint32_t n = rnd() % sizeof(junk);
        for (uint32_t k = 0; k < n; k++)
            junk[k] = (char)(rnd() % 4 ? rnd() % 24 : rnd());
        ring_put(3, junk, n);
        run_all();
        char sink[256];
        while (ring_get(3, sink, sizeof(sink)))
            xs_conn_flush(xs_find_conn(&store, 3));
    }
    CU_ASSERT_STRING_EQUAL(READ(1, "secret"), "d1's");
    teardown();
}

/* Run every test; exit status 1 if any failed. */
int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("xenstore", NULL, NULL);
    CU_add_test(s, "tree: write, read, mkdir, directory, rm", test_tree);
    CU_add_test(s, "paths: relative, invalid, too long, deep", test_paths);
    CU_add_test(s, "permissions: domUs are kept apart", test_perms);
    CU_add_test(s, "watches, @introduceDomain, @releaseDomain", test_watches);
    CU_add_test(s, "transactions: commit, abort, EAGAIN", test_transactions);
    CU_add_test(s, "domains: introduce, release", test_domains);
    CU_add_test(s, "malformed messages and rings", test_malformed);
    CU_add_test(s, "ring: wrap, split requests, long replies", test_ring);
    CU_add_test(s, "quota and a domain that never reads", test_quota_and_slow_reader);
    CU_add_test(s, "fuzz: random messages", test_fuzz);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
