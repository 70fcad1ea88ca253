/* guest-os PV: what the files of arch/pv share. */
#ifndef GUEST_OS_PV_H
#define GUEST_OS_PV_H

#include <public/xen.h>
#include <public/event_channel.h>

struct mem_range;

/* Set by head.S: start_info (esi at entry) and the top of the boot stack. */
extern start_info_t *start_info;
extern unsigned long boot_stack_top;
/* shared_info, mapped by arch_init (NULL before). */
extern shared_info_t *shared_info;
extern const uint32_t trap_stub_table[256];

/* The kernel address of machine frame mfn: the kernel maps pfn at
 * va = pfn * 4096, and pvx's read-only M2P (XENMEM_machphys_mapping, at
 * 0xF5800000 in every address space) gives the pfn. */
static inline void *mfn_to_virt(uint32_t mfn)
{
    return (void *)(((const uint32_t *)0xF5800000)[mfn] << 12);
}

/* time.c: register the event callback, bind VIRQ_TIMER, start the tick,
 * then the store connection (xenbus_init). */
void events_init(void);
/* memory.c: map every pfn of start_info->nr_pages not yet mapped (up to
 * the 1 GiB kernel window) at va = pfn * 4096, with L1 tables ready for
 * all of maxmem; move the p2m to a copy sized for maxmem; set *free to
 * the pages from there to the end of maxmem (present up to nr_pages). */
void memory_init(struct mem_range *free);
/* The p2m: pfn -> mfn, p2m_pages entries (maxmem); ~0 where the balloon
 * holds the pfn (no frame). */
extern uint32_t *p2m;
extern uint32_t p2m_pages;
#define P2M_NO_FRAME 0xFFFFFFFFu
/* balloon.c: pfns [nr_pages, max_pfn) start in the balloon. */
void balloon_init(uint32_t nr_pages, uint32_t max_pfn);
/* Each timer tick (event context): follow the store's memory/target a few
 * batches at a time; four times a second publish memory/stats/. */
void balloon_tick(void);

/* consback.c, dom0's console backend for the domUs. Each timer tick: once
 * a second, connect to new domUs' console rings, drop gone ones. */
void consback_tick(void);
/* An event on a port no process owns: 1 if it was a console's (drained). */
int consback_port_event(evtchn_port_t port);
/* dom0 powers off: drain and let go of every ring (pvx serves them again). */
void consback_stop(void);
/* console.c, after a write that ended a line: print the domU lines held
 * back while the console was in the middle of one of dom0's. */
void consback_line_start(void);
/* Was the last byte written to the console something other than '\n'? */
int console_mid_line(void);

/* How the kernel maps its own pages (P RW A D). */
#define PTE_KERNEL 0x063u

/* domains.c: the domain with the lowest id >= from (XEN_DOMCTL_
 * getdomaininfo, its info in *info): its id, or pvx's -errno (-ESRCH: none). */
struct xen_domctl_getdomaininfo;
int xen_domain_next(uint16_t from, struct xen_domctl_getdomaininfo *info);

/* ---- the hypervisor for user programs (include/xen_user.h) ---- */
struct proc;
/* evtchn.c: is this domain dom0 (start_info SIF_INITDOMAIN)? */
int is_dom0(void);
/* A hypercall's result as a system call's: 0, the same errno for those
 * both sides mean alike (EPERM, ESRCH, EINVAL, ...), else -EIO. */
int xen_errno(long rc);
/* evtchn.c: the events of one word of ports (time.c's arch_timer_ack,
 * after clearing them): a process's port is marked fired and its owner
 * woken; any other goes to xenbus_port_event. */
void evtchn_dispatch(unsigned int word, uint32_t ready);
/* Unmask a port (an event pending on it is delivered now). */
void evtchn_unmask(evtchn_port_t port);
/* Mask and close a port. */
void evtchn_close(evtchn_port_t port);
/* xenbus.c: the store connection, set up by events_init (time.c). */
void xenbus_init(void);
/* An event on a port no process owns: xenbus.c acts if it is the store's. */
void xenbus_port_event(evtchn_port_t port);
/* The port the kernel's store connection waits on (0: none). */
evtchn_port_t xenbus_store_port(void);
/* p has ended: its requests in flight are forgotten (their replies
 * dropped), its watches removed and its transactions aborted in the store. */
void xenbus_proc_exit(struct proc *p);

#endif
