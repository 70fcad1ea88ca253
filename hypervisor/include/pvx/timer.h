/*
 * pvx: software timers on the one hardware timer. (common/timer.c)
 * A timer calls fn(data) from the timer interrupt, with interrupts off, no
 * earlier than its deadline. The hardware is always programmed for the
 * earliest active timer and for nothing when none is active.
 */
#ifndef PVX_TIMER_H
#define PVX_TIMER_H
#include <pvx/time.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    bool active;
    struct timer *next;          /* sorted list, earliest first */
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data);
/* (Re)arm t for `expires` (a time in the past fires at the next interrupt). */
void timer_set(struct timer *t, s_time_t expires);
void timer_stop(struct timer *t);
/* Run every timer whose deadline has passed, then reprogram the hardware.
 * Called by the arch timer interrupt handler. */
void timers_run(void);

#endif
