/*
 * guest-os xenstore: transactions. A transaction works on its own copy of
 * the tree (a snapshot taken at TRANSACTION_START), records the
 * generation of every node it looks at (0 for one that is absent) the
 * first time it looks, and logs its changes. Commit checks every recorded
 * node of the main tree still has that generation (else EAGAIN: someone
 * changed what it read or wrote) and then replays the log on the main
 * tree, which fires the watches. Nodes the transaction itself changed are
 * marked XS_GEN_TXN in its copy and never recorded again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "xenstore.h"

#define XS_TXN_READS_MAX 4096           /* nodes one transaction may look at */

struct xs_txn_read { char *path; uint64_t gen; };
struct xs_txn_change {
    int type;                           /* XS_WRITE, XS_MKDIR, XS_RM, XS_SET_PERMS */
    char *path, *value;
    uint32_t len, nperms;
    struct xs_perm perms[XS_PERMS_MAX];
};
struct xs_txn {
    struct xs_txn *next;
    uint32_t id;
    struct xs_node *root;               /* the snapshot */
    size_t bytes;
    struct xs_txn_read *reads;
    uint32_t nreads;
    struct xs_txn_change *log;
    uint32_t nlog;
    int overflow;                       /* too much to track: commit gives ENOSPC */
};

/* Open a transaction for conn: its id into *id. 0, -ENOSPC (too many
 * open, or the snapshots would pass XS_TXN_MEMORY_MAX), -ENOMEM. */
int xs_txn_start(struct xs_conn *conn, uint32_t *id)
{
    struct xs_store *store = conn->store;
    if (conn->domid != 0 && conn->ntxns >= XS_QUOTA_TXNS)
        return -ENOSPC;
    if (store->txn_bytes + store->tree_bytes > XS_TXN_MEMORY_MAX)
        return -ENOSPC;
    struct xs_txn *t = calloc(1, sizeof(*t));
    if (!t)
        return -ENOMEM;
    if (!(t->root = xs_tree_copy(store->root, NULL, &t->bytes))) {
        free(t);
        return -ENOMEM;
    }
    store->txn_bytes += t->bytes;
    do
        t->id = ++conn->next_txid;
    while (t->id == 0 || xs_txn_find(conn, t->id));
    t->next = conn->txns;
    conn->txns = t;
    conn->ntxns++;
    *id = t->id;
    return 0;
}

/* conn's open transaction id, or NULL. */
struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id)
{
    for (struct xs_txn *t = conn->txns; t; t = t->next)
        if (t->id == id)
            return t;
    return NULL;
}

/* Free a transaction (unlinked already) and give back its snapshot's budget. */
static void txn_free(struct xs_store *store, struct xs_txn *t)
{
    for (uint32_t i = 0; i < t->nreads; i++)
        free(t->reads[i].path);
    for (uint32_t i = 0; i < t->nlog; i++) {
        free(t->log[i].path);
        free(t->log[i].value);
    }
    free(t->reads);
    free(t->log);
    xs_tree_free(store, t->root, 0);
    store->txn_bytes -= t->bytes;
    free(t);
}

/* Note that the transaction looked at abs, whose node in its snapshot is
 * node (NULL: absent), unless it did already or changed it itself. */
void xs_txn_record(struct xs_txn *txn, const char *abs, const struct xs_node *node)
{
    if (node && node->gen == XS_GEN_TXN)
        return;
    for (uint32_t i = 0; i < txn->nreads; i++)
        if (!strcmp(txn->reads[i].path, abs))
            return;
    if (txn->nreads >= XS_TXN_READS_MAX) {
        txn->overflow = 1;
        return;
    }
    struct xs_txn_read *r = realloc(txn->reads, (txn->nreads + 1) * sizeof(*r));
    char *p = strdup(abs);
    if (r)
        txn->reads = r;
    if (!r || !p) {
        free(p);
        txn->overflow = 1;
        return;
    }
    r[txn->nreads++] = (struct xs_txn_read){ .path = p, .gen = node ? node->gen : 0 };
}

/* Record every node of the subtree at top (of the snapshot). */
void xs_txn_record_subtree(struct xs_txn *txn, const struct xs_node *top)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    const struct xs_node *n = top;
    while (n) {
        if (xs_node_path(n, path, sizeof(path)) >= 0)
            xs_txn_record(txn, path, n);
        if (n->child) {
            n = n->child;
            continue;
        }
        while (n != top && !n->next)
            n = n->parent;
        n = n == top ? NULL : n->next;
    }
}

