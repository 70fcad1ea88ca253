/*
 * Host tests for hypervisor/common/timer.c: the sorted timer list on the
 * one hardware timer. What the rest of pvx relies on:
 *  - timers fire in deadline order (equal deadlines in the order set),
 *    never before their deadline, once per timer_set();
 *  - the hardware is always programmed for the earliest active timer, and
 *    for nothing (STIME_MAX) when none is active;
 *  - timer_stop() means the function will not run, even when the timer is
 *    already due in the same interrupt; timer_set() on an armed timer moves it;
 *  - a deadline in the past fires at the next interrupt, which is asked for
 *    at once; a function re-arming its timer (periodic) works, and one
 *    re-arming it in the past does not spin inside one interrupt.
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/timer.h>
#include "sim_time.h"

#define MAX_LOG 64

/* What fired, in order, and when. */
static struct { int id; s_time_t at; } fired[MAX_LOG];
static unsigned int nr_fired;

struct test_timer {
    struct timer t;
    int id;
    s_time_t rearm;             /* > 0: re-arm at expires + rearm (periodic) */
    bool rearm_in_past;         /* re-arm for a time already passed */
    struct timer *stop_other;   /* stop this one when firing */
    struct timer *set_other;    /* set this one to NOW() when firing */
};

static void log_fire(void *data)
{
    struct test_timer *tt = data;
    if (nr_fired < MAX_LOG)
        fired[nr_fired++] = (typeof(fired[0])){ tt->id, NOW() };
    if (tt->rearm)
        timer_set(&tt->t, tt->t.expires + tt->rearm);
    if (tt->rearm_in_past)
        timer_set(&tt->t, NOW() - 1);
    if (tt->stop_other)
        timer_stop(tt->stop_other);
    if (tt->set_other)
        timer_set(tt->set_other, NOW());
}

static struct test_timer timers[8];

static void setup(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(timers); i++)
        timer_stop(&timers[i].t);           /* left armed by a failed test */
    sim_time_reset(MILLISECS(1000));
    nr_fired = 0;
    for (unsigned int i = 0; i < ARRAY_SIZE(timers); i++) {
        timers[i] = (struct test_timer){ .id = (int)i };
        timer_init(&timers[i].t, log_fire, &timers[i]);
    }
}

static void teardown_timers(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(timers); i++)
        timer_stop(&timers[i].t);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
}

static void test_order(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base + 30);
    timer_set(&timers[1].t, base + 10);
    timer_set(&timers[2].t, base + 20);
    timer_set(&timers[3].t, base + 20);      /* same deadline as 2: after it */
    sim_time_advance_to(base + 100);
    CU_ASSERT_EQUAL_FATAL(nr_fired, 4);
    int want[] = { 1, 2, 3, 0 };
    s_time_t when[] = { 10, 20, 20, 30 };
    for (unsigned int i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(fired[i].id, want[i]);
        CU_ASSERT_EQUAL(fired[i].at, base + when[i]);
    }
    for (unsigned int i = 0; i < 4; i++)
        CU_ASSERT_FALSE(timers[i].t.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    /* Three distinct deadlines, three interrupts (2 and 3 share one). */
    CU_ASSERT_EQUAL(sim_time_stats.interrupts, 3);
}

static void test_programs_earliest(void)
{
    setup();
    s_time_t base = NOW();
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    timer_set(&timers[0].t, base + 500);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 500);
    timer_set(&timers[1].t, base + 700);     /* later: hardware unchanged */
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 500);
    unsigned long programs = sim_time_stats.programs;
    timer_set(&timers[2].t, base + 600);
    CU_ASSERT_EQUAL(sim_time_stats.programs, programs);  /* not the head: no reprogram */
    timer_set(&timers[3].t, base + 100);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 100);
    timer_stop(&timers[3].t);                /* the head goes: next earliest */
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 500);
    timer_set(&timers[0].t, base + 650);     /* the head moves later */
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 600);
    timer_set(&timers[1].t, base + 50);      /* a later one moves to the front */
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 50);
    /* Interrupts reprogram for what is left. */
    sim_time_advance_to(base + 50);
    CU_ASSERT_EQUAL(nr_fired, 1);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 600);
    sim_time_advance_to(base + 640);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 650);
    /* Stopping everything leaves nothing programmed. */
    timer_stop(&timers[0].t);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    teardown_timers();
}

static void test_never_early(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base + 1000);
    /* A spurious or early interrupt (the PIT rounds, a stale IRQ) runs nothing. */
    sim_time_set(base + 999);
    sim_time_interrupt();
    CU_ASSERT_EQUAL(nr_fired, 0);
    CU_ASSERT_TRUE(timers[0].t.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 1000);
    sim_time_set(base + 1000);
    sim_time_interrupt();
    CU_ASSERT_EQUAL(nr_fired, 1);
    CU_ASSERT_EQUAL(fired[0].at, base + 1000);
    /* An interrupt with nothing armed is harmless too. */
    sim_time_interrupt();
    CU_ASSERT_EQUAL(nr_fired, 1);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
}

static void test_late_interrupt_runs_all_due(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base + 10);
    timer_set(&timers[1].t, base + 20);
    timer_set(&timers[2].t, base + 40);
    sim_time_set(base + 30);                 /* the interrupt came late */
    sim_time_interrupt();
    CU_ASSERT_EQUAL_FATAL(nr_fired, 2);
    CU_ASSERT_EQUAL(fired[0].id, 0);
    CU_ASSERT_EQUAL(fired[1].id, 1);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + 40);
    teardown_timers();
}

