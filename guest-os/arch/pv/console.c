/*
 * guest-os PV: the console. Where arch/native does port I/O on COM1:
 *   dom0   console_io, the hypervisor's own console (pvx lets only dom0
 *          read it: CONSOLEIO_read is EPERM for anyone else);
 *   domU   its Xen PV console ring (start_info.console.domU): one page
 *          shared with the console backend (pvx itself, until dom0 runs
 *          one) holding out[] (our output) and in[] (keyboard input) with
 *          free-running indices (include/public/io/console.h). The writer
 *          of a ring advances its producer index after the bytes and
 *          notifies the other side on the console port (EVTCHNOP_send);
 *          the reader advances the consumer index.
 * The ring page lies in the bootstrap mapping, at its pfn's address (the
 * M2P gives the pfn). Input is polled: kernel/fs.c reads each tick, and
 * the port's event, which arrives through the timer's upcall, is simply
 * cleared with the others (arch_timer_ack).
 */
#include "../../kernel/kernel.h"
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/io/console.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

static struct xencons_interface *ring;      /* a domU's, once found */
static evtchn_port_t ring_port;

/* The domU console ring, or NULL for dom0 (and a domU without one, which
 * can still write with console_io). Found on first use, so the console
 * works before arch_init: it needs only start_info and the M2P. */
static struct xencons_interface *domu_ring(void)
{
    if (!ring && !(start_info->flags & SIF_INITDOMAIN) && start_info->console.domU.mfn) {
        ring_port = start_info->console.domU.evtchn;
        ring = mfn_to_virt(start_info->console.domU.mfn);
    }
    return ring;
}

/* Tell the backend the ring moved. */
static void ring_notify(void)
{
    struct evtchn_send send = { .port = ring_port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Copy all of s into out[], notifying after each chunk; when the ring is
 * full, notify and yield until the backend has consumed some (pvx drains
 * the ring before EVTCHNOP_send returns, so this rarely waits). */
static void ring_write(struct xencons_interface *r, const char *s, size_t len)
{
    while (len) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);
        XENCONS_RING_IDX prod = r->out_prod;
        uint32_t used = prod - cons;
        if (used >= sizeof(r->out)) {
            ring_notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        size_t n = sizeof(r->out) - used;
        if (n > len)
            n = len;
        for (size_t i = 0; i < n; i++)
            r->out[MASK_XENCONS_IDX(prod + i, r->out)] = s[i];
        __atomic_store_n(&r->out_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
        ring_notify();
        s += n;
        len -= n;
    }
}

static int mid_line;     /* the last byte written was not a newline */

/* console_mid_line: see pv.h. */
int console_mid_line(void)
{
    return mid_line;
}

/* All of s to the console: the ring (a domU) or console_io. When a
 * write ends a line, dom0's console backend may print the domU lines it
 * held back meanwhile. */
void arch_console_write(const char *s, size_t len)
{
    struct xencons_interface *r = domu_ring();
    if (r)
        ring_write(r, s, len);
    else
        HYPERVISOR_console_io(CONSOLEIO_write, len, (char *)s);
    if (len) {
        mid_line = s[len - 1] != '\n';
        if (!mid_line && !r)
            consback_line_start();
    }
}

/* One byte from in[] (a domU) or CONSOLEIO_read (dom0); -1 if none. */
int arch_console_read_byte(void)
{
    struct xencons_interface *r = domu_ring();
    if (!r) {
        char c;
        if (!(start_info->flags & SIF_INITDOMAIN))
            return -1;
        return HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) == 1 ? (unsigned char)c : -1;
    }
    XENCONS_RING_IDX cons = r->in_cons;
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
    if (cons == prod)
        return -1;
    unsigned char c = (unsigned char)r->in[MASK_XENCONS_IDX(cons, r->in)];
    __atomic_store_n(&r->in_cons, cons + 1, __ATOMIC_RELEASE);
    ring_notify();                               /* there is room again */
    return c;
}
