/*
 * guest-os PV: the kernel's store connection (xenbus) and SYS_xenbus
 * (include/xen_user.h), as Linux's xenbus and /dev/xen/xenbus.
 *
 * The connection is one page, struct xenstore_domain_interface
 * (include/public/io/xs_wire.h): requests go into req[], replies and
 * watch events come back in rsp[], each a struct xsd_sockmsg and its
 * payload, with free-running indices; each side notifies the other on
 * the store port after moving an index.
 *   domU  the page is start_info.store_mfn (mapped: its va comes from the
 *         M2P), the port start_info.store_evtchn.
 *   dom0  pvx gives it a page but no port: xenbus_init allocates one for
 *         dom0 itself (EVTCHNOP_alloc_unbound) and grants the page to dom0
 *         as ref 1 (GNTTAB_RESERVED_XENSTORE) in a grant table it sets up
 *         (one frame), so the store daemon reaches dom0's ring exactly as
 *         a domU's: xen_domains(0) names the port, ref 1 the page.
 *
 * Many requesters share the ring: processes (SYS_xenbus) and the kernel
 * (xenbus.h). Each request gets the kernel's own req_id on the ring; the
 * reply is routed by it back to its requester with the requester's req_id
 * restored. A process's watch gets a kernel token ("K<slot>") on the ring,
 * so two processes may use the same token; its events come back with the
 * process's token. Sending never waits for the store: messages go whole
 * into an outgoing queue that tx_push moves into req[] as room appears
 * (a process waits only for queue space or a request slot; the kernel gets
 * -EAGAIN). Receiving is done in event context (the store port's upcall,
 * and after a process takes a message): complete messages are assembled
 * from rsp[] and routed; a process's message waits in a pool slot until
 * it reads it (XENBUS_RECV). When no slot is free, reading the ring
 * pauses until one is.
 * Rules:
 *  - a request slot lives from its send to its reply (a kernel request
 *    without a callback takes none: its req_id is NO_REPLY); one whose requester
 *    is gone (a process that ended, a kernel caller that timed out) is
 *    "orphaned": its reply is dropped (a transaction it opened is ended);
 *  - a process may use only transactions it started (XS_TRANSACTION_START's
 *    reply) and unwatch only its own watches;
 *  - when a process ends its requests are orphaned, its messages dropped,
 *    its watches removed (XS_UNWATCH) and its transactions aborted
 *    (XS_TRANSACTION_END "F") in the store; watches and transactions stay
 *    across exec.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/xs_wire.h>
#include <pvx-guest/hypercall.h>
#define GUEST_OS_KERNEL
#include "xen_user.h"
#include "pv.h"
#include "xenbus.h"

#define HDR ((uint32_t)sizeof(struct xsd_sockmsg))
#define MSG_MAX (HDR + XENSTORE_PAYLOAD_MAX)
#define OUTQ_SIZE 16384u            /* a power of two */
#define NREQ 32
#define NMSG 8
#define NWATCH 32
#define NTX 16
#define WATCH_PATH_MAX 256
#define TOKEN_MAX 64
#define KTOKEN_MAX 8                /* "K" and a slot number */
#define NO_REPLY 0xFFFFFFFFu        /* the req_id of a kernel request whose reply nobody wants */

static struct xenstore_domain_interface *ring;   /* NULL: no connection */
static evtchn_port_t store_port;
static int broken;                   /* a malformed message came: reading stopped */
static grant_entry_v1_t grant_frame[PAGE_SIZE / sizeof(grant_entry_v1_t)] __attribute__((aligned(4096)));

static char outq[OUTQ_SIZE];
static uint32_t out_head, out_tail;  /* free-running */
static char room_chan;               /* wakeup: queue space or a request slot freed */

struct request {
    int used, orphan;
    uint32_t id;                     /* on the ring: slot | generation << 8 */
    struct proc *owner;              /* NULL: the kernel */
    uint32_t user_req_id, type;
    int watch;                       /* a process's XS_WATCH: its watch slot, else -1 */
    xenbus_reply_fn done;            /* the kernel's */
    void *ctx;
};
static struct request reqs[NREQ];

