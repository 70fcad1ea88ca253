/*
 * pvx: software timers on the one hardware timer (see pvx/timer.h).
 *
 * Invariants:
 *  - Every active timer is on exactly one list: `timers` (sorted by
 *    deadline, earliest first; equal deadlines in the order they were set)
 *    or, while timers_run() works, `expired` (taken off `timers`, not yet
 *    run). An inactive timer is on neither.
 *  - Outside timers_run(), the hardware is programmed for the head of
 *    `timers`, or for nothing (STIME_MAX) when it is empty.
 *  - A timer's function runs at most once per timer_set(), never before the
 *    deadline, and never after a timer_stop() that followed that set.
 * Everything runs with interrupts off (hypercalls, the timer interrupt), so
 * no locking; timer functions may set and stop timers, including their own.
 */
#include <pvx/lib.h>
#include <pvx/timer.h>

static struct timer *timers;        /* armed, sorted */
static struct timer *expired;       /* due in the current timers_run() */
static bool running;                /* inside timers_run(): it reprograms at the end */

/* Remove t from whichever list holds it. */
static void unlink_timer(struct timer *t)
{
    struct timer **lists[] = { &timers, &expired };
    for (unsigned int i = 0; i < ARRAY_SIZE(lists); i++) {
        for (struct timer **p = lists[i]; *p; p = &(*p)->next) {
            if (*p == t) {
                *p = t->next;
                t->next = NULL;
                return;
            }
        }
    }
}

/* Point the hardware at the earliest deadline (not from inside timers_run). */
static void reprogram(void)
{
    if (!running)
        arch_timer_program(timers ? timers->expires : STIME_MAX);
}

/* timer_init: see pvx/timer.h. */
void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
    *t = (struct timer){ .fn = fn, .data = data };
}

/* timer_set: see pvx/timer.h. The hardware is reprogrammed only when the
 * earliest deadline changes. */
void timer_set(struct timer *t, s_time_t expires)
{
    struct timer *old_head = timers;
    if (t->active)
        unlink_timer(t);
    t->expires = expires;
    t->active = true;
    struct timer **p = &timers;
    while (*p && (*p)->expires <= expires)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    if (timers != old_head || t == timers)
        reprogram();
}

/* timer_stop: see pvx/timer.h. */
void timer_stop(struct timer *t)
{
    if (!t->active)
        return;
    bool was_head = t == timers;
    unlink_timer(t);
    t->active = false;
    if (was_head)
        reprogram();
}

/* timers_run: see pvx/timer.h. The due timers are first moved to `expired`
 * as a batch, so a function that re-arms a timer for a time that has
 * already passed does not keep this loop going: that timer runs at the next
 * interrupt, which the hardware is programmed to raise at once. */
void timers_run(void)
{
    s_time_t now = NOW();
    running = true;
    struct timer **tail = &timers;
    while (*tail && (*tail)->expires <= now)
        tail = &(*tail)->next;
    if (tail != &timers) {          /* cut the list after the last due timer */
        expired = timers;
        timers = *tail;
        *tail = NULL;
    }
    while (expired) {
        struct timer *t = expired;
        expired = t->next;
        t->next = NULL;
        t->active = false;
        t->fn(t->data);
    }
    running = false;
    reprogram();
}
