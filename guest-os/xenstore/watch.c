/*
 * guest-os xenstore: watches. A watch (path, token) of a connection fires
 * an XS_WATCH_EVENT "path\0token\0" once when it is set and then on every
 * change at or under its path that the connection may read; removing a
 * node also fires the watches set below it (with their own paths). The
 * special paths @introduceDomain and @releaseDomain fire when a domain
 * is connected or released. An event for a connection whose queue is
 * full is dropped (and the drop logged once).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xenstore.h"

/* Is path equal to base or under it (at a '/' boundary)? */
static int is_under(const char *path, const char *base)
{
    size_t lb = strlen(base);
    if (!strcmp(base, "/"))
        return path[0] == '/';
    return !strncmp(path, base, lb) && (path[lb] == 0 || path[lb] == '/');
}

/* Queue one event for watch w of conn about abs (made relative if the
 * watch was set relative). */
static void send_event(struct xs_conn *conn, const struct xs_watch *w, const char *abs)
{
    const char *path = abs;
    if (w->relative && abs[0] == '/') {
        char prefix[32];
        size_t lp = (size_t)snprintf(prefix, sizeof(prefix), "/local/domain/%u", (unsigned)conn->domid);
        if (!strncmp(abs, prefix, lp) && abs[lp] == '/')
            path = abs + lp + 1;
    }
    if (xs_queue(conn, XS_WATCH_EVENT, 0, 0, path, (uint32_t)strlen(path) + 1, w->token,
                 (uint32_t)strlen(w->token) + 1) < 0 && !conn->dropped_events++)
        xs_log(conn->store, "d%u: watch events dropped: its ring is not read", (unsigned)conn->domid);
}

/* Set watch (path, token) for conn (path as the domain gave it, already
 * checked; relative if it does not start with '/' or '@') and fire it
 * once. 0, -EINVAL, -EEXIST, -ENOSPC, -ENOMEM. */
int xs_watch_add(struct xs_conn *conn, const char *path, const char *token)
{
    char abs[XENSTORE_ABS_PATH_MAX + 1];
    int rc = xs_canonical_path(conn->domid, path, abs, 1);
    if (rc)
        return rc;
    for (struct xs_watch *w = conn->watches; w; w = w->next)
        if (!strcmp(w->path, abs) && !strcmp(w->token, token))
            return -EEXIST;
    if (conn->domid != 0 && conn->nwatches >= XS_QUOTA_WATCHES)
        return -ENOSPC;
    struct xs_watch *w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(abs)) || !(w->token = strdup(token))) {
        if (w)
            free(w->path);
        free(w);
        return -ENOMEM;
    }
    w->relative = path[0] != '/' && path[0] != '@';
    w->next = conn->watches;
    conn->watches = w;
    conn->nwatches++;
    return 0;
}

/* Fire conn's newest watch (the one xs_watch_add just set) once, as Xen
 * does when a watch is set (after the reply). */
void xs_watch_fire_newest(struct xs_conn *conn)
{
    if (conn->watches)
        send_event(conn, conn->watches, conn->watches->path);
}

/* Remove conn's watch (path, token). 0, -EINVAL, -ENOENT. */
int xs_watch_remove(struct xs_conn *conn, const char *path, const char *token)
{
    char abs[XENSTORE_ABS_PATH_MAX + 1];
    int rc = xs_canonical_path(conn->domid, path, abs, 1);
    if (rc)
        return rc;
    for (struct xs_watch **pp = &conn->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;
        if (!strcmp(w->path, abs) && !strcmp(w->token, token)) {
            *pp = w->next;
            free(w->path);
            free(w->token);
            free(w);
            conn->nwatches--;
            return 0;
        }
    }
    return -ENOENT;
}

/* Drop every watch of conn. */
void xs_watches_free(struct xs_conn *conn)
{
    while (conn->watches) {
        struct xs_watch *w = conn->watches;
        conn->watches = w->next;
        free(w->path);
        free(w->token);
        free(w);
    }
    conn->nwatches = 0;
}

/* The node at abs (of the main tree) changed (removed: is being removed,
 * with its subtree); perms_of holds the permissions that decide who may
 * hear of it. Queue the events for every watch that covers abs, and if
 * removed for every watch below it. */
void xs_fire_watches(struct xs_store *store, const char *abs, const struct xs_node *perms_of, int removed)
{
    for (struct xs_conn *c = store->conns; c; c = c->next) {
        if (c->broken || !(xs_access(perms_of, c->domid) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (w->path[0] != '/')
                continue;
            if (is_under(abs, w->path))
                send_event(c, w, abs);
            else if (removed && is_under(w->path, abs))
                send_event(c, w, w->path);
        }
    }
}

/* Fire every watch on the special path (@introduceDomain, @releaseDomain). */
void xs_fire_special(struct xs_store *store, const char *special)
{
    for (struct xs_conn *c = store->conns; c; c = c->next) {
        if (c->broken)
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (!strcmp(w->path, special))
                send_event(c, w, special);
    }
}
