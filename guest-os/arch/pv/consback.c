/*
 * guest-os PV: the console backend, in dom0's kernel (what xenconsoled is
 * to Xen's dom0, plus the terminal switch of `xl console`).
 *
 * Each domU's PV console ring (the page it granted to dom0 as grant 0,
 * GNTTAB_RESERVED_CONSOLE; include/public/io/console.h) and its console
 * port (which waits for dom0 until a backend binds it: pvx serves the
 * ring until then, hypervisor/common/console.c) are found with
 * HVMOP_get_param, as Xen's init-dom0less finds a boot-time domain's.
 *   connect    once a second (consback_tick) dom0 looks for domUs it does
 *              not serve yet: binds the console port (EVTCHNOP_
 *              bind_interdomain), maps grant 0 into the kernel (a page of
 *              windows[], its own frame unmapped first), and unmasks the
 *              port;
 *   drain      on each event of the port (evtchn_dispatch): out[] is
 *              copied out and out_cons advanced, then the domU is told
 *              there is room; the bytes go to dom0's console as lines
 *              prefixed "(dN) " with control characters dropped (as pvx
 *              does; a line waits, briefly, while dom0's own output is in
 *              the middle of a line), or, while a process is attached to
 *              the domain, raw;
 *   attach     SYS_xen_console (include/xen_user.h, the `console`
 *              program): the caller's terminal becomes the domU's: typed
 *              bytes go into in[] (the domU's own line discipline echoes
 *              them back through out[]) until Ctrl-] or the domain ends;
 *   disconnect when the domain is gone (the next look, or at once when
 *              touching its ring faults) or dom0 powers off: the partial
 *              line printed, the grant unmapped, the window's own frame
 *              mapped back, the port closed (pvx then serves the ring
 *              again, if the domain is still there).
 * A domU that dies is torn down by pvx at once, grant mapping included,
 * while dom0 may be in the middle of reading its ring (pvx can preempt it
 * anywhere). So every access to a ring goes through ring_copy, whose one
 * faulting instruction the page-fault path knows (arch_kernel_fault_fixup):
 * the copy returns -1 instead of the kernel panicking. The kernel runs
 * with events masked, so the event-time drain and the attached process's
 * input loop never interleave.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <pvx-guest/hypercall.h>
#define GUEST_OS_KERNEL
#include "xen_user.h"
#include "pv.h"

#define MAX_CONSOLES 16
#define SCAN_NS 1000000000ull         /* look for new and gone domUs once a second */
#define LINE_MAX 120                  /* a longer line is cut */
#define CTRL_RBRACKET 0x1d            /* Ctrl-]: detach, as xl console */
#define HOLD_NS 50000000ull           /* a domU line waits at most this for dom0's line to end */

struct console {
    domid_t domid;                    /* 0: the slot is free */
    evtchn_port_t port;               /* ours, bound to the domU's console port */
    grant_handle_t handle;
    char line[LINE_MAX + 1];          /* the partial line, not yet printed */
    uint32_t len;
};
static struct console consoles[MAX_CONSOLES];
/* Where each slot's ring is mapped: these pages' own frames are unmapped
 * while a grant is mapped in their place. */
