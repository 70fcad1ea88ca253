/*
 * pvx host tests: domains with event channels, and the scheduler hooks the
 * event core calls (sim_event.c).
 *
 * The hooks (vcpu_kick, vcpu_wake) and `current` are weak: a test that
 * links a real implementation gets that one. These count kicks and do what
 * pvx/sched.h promises (a blocked vCPU becomes runnable).
 */
#ifndef PVX_SIM_EVENT_H
#define PVX_SIM_EVENT_H

#include "sim.h"

extern unsigned long sim_evtchn_kicks;     /* vcpu_kick() calls */

/* A sim domain (sim_domain_create) with its ports set up as domain_create
 * does (evtchn_domain_init, every upcall masked), the standard address
 * space of sim.h built in *as, and is_privileged as given. */
struct domain *sim_evtchn_domain_create(domid_t id, bool privileged, struct sim_as *as);
/* Tear it down as domain_destroy does: ports first (peers go unbound). */
void sim_evtchn_domain_destroy(struct domain *d);
/* Make d's vCPU the one whose hypercall runs (current, and the address
 * space copy_{from,to}_guest use). */
void sim_evtchn_enter(struct domain *d);

#endif