struct watch {
    int used;
    struct proc *owner;              /* NULL: the kernel's (fn) */
    xenbus_watch_fn fn;
    char path[WATCH_PATH_MAX], token[TOKEN_MAX];
};
static struct watch watches[NWATCH];

struct tx { struct proc *owner; uint32_t id; };
static struct tx txs[NTX];

struct msg { struct proc *owner; uint32_t seq, len; char data[MSG_MAX]; };
static struct msg pool[NMSG];
static uint32_t msg_seq;
static char rx_chan[NPROC];          /* wakeup: a message for process i */

static char rx[MSG_MAX + 1];         /* the message being read from rsp[] */
static uint32_t rx_have;
static char txbuf[MSG_MAX + KTOKEN_MAX];   /* a process's message being queued */

evtchn_port_t xenbus_store_port(void) { return ring ? store_port : 0; }

/* ---- setup ---- */

/* dom0: a port for the store daemon to bind, and the store page granted
 * to dom0 itself as ref 1. 0 or -1. */
static int dom0_connect(uint32_t store_mfn)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = 0 };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc))
        return -1;
    xen_pfn_t frame = 0;
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(setup.frame_list, &frame);
    if (HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1) || setup.status != GNTST_okay ||
        HYPERVISOR_update_va_mapping((uintptr_t)grant_frame, (uint32_t)(frame << 12) | 0x63, 0, UVMF_INVLPG))
        return -1;
    grant_entry_v1_t *e = &grant_frame[GNTTAB_RESERVED_XENSTORE];
    e->domid = 0;
    e->frame = store_mfn;
    __atomic_store_n(&e->flags, GTF_permit_access, __ATOMIC_RELEASE);   /* last: the entry is whole */
    store_port = alloc.port;
    return 0;
}

/* xenbus_init: see pv.h. */
void xenbus_init(void)
{
    uint32_t mfn = start_info->store_mfn;
    if (!mfn || (!is_dom0() && !start_info->store_evtchn))
        return;
    if (is_dom0()) {
        if (dom0_connect(mfn)) {
            kprintf("guest-os: xenbus: cannot set up dom0's store port and grant\n");
            return;
        }
    } else {
        store_port = start_info->store_evtchn;
    }
    ring = mfn_to_virt(mfn);
    evtchn_unmask(store_port);
}

/* ---- sending ---- */

static uint32_t out_room(void) { return OUTQ_SIZE - (out_tail - out_head); }

static void enqueue(const void *buf, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        outq[out_tail++ % OUTQ_SIZE] = ((const char *)buf)[i];
}

/* Move queued bytes into req[] while it has room; notify if any moved. */
static void tx_push(void)
{
    XENSTORE_RING_IDX cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE), prod = ring->req_prod;
    uint32_t moved = 0;
    for (; out_head != out_tail && prod - cons < XENSTORE_RING_SIZE; moved++)
        ring->req[MASK_XENSTORE_IDX(prod++)] = outq[out_head++ % OUTQ_SIZE];
    if (!moved)
        return;
    __atomic_store_n(&ring->req_prod, prod, __ATOMIC_RELEASE);
    struct evtchn_send send = { .port = store_port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    wakeup(&room_chan);
}

static struct request *req_alloc(void)
{
    for (struct request *r = reqs; r < reqs + NREQ; r++)
        if (!r->used) {
            uint32_t gen = (r->id >> 8) + 1;
            *r = (struct request){ .used = 1, .id = (uint32_t)(r - reqs) | gen << 8, .watch = -1 };
            return r;
        }
    return NULL;
}

static void req_free(struct request *r)
{
    r->used = 0;
    wakeup(&room_chan);
}

/* Queue header and payload with the ring's req_id (r's, or NO_REPLY). */
static void send_msg(struct request *r, struct xsd_sockmsg *h, const void *payload)
{
    h->req_id = r ? r->id : NO_REPLY;
    enqueue(h, HDR);
    enqueue(payload, h->len);
    tx_push();
}

/* A kernel request: *err is 0 if it was queued (or a negative errno);
 * its slot, or NULL if done is NULL (no slot: the reply, to NO_REPLY, is
 * dropped) or it was not queued. */
