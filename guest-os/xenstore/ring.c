/*
 * guest-os xenstore: a connection's shared page (struct
 * xenstore_domain_interface). The domain produces requests and consumes
 * replies; the daemon the reverse. The page is the domain's to scribble
 * on, so the daemon keeps its own copies of the indices it owns
 * (req_cons, rsp_prod) and checks the ones it reads: a producer more than
 * a ring ahead, or a consumer ahead of what was produced, breaks the
 * connection, as does a message longer than XENSTORE_PAYLOAD_MAX. Bytes
 * are copied out of the page once, then parsed from the copy. A request
 * may arrive in pieces (across the wrap, across notifications): conn->in
 * holds the part read so far.
 */
#include <string.h>
#include "xenstore.h"

#define XS_HDR_SIZE ((uint32_t)sizeof(struct xsd_sockmsg))

/* Order the accesses to the shared page. */
static inline void xs_mb(void)
{
    __sync_synchronize();
}

/* Stop serving conn, saying why. */
static void conn_break(struct xs_conn *conn, const char *why, uint32_t a, uint32_t b)
{
    conn->broken = 1;
    xs_log(conn->store, "d%u: connection dropped: %s (%u, %u)", (unsigned)conn->domid, why,
           (unsigned)a, (unsigned)b);
}

/* Copy request bytes into conn->in until it holds one whole message or
 * the ring is empty. 1: a whole message; 0: not yet; -1: broken.
 * *moved is set if bytes were consumed. */
static int ring_read(struct xs_conn *conn, int *moved)
{
    struct xenstore_domain_interface *intf = conn->intf;
    uint32_t prod = *(volatile uint32_t *)&intf->req_prod;
    xs_mb();
    uint32_t avail = prod - conn->req_cons;
    if (avail > XENSTORE_RING_SIZE) {
        conn_break(conn, "request producer index out of range (prod, cons)", prod, conn->req_cons);
        return -1;
    }
    for (;;) {
        uint32_t want = XS_HDR_SIZE;
        if (conn->in_len >= XS_HDR_SIZE) {
            uint32_t len = ((struct xsd_sockmsg *)conn->in)->len;
            if (len > XENSTORE_PAYLOAD_MAX) {
                conn_break(conn, "message longer than the payload maximum (len, max)", len, XENSTORE_PAYLOAD_MAX);
                return -1;
            }
            want += len;
            if (conn->in_len == want)
                return 1;
        }
        if (!avail)
            return 0;
        uint32_t n = want - conn->in_len;
        if (n > avail)
            n = avail;
        for (uint32_t i = 0; i < n; i++)
            conn->in[conn->in_len + i] = intf->req[MASK_XENSTORE_IDX(conn->req_cons + i)];
        conn->in_len += n;
        conn->req_cons += n;
        avail -= n;
        xs_mb();
        intf->req_cons = conn->req_cons;
        *moved = 1;
    }
}

/* Write as much of conn's queued output as the response ring has room
 * for. XS_RUN_NOTIFY if anything was written, else 0. */
int xs_conn_flush(struct xs_conn *conn)
{
    if (conn->broken || !conn->intf || !conn->out_len)
        return 0;
    struct xenstore_domain_interface *intf = conn->intf;
    uint32_t cons = *(volatile uint32_t *)&intf->rsp_cons;
    xs_mb();
    uint32_t used = conn->rsp_prod - cons;
    if (used > XENSTORE_RING_SIZE) {
        conn_break(conn, "response consumer index out of range (prod, cons)", conn->rsp_prod, cons);
        return 0;
    }
    uint32_t n = XENSTORE_RING_SIZE - used;
    if (n > conn->out_len)
        n = conn->out_len;
    if (!n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        intf->rsp[MASK_XENSTORE_IDX(conn->rsp_prod + i)] = (char)conn->out[i];
    xs_mb();
    conn->rsp_prod += n;
    intf->rsp_prod = conn->rsp_prod;
    memmove(conn->out, conn->out + n, conn->out_len - n);
    conn->out_len -= n;
    return XS_RUN_NOTIFY;
}

/* Serve conn: answer at most budget whole requests from its ring (fewer
 * if its output queue lacks room for a reply and an event: it must read
 * its ring first) and write out what is queued. XS_RUN_NOTIFY: indices
 * moved; XS_RUN_MORE: the budget ran out with requests left. */
int xs_conn_run(struct xs_conn *conn, unsigned budget)
{
    int result = 0, moved = 0;
    if (conn->broken || !conn->intf)
        return 0;
    result |= xs_conn_flush(conn);
    unsigned done = 0;
    while (!conn->broken && XS_OUT_MAX - conn->out_len >= 2 * XS_MSG_MAX) {
        if (done == budget) {
            uint32_t prod = *(volatile uint32_t *)&conn->intf->req_prod;
            if (prod != conn->req_cons)
                result |= XS_RUN_MORE;
            break;
        }
        if (ring_read(conn, &moved) != 1)
            break;
        struct xsd_sockmsg hdr;
        memcpy(&hdr, conn->in, sizeof(hdr));
        conn->in[XS_HDR_SIZE + hdr.len] = 0;   /* a guard: every string ends in the buffer */
        xs_handle_message(conn, &hdr, (const char *)conn->in + XS_HDR_SIZE);
        conn->in_len = 0;
        done++;
        result |= xs_conn_flush(conn);
    }
    if (moved)
        result |= XS_RUN_NOTIFY;
    return result;
}
