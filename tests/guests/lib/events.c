/* pvx test guests: event channel helpers and the event callback (see events.h). */
#include "events.h"

volatile struct upcall_record last_upcall;
void (*volatile upcall_hook)(void);

/* What event_entry saved, lowest address first. */
struct upcall_regs {
    uint32_t es, ds;
    uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;   /* pusha */
    uint32_t eip, cs, eflags;                                 /* the bounce frame */
};

static volatile struct vcpu_info *vcpu0(void)
{
    if (!shared_info)
        test_exit("ERROR", "events need shared_info mapped");
    return &shared_info->vcpu_info[0];
}

static long op(unsigned int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

long evtchn_alloc_unbound(domid_t dom, domid_t remote_dom)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote_dom };
    long rc = op(EVTCHNOP_alloc_unbound, &a);
    return rc ? rc : (long)a.port;
}

long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote_dom, .remote_port = remote_port };
    long rc = op(EVTCHNOP_bind_interdomain, &b);
    return rc ? rc : (long)b.local_port;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = op(EVTCHNOP_bind_virq, &b);
    return rc ? rc : (long)b.port;
}

long evtchn_bind_ipi(uint32_t vcpu)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = op(EVTCHNOP_bind_ipi, &b);
    return rc ? rc : (long)b.port;
}

long evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };
    return op(EVTCHNOP_bind_vcpu, &b);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_close c = { .port = port };
    return op(EVTCHNOP_close, &c);
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };
    return op(EVTCHNOP_send, &s);
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = { .port = port };
    return op(EVTCHNOP_unmask, &u);
}

long evtchn_reset(domid_t dom)
{
    struct evtchn_reset r = { .dom = dom };
    return op(EVTCHNOP_reset, &r);
}

long evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *out)
{
    memset(out, 0, sizeof(*out));
    out->dom = dom;
    out->port = port;
    return op(EVTCHNOP_status, out);
}

/* The bitmaps hold 32 ports per word; the guest may change them at any time. */
static volatile uint32_t *word_of(volatile xen_ulong_t *bitmap, evtchn_port_t port)
{
    return &bitmap[port / 32];
}

int evtchn_is_pending(evtchn_port_t port)
{
    vcpu0();
    return (*word_of(shared_info->evtchn_pending, port) >> (port % 32)) & 1;
}

int evtchn_is_masked(evtchn_port_t port)
{
    vcpu0();
    return (*word_of(shared_info->evtchn_mask, port) >> (port % 32)) & 1;
}

void evtchn_mask(evtchn_port_t port)
{
    vcpu0();
    __atomic_fetch_or(word_of(shared_info->evtchn_mask, port), 1u << (port % 32), __ATOMIC_SEQ_CST);
}

int evtchn_test_and_clear(evtchn_port_t port)
{
    vcpu0();
    uint32_t bit = 1u << (port % 32);
    return (__atomic_fetch_and(word_of(shared_info->evtchn_pending, port), ~bit,
                               __ATOMIC_SEQ_CST) & bit) != 0;
}

void events_mask(void)
{
    vcpu0()->evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
}

void events_unmask(void)
{
    __asm__ volatile("" ::: "memory");
    vcpu0()->evtchn_upcall_mask = 0;
}

void events_force(void)
{
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

void events_enable(void)
{
    events_unmask();
    if (upcall_pending())
        events_force();
}

int upcall_pending(void)
{
    return vcpu0()->evtchn_upcall_pending;
}

void events_clear_all(void)
{
    volatile struct vcpu_info *vi = vcpu0();
    for (unsigned int w = 0; w < 32; w++)
        __atomic_store_n(&shared_info->evtchn_pending[w], 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    vi->evtchn_upcall_pending = 0;
}

/* Called by event_entry with events masked. */
void event_upcall(struct upcall_regs *r)
{
    volatile struct vcpu_info *vi = vcpu0();
    last_upcall.count++;
    last_upcall.eip = r->eip;
    last_upcall.cs = r->cs;
    last_upcall.eflags = r->eflags;
    last_upcall.eax = r->eax;
    last_upcall.frame_va = (uint32_t)&r->eip;
    last_upcall.mask_at_entry = vi->evtchn_upcall_mask;
    last_upcall.pending_at_entry = vi->evtchn_upcall_pending;
    vi->evtchn_upcall_pending = 0;
    last_upcall.sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    if (upcall_hook)
        upcall_hook();
}

void upcall_reset(void)
{
    last_upcall.count = 0;
    last_upcall.eip = last_upcall.cs = last_upcall.eflags = last_upcall.eax = 0xdeadbeef;
    last_upcall.frame_va = last_upcall.sel = 0xdeadbeef;
    last_upcall.mask_at_entry = last_upcall.pending_at_entry = 0xff;
}

void events_install_callback(void)
{
    struct callback_register r = { .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
                                   .address = { FLAT_RING1_CS, (uint32_t)event_entry } };
    long rc = HYPERVISOR_callback_op(CALLBACKOP_register, &r);
    if (rc) {
        guest_printf("events_install_callback: callback_op: %ld\n", rc);
        test_exit("ERROR", "cannot register the event callback");
    }
    upcall_reset();
}

int wait_for_port(evtchn_port_t port)
{
    uint8_t was_masked = vcpu0()->evtchn_upcall_mask;
    events_enable();
    int seen = 0;
    for (unsigned int i = 0; i < WAIT_FOR_PORT_SPINS && !(seen = evtchn_test_and_clear(port)); i++)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (was_masked)
        events_mask();
    return seen;
}
