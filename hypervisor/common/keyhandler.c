/*
 * pvx: debug keys on the hypervisor console, in Xen's style. Pressing
 * Ctrl-A three times switches console input between dom0 and the
 * hypervisor; while the hypervisor has it, each key below dumps some state.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/keyhandler.h>
#include <pvx/sched.h>
#include <pvx/time.h>
#include <public/xen.h>

static const char *const runstate_names[] = { "running", "runnable", "blocked", "offline" };
static const char *const domain_state_names[] = { "running", "shutdown", "crashed" };

/* 'q': every domain and its vCPU; each also gets VIRQ_DEBUG (as in Xen),
 * so a guest can print its own view next to the hypervisor's. */
static void dump_domains(void)
{
    printk("'q' pressed: domains and vCPUs\n");
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_by_id(id);
        if (!d)
            continue;
        struct vcpu *v = d->vcpu0;
        char paused[24] = "";
        if (v->pause_count)     /* by the toolstack (domctl pausedomain), this many times */
            snprintf(paused, sizeof(paused), " paused (x%u)", v->pause_count);
        printk("  d%u %-10s %s%s%s pages %lu/%lu weight %u cap %u%%\n", id, d->name,
               domain_state_names[d->state], d->is_privileged ? " privileged" : "", paused,
               d->tot_pages, d->max_pages, d->weight, d->cap);
        printk("    vcpu0 %s cpu time %lld ms, credit %d%s\n", runstate_names[v->runstate],
               (long long)(v->cpu_time / 1000000), v->credit, v->parked ? " (parked: over cap)" : "");
        send_guest_virq(v, VIRQ_DEBUG);
    }
}

/* 'r': the scheduler's view. */
static void dump_runqueue(void)
{
    printk("'r' pressed: run queue at %lld ms\n", (long long)(NOW() / 1000000));
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_by_id(id);
        if (d && (d->vcpu0->runstate == RUNSTATE_runnable || d->vcpu0->runstate == RUNSTATE_running))
            printk("  d%u vcpu0 %s credit %d%s\n", id, runstate_names[d->vcpu0->runstate],
                   d->vcpu0->credit, d->vcpu0->parked ? " parked" : "");
    }
}

/* 'm': machine memory. */
static void dump_memory(void)
{
    unsigned long owned = 0;
    printk("'m' pressed: memory\n");
    printk("  machine frames %llu, free %lu\n", (unsigned long long)max_mfn, frame_alloc_free_count());
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_by_id(id);
        if (d) {
            printk("  d%u: %lu frames (max %lu)\n", id, d->tot_pages, d->max_pages);
            owned += d->tot_pages;
        }
    }
    printk("  domains hold %lu frames in all\n", owned);
}

/* 'e': every bound event channel. */
static void dump_evtchns(void)
{
    static const char *const names[] = { "free", "reserved", "unbound", "interdomain", "virq", "ipi", "xen" };
    printk("'e' pressed: event channels\n");
    for (domid_t id = 0; id < MAX_DOMAINS; id++) {
        struct domain *d = domain_by_id(id);
        if (!d)
            continue;
        for (unsigned int port = 1; port < EVTCHN_MAX_PORTS; port++) {
            const struct evtchn *e = &d->evtchn[port];
            if (e->state == ECS_FREE)
                continue;
            printk("  d%u port %u: %s", id, port, e->state < ARRAY_SIZE(names) ? names[e->state] : "?");
            if (e->state == ECS_INTERDOMAIN)
                printk(" -> d%u port %u", e->remote_dom, e->remote_port);
            else if (e->state == ECS_UNBOUND)
                printk(" (for d%u)", e->remote_dom);
            else if (e->state == ECS_VIRQ)
                printk(" %u", e->virq);
            printk("%s\n", evtchn_is_pending(d, port) ? " pending" : "");
        }
    }
}

/* 'h' and anything unknown. */
static void dump_help(void)
{
    printk("debug keys (Ctrl-A three times gives input back to dom0):\n");
    printk("  h  this help\n  q  domains and vCPUs\n  r  run queue\n  m  memory\n  e  event channels\n");
}

/* handle_debug_key: see pvx/keyhandler.h. */
void handle_debug_key(char key)
{
    switch (key) {
    case 'q': dump_domains(); break;
    case 'r': dump_runqueue(); break;
    case 'm': dump_memory(); break;
    case 'e': dump_evtchns(); break;
    default: dump_help(); break;
    }
}

#define CTRL_A 0x01
static unsigned int ctrl_a_count;
static bool input_to_hypervisor;

/* console_input_byte: see pvx/keyhandler.h. */
int console_input_byte(char c)
{
    if (c == CTRL_A) {
        if (++ctrl_a_count == 3) {
            ctrl_a_count = 0;
            input_to_hypervisor = !input_to_hypervisor;
            printk("*** console input now goes to %s (Ctrl-A x3 to switch)%s\n",
                   input_to_hypervisor ? "the hypervisor" : "dom0",
                   input_to_hypervisor ? "; 'h' for help" : "");
        }
        return -1;
    }
    ctrl_a_count = 0;
    if (input_to_hypervisor) {
        handle_debug_key(c);
        return -1;
    }
    return (unsigned char)c;
}
