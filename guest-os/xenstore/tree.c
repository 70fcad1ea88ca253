/*
 * guest-os xenstore: the tree. Paths are checked and made absolute here;
 * nodes are found, created (with their missing parents), changed and
 * removed here, with the permission checks and the per-owner quotas.
 * Walks over a subtree are iterative (a domain may build a path 1500 levels
 * deep; the daemon's stack must not depend on it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenstore.h"

/* Is c allowed in a node name (Xen's set, less '@', which only starts the special paths)? */
static int path_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '/';
}

/* path (NUL-terminated, from a domain) -> out (XENSTORE_ABS_PATH_MAX + 1
 * bytes): absolute (a relative path is under /local/domain/<domid>), only
 * allowed characters, no empty component, no trailing '/' but for "/".
 * allow_special admits "@introduceDomain" and "@releaseDomain" as they
 * are. 0, or -EINVAL. */
int xs_canonical_path(uint32_t domid, const char *path, char *out, int allow_special)
{
    size_t len = strnlen(path, XENSTORE_ABS_PATH_MAX + 1);
    if (path[0] == '@') {
        if (!allow_special || (strcmp(path, "@introduceDomain") && strcmp(path, "@releaseDomain")))
            return -EINVAL;
        strcpy(out, path);
        return 0;
    }
    if (path[0] == '/') {
        if (len > XENSTORE_ABS_PATH_MAX)
            return -EINVAL;
        memcpy(out, path, len + 1);
    } else {
        if (len == 0 || len > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        int n = snprintf(out, XENSTORE_ABS_PATH_MAX + 1, "/local/domain/%u/%s", (unsigned)domid, path);
        if (n < 0 || n > XENSTORE_ABS_PATH_MAX)
            return -EINVAL;
        len = (size_t)n;
    }
    for (size_t i = 0; i < len; i++) {
        if (!path_char_ok(out[i]) || (out[i] == '/' && i > 0 && out[i - 1] == '/'))
            return -EINVAL;
    }
    if (len > 1 && out[len - 1] == '/')
        return -EINVAL;
    return 0;
}

/* The child of parent named by the len bytes at name, or NULL. */
static struct xs_node *find_child(const struct xs_node *parent, const char *name, size_t len)
{
    for (struct xs_node *c = parent->child; c; c = c->next)
        if (strlen(c->name) == len && !memcmp(c->name, name, len))
            return c;
    return NULL;
}

/* The node at abs (a canonical absolute path) under root, or NULL. */
struct xs_node *xs_lookup(struct xs_node *root, const char *abs)
{
    struct xs_node *node = root;
    const char *p = abs;
    while (node && *p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, "/");
        node = find_child(node, p, len);
        p += len;
    }
    return node;
}

/* What domid may do with node (XS_PERM_*): dom0 and the owner anything;
 * else its own entry if the list has one, else the default (first entry). */
uint32_t xs_access(const struct xs_node *node, uint32_t domid)
{
    if (domid == 0 || node->perms[0].domid == domid)
        return XS_PERM_BOTH;
    for (uint32_t i = 1; i < node->nperms; i++)
        if (node->perms[i].domid == domid)
            return node->perms[i].access;
    return node->perms[0].access;
}

/* "b0\0r1\0..." (len bytes, from a domain) -> perms[], *nperms: each entry a
 * letter n/r/w/b and a domain id, NUL-terminated; 1..XS_PERMS_MAX of them.
 * 0, or -EINVAL. */
int xs_parse_perms(const char *buf, uint32_t len, struct xs_perm *perms, uint32_t *nperms)
{
    uint32_t n = 0, pos = 0;
    if (len == 0 || buf[len - 1] != '\0')
        return -EINVAL;
    while (pos < len) {
        const char *s = buf + pos;
        size_t slen = strlen(s);
        static const char letters[] = "nrwb";
        const char *l = s[0] ? strchr(letters, s[0]) : NULL;
        if (!l || slen < 2 || slen > 6 || n == XS_PERMS_MAX)
            return -EINVAL;
        uint32_t id = 0;
        for (size_t i = 1; i < slen; i++) {
            if (s[i] < '0' || s[i] > '9')
                return -EINVAL;
            id = id * 10 + (uint32_t)(s[i] - '0');
        }
        if (id > XS_DOMID_MAX)
            return -EINVAL;
        perms[n].domid = id;
        perms[n].access = (uint32_t)(l - letters);   /* n0 r1 w2 b3 = XS_PERM_* */
        n++;
        pos += (uint32_t)slen + 1;
    }
    *nperms = n;
    return 0;
}