static uint8_t windows[MAX_CONSOLES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* Domains whose console could not be connected (no console, or another
 * backend has it): not tried again while they exist. */
static uint32_t refused[(DOMID_FIRST_RESERVED + 31) / 32];
static struct console *attached;      /* the console a process has attached to */
static uint64_t next_scan;
static int stopped;
/* Whole domU lines, prefixed, held back while dom0's own output is in
 * the middle of a line (a process writing "xenstored: " and then the
 * rest), so neither line is cut in two; printed when dom0's line ends, or
 * after HOLD_NS (a shell prompt waits for input for ever). */
static char held[4096];
static uint32_t held_len;
static uint64_t held_since;

/* Print the held lines. */
static void release_held(void)
{
    uint32_t n = held_len;
    held_len = 0;                                /* before: the write calls back */
    if (n)
        arch_console_write(held, n);
}

/* consback_line_start: see pv.h. */
void consback_line_start(void)
{
    release_held();
}

/* One whole prefixed line to the console, or held back (see held[]). */
static void put_line(const char *line, uint32_t n)
{
    if ((console_mid_line() || held_len) && held_len + n <= sizeof(held)) {
        if (!held_len)
            held_since = arch_time_ns();
        memcpy(held + held_len, line, n);
        held_len += n;
        return;
    }
    release_held();
    arch_console_write(line, n);
}

/* int ring_copy(void *dst, const void *src, uint32_t n): 0, or -1 if an
 * access faulted (the ring went away). */
int ring_copy(void *dst, const void *src, uint32_t n);
__asm__(".text\n"
        ".globl ring_copy\n"
        "ring_copy:\n"
        "    push %esi\n"
        "    push %edi\n"
        "    mov 12(%esp), %edi\n"
        "    mov 16(%esp), %esi\n"
        "    mov 20(%esp), %ecx\n"
        "ring_copy_access:\n"
        "    rep movsb\n"
        "    xor %eax, %eax\n"
        "ring_copy_done:\n"
        "    pop %edi\n"
        "    pop %esi\n"
        "    ret\n"
        "ring_copy_fault:\n"
        "    mov $-1, %eax\n"
        "    jmp ring_copy_done\n");
extern const char ring_copy_access[], ring_copy_fault[];

/* arch_kernel_fault_fixup: see kernel/arch.h. */
int arch_kernel_fault_fixup(struct trapframe *tf)
{
    if (tf->vector != 14 || tf->eip != (uint32_t)ring_copy_access)
        return 0;
    tf->eip = (uint32_t)ring_copy_fault;
    return 1;
}

static struct xencons_interface *ring_of(const struct console *c)
{
    return (struct xencons_interface *)windows[c - consoles];
}

static void notify(const struct console *c)
{
    struct evtchn_send send = { .port = c->port };
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

/* Print c's partial line, prefixed, and empty it. */
static void flush_line(struct console *c)
{
    char out[LINE_MAX + 16];
    uint32_t n = (uint32_t)ksnprintf(out, sizeof(out), "(d%u) ", c->domid);   /* at most 9 */
    memcpy(out + n, c->line, c->len);
    n += c->len;
    out[n++] = '\n';
    put_line(out, n);
    c->len = 0;
}

/* n bytes of c's output to the console: raw to an attached terminal,
 * else line by line, prefixed, printable bytes only (pvx's rule for a
 * domU's output: no cursor moves, no '\r' over another's line). */
static void emit(struct console *c, const char *buf, uint32_t n)
{
    if (attached == c) {
        release_held();
        arch_console_write(buf, n);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\n') {
            flush_line(c);
            continue;
        }
        if (!((ch >= 0x20 && ch <= 0x7e) || ch >= 0xa0 || ch == '\t'))
            continue;
        c->line[c->len++] = (char)ch;
        if (c->len == LINE_MAX)
            flush_line(c);
    }
}

static void disconnect(struct console *c, const char *why);

/* Take everything in c's out[] (at most one ring's worth: the indexes
 * are the domU's to write), then tell it there is room. */
static void drain(struct console *c)
{
    struct xencons_interface *r = ring_of(c);
    XENCONS_RING_IDX idx[2];                     /* out_cons, out_prod */
    static char buf[sizeof(r->out)];             /* not on a kernel stack: drains never nest */
    if (ring_copy(idx, (const void *)&r->out_cons, sizeof(idx))) {
        disconnect(c, "has gone");
        return;
    }
    uint32_t avail = idx[1] - idx[0];
    if (avail == 0)
        return;
    if (avail > sizeof(r->out))
        avail = sizeof(r->out);
    uint32_t start = MASK_XENCONS_IDX(idx[0], r->out);
    uint32_t first = avail < sizeof(r->out) - start ? avail : (uint32_t)sizeof(r->out) - start;
    XENCONS_RING_IDX cons = idx[0] + avail;
    if (ring_copy(buf, r->out + start, first) || ring_copy(buf + first, r->out, avail - first) ||
        ring_copy((void *)&r->out_cons, &cons, sizeof(cons))) {
        disconnect(c, "has gone");
        return;
    }
    emit(c, buf, avail);
    notify(c);
}

/* Put ch into c's in[]: 1 if done, 0 if the ring is full, -1 if it went away. */
static int push_input(struct console *c, char ch)
{
    struct xencons_interface *r = ring_of(c);
    XENCONS_RING_IDX idx[2];                     /* in_cons, in_prod */
    if (ring_copy(idx, (const void *)&r->in_cons, sizeof(idx)))
        return -1;
    if (idx[1] - idx[0] >= sizeof(r->in))
        return 0;
    XENCONS_RING_IDX prod = idx[1] + 1;
    if (ring_copy(r->in + MASK_XENCONS_IDX(idx[1], r->in), &ch, 1) ||
        ring_copy((void *)&r->in_prod, &prod, sizeof(prod)))
        return -1;
    notify(c);
    return 1;
}

/* Map machine frame of the kernel page at va back (or unmap it: mfn 0). */
static void window_map(void *va, uint32_t mfn)
{
    uint32_t pte = mfn ? (mfn << 12) | PTE_KERNEL : 0;
    if (HYPERVISOR_update_va_mapping((unsigned long)va, pte, 0, UVMF_INVLPG))
        panic("consback: cannot %s the window at %p", mfn ? "restore" : "clear", va);
}

static void disconnect(struct console *c, const char *why)
{
    if (c->len)
        flush_line(c);
    struct gnttab_unmap_grant_ref u = { .host_addr = (uint64_t)(uintptr_t)ring_of(c), .handle = c->handle };
    /* GNTST_bad_handle: pvx tore the mapping down when the domain died. */
    if (HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1) ||
        (u.status != GNTST_okay && u.status != GNTST_bad_handle))
        kprintf("guest-os: console backend: d%u: unmapping its ring: status %d\n", c->domid, u.status);
    window_map(ring_of(c), p2m[(uintptr_t)ring_of(c) >> 12]);
    evtchn_close(c->port);
    kprintf("guest-os: console backend: d%u %s\n", c->domid, why);
    if (attached == c)
        attached = NULL;                         /* the attached process sees it next tick */
    c->domid = 0;
}

