/*
 * guest-os: what user programs of the PV build may do with the hypervisor
 * (issue 5: the store daemon, its clients, the balloon policy). Like
 * Linux's /dev/xen/{evtchn,gntdev,xenbus} and privcmd, but as system
 * calls. The native build answers every one with ENOSYS.
 *
 *   xenbus   any domain: talk to the store through the kernel's own store
 *            connection (the kernel multiplexes its processes' requests
 *            over the domain's store ring, as Linux's /dev/xen/xenbus).
 *   evtchn   dom0 only: bind event channels to the calling process and
 *            wait for them (the store daemon's rings).
 *   gntmap   dom0 only: map another domain's granted page into the calling
 *            process (the store daemon maps each domain's store ring, the
 *            console backend its console ring).
 *   domains  dom0 only: the domains that exist, with what the store
 *            daemon needs to connect to them.
 * Every resource a process takes (ports, mappings, its xenbus watches and
 * transactions) is released when it exits.
 */
#ifndef GUEST_OS_XEN_USER_H
#define GUEST_OS_XEN_USER_H

#include <stdint.h>

/* ---- SYS_xenbus: xenbus(op, buf, len) ---- */
/* XENBUS_SEND: buf holds one message: struct xsd_sockmsg (include/public/
 *   io/xs_wire.h) + payload. The kernel gives it a req_id of its own on
 *   the ring and gives the reply back to this process with the caller's
 *   req_id restored. Returns 0 or -errno (EINVAL malformed, E2BIG payload
 *   over XENSTORE_PAYLOAD_MAX, ENOSYS native, EIO no store connection).
 * XENBUS_RECV: the next reply or watch event (XS_WATCH_EVENT) for this
 *   process into buf (header + payload), blocking until one comes; returns
 *   its length, or -EMSGSIZE if len is too small (the message stays),
 *   -EINTR on a signal. XENBUS_RECV_NOWAIT: the same, -EAGAIN if none.
 * Watches a process sets (XS_WATCH) fire to that process only; they and
 * its open transactions end when it exits. */
#define XENBUS_SEND        0
#define XENBUS_RECV        1
#define XENBUS_RECV_NOWAIT 2

/* ---- SYS_xen_evtchn: xen_evtchn(op, struct gos_evtchn *) (dom0 only) ---- */
#define GOS_EVTCHN_ALLOC_UNBOUND    0  /* remote_dom -> port (a new port of ours, for remote_dom) */
#define GOS_EVTCHN_BIND_INTERDOMAIN 1  /* remote_dom, remote_port -> port */
#define GOS_EVTCHN_NOTIFY           2  /* port */
#define GOS_EVTCHN_UNBIND           3  /* port */
#define GOS_EVTCHN_WAIT             4  /* timeout_ms (0: forever) -> port: one of ours that fired
                                          (its pending state cleared), -ETIMEDOUT, -EINTR */
#define GOS_EVTCHN_BIND_VIRQ        5  /* virq (VIRQ_DOM_EXC only) -> port */
struct gos_evtchn {
    uint32_t remote_dom;
    uint32_t remote_port;
    uint32_t port;
    uint32_t timeout_ms;
    uint32_t virq;
};

/* ---- SYS_xen_gntmap: xen_gntmap(op, struct gos_gntmap *) (dom0 only) ---- */
#define GOS_GNTMAP_MAP   0   /* domid, ref, writable -> va: a fresh page of the caller's
                                address space mapping the grant */
#define GOS_GNTMAP_UNMAP 1   /* va */
struct gos_gntmap {
    uint32_t domid;
    uint32_t ref;
    uint32_t writable;
    uint32_t va;
};

/* ---- SYS_xen_domains: xen_domains(domid, struct gos_dominfo *) (dom0 only) ---- */
/* Fills info for the first domain with id >= domid; returns its id, or
 * -ESRCH if there is none. Start with 0. */
#define GOS_DOM_RUNNING  1
#define GOS_DOM_SHUTDOWN 2   /* stopped, not yet gone */
#define GOS_DOM_DYING    4
struct gos_dominfo {
    uint32_t domid;
    uint32_t flags;          /* GOS_DOM_* */
    uint32_t tot_pages;      /* current_reservation */
    uint32_t max_pages;      /* maxmem */
    uint32_t store_port;     /* the domain's store port that waits for dom0
                                (for dom0 itself: the port the kernel's own
                                store connection waits on); 0 if none */
    uint32_t store_ref;      /* grant ref of its store page for dom0:
                                GNTTAB_RESERVED_XENSTORE (1) */
    char name[32];           /* from pvx's domain line, if it can be had; else "dN" */
};

/* ---- SYS_xen_physinfo: xen_physinfo(struct gos_physinfo *) (dom0 only) ---- */
/* The machine's memory (XEN_SYSCTL_physinfo): what the automatic balloon
 * may hand out. 0, or -EPERM (not dom0), -ENOSYS (native). */
struct gos_physinfo {
    uint32_t total_pages;    /* machine frames */
    uint32_t free_pages;     /* frames free in the hypervisor */
    uint32_t cpu_khz;
};

/* ---- SYS_xen_console: xen_console(op, domid) (dom0 only) ---- */
/* dom0's kernel is the domUs' console backend (arch/pv/consback.c): it
 * drains each domU's console ring and prints it as "(dN) " lines.
 * GOS_CONSOLE_ATTACH: the caller's terminal becomes domid's console (its
 *   output raw, every typed byte into its ring) until Ctrl-] is typed
 *   (returns 0) or the domain ends (returns 1). -ESRCH: the backend does
 *   not serve a console of domid (no such domU, not connected yet, or
 *   dom0 is powering off); -EBUSY: another process is attached; -EINTR:
 *   a signal; -EINVAL: another op; -EPERM: not dom0; -ENOSYS: native. */
#define GOS_CONSOLE_ATTACH 0

#ifndef GUEST_OS_KERNEL
int xen_physinfo(struct gos_physinfo *info);
int xen_console(int op, unsigned int domid);
int xenbus(int op, void *buf, unsigned int len);
/* One store request (type XS_*, payload of len bytes) and its reply, watch
 * events and others' replies skipped (lib/xs_client.c): the reply's
 * payload length, with the payload copied NUL-terminated into reply (cut
 * to reply_len - 1; reply may be NULL), or -errno: the store's XS_ERROR
 * (-ENOENT, -EACCES, ...) or the call's. */
int xs_call(uint32_t type, const void *payload, unsigned int len, char *reply, unsigned int reply_len);
int xen_evtchn(int op, struct gos_evtchn *arg);
int xen_gntmap(int op, struct gos_gntmap *arg);
int xen_domains(unsigned int domid, struct gos_dominfo *info);
#endif

#endif
