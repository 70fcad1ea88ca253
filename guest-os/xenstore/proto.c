/*
 * guest-os xenstore: one message of the wire protocol (include/public/io/
 * xs_wire.h), as Xen's xenstored answers it. The payload comes from a
 * domain: every argument is checked to be NUL-terminated inside it, every
 * number to be a number, every path to be a valid path, before use.
 * Replies carry the request's type, req_id and tx_id; an error is
 * XS_ERROR with the errno's name ("ENOENT\0").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "xenstore.h"

/* The name Xen's protocol gives err (positive errno). */
const char *xs_errno_name(int err)
{
    switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EEXIST: return "EEXIST";
    case EAGAIN: return "EAGAIN";
    case E2BIG: return "E2BIG";
    case ENOSPC: return "ENOSPC";
    case ENOMEM: return "ENOMEM";
    case ENOSYS: return "ENOSYS";
    case EBUSY: return "EBUSY";
    case EISDIR: return "EISDIR";
    case EROFS: return "EROFS";
    case EPERM: return "EPERM";
    default: return "EIO";
    }
}

/* Queue one message (header, then alen bytes at a and blen at b) for
 * conn's response ring. 0, -E2BIG (payload too long), -ENOSPC (queue full). */
int xs_queue(struct xs_conn *conn, uint32_t type, uint32_t req_id, uint32_t tx_id,
             const void *a, uint32_t alen, const void *b, uint32_t blen)
{
    if (alen > XENSTORE_PAYLOAD_MAX || blen > XENSTORE_PAYLOAD_MAX - alen)
        return -E2BIG;
    uint32_t total = (uint32_t)sizeof(struct xsd_sockmsg) + alen + blen;
    if (!conn->out || XS_OUT_MAX - conn->out_len < total)
        return -ENOSPC;
    struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = alen + blen };
    uint8_t *p = conn->out + conn->out_len;
    memcpy(p, &hdr, sizeof(hdr));
    if (alen)
        memcpy(p + sizeof(hdr), a, alen);
    if (blen)
        memcpy(p + sizeof(hdr) + alen, b, blen);
    conn->out_len += total;
    return 0;
}

/* Reply to hdr with len bytes of data. */
static void reply(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const void *data, uint32_t len)
{
    if (xs_queue(conn, hdr->type, hdr->req_id, hdr->tx_id, data, len, NULL, 0) < 0)
        xs_log(conn->store, "d%u: reply to message type %u lost: queue full", (unsigned)conn->domid,
               (unsigned)hdr->type);
}

/* Reply to hdr with XS_ERROR "NAME\0" (err: a negative errno). */
static void reply_error(struct xs_conn *conn, const struct xsd_sockmsg *hdr, int err)
{
    const char *name = xs_errno_name(-err);
    struct xsd_sockmsg e = *hdr;
    e.type = XS_ERROR;
    reply(conn, &e, name, (uint32_t)strlen(name) + 1);
}

/* Reply "OK\0" if rc is 0, else the error. */
static void reply_status(struct xs_conn *conn, const struct xsd_sockmsg *hdr, int rc)
{
    if (rc)
        reply_error(conn, hdr, rc);
    else
        reply(conn, hdr, "OK", 3);
}

/* Split the payload into exactly n NUL-terminated strings (v[0..n-1]); 0,
 * or -EINVAL if it holds another number or the last is unterminated. */
static int split_args(const char *payload, uint32_t len, const char **v, int n)
{
    uint32_t pos = 0;
    for (int i = 0; i < n; i++) {
        if (pos >= len)
            return -EINVAL;
        const char *end = memchr(payload + pos, 0, len - pos);
        if (!end)
            return -EINVAL;
        v[i] = payload + pos;
        pos = (uint32_t)(end - payload) + 1;
    }
    return pos == len ? 0 : -EINVAL;
}

/* A decimal number at most max (no sign, no blanks) into *out; 0 or -EINVAL. */
static int parse_uint(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || (v = v * 10 + (uint64_t)(*s - '0')) > max)
            return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