static struct request *kernel_send(uint32_t type, uint32_t tx_id, const void *payload, uint32_t len,
                                   xenbus_reply_fn done, void *ctx, int *err)
{
    struct request *r = NULL;
    *err = !ring ? -EIO : len > XENSTORE_PAYLOAD_MAX ? -E2BIG
         : out_room() < HDR + len || (done && !(r = req_alloc())) ? -EAGAIN : 0;
    if (*err)
        return NULL;
    if (r) {
        r->done = done;
        r->ctx = ctx;
        r->type = type;
    }
    struct xsd_sockmsg h = { .type = type, .tx_id = tx_id, .len = len };
    send_msg(r, &h, payload);
    return r;
}

int xenbus_request(uint32_t type, const void *payload, unsigned int len, xenbus_reply_fn done, void *ctx)
{
    int err;
    kernel_send(type, 0, payload, len, done, ctx, &err);
    return err;
}

/* "K<n>": the token a watch has on the ring. */
static unsigned int ktoken(char *out, unsigned int slot)
{
    char digits[4];
    unsigned int n = 0, len = 0;
    do
        digits[n++] = (char)('0' + slot % 10);
    while ((slot /= 10) != 0);
    out[len++] = 'K';
    while (n)
        out[len++] = digits[--n];
    out[len] = 0;
    return len;
}

/* "path\0K<slot>\0" into buf; its length. */
static uint32_t watch_payload(char *buf, const char *path, unsigned int slot)
{
    uint32_t n = (uint32_t)strlen(path) + 1;
    memcpy(buf, path, n);
    return n + ktoken(buf + n, slot) + 1;
}

/* ---- receiving ---- */

