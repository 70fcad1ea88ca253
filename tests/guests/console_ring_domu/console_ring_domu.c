/*
 * DomU program "console_ring_domu" (run by console_ring, not on its own):
 * a domU that prints only through its PV console ring (start_info
 * console.domU: the ring page, found through the M2P in its bootstrap
 * mapping, and the event channel to notify), never with console_io, the
 * way a Xen guest's hvc/xencons driver does:
 *  - phase A: 24 lines written as one byte stream in pieces of 1 to 250
 *    bytes, so lines are split across writes and some writes hold several
 *    lines; the backend is notified after every piece;
 *  - phase B: 24 more lines written without notifying until the ring is
 *    full (2048 bytes), then notify and wait, polling the console port and
 *    yielding, until out_cons catches up (as Xen guests do);
 *  - a line with control characters (escape, carriage return, bell, CSI),
 *    which the hypervisor drops;
 *  - its counts and result line, then a last line without a newline just
 *    before it powers off (the hypervisor prints what is left when the
 *    domain ends).
 * More than two rings' worth in all (about 6000 bytes), so the indexes
 * wrap. `expect` checks every line once, with its "(d1) " prefix and in
 * order. The ring's own rules are checked on the way: out_cons never
 * passes out_prod, the backend raises the console port after it takes
 * data (so a guest may sleep on it), and the port cannot be closed.
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/io/console.h>

#define LINES 24

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static unsigned int bytes, writes, notifies, room_waits, room_events;
static unsigned int passed, failed;

/* Copy as much of buf as fits into out[]; returns how much. */
static size_t ring_put(const char *buf, size_t len)
{
    XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
    __asm__ volatile("" ::: "memory");
    size_t n = 0;
    while (n < len && prod - cons < sizeof(ring->out)) {
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = buf[n++];
        prod++;
    }
    __asm__ volatile("" ::: "memory");     /* the bytes before the index (x86: in order) */
    ring->out_prod = prod;
    bytes += n;
    writes += n != 0;
    return n;
}

static void ring_notify(void)
{
    evtchn_send(port);
    notifies++;
}

/* Notify, then wait until the backend has taken everything (out_cons ==
 * out_prod): poll the console port with a 10 ms timeout, yield, look again. */
static void ring_wait_empty(void)
{
    ring_notify();
    room_waits++;
    uint64_t give_up = guest_now() + 10ull * NSEC_PER_SEC;
    while (ring->out_cons != ring->out_prod && guest_now() < give_up) {
        struct sched_poll p = { .nr_ports = 1, .timeout = guest_now() + 10000000ull };
        set_xen_guest_handle(p.ports, &port);
        HYPERVISOR_sched_op(SCHEDOP_poll, &p);
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
    if (evtchn_test_and_clear(port))
        room_events++;
}

/* Write all of buf; notify after it if `notify`, and whenever the ring is full. */
static void ring_write(const char *buf, size_t len, int notify)
{
    while (len) {
        size_t n = ring_put(buf, len);
        buf += n;
        len -= n;
        if (len)
            ring_wait_empty();
    }
    if (notify)
        ring_notify();
}

static void ring_puts(const char *s)
{
    ring_write(s, strlen(s), 1);
}

/* A check that reports through the ring. */
static void check(int ok, const char *what, int line)
{
    char msg[160];
    if (ok) {
        passed++;
        return;
    }
    failed++;
    guest_snprintf(msg, sizeof(msg), "FAIL console_ring_domu.c:%d: %s\n", line, what);
    ring_puts(msg);
}
#define RING_CHECK(cond) check(!!(cond), #cond, __LINE__)

/* Line i (1-based) of a phase: "ring X NN/24 <alphabet x4> end XNN\n". */
static size_t make_line(char *buf, size_t size, char phase, unsigned int i)
{
    const char *abc = "abcdefghijklmnopqrstuvwxyz";
    return (size_t)guest_snprintf(buf, size, "ring %c %02u/%u %s%s%s%s end %c%02u\n", phase, i, LINES,
                                  abc, abc, abc, abc, phase, i);
}

/* Phase A: one stream of LINES lines, written in pieces of varying size,
 * each notified. */
static void phase_a(void)
{
    static char stream[LINES * 160];
    static const size_t pieces[] = { 1, 7, 33, 100, 250, 61, 2, 128, 19, 200 };
    size_t len = 0;
    for (unsigned int i = 1; i <= LINES; i++)
        len += make_line(stream + len, sizeof(stream) - len, 'A', i);
    for (size_t at = 0, k = 0; at < len; k++) {
        size_t n = pieces[k % (sizeof(pieces) / sizeof(pieces[0]))];
        if (n > len - at)
            n = len - at;
        ring_write(stream + at, n, 1);
        at += n;
        RING_CHECK((XENCONS_RING_IDX)(ring->out_prod - ring->out_cons) <= sizeof(ring->out));
    }
}

/* Phase B: lines without notifications, until the ring fills. */
static void phase_b(void)
{
    unsigned int waits_before = room_waits;
    char line[160];
    for (unsigned int i = 1; i <= LINES; i++) {
        size_t n = make_line(line, sizeof(line), 'B', i);
        ring_write(line, n, 0);
    }
    ring_wait_empty();
    RING_CHECK(room_waits - waits_before >= 2);        /* once full, once at the end */
    RING_CHECK(ring->out_cons == ring->out_prod);
}

void test_main(void)
{
    events_mask();
    port = start_info->console.domU.evtchn;
    ring = mfn_to_va(start_info->console.domU.mfn);
    if (!ring || port == 0)
        test_exit("ERROR", "no console ring in start_info");   /* console_io: the ring is missing */
    evtchn_test_and_clear(port);
    struct evtchn_status s;
    RING_CHECK(evtchn_status(DOMID_SELF, port, &s) == 0);
    /* The port waits for dom0's backend, as on Xen; this dom0 (a test
     * guest) runs none, so pvx serves the ring. */
    RING_CHECK(s.status == EVTCHNSTAT_unbound && s.u.unbound.dom == 0);
    const char *hello = "ring: console ring up\n";
    ring_write(hello, strlen(hello), 0);
    ring_wait_empty();
    RING_CHECK(room_events == 1);                       /* the backend took it: room */
    ring_puts("ring: controls\x1b[0m\r\x07\x9b are dropped\n");
    phase_a();
    phase_b();
    RING_CHECK(room_events >= 1);
    char msg[160];
    guest_snprintf(msg, sizeof(msg), "ring: %u bytes in %u writes, %u notifications, waited %u times\n",
                   bytes, writes, notifies, room_waits);
    ring_puts(msg);
    guest_snprintf(msg, sizeof(msg), "%u passed, %u failed\nTest result: %s\n", passed, failed,
                   failed ? "FAILURE" : "SUCCESS");
    ring_puts(msg);
    ring_puts("ring: a last line without a newline");
    struct sched_shutdown off = { .reason = SHUTDOWN_poweroff };
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &off);
}