static int is_refused(domid_t id)
{
    return (refused[id / 32] >> (id % 32)) & 1;
}

static void set_refused(domid_t id, int on)
{
    if (on)
        refused[id / 32] |= 1u << (id % 32);
    else
        refused[id / 32] &= ~(1u << (id % 32));
}

/* Serve domid's console in a free slot; a domain that has none, or whose
 * port or grant dom0 cannot have, is marked refused. */
static void connect(domid_t domid)
{
    struct console *c = NULL;
    for (struct console *s = consoles; s < consoles + MAX_CONSOLES && !c; s++)
        if (!s->domid)
            c = s;
    if (!c)
        return;                                  /* all slots busy: look again later */
    struct xen_hvm_param param = { .domid = domid, .index = HVM_PARAM_CONSOLE_EVTCHN };
    if (HYPERVISOR_hvm_op(HVMOP_get_param, &param) || param.value == 0 || param.value >= 1024) {
        set_refused(domid, 1);
        return;
    }
    struct evtchn_bind_interdomain bind = { .remote_dom = domid, .remote_port = (evtchn_port_t)param.value };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
    if (rc) {
        kprintf("guest-os: console backend: d%u: cannot bind its console port %u (%ld)\n", domid,
                (unsigned int)param.value, rc);
        set_refused(domid, 1);
        return;
    }
    void *va = ring_of(c);
    window_map(va, 0);
    struct gnttab_map_grant_ref map = { .host_addr = (uint64_t)(uintptr_t)va, .flags = GNTMAP_host_map,
                                        .ref = GNTTAB_RESERVED_CONSOLE, .dom = domid };
    if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1) || map.status != GNTST_okay) {
        kprintf("guest-os: console backend: d%u: cannot map its console ring (grant %u): status %d\n",
                domid, GNTTAB_RESERVED_CONSOLE, map.status);
        window_map(va, p2m[(uintptr_t)va >> 12]);
        evtchn_close(bind.local_port);
        set_refused(domid, 1);
        return;
    }
    *c = (struct console){ .domid = domid, .port = bind.local_port, .handle = map.handle };
    kprintf("guest-os: console backend: d%u connected (port %u, grant %u)\n", domid,
            (unsigned int)param.value, GNTTAB_RESERVED_CONSOLE);
    evtchn_unmask(c->port);
    drain(c);                                    /* what it wrote before we came */
}