/* DIRECTORY's reply: node's children's names, each NUL-terminated. */
static void reply_directory(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const struct xs_node *node)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t used = 0;
    for (const struct xs_node *c = node->child; c; c = c->next) {
        size_t l = strlen(c->name) + 1;
        if (l > sizeof(buf) - used) {
            reply_error(conn, hdr, -E2BIG);
            return;
        }
        memcpy(buf + used, c->name, l);
        used += (uint32_t)l;
    }
    reply(conn, hdr, buf, used);
}

/* The tree operations: READ, DIRECTORY, GET_PERMS, WRITE, MKDIR, RM,
 * SET_PERMS, on the main tree or inside the transaction hdr->tx_id. */
static void tree_op(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload)
{
    char abs[XENSTORE_ABS_PATH_MAX + 1];
    const char *end = memchr(payload, 0, hdr->len);
    if (!end) {
        reply_error(conn, hdr, -EINVAL);
        return;
    }
    uint32_t plen = (uint32_t)(end - payload);
    const char *rest = end + 1;
    uint32_t rest_len = hdr->len - plen - 1;
    struct xs_op_ctx ctx = { .store = conn->store, .root = conn->store->root, .domid = conn->domid };
    int rc = xs_canonical_path(conn->domid, payload, abs, 0);
    if (!rc && hdr->tx_id) {
        if (!(ctx.txn = xs_txn_find(conn, hdr->tx_id)))
            rc = -ENOENT;
        else
            ctx.root = xs_txn_root(ctx.txn);
    }
    struct xs_perm perms[XS_PERMS_MAX];
    uint32_t nperms = 0;
    struct xs_node *node;
    if (rc) {
        reply_error(conn, hdr, rc);
        return;
    }
    switch (hdr->type) {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_GET_PERMS:
        if ((rc = xs_op_read(&ctx, abs, &node))) {
            reply_error(conn, hdr, rc);
        } else if (hdr->type == XS_READ) {
            reply(conn, hdr, node->value, node->value_len);
        } else if (hdr->type == XS_DIRECTORY) {
            reply_directory(conn, hdr, node);
        } else {
            char buf[XS_PERMS_MAX * 8];
            int len = xs_format_perms(node, buf, sizeof(buf));
            if (len < 0)
                reply_error(conn, hdr, len);
            else
                reply(conn, hdr, buf, (uint32_t)len);
        }
        return;
    case XS_WRITE:
        rc = xs_op_write(&ctx, abs, rest, rest_len);
        break;
    case XS_MKDIR:
        rc = rest_len ? -EINVAL : xs_op_mkdir(&ctx, abs);
        break;
    case XS_RM:
        rc = rest_len ? -EINVAL : xs_op_rm(&ctx, abs);
        break;
    case XS_SET_PERMS:
        rc = xs_parse_perms(rest, rest_len, perms, &nperms);
        if (!rc)
            rc = xs_op_set_perms(&ctx, abs, perms, nperms);
        break;
    }
    if (!rc && ctx.txn)
        rc = xs_txn_log(ctx.txn, (int)hdr->type, abs, rest, hdr->type == XS_WRITE ? rest_len : 0,
                        hdr->type == XS_SET_PERMS ? perms : NULL, nperms);
    reply_status(conn, hdr, rc);
}

/* WATCH / UNWATCH "path\0token\0". A new watch fires once, after the reply. */
static void watch_op(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload)
{
    const char *v[2];
    int rc = split_args(payload, hdr->len, v, 2);
    if (!rc)
        rc = hdr->type == XS_WATCH ? xs_watch_add(conn, v[0], v[1]) : xs_watch_remove(conn, v[0], v[1]);
    reply_status(conn, hdr, rc);
    if (!rc && hdr->type == XS_WATCH)
        xs_watch_fire_newest(conn);
}