static int store_errno(const char *name)
{
    static const struct { const char *name; int err; } names[] = {
        { "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST }, { "EISDIR", EISDIR },
        { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM }, { "ENOSPC", ENOSPC }, { "EIO", EIO },
        { "ENOTEMPTY", ENOTEMPTY }, { "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
        { "EAGAIN", EAGAIN }, { "E2BIG", E2BIG }, { "EPERM", EPERM },
    };
    for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (!memcmp(name, names[i].name, strlen(names[i].name) + 1))
            return -names[i].err;
    return -EIO;
}

static struct msg *free_msg(void)
{
    for (struct msg *m = pool; m < pool + NMSG; m++)
        if (!m->owner)
            return m;
    return NULL;
}

/* Give rx (header h, req_id set to req_id) to process p: 0 if no slot. */
static int deliver(struct proc *p, struct xsd_sockmsg *h, uint32_t req_id)
{
    struct msg *m = free_msg();
    if (!m)
        return 0;
    h->req_id = req_id;
    m->owner = p;
    m->seq = msg_seq++;
    m->len = HDR + h->len;
    memcpy(m->data, rx, m->len);
    wakeup(&rx_chan[p - procs]);
    return 1;
}

/* A process's transactions: the slot of (p, id), or NULL. */
static struct tx *tx_find(struct proc *p, uint32_t id)
{
    for (struct tx *t = txs; t < txs + NTX; t++)
        if (t->owner == p && t->id == id)
            return t;
    return NULL;
}

static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

/* End transaction id in the store, aborting it; nobody waits for the reply. */
static void tx_abort(uint32_t id)
{
    int err;
    kernel_send(XS_TRANSACTION_END, id, "F", 2, NULL, NULL, &err);
    if (err)
        kprintf("guest-os: xenbus: cannot abort transaction %u: %d\n", id, err);
}

/* What a reply to a process means for its watches and transactions. */
static void note_reply(struct request *r, const struct xsd_sockmsg *h, const char *payload)
{
    if (r->watch >= 0 && h->type == XS_ERROR && !r->orphan)
        watches[r->watch].used = 0;              /* the store refused the watch */
    if (r->type != XS_TRANSACTION_START || h->type == XS_ERROR)
        return;
    uint32_t id = parse_u32(payload);
    struct tx *t = NULL;
    for (struct tx *s = txs; s < txs + NTX && !t && !r->orphan; s++)
        if (!s->owner)
            t = s;
    if (t)
        *t = (struct tx){ r->owner, id };
    else
        tx_abort(id);                            /* nobody will end it */
}

/* A watch event: to its process (with the process's token), or to the
 * kernel's callback. 0 if it must wait for a message slot. */
static int route_event(struct xsd_sockmsg *h, char *payload)
{
    uint32_t plen = (uint32_t)strlen(payload);
    if (plen + 1 >= h->len || payload[1 + plen] != 'K')
        return 1;
    uint32_t slot = parse_u32(payload + plen + 2);
    struct watch *w = slot < NWATCH && watches[slot].used ? &watches[slot] : NULL;
    if (!w)
        return 1;                                /* a watch removed meanwhile */
    if (!w->owner) {
        if (w->fn)
            w->fn(payload, w->token);
        return 1;
    }
    if (!free_msg())
        return 0;
    uint32_t tlen = (uint32_t)strlen(w->token) + 1;
    memcpy(payload + plen + 1, w->token, tlen);
    h->len = plen + 1 + tlen;
    return deliver(w->owner, h, 0);
}

/* Route the complete message in rx: 0 if it must wait for a slot. */
static int route(void)
{
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)rx;
    char *payload = rx + HDR;
    payload[h->len] = 0;
    if (h->type == XS_WATCH_EVENT)
        return route_event(h, payload);
    if (h->req_id == NO_REPLY)
        return 1;
    uint32_t slot = h->req_id & 0xff;
    struct request *r = slot < NREQ ? &reqs[slot] : NULL;
    if (!r || !r->used || r->id != h->req_id) {
        kprintf("guest-os: xenbus: a reply (type %u) to no request (%x)\n", h->type, h->req_id);
        return 1;
    }
    if (r->owner && !r->orphan) {
        if (!deliver(r->owner, h, r->user_req_id))
            return 0;
        note_reply(r, h, payload);
    } else if (r->owner) {
        note_reply(r, h, payload);
    } else if (!r->orphan && r->done) {
        int err = h->type == XS_ERROR ? store_errno(payload) : 0;
        r->done(r->ctx, err, err ? NULL : payload, err ? 0 : h->len);
    }
    req_free(r);
    return 1;
}

/* Read rsp[] into rx and route each complete message, until the ring is
 * empty or a message must wait for a slot; notify if anything was read. */
static void rx_poll(void)
{
    const struct xsd_sockmsg *h = (const struct xsd_sockmsg *)rx;
    int consumed = 0;
    while (ring && !broken) {
        if (rx_have >= HDR && rx_have == HDR + h->len) {
            if (!route())
                break;
            rx_have = 0;
        }
        XENSTORE_RING_IDX cons = ring->rsp_cons, prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
        if (cons == prod)
            break;
        uint32_t want = rx_have < HDR ? HDR - rx_have : HDR + h->len - rx_have;
        for (; want && cons != prod; want--)
            rx[rx_have++] = ring->rsp[MASK_XENSTORE_IDX(cons++)];
        __atomic_store_n(&ring->rsp_cons, cons, __ATOMIC_RELEASE);
        consumed = 1;
        if (rx_have == HDR && h->len > XENSTORE_PAYLOAD_MAX) {
            kprintf("guest-os: xenbus: a message of %u bytes from the store: reading stops\n", h->len);
            broken = 1;
        }
    }
    if (consumed) {
        struct evtchn_send send = { .port = store_port };
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    }
}

/* xenbus_port_event: see pv.h. */
void xenbus_port_event(evtchn_port_t port)
{
    if (!ring || port != store_port)
        return;
    tx_push();
    rx_poll();
}

/* ---- the kernel's synchronous calls ---- */

struct waiter {
    struct proc *p;
    int done, err, vlen;
    char *buf;
    size_t len;
};

static void wait_done(void *ctx, int err, const char *value, unsigned int len)
{
    struct waiter *w = ctx;
    w->done = 1;
    w->err = err;
    if (!err && w->buf && w->len) {
        size_t n = len < w->len - 1 ? len : w->len - 1;
        memcpy(w->buf, value, n);
        w->buf[n] = 0;
        w->vlen = (int)len;
    }
    if (w->p && w->p->state == PROC_SLEEPING)
        w->p->state = PROC_RUNNABLE;
}

/* Send and wait up to XENBUS_WAIT_NS for the reply: idle (boot) idles,
 * a process sleeps (a signal ends the wait). A request given up on is
 * orphaned. */
static int call(uint32_t type, const void *payload, uint32_t len, struct waiter *w)
{
    int idle = !current || current == &procs[0];
    w->p = idle ? NULL : current;
    int err;
    struct request *r = kernel_send(type, 0, payload, len, wait_done, w, &err);
    if (!r)
        return err;
    uint32_t id = r->id;
    uint64_t deadline = arch_time_ns() + XENBUS_WAIT_NS;
    while (!w->done && arch_time_ns() < deadline && (idle || !signal_pending())) {
        if (idle)
            arch_idle();
        else
            sleep_until(deadline);
    }
    if (w->done)
        return w->err;
    if (r->used && r->id == id)
        r->orphan = 1;
    return idle || !signal_pending() ? -ETIMEDOUT : -EINTR;
}

int xenbus_read(const char *path, char *buf, size_t len)
{
    struct waiter w = { .buf = buf, .len = len };
    int err = call(XS_READ, path, (uint32_t)strlen(path) + 1, &w);
    return err ? err : w.vlen;
}

int xenbus_write(const char *path, const char *value)
{
    static char msg[XENSTORE_PAYLOAD_MAX];
    uint32_t plen = (uint32_t)strlen(path) + 1, vlen = (uint32_t)strlen(value);
    if (plen + vlen > sizeof(msg))
        return -E2BIG;
    memcpy(msg, path, plen);
    memcpy(msg + plen, value, vlen);
    struct waiter w = { 0 };
    return call(XS_WRITE, msg, plen + vlen, &w);
}

static struct watch *watch_alloc(void)
{
    for (struct watch *w = watches; w < watches + NWATCH; w++)
        if (!w->used) {
            memset(w, 0, sizeof(*w));
            w->used = 1;
            return w;
        }
    return NULL;
}

static void kernel_watch_done(void *ctx, int err, const char *value, unsigned int len)
{
    (void)value; (void)len;
    struct watch *w = ctx;
    if (err) {
        kprintf("guest-os: xenbus: the store refused a watch on %s: %d\n", w->path, err);
        w->used = 0;
    }
}

int xenbus_watch(const char *path, const char *token, xenbus_watch_fn fn)
{
    if (strlen(path) >= WATCH_PATH_MAX || strlen(token) >= TOKEN_MAX)
        return -E2BIG;
    if (!ring)
        return -EIO;
    struct watch *w = watch_alloc();
    if (!w)
        return -ENOSPC;
    w->fn = fn;
    memcpy(w->path, path, strlen(path) + 1);
    memcpy(w->token, token, strlen(token) + 1);
    char msg[WATCH_PATH_MAX + KTOKEN_MAX];
    int err;
    if (!kernel_send(XS_WATCH, 0, msg, watch_payload(msg, path, (unsigned int)(w - watches)),
                     kernel_watch_done, w, &err))
        w->used = 0;
    return err;
}

/* ---- SYS_xenbus ---- */

/* A process's XS_WATCH / XS_UNWATCH payload "path\0token\0": the token
 * becomes its watch's kernel token (a new watch, or the caller's watch of
 * that path and token, which ends now). The new payload length, or
 * -EINVAL (malformed), -E2BIG (path or token too long for a watch slot),
 * -ENOSPC (no watch slot). An unwatch of no watch of the caller's goes
 * out unchanged: the store answers it. */
static int rewrite_watch(struct xsd_sockmsg *h, char *payload, int *slot)
{
    uint32_t plen = 0, tlen = 0;
    while (plen < h->len && payload[plen])
        plen++;
    while (plen + 1 + tlen < h->len && payload[plen + 1 + tlen])
        tlen++;
    if (plen + 1 + tlen >= h->len)
        return -EINVAL;
    const char *token = payload + plen + 1;
    if (plen >= WATCH_PATH_MAX || tlen >= TOKEN_MAX)
        return h->type == XS_WATCH ? -E2BIG : (int)h->len;
    struct watch *w = NULL;
    if (h->type == XS_WATCH) {
        if (!(w = watch_alloc()))
            return -ENOSPC;
        w->owner = current;
        memcpy(w->path, payload, plen + 1);
        memcpy(w->token, token, tlen + 1);
        *slot = (int)(w - watches);
    } else {
        for (struct watch *s = watches; s < watches + NWATCH && !w; s++)
            if (s->used && s->owner == current && !memcmp(s->path, payload, plen + 1) &&
                !memcmp(s->token, token, tlen + 1))
                w = s;
        if (!w)
            return (int)h->len;
        w->used = 0;                    /* events still on the way are dropped */
    }
    return (int)watch_payload(payload, w->path, (unsigned int)(w - watches));
}

static int slot_free(void)
{
    for (struct request *r = reqs; r < reqs + NREQ; r++)
        if (!r->used)
            return 1;
    return 0;
}

/* XENBUS_SEND: wait for queue room and a request slot, then copy the
 * message in, check it and queue it (nothing sleeps from the copy to the
 * queueing, so txbuf is not shared). */
static long xb_send(uint32_t ubuf, uint32_t len)
{
    if (len < HDR)
        return -EINVAL;
    if (len > MSG_MAX)
        return -E2BIG;
    while (out_room() < len + KTOKEN_MAX || !slot_free()) {
        if (signal_pending())
            return -EINTR;
        sleep_on(&room_chan);
    }
    if (copy_from_user(txbuf, ubuf, len))
        return -EFAULT;
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)txbuf;
    char *payload = txbuf + HDR;
    if (h->len != len - HDR || h->type == XS_WATCH_EVENT || h->type == XS_ERROR)
        return -EINVAL;
    if (h->tx_id && !tx_find(current, h->tx_id))
        return -EINVAL;
    int slot = -1;
    if (h->type == XS_WATCH || h->type == XS_UNWATCH) {
        int n = rewrite_watch(h, payload, &slot);
        if (n < 0)
            return n;
        h->len = (uint32_t)n;
    }
    if (h->type == XS_TRANSACTION_END && h->tx_id)
        tx_find(current, h->tx_id)->owner = NULL;
    struct request *r = req_alloc();
    r->owner = current;
    r->user_req_id = h->req_id;
    r->type = h->type;
    r->watch = slot;
    send_msg(r, h, payload);
    return 0;
}

