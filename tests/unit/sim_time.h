/*
 * pvx host tests: a clock and a hardware timer the tests drive
 * (sim_time.c implements pvx/time.h for host builds).
 *
 * NOW() returns sim time, which moves only when a test moves it. The
 * simulated hardware timer is perfect: sim_time_advance() walks time
 * forward and "interrupts" (calls timers_run()) exactly at each programmed
 * deadline on the way, as the real handler would.
 */
#ifndef PVX_SIM_TIME_H
#define PVX_SIM_TIME_H

#include <pvx/time.h>

struct sim_time_stats {
    s_time_t deadline;              /* last arch_timer_program() argument */
    unsigned long programs;         /* arch_timer_program() calls */
    unsigned long interrupts;       /* simulated timer interrupts */
    unsigned long system_time_updates, wallclock_updates;
};
extern struct sim_time_stats sim_time_stats;

/* Set the clock (no interrupts) and clear the stats; deadline = STIME_MAX. */
void sim_time_reset(s_time_t now);
/* Set the clock without running anything (a late or missed interrupt). */
void sim_time_set(s_time_t now);
/* Move the clock to `until`, interrupting at every programmed deadline on
 * the way (a deadline in the past interrupts at once). */
void sim_time_advance_to(s_time_t until);
/* One timer interrupt now, whatever is programmed. */
void sim_time_interrupt(void);

/* Wallclock update_domain_wallclock() publishes. */
#define SIM_WC_SEC 1700000000u
#define SIM_WC_NSEC 123456789u

#endif