static void test_rearm_periodic(void)
{
    setup();
    s_time_t base = NOW();
    timers[0].rearm = MILLISECS(10);
    timer_set(&timers[0].t, base + MILLISECS(10));
    sim_time_advance_to(base + MILLISECS(55));
    CU_ASSERT_EQUAL_FATAL(nr_fired, 5);
    for (unsigned int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(fired[i].at, base + MILLISECS(10) * (i + 1));
    CU_ASSERT_TRUE(timers[0].t.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, base + MILLISECS(60));
    timers[0].rearm = 0;
    teardown_timers();
}

static void test_stop(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base + 10);
    timer_set(&timers[1].t, base + 20);
    timer_stop(&timers[0].t);
    timer_stop(&timers[0].t);                /* stopping twice is harmless */
    timer_stop(&timers[5].t);                /* so is stopping one never set */
    CU_ASSERT_FALSE(timers[0].t.active);
    sim_time_advance_to(base + 100);
    CU_ASSERT_EQUAL_FATAL(nr_fired, 1);
    CU_ASSERT_EQUAL(fired[0].id, 1);

    /* Both due in one interrupt: the first stops the second, which then
     * must not run. */
    setup();
    base = NOW();
    timers[2].stop_other = &timers[3].t;
    timer_set(&timers[2].t, base + 10);
    timer_set(&timers[3].t, base + 11);
    sim_time_set(base + 20);
    sim_time_interrupt();
    CU_ASSERT_EQUAL_FATAL(nr_fired, 1);
    CU_ASSERT_EQUAL(fired[0].id, 2);
    CU_ASSERT_FALSE(timers[3].t.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    timers[2].stop_other = NULL;
}

static void test_reset_moves(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base + 10);
    timer_set(&timers[0].t, base + 30);      /* re-set: only the new deadline counts */
    timer_set(&timers[1].t, base + 20);
    sim_time_advance_to(base + 100);
    CU_ASSERT_EQUAL_FATAL(nr_fired, 2);
    CU_ASSERT_EQUAL(fired[0].id, 1);
    CU_ASSERT_EQUAL(fired[1].id, 0);
    CU_ASSERT_EQUAL(fired[1].at, base + 30);
}

static void test_past_deadline(void)
{
    setup();
    s_time_t base = NOW();
    timer_set(&timers[0].t, base - MILLISECS(5));
    /* Programmed for a time already passed: the arch fires at once. */
    CU_ASSERT(sim_time_stats.deadline <= base);
    CU_ASSERT_EQUAL(nr_fired, 0);            /* never synchronously */
    sim_time_advance_to(base);
    CU_ASSERT_EQUAL_FATAL(nr_fired, 1);
    CU_ASSERT_EQUAL(fired[0].at, base);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    /* Deadline 0 and negative deadlines are just very old. */
    timer_set(&timers[1].t, 0);
    timer_set(&timers[2].t, -5);
    sim_time_interrupt();
    CU_ASSERT_EQUAL_FATAL(nr_fired, 3);
    CU_ASSERT_EQUAL(fired[1].id, 2);
    CU_ASSERT_EQUAL(fired[2].id, 1);
}

static void test_rearm_in_past_does_not_spin(void)
{
    setup();
    s_time_t base = NOW();
    timers[0].rearm_in_past = true;
    timer_set(&timers[0].t, base);
    sim_time_interrupt();
    CU_ASSERT_EQUAL(nr_fired, 1);            /* once per interrupt */
    CU_ASSERT_TRUE(timers[0].t.active);
    CU_ASSERT(sim_time_stats.deadline <= NOW());  /* and asks for the next at once */
    sim_time_interrupt();
    CU_ASSERT_EQUAL(nr_fired, 2);
    timers[0].rearm_in_past = false;
    teardown_timers();
}

static void test_set_from_handler(void)
{
    setup();
    s_time_t base = NOW();
    /* Timer 0 sets timer 1 due now: it runs at the next interrupt. */
    timers[0].set_other = &timers[1].t;
    timer_set(&timers[0].t, base + 10);
    sim_time_advance_to(base + 10);
    CU_ASSERT_EQUAL_FATAL(nr_fired, 2);
    CU_ASSERT_EQUAL(fired[0].id, 0);
    CU_ASSERT_EQUAL(fired[1].id, 1);
    CU_ASSERT_EQUAL(fired[1].at, base + 10);
    CU_ASSERT_EQUAL(sim_time_stats.interrupts, 2);
    timers[0].set_other = NULL;
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("timer", NULL, NULL);
    CU_add_test(s, "fires in deadline order", test_order);
    CU_add_test(s, "hardware programmed for the earliest", test_programs_earliest);
    CU_add_test(s, "never early", test_never_early);
    CU_add_test(s, "a late interrupt runs everything due", test_late_interrupt_runs_all_due);
    CU_add_test(s, "re-arm from the handler (periodic)", test_rearm_periodic);
    CU_add_test(s, "stop", test_stop);
    CU_add_test(s, "set on an armed timer moves it", test_reset_moves);
    CU_add_test(s, "deadlines in the past", test_past_deadline);
    CU_add_test(s, "re-arm in the past does not spin", test_rearm_in_past_does_not_spin);
    CU_add_test(s, "set from a handler", test_set_from_handler);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
