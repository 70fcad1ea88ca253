/*
 * pvx test guests: event channels (events.c, event_entry.S).
 *
 * - evtchn_*(): event_channel_op wrappers that return the new port (>= 0)
 *   or -errno, and views of the shared_info bitmaps.
 * - events_install_callback() registers event_entry (event_entry.S) as the
 *   event callback. On each upcall it records the bounce frame in
 *   last_upcall, acknowledges the upcall as a guest kernel does (clears
 *   evtchn_upcall_pending, takes the selector word), calls upcall_hook if
 *   set, and returns with the iret hypercall (which unmasks events again).
 *   It leaves the per-port pending bits alone: the test reads and clears
 *   them (evtchn_test_and_clear, wait_for_port).
 * - An upcall comes only while vcpu_info.evtchn_upcall_mask is 0, at the
 *   next return from the hypervisor (a hypercall, trap or interrupt):
 *   events_unmask() only clears the mask; events_enable() also makes a
 *   hypercall (xen_version(0), as Xen guests do) if an upcall is pending.
 *   Unmasking with an upcall pending and no callback crashes the domain.
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include "guest.h"
#include <public/event_channel.h>

/* Sub-ops. */
long evtchn_alloc_unbound(domid_t dom, domid_t remote_dom);
long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
long evtchn_bind_ipi(uint32_t vcpu);
long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long evtchn_close(evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);           /* EVTCHNOP_unmask: redelivers */
long evtchn_reset(domid_t dom);
/* Fills *out (dom and port set from the arguments); 0 or -errno. */
long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *out);

/* shared_info bitmaps (no hypercall). */
int evtchn_is_pending(evtchn_port_t port);
int evtchn_is_masked(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
/* Clear the pending bit; was it set? */
int evtchn_test_and_clear(evtchn_port_t port);

/* vCPU 0's upcall mask and flags. */
void events_mask(void);
void events_unmask(void);
void events_enable(void);                         /* unmask, deliver what is pending */
void events_force(void);                          /* a hypercall: a delivery point */
int upcall_pending(void);
/* Clear every pending bit, the selector and upcall_pending. */
void events_clear_all(void);

/* The event callback. */
struct upcall_record {
    unsigned int count;         /* upcalls since upcall_reset() */
    uint32_t eip, cs, eflags;   /* the bounce frame: where the vCPU was */
    uint32_t eax;               /* its eax then (a hypercall's result) */
    uint32_t frame_va;          /* esp at the callback: the frame's eip slot */
    uint8_t mask_at_entry;      /* evtchn_upcall_mask in the callback (1) */
    uint8_t pending_at_entry;   /* evtchn_upcall_pending in the callback */
    uint32_t sel;               /* the selector word this upcall took */
};
extern volatile struct upcall_record last_upcall;
extern void (*volatile upcall_hook)(void);        /* called inside the callback */
extern char event_entry[];                        /* event_entry.S */
/* Register event_entry with callback_op (ends the test on failure). */
void events_install_callback(void);
void upcall_reset(void);

/* Spin with events unmasked (making a yield hypercall each time round, a
 * delivery point) until port is pending; clear it and return 1, or 0
 * after WAIT_FOR_PORT_SPINS rounds. The mask is restored. Needs the
 * callback installed. */
#define WAIT_FOR_PORT_SPINS 1000000u
int wait_for_port(evtchn_port_t port);

#endif