/* node's permissions as "b0\0r1\0" into out (cap bytes); the length, or -E2BIG. */
int xs_format_perms(const struct xs_node *node, char *out, uint32_t cap)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < node->nperms; i++) {
        int n = snprintf(out + used, cap - used, "%c%u", "nrwb"[node->perms[i].access & 3],
                         (unsigned)node->perms[i].domid);
        if (n < 0 || (uint32_t)n + 1 > cap - used)
            return -E2BIG;
        used += (uint32_t)n + 1;                        /* keep the NUL */
    }
    return (int)used;
}

/* node's absolute path into out (cap bytes); its length, or -E2BIG. */
int xs_node_path(const struct xs_node *node, char *out, uint32_t cap)
{
    size_t len = 0;
    for (const struct xs_node *n = node; n->parent; n = n->parent)
        len += strlen(n->name) + 1;
    if (len + 1 > cap || cap < 2)
        return -E2BIG;
    if (!node->parent) {
        strcpy(out, "/");
        return 1;
    }
    out[len] = 0;
    size_t end = len;
    for (const struct xs_node *n = node; n->parent; n = n->parent) {
        size_t l = strlen(n->name);
        end -= l;
        memcpy(out + end, n->name, l);
        out[--end] = '/';
    }
    return (int)len;
}

/* The bytes a node costs against its owner's quota. */
static uint32_t node_bytes(const struct xs_node *n)
{
    return (uint32_t)strlen(n->name) + n->value_len;
}

/* The usage entry of domid (added if missing), or NULL if out of memory. */
static struct xs_usage *usage_of(struct xs_store *store, uint32_t domid)
{
    for (uint32_t i = 0; i < store->nusage; i++)
        if (store->usage[i].domid == domid)
            return &store->usage[i];
    struct xs_usage *u = realloc(store->usage, (store->nusage + 1) * sizeof(*u));
    if (!u)
        return NULL;
    store->usage = u;
    u[store->nusage] = (struct xs_usage){ .domid = domid };
    return &u[store->nusage++];
}

/* Would owner stay within its quota with nodes/bytes more? dom0 has none.
 * 0, or -ENOSPC (-ENOMEM if the table cannot grow). */
static int quota_check(struct xs_store *store, uint32_t owner, uint32_t nodes, uint32_t bytes)
{
    if (owner == 0)
        return 0;
    struct xs_usage *u = usage_of(store, owner);
    if (!u)
        return -ENOMEM;
    if (u->nodes + nodes > XS_QUOTA_NODES || u->bytes + bytes > XS_QUOTA_BYTES)
        return -ENOSPC;
    return 0;
}

/* Add (sign 1) or take away (sign -1) a main-tree node from its owner's usage. */
static void account(struct xs_store *store, const struct xs_node *n, int sign)
{
    struct xs_usage *u = usage_of(store, n->perms[0].domid);
    size_t bytes = sizeof(*n) + node_bytes(n) + 1;
    if (sign > 0) {
        store->tree_bytes += bytes;
        if (u)
            u->nodes++, u->bytes += node_bytes(n);
    } else {
        store->tree_bytes -= bytes;
        if (u && u->nodes)
            u->nodes--, u->bytes -= node_bytes(n);
    }
}

/* A new node named by len bytes at name (no links yet), or NULL. */
static struct xs_node *node_new(const char *name, size_t len)
{
    struct xs_node *n = calloc(1, sizeof(*n));
    if (!n || !(n->name = malloc(len + 1))) {
        free(n);
        return NULL;
    }
    memcpy(n->name, name, len);
    n->name[len] = 0;
    return n;
}

/* Append child to parent's children. */
static void link_child(struct xs_node *parent, struct xs_node *child)
{
    struct xs_node **pp = &parent->child;
    while (*pp)
        pp = &(*pp)->next;
    *pp = child;
    child->parent = parent;
}

/* Give node a new generation (or mark it changed inside the transaction). */
static void touch(struct xs_op_ctx *ctx, struct xs_node *node)
{
    node->gen = ctx->txn ? XS_GEN_TXN : ++ctx->store->gen;
}

/* One node alone (no children, no links): a copy, or NULL. */
static struct xs_node *node_clone(const struct xs_node *src, size_t *bytes)
{
    struct xs_node *n = node_new(src->name, strlen(src->name));
    if (!n)
        return NULL;
    if (src->value_len && !(n->value = malloc(src->value_len))) {
        free(n->name);
        free(n);
        return NULL;
    }
    if (src->value_len)
        memcpy(n->value, src->value, src->value_len);
    n->value_len = src->value_len;
    memcpy(n->perms, src->perms, sizeof(n->perms));
    n->nperms = src->nperms;
    n->gen = src->gen;
    *bytes += sizeof(*n) + node_bytes(n) + 1;
    return n;
}