/* XENBUS_RECV(_NOWAIT): the caller's oldest message. */
static long xb_recv(uint32_t ubuf, uint32_t len, int nowait)
{
    for (;;) {
        struct msg *m = NULL;
        for (struct msg *s = pool; s < pool + NMSG; s++)
            if (s->owner == current && (!m || s->seq - m->seq > 0x80000000u))
                m = s;
        if (m) {
            if (m->len > len)
                return -EMSGSIZE;
            if (copy_to_user(ubuf, m->data, m->len))
                return -EFAULT;
            m->owner = NULL;
            rx_poll();                  /* a message may have waited for the slot */
            return (long)m->len;
        }
        if (nowait)
            return -EAGAIN;
        if (signal_pending())
            return -EINTR;
        sleep_on(&rx_chan[current - procs]);
    }
}

/* xenbus(op, buf, len): see include/xen_user.h. */
long arch_sys_xenbus(uint32_t op, uint32_t ubuf, uint32_t len)
{
    if (op > XENBUS_RECV_NOWAIT)
        return -EINVAL;
    if (!ring)
        return -EIO;
    return op == XENBUS_SEND ? xb_send(ubuf, len) : xb_recv(ubuf, len, op == XENBUS_RECV_NOWAIT);
}

/* xenbus_proc_exit: see pv.h. */
void xenbus_proc_exit(struct proc *p)
{
    for (struct request *r = reqs; r < reqs + NREQ; r++)
        if (r->used && r->owner == p)
            r->orphan = 1;
    for (struct msg *m = pool; m < pool + NMSG; m++)
        if (m->owner == p)
            m->owner = NULL;
    for (struct watch *w = watches; w < watches + NWATCH; w++) {
        if (!w->used || w->owner != p)
            continue;
        char msg[WATCH_PATH_MAX + KTOKEN_MAX];
        int err;
        w->used = 0;
        kernel_send(XS_UNWATCH, 0, msg, watch_payload(msg, w->path, (unsigned int)(w - watches)),
                    NULL, NULL, &err);
        if (err)
            kprintf("guest-os: xenbus: cannot remove process %d's watch on %s: %d\n", p->pid, w->path, err);
    }
    for (struct tx *t = txs; t < txs + NTX; t++)
        if (t->owner == p) {
            t->owner = NULL;
            tx_abort(t->id);
        }
    rx_poll();
}
