/*
 * guest-os PV: the tick, system time, interrupts and idle through events.
 * Where arch/native programs the PIC and PIT and uses cli/sti/hlt:
 *   tick        IRQ 0 on vector 0x20     -> VIRQ_TIMER bound to a port
 *                                           (EVTCHNOP_bind_virq), the
 *                                           10 ms periodic timer (vcpu_op)
 *   interrupt   IDT gate, PIC EOI        -> the event callback (callback_op)
 *                                           enters the vector-0x20 stub;
 *                                           we clear the pending bits
 *   cli/sti     eflags.IF                -> vcpu_info.evtchn_upcall_mask;
 *                                           after unmasking, a pending
 *                                           upcall is forced with a hypercall
 *   hlt         wait for the PIT         -> set_timer_op one tick ahead
 *                                           (the periodic timer stops while
 *                                           blocked), then SCHEDOP_block
 *   time        TSC calibrated by PIT    -> vcpu_time_info and the TSC
 *   wallclock   CMOS clock at boot       -> shared_info wc_* (the wallclock
 *                                           at system time 0)
 */
#include "../../kernel/kernel.h"
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

static evtchn_port_t timer_port;

static volatile struct vcpu_info *vcpu0(void) { return &shared_info->vcpu_info[0]; }

void events_init(void)
{
    struct callback_register cb = { .type = CALLBACKTYPE_event, .flags = CALLBACKF_mask_events,
                                    .address = { FLAT_RING1_CS, trap_stub_table[TIMER_VECTOR] } };
    if (HYPERVISOR_callback_op(CALLBACKOP_register, &cb))
        panic("callback_op: cannot register the event callback");
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind))
        panic("event_channel_op: cannot bind VIRQ_TIMER");
    timer_port = bind.port;
    __atomic_fetch_and(&shared_info->evtchn_mask[timer_port / 32], ~(1u << (timer_port % 32)),
                       __ATOMIC_SEQ_CST);
    struct vcpu_set_periodic_timer period = { .period_ns = TICK_NS };
    if (HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period))
        panic("vcpu_op: cannot set the periodic timer");
    xenbus_init();                          /* the store connection's port and page */
}

/* Take every pending, unmasked event; say whether the timer's was one. */
int arch_timer_ack(void)
{
    volatile struct vcpu_info *vi = vcpu0();
    vi->evtchn_upcall_pending = 0;
    uint32_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    int ticked = 0;
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctz(sel);
        sel &= sel - 1;
        uint32_t ready = shared_info->evtchn_pending[w] & ~shared_info->evtchn_mask[w];
        __atomic_fetch_and(&shared_info->evtchn_pending[w], ~ready, __ATOMIC_SEQ_CST);
        if (w == timer_port / 32 && (ready >> (timer_port % 32)) & 1)
            ticked = 1;
        evtchn_dispatch(w, ready);          /* the other ports: processes', the store's */
    }
    if (ticked) {
        balloon_tick();                     /* the store's memory/target, the stats */
        consback_tick();                    /* dom0: the domUs' consoles */
    }
    return ticked;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* system_time + ((((tsc - tsc_timestamp) << tsc_shift) * mul) >> 32), read
 * under the version seqlock (docs/abi.md, "Time"). */
uint64_t arch_time_ns(void)
{
    volatile struct vcpu_time_info *t = &vcpu0()->time;
    uint32_t version;
    uint64_t ns;
    do {
        version = t->version;
        __asm__ volatile("" ::: "memory");
        uint64_t delta = rdtsc() - t->tsc_timestamp;
        int8_t shift = t->tsc_shift;
        delta = shift < 0 ? delta >> -shift : delta << shift;
        uint32_t mul = t->tsc_to_system_mul;
        ns = t->system_time + (delta >> 32) * mul + (((uint64_t)(uint32_t)delta * mul) >> 32);
        __asm__ volatile("" ::: "memory");
    } while ((version & 1) || version != t->version);
    return ns;
}

/* wc_sec (its high word in arch.wc_sec_hi) and wc_nsec are the wallclock
 * at system time 0, read under the wc_version seqlock (docs/abi.md,
 * "Time"); system time is added outside it. */
uint64_t arch_wallclock_ns(void)
{
    volatile shared_info_t *si = shared_info;
    uint32_t version;
    uint64_t sec, nsec;
    do {
        version = si->wc_version;
        __asm__ volatile("" ::: "memory");
        sec = ((uint64_t)si->arch.wc_sec_hi << 32) | si->wc_sec;
        nsec = si->wc_nsec;
        __asm__ volatile("" ::: "memory");
    } while ((version & 1) || version != si->wc_version);
    return sec * 1000000000ull + nsec + arch_time_ns();
}

void arch_irq_disable(void)
{
    vcpu0()->evtchn_upcall_mask = 1;
    __asm__ volatile("" ::: "memory");
}

/* An event that came while masked is only marked pending: any hypercall
 * delivers it on the way back. */
void arch_irq_enable(void)
{
    __asm__ volatile("" ::: "memory");
    vcpu0()->evtchn_upcall_mask = 0;
    __asm__ volatile("" ::: "memory");
    if (vcpu0()->evtchn_upcall_pending)
        HYPERVISOR_xen_version(XENVER_version, NULL);
}

/* SCHEDOP_block unmasks events and returns when one arrives (the upcall
 * runs first); the periodic timer is stopped meanwhile, so a single-shot
 * timer one tick ahead keeps sleepers waking. */
void arch_idle(void)
{
    uint64_t deadline = arch_time_ns() + TICK_NS;
    HYPERVISOR_set_timer_op((uint32_t)deadline, (uint32_t)(deadline >> 32));
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    arch_irq_disable();
}