/* A deep copy of the subtree at top (its parent pointer set to parent),
 * adding its size to *bytes; NULL if out of memory. */
struct xs_node *xs_tree_copy(const struct xs_node *top, struct xs_node *parent, size_t *bytes)
{
    struct xs_node *dtop = node_clone(top, bytes);
    if (!dtop)
        return NULL;
    dtop->parent = parent;
    const struct xs_node *s = top;
    struct xs_node *d = dtop;
    for (;;) {
        struct xs_node *c;
        if (s->child) {                     /* down to the first child */
            s = s->child;
            if (!(c = node_clone(s, bytes)))
                goto fail;
            d->child = c;
            c->parent = d;
            d = c;
            continue;
        }
        while (s != top && !s->next) {      /* up until there is a next sibling */
            s = s->parent;
            d = d->parent;
        }
        if (s == top)
            return dtop;
        s = s->next;
        if (!(c = node_clone(s, bytes)))
            goto fail;
        d->next = c;
        c->parent = d->parent;
        d = c;
    }
fail:
    dtop->parent = NULL;
    xs_tree_free(NULL, dtop, 0);
    return NULL;
}

/* Free the subtree at top (already unlinked from its parent's list);
 * accounted: it was in the main tree, so its owners' usage goes down. */
void xs_tree_free(struct xs_store *store, struct xs_node *top, int accounted)
{
    struct xs_node *n = top;
    for (;;) {
        while (n->child)
            n = n->child;
        struct xs_node *parent = n->parent, *next = n->next;
        if (accounted)
            account(store, n, -1);
        free(n->name);
        free(n->value);
        free(n);
        if (n == top)
            return;
        parent->child = next;               /* n was its first child */
        n = next ? next : parent;
    }
}

/* Record in the transaction the node at abs (or its absence). */
static void record(struct xs_op_ctx *ctx, const char *abs, const struct xs_node *node)
{
    if (ctx->txn)
        xs_txn_record(ctx->txn, abs, node);
}

/* After a change at abs in the main tree: fire the watches. */
static void changed(struct xs_op_ctx *ctx, const char *abs, const struct xs_node *node)
{
    if (!ctx->txn)
        xs_fire_watches(ctx->store, abs, node, 0);
}

/* The node at abs under ctx->root if domid may read it: 0, -ENOENT, -EACCES. */
int xs_op_read(struct xs_op_ctx *ctx, const char *abs, struct xs_node **out)
{
    struct xs_node *node = xs_lookup(ctx->root, abs);
    record(ctx, abs, node);
    if (!node)
        return -ENOENT;
    if (!ctx->force && !(xs_access(node, ctx->domid) & XS_PERM_READ))
        return -EACCES;
    *out = node;
    return 0;
}

/* Create the node at abs (absent) and its missing parents: writable by
 * domid at the nearest existing ancestor, which they inherit their
 * permissions from (the owner becomes domid unless it is dom0). 0,
 * -EACCES, -ENOSPC, -ENOMEM. */
static int create(struct xs_op_ctx *ctx, const char *abs, struct xs_node **out)
{
    struct xs_node *anc = ctx->root, *next;
    const char *p = abs;
    size_t missing_nodes = 0, missing_bytes = 0;
    while (*p == '/')
        p++;
    while (*p && (next = find_child(anc, p, strcspn(p, "/")))) {
        anc = next;
        p += strcspn(p, "/");
        while (*p == '/')
            p++;
    }
    if (ctx->txn) {
        char anc_path[XENSTORE_ABS_PATH_MAX + 1];
        size_t alen = p > abs + 1 ? (size_t)(p - abs - 1) : 1;
        memcpy(anc_path, abs, alen);
        anc_path[alen] = 0;
        record(ctx, anc_path, anc);
    }
    if (!ctx->force && !(xs_access(anc, ctx->domid) & XS_PERM_WRITE))
        return -EACCES;
    for (const char *q = p; *q; ) {
        size_t len = strcspn(q, "/");
        missing_nodes++, missing_bytes += len;
        q += len;
        while (*q == '/')
            q++;
    }
    uint32_t owner = ctx->domid ? ctx->domid : anc->perms[0].domid;
    int rc = ctx->force ? 0 : quota_check(ctx->store, owner, (uint32_t)missing_nodes, (uint32_t)missing_bytes);
    if (rc)
        return rc;
    touch(ctx, anc);
    while (*p) {
        size_t len = strcspn(p, "/");
        struct xs_node *n = node_new(p, len);
        if (!n)
            return -ENOMEM;
        memcpy(n->perms, anc->perms, sizeof(n->perms));
        n->nperms = anc->nperms;
        n->perms[0].domid = owner;
        link_child(anc, n);
        touch(ctx, n);
        if (!ctx->txn)
            account(ctx->store, n, 1);
        anc = n;
        p += len;
        while (*p == '/')
            p++;
    }
    *out = anc;
    return 0;
}

