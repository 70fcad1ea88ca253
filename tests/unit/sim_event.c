/*
 * pvx host tests: domains with event channels and the scheduler hooks the
 * event core calls (see sim_event.h).
 */
#include <pvx/lib.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/sched.h>
#include <public/xen.h>
#include "sim_event.h"

unsigned long sim_evtchn_kicks;

/* The vCPU whose hypercall is running (common/domain.c's in the hypervisor). */
__attribute__((weak)) struct vcpu *current;

__attribute__((weak)) void vcpu_wake(struct vcpu *v)
{
    if (v->runstate == RUNSTATE_blocked)
        v->runstate = RUNSTATE_runnable;
}

__attribute__((weak)) void vcpu_kick(struct vcpu *v)
{
    sim_evtchn_kicks++;
    vcpu_wake(v);
}

struct domain *sim_evtchn_domain_create(domid_t id, bool privileged, struct sim_as *as)
{
    struct domain *d = sim_domain_create(id, 64);
    d->is_privileged = privileged;
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        si->vcpu_info[i].evtchn_upcall_mask = 1;
    evtchn_domain_init(d);
    sim_build_as(d, as);
    return d;
}

void sim_evtchn_domain_destroy(struct domain *d)
{
    if (current == d->vcpu0)
        current = NULL;
    evtchn_domain_destroy(d);
    sim_domain_destroy(d);
}

void sim_evtchn_enter(struct domain *d)
{
    current = d->vcpu0;
    sim_set_current(d->vcpu0);
}
