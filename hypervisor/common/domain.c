/*
 * pvx: creating and destroying domains.
 *
 * A domain is its frames (owned in the frame table, counted in tot_pages),
 * its shared_info frame and its vCPU. Destroying it returns every frame to
 * the allocator: nothing the domain held outlives it.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/vcpu_timer.h>
#include <pvx/grant_table.h>
#include <public/xen.h>

static struct domain domains[MAX_DOMAINS];
static struct vcpu vcpus[MAX_DOMAINS];
static bool domain_used[MAX_DOMAINS];
struct vcpu *current;

/* domain_by_id: see pvx/domain.h. */
struct domain *domain_by_id(domid_t id)
{
    if (id >= MAX_DOMAINS || !domain_used[id])
        return NULL;
    return &domains[id];
}

/* domain_create: see pvx/domain.h. */
struct domain *domain_create(domid_t id, unsigned long max_pages, bool privileged)
{
    if (id >= MAX_DOMAINS || domain_used[id])
        return NULL;
    struct domain *d = &domains[id];
    struct vcpu *v = &vcpus[id];
    memset(d, 0, sizeof(*d));
    memset(v, 0, sizeof(*v));
    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_pages = max_pages;
    d->state = DOMAIN_RUNNING;
    d->vcpu0 = v;
    d->weight = 256;
    snprintf(d->name, sizeof(d->name), "d%u", id);
    v->domain = d;
    v->guest_table = INVALID_MFN;
    v->runstate = RUNSTATE_offline;
    d->console_mfn = INVALID_MFN;
    d->store_mfn = INVALID_MFN;
    domain_used[id] = true;

    if (alloc_shared_info_frame(d) == INVALID_MFN) {
        domain_used[id] = false;
        return NULL;
    }
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        si->vcpu_info[i].evtchn_upcall_mask = 1;
    update_domain_wallclock(d);
    evtchn_domain_init(d);
    grant_table_init(d);
    vcpu_timers_init(v);
    if (arch_vcpu_create(v) != 0) {
        release_domain_frames(d);
        domain_used[id] = false;
        return NULL;
    }
    return d;
}

/* shutdown_reason_name: see pvx/domain.h. */
const char *shutdown_reason_name(unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset" };
    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

/* domain_shutdown: see pvx/domain.h. */
void domain_shutdown(struct domain *d, unsigned int reason)
{
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_code = reason;
    printk("d%u: shutdown: %s\n", d->domain_id, shutdown_reason_name(reason));
}

/* domain_destroy: see pvx/domain.h. */
void domain_destroy(struct domain *d)
{
    vcpu_timers_destroy(d->vcpu0);
    if (d->vcpu0->poll_timer.fn)
        timer_stop(&d->vcpu0->poll_timer);
    evtchn_domain_destroy(d);
    grant_table_destroy(d);
    arch_vcpu_destroy(d->vcpu0);
    d->vcpu0->guest_table = INVALID_MFN;
    release_domain_frames(d);
    domain_used[d->domain_id] = false;
}