/* Set the value of the node at abs (created with its parents if missing)
 * to len bytes at value. 0, -EACCES, -ENOSPC, -ENOMEM. */
int xs_op_write(struct xs_op_ctx *ctx, const char *abs, const char *value, uint32_t len)
{
    struct xs_node *node = xs_lookup(ctx->root, abs);
    record(ctx, abs, node);
    if (node && !ctx->force && !(xs_access(node, ctx->domid) & XS_PERM_WRITE))
        return -EACCES;
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, value, len);
    int rc = 0;
    if (node && len > node->value_len && !ctx->force && ctx->domid)
        rc = quota_check(ctx->store, node->perms[0].domid, 0, len - node->value_len);
    if (!rc && !node)
        rc = quota_check(ctx->store, ctx->domid, 0, len);
    if (!rc && !node)
        rc = create(ctx, abs, &node);
    if (rc) {
        free(copy);
        return rc;
    }
    if (!ctx->txn)
        account(ctx->store, node, -1);
    free(node->value);
    node->value = copy;
    node->value_len = len;
    if (!ctx->txn)
        account(ctx->store, node, 1);
    touch(ctx, node);
    changed(ctx, abs, node);
    return 0;
}

/* Create the node at abs with an empty value if it does not exist (with
 * its parents). 0 (also if it exists), -EACCES, -ENOSPC, -ENOMEM. */
int xs_op_mkdir(struct xs_op_ctx *ctx, const char *abs)
{
    struct xs_node *node = xs_lookup(ctx->root, abs);
    record(ctx, abs, node);
    if (node)
        return 0;
    int rc = create(ctx, abs, &node);
    if (rc)
        return rc;
    changed(ctx, abs, node);
    return 0;
}

/* Remove the node at abs and everything under it. A missing node whose
 * parent exists is removed already (0). 0, -EINVAL (the root), -ENOENT,
 * -EACCES. */
int xs_op_rm(struct xs_op_ctx *ctx, const char *abs)
{
    if (!strcmp(abs, "/"))
        return -EINVAL;
    struct xs_node *node = xs_lookup(ctx->root, abs);
    if (!node) {
        char parent[XENSTORE_ABS_PATH_MAX + 1];
        strcpy(parent, abs);
        char *slash = strrchr(parent, '/');
        slash[slash == parent ? 1 : 0] = 0;
        struct xs_node *pn = xs_lookup(ctx->root, parent);
        record(ctx, abs, NULL);
        record(ctx, parent, pn);
        return pn ? 0 : -ENOENT;
    }
    if (!ctx->force && !(xs_access(node, ctx->domid) & XS_PERM_WRITE))
        return -EACCES;
    if (ctx->txn) {
        xs_txn_record_subtree(ctx->txn, node);
        char parent[XENSTORE_ABS_PATH_MAX + 1];
        if (xs_node_path(node->parent, parent, sizeof(parent)) >= 0)
            record(ctx, parent, node->parent);
    } else {
        xs_fire_watches(ctx->store, abs, node, 1);
    }
    struct xs_node **pp = &node->parent->child;
    while (*pp != node)
        pp = &(*pp)->next;
    *pp = node->next;
    node->next = NULL;
    touch(ctx, node->parent);
    xs_tree_free(ctx->store, node, !ctx->txn);
    return 0;
}

/* Replace the permissions of the node at abs with perms[n]: dom0 may set
 * any; the owner may, keeping itself the owner. 0, -ENOENT, -EACCES. */
int xs_op_set_perms(struct xs_op_ctx *ctx, const char *abs, const struct xs_perm *perms, uint32_t n)
{
    struct xs_node *node = xs_lookup(ctx->root, abs);
    record(ctx, abs, node);
    if (!node)
        return -ENOENT;
    if (!ctx->force && ctx->domid != 0 &&
        (node->perms[0].domid != ctx->domid || perms[0].domid != ctx->domid))
        return -EACCES;
    if (!ctx->txn)
        account(ctx->store, node, -1);
    memset(node->perms, 0, sizeof(node->perms));
    memcpy(node->perms, perms, n * sizeof(*perms));
    node->nperms = n;
    if (!ctx->txn)
        account(ctx->store, node, 1);
    touch(ctx, node);
    changed(ctx, abs, node);
    return 0;
}
