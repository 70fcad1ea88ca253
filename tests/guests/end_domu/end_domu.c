/*
 * DomU program "end_domu" (run by domu_crash and many_domains, not on its
 * own): an unprivileged domain that works for a while and then ends in
 * one of the ways a domain can end, so the dom0 tests can check that each
 * way frees the domain, tells dom0 (VIRQ_DOM_EXC) and leaves the other
 * domains running.
 *
 * Command line: work=MS end=HOW
 *   work=MS   sleep on 5 ms singleshot timers (VIRQ_TIMER, SCHEDOP_poll)
 *             for MS milliseconds first, checking each wake-up is no
 *             earlier than its deadline, so domains end at different times;
 *   end=      poweroff (the runtime's SUCCESS line, SHUTDOWN_poweroff),
 *             reboot / crash / watchdog (SCHEDOP_shutdown with that reason),
 *             trap (a #UD with the trap table cleared: the hypervisor
 *             crashes the domain, "no handler for trap 6"),
 *             event (an upcall pending when events are unmasked, with an
 *             event callback whose code selector is null: the hypervisor
 *             crashes the domain).
 * Just before it ends it prints "end_domu: worked N ms in T timers, ending
 * with HOW".
 */
#include "domains.h"
#include <public/vcpu.h>

/* Sleep ms milliseconds on singleshot timers; returns how many fired. */
static unsigned int work(unsigned long ms)
{
    if (ms == 0)
        return 0;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long timer = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(timer > 0);
    if (timer <= 0)
        return 0;
    unsigned int fired = 0;
    uint64_t end = guest_now() + ms * 1000000ull;
    while (guest_now() < end) {
        uint64_t deadline = guest_now() + 5000000ull;
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline };
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
        if (!port_wait((evtchn_port_t)timer)) {
            check_true(0, "the singleshot timer fired", __FILE__, __LINE__);
            break;
        }
        CHECK(guest_now() >= deadline);
        fired++;
    }
    CHECK_EQ(evtchn_close((evtchn_port_t)timer), 0);
    return fired;
}

/* An upcall pending, a null-selector event callback, then unmask. */
static void end_by_event(void)
{
    long ipi = evtchn_bind_ipi(0);
    CHECK(ipi > 0);
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);      /* events masked: only flagged */
    CHECK_EQ(upcall_pending(), 1);
    CHECK_EQ(HYPERVISOR_set_callbacks(0, (unsigned long)event_entry, 0, 0), 0);
    if (checks_failed)
        test_finish();
    events_enable();
}

/* The ways to end, in the order of `hows`: the first four are
 * SCHEDOP_shutdown reasons. */
enum end { END_POWEROFF, END_REBOOT, END_CRASH, END_WATCHDOG, END_TRAP, END_EVENT, NR_ENDS };
static const char *const hows[NR_ENDS] = { "poweroff", "reboot", "crash", "watchdog", "trap", "event" };
static const unsigned int reasons[END_TRAP] = { SHUTDOWN_poweroff, SHUTDOWN_reboot, SHUTDOWN_crash,
                                                SHUTDOWN_watchdog };

void test_main(void)
{
    enum end how = END_POWEROFF;
    while (how < NR_ENDS && !cmdline_is("end", hows[how]))
        how++;
    if (how == NR_ENDS)
        test_exit("ERROR", "no end=poweroff|reboot|crash|watchdog|trap|event");
    CHECK_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), 0);
    events_mask();
    unsigned long ms = cmdline_arg("work", 0);
    unsigned int timers = work(ms);
    if (checks_failed)
        test_finish();
    guest_printf("end_domu: worked %lu ms in %u timers, ending with %s\n", ms, timers, hows[how]);
    if (how == END_POWEROFF)
        return;                                         /* SUCCESS, then poweroff */
    if (how < END_TRAP) {
        struct sched_shutdown s = { .reason = reasons[how] };
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &s);
    } else if (how == END_TRAP) {
        HYPERVISOR_set_trap_table(NULL);
        __asm__ volatile("ud2");
    } else {
        end_by_event();
    }
    test_exit("FAILURE", "the domain outlived its end");
}