/* Log a change the transaction made to its snapshot, to replay at commit.
 * 0, or -ENOSPC (past XS_TXN_LOG_MAX; the transaction can no longer
 * commit), -ENOMEM. */
int xs_txn_log(struct xs_txn *txn, int type, const char *abs, const char *value, uint32_t len,
               const struct xs_perm *perms, uint32_t nperms)
{
    if (txn->nlog >= XS_TXN_LOG_MAX) {
        txn->overflow = 1;
        return -ENOSPC;
    }
    struct xs_txn_change *l = realloc(txn->log, (txn->nlog + 1) * sizeof(*l));
    if (!l) {
        txn->overflow = 1;
        return -ENOMEM;
    }
    txn->log = l;
    struct xs_txn_change *c = &l[txn->nlog];
    memset(c, 0, sizeof(*c));
    c->type = type;
    c->path = strdup(abs);
    c->value = malloc(len ? len : 1);
    if (!c->path || !c->value) {
        free(c->path);
        free(c->value);
        txn->overflow = 1;
        return -ENOMEM;
    }
    if (len)
        memcpy(c->value, value, len);
    c->len = len;
    if (perms)
        memcpy(c->perms, perms, nperms * sizeof(*perms));
    c->nperms = nperms;
    txn->nlog++;
    return 0;
}

/* Does the main tree still hold what the transaction saw? */
static int txn_valid(struct xs_store *store, const struct xs_txn *t)
{
    for (uint32_t i = 0; i < t->nreads; i++) {
        const struct xs_node *n = xs_lookup(store->root, t->reads[i].path);
        if ((n ? n->gen : 0) != t->reads[i].gen)
            return 0;
    }
    return 1;
}

/* Replay the transaction's changes on the main tree (as its domain,
 * without permission checks: the commit check proved nothing it relied
 * on changed). */
static void txn_replay(struct xs_conn *conn, const struct xs_txn *t)
{
    struct xs_op_ctx ctx = { .store = conn->store, .root = conn->store->root, .domid = conn->domid, .force = 1 };
    for (uint32_t i = 0; i < t->nlog; i++) {
        const struct xs_txn_change *c = &t->log[i];
        int rc = 0;
        if (c->type == XS_WRITE)
            rc = xs_op_write(&ctx, c->path, c->value, c->len);
        else if (c->type == XS_MKDIR)
            rc = xs_op_mkdir(&ctx, c->path);
        else if (c->type == XS_RM)
            rc = xs_op_rm(&ctx, c->path);
        else if (c->type == XS_SET_PERMS)
            rc = xs_op_set_perms(&ctx, c->path, c->perms, c->nperms);
        if (rc)
            xs_log(conn->store, "d%u: transaction %u: replaying a change of %s failed (%s)",
                   (unsigned)conn->domid, (unsigned)t->id, c->path, xs_errno_name(-rc));
    }
}

/* End conn's transaction id: commit (apply its changes if nothing it
 * looked at changed meanwhile) or abort. It is closed either way. 0,
 * -ENOENT (no such transaction), -EAGAIN (conflict), -ENOSPC (it did
 * more than can be tracked). */
int xs_txn_end(struct xs_conn *conn, uint32_t id, int commit)
{
    struct xs_txn **pp = &conn->txns;
    while (*pp && (*pp)->id != id)
        pp = &(*pp)->next;
    struct xs_txn *t = *pp;
    if (!t)
        return -ENOENT;
    *pp = t->next;
    conn->ntxns--;
    int rc = 0;
    if (commit) {
        if (t->overflow)
            rc = -ENOSPC;
        else if (!txn_valid(conn->store, t))
            rc = -EAGAIN;
        else
            txn_replay(conn, t);
    }
    txn_free(conn->store, t);
    return rc;
}

/* The snapshot of a transaction, for the operations inside it. */
struct xs_node *xs_txn_root(struct xs_txn *txn)
{
    return txn->root;
}

/* Abort every transaction of conn. */
void xs_txns_free(struct xs_conn *conn)
{
    while (conn->txns) {
        struct xs_txn *t = conn->txns;
        conn->txns = t->next;
        txn_free(conn->store, t);
    }
    conn->ntxns = 0;
}
