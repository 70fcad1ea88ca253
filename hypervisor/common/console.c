/*
 * pvx: guest output on the hypervisor console. dom0's output (console_io)
 * goes out as it is; every other domain's is cut into lines, each prefixed
 * "(dN) ", so domains running side by side stay readable, and stripped of
 * control characters (as Xen does for all but the hardware domain), so a
 * domU cannot move the cursor, clear the screen or overwrite a line with
 * '\r' to pass its output off as the hypervisor's. A domU's PV console
 * ring (start_info.console.domU) has a port that waits for dom0, as on
 * Xen: dom0's console backend binds it and from then on drains the ring
 * through a grant mapping (guest-os's arch/pv/consback.c). While no
 * backend has bound the port (before dom0 runs one, with a dom0 that has
 * none, after it lets go), pvx serves the ring itself, as xenconsoled
 * would: it drains it when the guest notifies the port (before
 * EVTCHNOP_send returns), then raises the port to say there is room, so a
 * guest that notifies and then waits for out_cons to catch up never waits
 * long. Bytes never notified stay in the ring; what a backend had not
 * taken when its domain dies pvx prints (arch/x86/domain.c's domain_kill).
 * Console input goes where keyhandler.c's Ctrl-A switch points:
 * dom0's bytes wait in a small queue for CONSOLEIO_read (and raise
 * VIRQ_CONSOLE); a domU's go into its ring's in[] and its console port is
 * notified, if pvx serves the ring (keyhandler.c skips a domU whose ring a
 * backend serves: its input is the backend's to give).
 */
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/console.h>
#include <pvx/event.h>
#include <pvx/keyhandler.h>
#include <public/xen.h>
#include <public/io/console.h>

/* Print d's pending partial line (with its prefix) and empty it. */
static void flush_line(struct domain *d)
{
    char prefix[16];
    int n = snprintf(prefix, sizeof(prefix), "(d%u) ", d->domain_id);
    arch_console_write(prefix, (size_t)n);
    arch_console_write(d->console_line, d->console_line_len);
    d->console_line_len = 0;
}

/* console_domain_write: see pvx/console.h. */
void console_domain_write(struct domain *d, const char *buf, size_t len)
{
    if (d->domain_id == 0) {
        arch_console_write(buf, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        /* Xen's isprint(): ASCII and Latin-1 graphics, not the C0/C1
         * controls (0x9b is a one-byte CSI on some terminals). */
        unsigned char c = (unsigned char)buf[i];
        bool printable = (c >= 0x20 && c <= 0x7e) || c >= 0xa0 || c == '\t';
        if (!printable && c != '\n')
            continue;
        d->console_line[d->console_line_len++] = buf[i];
        if (buf[i] == '\n' || d->console_line_len == sizeof(d->console_line) - 1) {
            if (buf[i] != '\n')
                d->console_line[d->console_line_len++] = '\n';
            flush_line(d);
        }
    }
}

/* console_domain_flush: see pvx/console.h. */
void console_domain_flush(struct domain *d)
{
    if (d->console_line_len) {
        d->console_line[d->console_line_len++] = '\n';
        flush_line(d);
    }
}

/* console_ring_drain: see pvx/console.h. The indexes are the guest's to
 * write: read them once, mask every index into the ring, and never trust
 * prod - cons to be sane. */
void console_ring_drain(struct domain *d)
{
    if (d->console_mfn == INVALID_MFN)
        return;
    struct xencons_interface *ring = arch_mfn_to_virt(d->console_mfn);
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
    uint32_t avail = prod - cons;
    if (avail == 0)
        return;
    if (avail > sizeof(ring->out))
        avail = sizeof(ring->out);       /* a confused guest: take one ring's worth */
    char chunk[64];
    while (avail) {
        uint32_t n = 0;
        while (n < sizeof(chunk) && n < avail) {
            chunk[n] = ring->out[(cons + n) % sizeof(ring->out)];
            n++;
        }
        console_domain_write(d, chunk, n);
        cons += n;
        avail -= n;
    }
    __atomic_store_n(&ring->out_cons, cons, __ATOMIC_RELEASE);
    evtchn_set_pending(d, d->console_port);   /* tell the guest there is room */
}

/* console_served_by_pvx: see pvx/console.h. */
bool console_served_by_pvx(const struct domain *d)
{
    return d->domain_id != 0 && d->console_mfn != INVALID_MFN && d->console_port &&
           d->evtchn[d->console_port].state == ECS_UNBOUND;
}

/* console_backend_changed: see pvx/console.h. */
void console_backend_changed(struct domain *d, unsigned int port)
{
    if (d->domain_id == 0 || port != d->console_port || d->console_mfn == INVALID_MFN)
        return;
    if (console_served_by_pvx(d)) {
        printk("d%u: console ring served by pvx again (d%u let go of it)\n", d->domain_id,
               d->evtchn[port].remote_dom);
        console_ring_drain(d);          /* what came while the backend was leaving */
    } else {
        console_domain_flush(d);        /* its partial line (a prompt): now, not at its end */
        printk("d%u: console ring served by d%u's backend from now on\n", d->domain_id,
               d->evtchn[port].remote_dom);
    }
}

/* Bytes typed on the console for dom0, until it reads them (CONSOLEIO_read). */
static char input_ring[256];
static unsigned int input_head, input_tail;   /* head: next to read; tail: next to write */

/* Put c in domU d's console ring (in[], advancing in_prod) and notify its
 * console port, as xenconsoled does. in_cons is the guest's to write:
 * masked like every index, and a ring it has not emptied drops the byte. */
static void ring_input_push(struct domain *d, char c)
{
    if (d->console_mfn == INVALID_MFN)
        return;
    struct xencons_interface *ring = arch_mfn_to_virt(d->console_mfn);
    XENCONS_RING_IDX cons = __atomic_load_n(&ring->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&ring->in_prod, __ATOMIC_RELAXED);
    if (prod - cons >= sizeof(ring->in))
        return;
    ring->in[MASK_XENCONS_IDX(prod, ring->in)] = c;
    __atomic_store_n(&ring->in_prod, prod + 1, __ATOMIC_RELEASE);
    evtchn_set_pending(d, d->console_port);
}

/* console_input_push: see pvx/console.h. A full ring drops the byte. */
void console_input_push(char c)
{
    struct domain *d = console_input_domain();
    if (!d)
        return;
    if (d->domain_id != 0) {
        if (console_served_by_pvx(d))   /* else the backend writes in[], not pvx */
            ring_input_push(d, c);
        return;
    }
    if (input_tail - input_head >= sizeof(input_ring))
        return;
    input_ring[input_tail++ % sizeof(input_ring)] = c;
    send_global_virq(d, VIRQ_CONSOLE);
}

/* console_input_pop: see pvx/console.h. */
int console_input_pop(void)
{
    if (input_head == input_tail)
        return -1;
    return (unsigned char)input_ring[input_head++ % sizeof(input_ring)];
}
