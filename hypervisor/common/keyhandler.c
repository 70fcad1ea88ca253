/*
 * pvx: debug keys on the hypervisor console, in Xen's style. Console input
 * goes to dom0 at first; pressing Ctrl-A three times switches it, as in
 * Xen, to each running domU in turn (into its console ring, common/
 * console.c), then to the hypervisor, then back to dom0. While the
 * hypervisor has it, each key below dumps some state.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/event.h>
#include <pvx/keyhandler.h>
#include <pvx/console.h>
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
    static const char *const names[] = { "free", "reserved", "unbound", "interdomain", "virq", "ipi" };
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
#define FOCUS_HYPERVISOR (-1)
static unsigned int ctrl_a_count;
/* Who gets console input: a domain id, or FOCUS_HYPERVISOR (debug keys). */
static int input_focus;

/* Can domain `id` take console input? dom0 (console_io) or a running domU
 * whose console ring pvx serves (one that dom0's backend serves gets its
 * input from there: `console N` in guest-os's dom0). */
static bool can_take_input(int id)
{
    struct domain *d = domain_by_id((domid_t)id);
    if (!d || d->state != DOMAIN_RUNNING)
        return false;
    return id == 0 || console_served_by_pvx(d);
}

/* The switch after `focus`, in Xen's order: dom0, each domU that can take
 * input (by id), the hypervisor, dom0 again. */
static int next_focus(int focus)
{
    if (focus == FOCUS_HYPERVISOR)
        return 0;
    for (int id = focus + 1; id < MAX_DOMAINS; id++)
        if (can_take_input(id))
            return id;
    return FOCUS_HYPERVISOR;
}

/* Say where input goes now. */
static void announce_focus(const char *why)
{
    if (input_focus == FOCUS_HYPERVISOR) {
        printk("*** console input now goes to the hypervisor (Ctrl-A x3 to switch); 'h' for help\n");
        return;
    }
    struct domain *d = domain_by_id((domid_t)input_focus);
    printk("*** console input now goes to %s (input to d%d; Ctrl-A x3 to switch)%s\n",
           d ? d->name : "?", input_focus, why);
}

/* console_input_domain: see pvx/keyhandler.h. */
struct domain *console_input_domain(void)
{
    if (input_focus == FOCUS_HYPERVISOR)
        return NULL;
    if (input_focus != 0 && !can_take_input(input_focus)) {
        int gone = input_focus;
        input_focus = 0;
        char why[48];
        snprintf(why, sizeof(why), "; d%d has stopped", gone);
        announce_focus(why);
        return NULL;          /* this byte was meant for the stopped domain */
    }
    return domain_by_id((domid_t)input_focus);
}

/* console_input_byte: see pvx/keyhandler.h. */
int console_input_byte(char c)
{
    if (c == CTRL_A) {
        if (++ctrl_a_count == 3) {
            ctrl_a_count = 0;
            input_focus = next_focus(input_focus);
            announce_focus("");
        }
        return -1;
    }
    ctrl_a_count = 0;
    if (input_focus == FOCUS_HYPERVISOR) {
        handle_debug_key(c);
        return -1;
    }
    return (unsigned char)c;
}