/* Drop the consoles of domains that are gone or dying; connect the new. */
static void scan(void)
{
    struct xen_domctl_getdomaininfo info;
    for (struct console *c = consoles; c < consoles + MAX_CONSOLES; c++)
        if (c->domid && (xen_domain_next(c->domid, &info) != c->domid || (info.flags & XEN_DOMINF_dying)))
            disconnect(c, "has gone");
    static uint32_t seen[sizeof(refused) / sizeof(refused[0])];   /* 4 KiB: not on the stack */
    memset(seen, 0, sizeof(seen));
    for (int id = 1; (id = xen_domain_next((domid_t)id, &info)) > 0; id++) {
        seen[id / 32] |= 1u << (id % 32);
        int served = 0;
        for (struct console *c = consoles; c < consoles + MAX_CONSOLES; c++)
            served |= c->domid == id;
        if (!served && !is_refused((domid_t)id) && !(info.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown)))
            connect((domid_t)id);
    }
    for (unsigned int w = 0; w < sizeof(refused) / sizeof(refused[0]); w++)
        refused[w] &= seen[w];                   /* a gone domain's id may come back */
}

/* consback_tick: see pv.h. */
void consback_tick(void)
{
    if (stopped || !is_dom0())
        return;
    uint64_t now = arch_time_ns();
    if (held_len && now - held_since >= HOLD_NS)
        release_held();
    if (now < next_scan)
        return;
    next_scan = now + SCAN_NS;
    scan();
}

/* consback_port_event: see pv.h. */
int consback_port_event(evtchn_port_t port)
{
    for (struct console *c = consoles; c < consoles + MAX_CONSOLES; c++)
        if (c->domid && c->port == port) {
            drain(c);
            return 1;
        }
    return 0;
}

/* consback_stop: see pv.h. */
void consback_stop(void)
{
    release_held();
    for (struct console *c = consoles; c < consoles + MAX_CONSOLES; c++)
        if (c->domid) {
            drain(c);
            if (c->domid)
                disconnect(c, "handed back to pvx (dom0 powers off)");
        }
    stopped = 1;
}

/* xen_console(GOS_CONSOLE_ATTACH, domid): see include/xen_user.h. The
 * terminal is polled once a tick, as the console device is (fs.c); a
 * byte that does not fit in a full in[] waits for the next tick. */
static long attach(uint32_t domid)
{
    struct console *c = NULL;
    for (struct console *s = consoles; s < consoles + MAX_CONSOLES && !c; s++)
        if (s->domid && s->domid == domid)
            c = s;
    if (!c)
        return -ESRCH;
    if (attached)
        return -EBUSY;
    attached = c;
    if (c->len) {                                /* e.g. its prompt: shown as it is */
        arch_console_write(c->line, c->len);
        c->len = 0;
    }
    drain(c);
    int held = -1;
    long rc;
    for (;;) {
        if (attached != c) {
            rc = 1;                              /* disconnect() ended it: the domain is gone */
            break;
        }
        int ch = held >= 0 ? held : arch_console_read_byte();
        held = -1;
        if (ch == CTRL_RBRACKET) {
            rc = 0;
            break;
        }
        if (ch >= 0) {
            int pushed = push_input(c, (char)ch);
            if (pushed < 0) {
                disconnect(c, "has gone");
                rc = 1;
                break;
            }
            if (pushed)
                continue;                        /* take the next byte at once */
            held = ch;
        }
        if (signal_pending()) {
            rc = -EINTR;
            break;
        }
        sleep_until(arch_time_ns() + TICK_NS);
    }
    if (attached == c)
        attached = NULL;
    return rc;
}

/* SYS_xen_console: see include/xen_user.h. */
long arch_sys_xen_console(uint32_t op, uint32_t domid, uint32_t unused)
{
    (void)unused;
    if (!is_dom0())
        return -EPERM;
    if (op != GOS_CONSOLE_ATTACH)
        return -EINVAL;
    if (stopped)
        return -ESRCH;
    return attach(domid);
}
