/*
 * guest-os xenstore: the store core shared by the daemon (user/xenstored.c)
 * and its host test (tests/unit/xenstore_test.c). docs/store.md is the tour.
 *
 * Invariants the core keeps:
 *  - The tree always has the root "/"; every node but the root has a
 *    parent; a node's path is at most XENSTORE_ABS_PATH_MAX bytes, its
 *    value at most XENSTORE_PAYLOAD_MAX, and it has 1..XS_PERMS_MAX
 *    permission entries (the first names the owner).
 *  - Every change to a node of the main tree gives it a new generation
 *    (store->gen counts up); adding or removing a child changes the
 *    parent's. A transaction commits only if every node it looked at still
 *    has the generation it saw (else EAGAIN).
 *  - Nothing a domain sends is trusted: ring indices, message lengths,
 *    paths and payloads are checked before use; a connection that breaks
 *    the ring protocol is dropped (conn->broken) and never read again.
 *  - A domain's nodes (by owner), watches, transactions and queued output
 *    are bounded (XS_QUOTA_*), so one domain cannot exhaust the daemon.
 */
#ifndef GUEST_OS_XENSTORE_H
#define GUEST_OS_XENSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

#define XS_PERM_NONE  0
#define XS_PERM_READ  1
#define XS_PERM_WRITE 2
#define XS_PERM_BOTH  3

#define XS_PERMS_MAX        16          /* entries in one node's list */
#define XS_QUOTA_NODES      1000        /* nodes a domU may own (Xen's default) */
#define XS_QUOTA_BYTES      (256 * 1024) /* name and value bytes a domU may own */
#define XS_QUOTA_WATCHES    128         /* watches per connection */
#define XS_QUOTA_TXNS       8           /* open transactions per connection */
#define XS_TXN_LOG_MAX      256         /* changes in one transaction */
#define XS_TXN_MEMORY_MAX   (4u << 20)  /* all transactions' snapshots together */
#define XS_OUT_MAX          (64 * 1024) /* replies and events queued for one ring */
#define XS_MSG_MAX          (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)
#define XS_DOMID_MAX        0x7FEF      /* the last ordinary domain id (DOMID_FIRST_RESERVED - 1) */

struct xs_perm {
    uint32_t domid;
    uint32_t access;                    /* XS_PERM_* */
};

struct xs_node {
    char *name;                         /* this component; "" for the root */
    struct xs_node *parent, *child, *next;   /* children in creation order */
    char *value;
    uint32_t value_len;
    struct xs_perm perms[XS_PERMS_MAX];
    uint32_t nperms;
    uint64_t gen;                       /* XS_GEN_TXN: changed inside a transaction */
};
#define XS_GEN_TXN UINT64_MAX

struct xs_store;
struct xs_txn;

struct xs_watch {
    struct xs_watch *next;
    char *path;                         /* absolute, or "@introduceDomain"/"@releaseDomain" */
    char *token;
    int relative;                       /* given relative: events come relative too */
};

struct xs_conn {
    struct xs_store *store;
    struct xs_conn *next;
    uint32_t domid;
    struct xenstore_domain_interface *intf;  /* the shared ring page (untrusted) */
    uint32_t local_port;                /* the daemon's port for it (backend's) */
    uint32_t req_cons, rsp_prod;        /* our own indices: the page's copies are not trusted */
    uint8_t in[XS_MSG_MAX + 1];         /* the message being read (+1: a NUL after it) */
    uint32_t in_len;
    uint8_t *out;                       /* queued replies and events */
    uint32_t out_len;
    struct xs_watch *watches;
    uint32_t nwatches;
    struct xs_txn *txns;
    uint32_t ntxns, next_txid;
    int broken;                         /* dropped: its ring is no longer read */
    int dropped_events;                 /* events lost to a full queue (logged once) */
};

/* What the daemon does for the core to reach a domain (tests fake it). */
struct xs_backend {
    /* Map domid's store page (through its seeded grant) and bind remote_port:
     * set conn->intf and conn->local_port; 0 or -errno. */
    int (*connect)(void *ctx, struct xs_conn *conn, uint32_t remote_port);
    /* Undo connect. */
    void (*disconnect)(void *ctx, struct xs_conn *conn);
    void *ctx;
};

struct xs_usage { uint32_t domid, nodes, bytes; };