/* TRANSACTION_START (reply "id\0") and TRANSACTION_END "T\0" / "F\0". */
static void txn_op(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload)
{
    if (hdr->type == XS_TRANSACTION_START) {
        uint32_t id;
        int rc = hdr->tx_id ? -EBUSY : xs_txn_start(conn, &id);
        char buf[16];
        if (rc) {
            reply_error(conn, hdr, rc);
            return;
        }
        int n = snprintf(buf, sizeof(buf), "%u", (unsigned)id);
        reply(conn, hdr, buf, (uint32_t)n + 1);
        return;
    }
    const char *v[1];
    int rc = split_args(payload, hdr->len, v, 1);
    if (!rc && strcmp(v[0], "T") && strcmp(v[0], "F"))
        rc = -EINVAL;
    if (!rc)
        rc = xs_txn_end(conn, hdr->tx_id, v[0][0] == 'T');
    reply_status(conn, hdr, rc);
}

/* The domain operations: GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED (anyone),
 * INTRODUCE and RELEASE (dom0 only). */
static void domain_op(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload)
{
    const char *v[3];
    uint32_t domid = 0, mfn, port = 0;
    int nargs = hdr->type == XS_INTRODUCE ? 3 : 1;
    int rc = split_args(payload, hdr->len, v, nargs);
    if (!rc)
        rc = parse_uint(v[0], XS_DOMID_MAX, &domid);
    if (!rc && nargs == 3 && (parse_uint(v[1], UINT32_MAX, &mfn) || parse_uint(v[2], UINT32_MAX, &port)))
        rc = -EINVAL;
    if (!rc && conn->domid != 0 && (hdr->type == XS_INTRODUCE || hdr->type == XS_RELEASE))
        rc = -EACCES;
    if (rc) {
        reply_error(conn, hdr, rc);
        return;
    }
    char buf[32];
    switch (hdr->type) {
    case XS_GET_DOMAIN_PATH:
        reply(conn, hdr, buf, (uint32_t)snprintf(buf, sizeof(buf), "/local/domain/%u", (unsigned)domid) + 1);
        return;
    case XS_IS_DOMAIN_INTRODUCED:
        reply(conn, hdr, xs_find_conn(conn->store, domid) ? "T" : "F", 2);
        return;
    case XS_INTRODUCE:
        if (domid == 0)
            rc = -EINVAL;
        else
            xs_connect_domain(conn->store, domid, port, &rc);
        break;
    case XS_RELEASE:
        rc = domid == 0 ? -EINVAL : xs_release_domain(conn->store, domid);
        break;
    }
    reply_status(conn, hdr, rc);
}

/* Answer one whole message from conn: hdr (checked: len <= the payload
 * maximum) and its hdr->len payload bytes (followed by a NUL guard). */
void xs_handle_message(struct xs_conn *conn, const struct xsd_sockmsg *hdr, const char *payload)
{
    switch (hdr->type) {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_GET_PERMS:
    case XS_WRITE:
    case XS_MKDIR:
    case XS_RM:
    case XS_SET_PERMS:
        tree_op(conn, hdr, payload);
        return;
    case XS_WATCH:
    case XS_UNWATCH:
        watch_op(conn, hdr, payload);
        return;
    case XS_TRANSACTION_START:
    case XS_TRANSACTION_END:
        txn_op(conn, hdr, payload);
        return;
    case XS_GET_DOMAIN_PATH:
    case XS_IS_DOMAIN_INTRODUCED:
    case XS_INTRODUCE:
    case XS_RELEASE:
        domain_op(conn, hdr, payload);
        return;
    case XS_RESET_WATCHES:
        xs_watches_free(conn);
        reply_status(conn, hdr, 0);
        return;
    case XS_CONTROL:
    case XS_RESUME:
    case XS_SET_TARGET:
    case XS_DIRECTORY_PART:
        reply_error(conn, hdr, -ENOSYS);
        return;
    default:                            /* XS_WATCH_EVENT, XS_ERROR, unknown */
        reply_error(conn, hdr, -EINVAL);
        return;
    }
}
