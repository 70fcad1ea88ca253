/*
 * guest-os xenstore: the store and its connections. A connection is one
 * domain's ring page; the backend (the daemon, or a test's fake) maps it
 * and binds its event channel. Connecting a domain creates
 * /local/domain/N owned by N and fires @introduceDomain; releasing it
 * drops its watches and transactions, removes /local/domain/N and fires
 * @releaseDomain.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenstore.h"

/* Print one log line ("xenstored: ...") unless the store is quiet. */
void xs_log(struct xs_store *store, const char *fmt, ...)
{
    if (store->quiet)
        return;
    char line[256];                     /* one write, so lines of other processes do not cut it */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n] = '\n';
    line[n + 1] = 0;
    fprintf(stderr, "xenstored: %s", line);
}

/* An empty store (the root and /local/domain, "n0": dom0's alone) using
 * backend to reach domains. 0, or -ENOMEM. */
int xs_store_init(struct xs_store *store, const struct xs_backend *backend)
{
    memset(store, 0, sizeof(*store));
    store->backend = *backend;
    store->root = calloc(1, sizeof(*store->root));
    if (!store->root || !(store->root->name = calloc(1, 1)))
        return -ENOMEM;
    store->root->nperms = 1;            /* perms[0] = { 0, XS_PERM_NONE } */
    store->root->gen = ++store->gen;
    struct xs_op_ctx ctx = { .store = store, .root = store->root, .domid = 0 };
    return xs_op_mkdir(&ctx, "/local/domain");
}

/* Disconnect every domain and free everything. */
void xs_store_free(struct xs_store *store)
{
    while (store->conns)
        xs_release_domain(store, store->conns->domid);
    xs_tree_free(store, store->root, 0);
    free(store->usage);
    memset(store, 0, sizeof(*store));
}

/* domid's connection, or NULL. */
struct xs_conn *xs_find_conn(struct xs_store *store, uint32_t domid)
{
    for (struct xs_conn *c = store->conns; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

/* The connection with the lowest domid >= domid, or NULL (a walk that
 * survives connections being released meanwhile). */
struct xs_conn *xs_next_conn(struct xs_store *store, uint32_t domid)
{
    for (struct xs_conn *c = store->conns; c; c = c->next)   /* sorted by domid */
        if (c->domid >= domid)
            return c;
    return NULL;
}

/* Connect domid (its store port remote_port) through the backend, create
 * /local/domain/N owned by it, and (for a domU) fire @introduceDomain.
 * The connection, or NULL with *err = -EEXIST (connected already),
 * -ENOMEM, or the backend's error. */
struct xs_conn *xs_connect_domain(struct xs_store *store, uint32_t domid, uint32_t remote_port, int *err)
{
    struct xs_conn *conn = NULL;
    *err = 0;
    if (xs_find_conn(store, domid))
        *err = -EEXIST;
    else if (!(conn = calloc(1, sizeof(*conn))) || !(conn->out = malloc(XS_OUT_MAX)))
        *err = -ENOMEM;
    if (!*err) {
        conn->store = store;
        conn->domid = domid;
        *err = store->backend.connect(store->backend.ctx, conn, remote_port);
    }
    if (*err) {
        if (conn)
            free(conn->out);
        free(conn);
        return NULL;
    }
    conn->req_cons = conn->intf->req_cons;    /* what the domain left there is its business */
    conn->rsp_prod = conn->intf->rsp_prod;
    struct xs_conn **pp = &store->conns;
    while (*pp && (*pp)->domid < domid)
        pp = &(*pp)->next;
    conn->next = *pp;
    *pp = conn;

    char path[32];
    snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid);
    struct xs_op_ctx ctx = { .store = store, .root = store->root, .domid = 0 };
    struct xs_perm owner = { .domid = domid, .access = XS_PERM_NONE };
    if (xs_op_mkdir(&ctx, path) || xs_op_set_perms(&ctx, path, &owner, 1))
        xs_log(store, "d%u: cannot create %s", (unsigned)domid, path);
    if (domid != 0)
        xs_fire_special(store, "@introduceDomain");
    return conn;
}

/* Disconnect domid: its watches and transactions go, the backend unmaps
 * its page, /local/domain/N is removed and @releaseDomain fires. 0, or
 * -ENOENT if it is not connected. */
int xs_release_domain(struct xs_store *store, uint32_t domid)
{
    struct xs_conn **pp = &store->conns;
    while (*pp && (*pp)->domid != domid)
        pp = &(*pp)->next;
    struct xs_conn *conn = *pp;
    if (!conn)
        return -ENOENT;
    *pp = conn->next;
    xs_watches_free(conn);
    xs_txns_free(conn);
    store->backend.disconnect(store->backend.ctx, conn);
    free(conn->out);
    free(conn);
    if (domid != 0) {
        char path[32];
        snprintf(path, sizeof(path), "/local/domain/%u", (unsigned)domid);
        struct xs_op_ctx ctx = { .store = store, .root = store->root, .domid = 0 };
        xs_op_rm(&ctx, path);
        xs_fire_special(store, "@releaseDomain");
    }
    return 0;
}
