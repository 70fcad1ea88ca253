/*
 * guest-os user programs: one store request and its reply through the
 * kernel's store connection (SYS_xenbus, include/xen_user.h), for programs
 * that just read and write keys (autoballoon, storebench). xenstore(1),
 * which also follows watches, talks to SYS_xenbus itself.
 */
#include <errno.h>
#include <string.h>
#include "xen_user.h"
#include "../../include/public/io/xs_wire.h"

static char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
static uint32_t last_req_id;

/* The errno a store's XS_ERROR payload names (EIO for one not listed). */
static int store_errno(const char *name)
{
    static const struct { const char *name; int err; } names[] = {
        { "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EINVAL", EINVAL }, { "EEXIST", EEXIST },
        { "EAGAIN", EAGAIN }, { "E2BIG", E2BIG }, { "ENOSPC", ENOSPC }, { "EBUSY", EBUSY },
        { "EPERM", EPERM }, { "ENOSYS", ENOSYS },
    };
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!strcmp(name, names[i].name))
            return names[i].err;
    return EIO;
}

/* xs_call: see include/xen_user.h. */
int xs_call(uint32_t type, const void *payload, unsigned int len, char *reply, unsigned int reply_len)
{
    struct xsd_sockmsg *m = (struct xsd_sockmsg *)buf;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    uint32_t id = ++last_req_id;
    *m = (struct xsd_sockmsg){ .type = type, .req_id = id, .len = len };
    memcpy(buf + sizeof(*m), payload, len);
    if (xenbus(XENBUS_SEND, buf, (unsigned int)(sizeof(*m) + len)) < 0)
        return -errno;
    do {
        if (xenbus(XENBUS_RECV, buf, sizeof(buf) - 1) < 0)
            return -errno;
    } while (m->type == XS_WATCH_EVENT || m->req_id != id);   /* not this call's */
    char *p = buf + sizeof(*m);
    p[m->len] = 0;
    if (m->type == XS_ERROR)
        return -store_errno(p);
    unsigned int n = reply_len && m->len >= reply_len ? reply_len - 1 : m->len;
    if (reply && reply_len) {
        memcpy(reply, p, n);
        reply[n] = 0;
    }
    return (int)m->len;
}