struct xs_store {
    struct xs_node *root;
    uint64_t gen;
    struct xs_conn *conns;
    struct xs_backend backend;
    struct xs_usage *usage;             /* per owner, for the quotas */
    uint32_t nusage;
    size_t tree_bytes, txn_bytes;       /* the main tree's size; all snapshots' */
    int quiet;                          /* no log lines (tests) */
};

/* ---- store.c: the store, connections, domains ---- */
int xs_store_init(struct xs_store *store, const struct xs_backend *backend);
void xs_store_free(struct xs_store *store);
struct xs_conn *xs_connect_domain(struct xs_store *store, uint32_t domid, uint32_t remote_port, int *err);
int xs_release_domain(struct xs_store *store, uint32_t domid);
struct xs_conn *xs_find_conn(struct xs_store *store, uint32_t domid);
struct xs_conn *xs_next_conn(struct xs_store *store, uint32_t domid);
void xs_log(struct xs_store *store, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- tree.c: paths, permissions, nodes ---- */
int xs_canonical_path(uint32_t domid, const char *path, char *out, int allow_special);
struct xs_node *xs_lookup(struct xs_node *root, const char *abs);
uint32_t xs_access(const struct xs_node *node, uint32_t domid);
int xs_parse_perms(const char *buf, uint32_t len, struct xs_perm *perms, uint32_t *nperms);
int xs_format_perms(const struct xs_node *node, char *out, uint32_t cap);
int xs_node_path(const struct xs_node *node, char *out, uint32_t cap);
struct xs_node *xs_tree_copy(const struct xs_node *node, struct xs_node *parent, size_t *bytes);
void xs_tree_free(struct xs_store *store, struct xs_node *node, int accounted);
/* The operations: root is the main tree (accounted, watches fire) or a
 * transaction's snapshot (txn non-NULL). force: skip permission checks
 * (a committing transaction's replay). */
struct xs_op_ctx {
    struct xs_store *store;
    struct xs_node *root;
    struct xs_txn *txn;                 /* NULL: the main tree */
    uint32_t domid;
    int force;
};
int xs_op_read(struct xs_op_ctx *ctx, const char *abs, struct xs_node **node);
int xs_op_write(struct xs_op_ctx *ctx, const char *abs, const char *value, uint32_t len);
int xs_op_mkdir(struct xs_op_ctx *ctx, const char *abs);
int xs_op_rm(struct xs_op_ctx *ctx, const char *abs);
int xs_op_set_perms(struct xs_op_ctx *ctx, const char *abs, const struct xs_perm *perms, uint32_t n);

/* ---- watch.c ---- */
int xs_watch_add(struct xs_conn *conn, const char *path, const char *token);
void xs_watch_fire_newest(struct xs_conn *conn);
int xs_watch_remove(struct xs_conn *conn, const char *path, const char *token);
void xs_watches_free(struct xs_conn *conn);
void xs_fire_watches(struct xs_store *store, const char *abs, const struct xs_node *perms_of, int removed);
void xs_fire_special(struct xs_store *store, const char *special);

/* ---- txn.c ---- */
int xs_txn_start(struct xs_conn *conn, uint32_t *id);
struct xs_txn *xs_txn_find(struct xs_conn *conn, uint32_t id);
struct xs_node *xs_txn_root(struct xs_txn *txn);
int xs_txn_end(struct xs_conn *conn, uint32_t id, int commit);
void xs_txns_free(struct xs_conn *conn);
void xs_txn_record(struct xs_txn *txn, const char *abs, const struct xs_node *node);
void xs_txn_record_subtree(struct xs_txn *txn, const struct xs_node *node);
int xs_txn_log(struct xs_txn *txn, int type, const char *abs, const char *value, uint32_t len,
               const struct xs_perm *perms, uint32_t nperms);

/* ---- proto.c: one message ---- */
void xs_handle_message(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload);
int xs_queue(struct xs_conn *conn, uint32_t type, uint32_t req_id, uint32_t tx_id,
             const void *a, uint32_t alen, const void *b, uint32_t blen);
const char *xs_errno_name(int err);

/* ---- ring.c: the shared page ---- */
#define XS_RUN_NOTIFY 1                 /* indices moved: notify the domain */
#define XS_RUN_MORE   2                 /* requests left over (budget spent): run again soon */
int xs_conn_run(struct xs_conn *conn, unsigned budget);
int xs_conn_flush(struct xs_conn *conn);

#endif
