/*
 * Host tests for hypervisor/common/sched_credit.c, the credit scheduler's
 * policy (its rules are in pvx/sched.h). The tests play the mechanism's
 * part (arch/x86/schedule.c) on a fake clock: pick a vCPU, let it run for
 * its slice (or less, if it blocks or yields first), charge it, pick again.
 * Every decision is checked against the rules: the vCPU picked wants the
 * CPU and is not parked, a slice is at most SCHED_SLICE, never runs past
 * the next refill (one accounting period after the last), and a capped
 * vCPU never runs more than its cap in one period; idle, the policy names
 * the refill as the time to wake up if a capped vCPU waits for it. Over
 * seconds of simulated time the shares must follow the weights within 1%
 * (within two slices where a share is not a whole number of slices), caps
 * must hold (alone, next to others, with late wake-ups) and what a capped
 * or light vCPU leaves must go to the others by weight; blocked vCPUs must
 * cost nothing and gain at most a period of credit; a vCPU that wakes must
 * get its share from the next period, and one that uses less than its
 * share must run first when it wakes.
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/sched.h>
#include <string.h>

#define NV 4

static struct domain doms[NV];
static struct vcpu vcpus[NV];
static bool in_policy[NV];

/* The fake clock. It never goes back, even across tests: the policy keeps
 * its accounting period from one test to the next. */
static s_time_t now = MILLISECS(1);
/* Our model of the policy's period: it refills at the first pick at or
 * after period_end; periods keep to a 30 ms grid unless a whole period
 * went by without a pick (then the grid restarts there). */
static s_time_t period_end;

static s_time_t ran[NV];              /* time each vCPU ran (since reset_counts) */
static s_time_t period_ran[NV];       /* ... in the current accounting period */
static unsigned long picks[NV], idle_picks;
static s_time_t burst[NV];            /* runs at most this long per pick (0 = its slice) */
static bool block_after_burst[NV];    /* blocks when its burst ends */
static s_time_t wake_late;            /* the idle wake-up comes this late */

static bool wants_cpu(const struct vcpu *v)
{
    return (v->runstate == RUNSTATE_runnable || v->runstate == RUNSTATE_running) &&
           v->pause_count == 0 && v->domain->state == DOMAIN_RUNNING;
}

static void reset_counts(void)
{
    memset(ran, 0, sizeof(ran));
    memset(picks, 0, sizeof(picks));
    idle_picks = 0;
}

/* Start a test with n vCPUs, weights w[] and caps c[] (NULL: none), all
 * runnable; the previous test's vCPUs leave the policy. */
static void setup(unsigned int n, const unsigned int *w, const unsigned int *c)
{
    for (unsigned int i = 0; i < NV; i++) {
        if (in_policy[i])
            sched_credit_remove(&vcpus[i]);
        in_policy[i] = false;
    }
    memset(doms, 0, sizeof(doms));
    memset(vcpus, 0, sizeof(vcpus));
    memset(burst, 0, sizeof(burst));
    memset(block_after_burst, 0, sizeof(block_after_burst));
    memset(period_ran, 0, sizeof(period_ran));
    wake_late = 0;
    for (unsigned int i = 0; i < n; i++) {
        doms[i].domain_id = (domid_t)(i + 1);
        doms[i].state = DOMAIN_RUNNING;
        doms[i].weight = w[i];
        doms[i].cap = c ? c[i] : 0;
        doms[i].vcpu0 = &vcpus[i];
        vcpus[i].domain = &doms[i];
        vcpus[i].runstate = RUNSTATE_runnable;
        sched_credit_add(&vcpus[i]);
        in_policy[i] = true;
    }
    reset_counts();
}

/* Most of one period a capped vCPU may run: its cap, plus the shortest
 * slice the policy hands out (it may overrun a nearly spent credit by that
 * much, and pays the debt in the next period). */
static s_time_t cap_limit(const struct domain *d)
{
    return SCHED_PERIOD * d->cap / 100 + SCHED_MIN_SLICE;
}

/* One decision: pick, check it, run the vCPU for its slice (or its burst),
 * charge it. Idle time passes until the policy's wake-up (or 1 ms if it
 * names none). Returns the vCPU that ran, or NULL. */
static struct vcpu *step(void)
{
    if (now >= period_end) {
        period_end += SCHED_PERIOD;
        if (period_end <= now)
            period_end = now + SCHED_PERIOD;
        memset(period_ran, 0, sizeof(period_ran));
    }
    s_time_t slice = -1;
    struct vcpu *v = sched_credit_pick(now, &slice);
    if (!v) {
        idle_picks++;
        for (unsigned int i = 0; i < NV; i++)
            CU_ASSERT_FALSE(in_policy[i] && wants_cpu(&vcpus[i]) && !vcpus[i].parked);
        CU_ASSERT(slice >= 0 && slice <= SCHED_PERIOD);
        now += slice > 0 ? slice + wake_late : MILLISECS(1);
        return NULL;
    }
    unsigned int i = (unsigned int)(v - vcpus);
    CU_ASSERT_FATAL(i < NV && in_policy[i]);
    CU_ASSERT(wants_cpu(v));
    CU_ASSERT_FALSE(v->parked);
    CU_ASSERT(slice > 0 && slice <= SCHED_SLICE);
    CU_ASSERT(now + slice <= period_end || slice == SCHED_MIN_SLICE);
    s_time_t use = burst[i] && burst[i] < slice ? burst[i] : slice;
    v->runstate = RUNSTATE_running;
    now += use;
    sched_credit_charge(v, use, now);
    v->runstate = block_after_burst[i] && use == burst[i] ? RUNSTATE_blocked : RUNSTATE_runnable;
    ran[i] += use;
    period_ran[i] += use;
    picks[i]++;
    if (v->domain->cap)
        CU_ASSERT(period_ran[i] <= cap_limit(v->domain));
    return v;
}

/* Run decisions until the clock reaches now + duration. */
static void run_for(s_time_t duration)
{
    s_time_t end = now + duration;
    while (now < end)
        step();
}

/* |a/b - want| <= tolerance * want */
static bool ratio_within(s_time_t a, s_time_t b, double want, double tolerance)
{
    if (b == 0)
        return false;
    double r = (double)a / (double)b;
    return r >= want * (1 - tolerance) && r <= want * (1 + tolerance);
}

/* ---- idle ---- */

static void test_idle(void)
{
    const unsigned int w[] = { 256, 256 };
    setup(0, w, NULL);
    s_time_t slice;
    CU_ASSERT_PTR_NULL(sched_credit_pick(now, &slice));   /* nobody at all */
    CU_ASSERT_EQUAL(slice, 0);                            /* and nothing to wake up for */

    setup(2, w, NULL);
    vcpus[0].runstate = RUNSTATE_blocked;
    vcpus[1].runstate = RUNSTATE_offline;
    CU_ASSERT_PTR_NULL(sched_credit_pick(now, &slice));
    CU_ASSERT_EQUAL(slice, 0);
    vcpus[1].runstate = RUNSTATE_runnable;
    vcpus[1].pause_count = 1;                              /* paused */
    CU_ASSERT_PTR_NULL(sched_credit_pick(now, &slice));
    vcpus[1].pause_count = 0;
    doms[1].state = DOMAIN_SHUTDOWN;                       /* stopped */
    CU_ASSERT_PTR_NULL(sched_credit_pick(now, &slice));
    doms[1].state = DOMAIN_RUNNING;
    CU_ASSERT_PTR_EQUAL(sched_credit_pick(now, &slice), &vcpus[1]);
}

/* ---- proportional shares ---- */

static void test_weights_one_to_two(void)
{
    const unsigned int w[] = { 256, 512 };
    setup(2, w, NULL);
    run_for(MILLISECS(300));
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[1], ran[0], 2.0, 0.01));
    CU_ASSERT_EQUAL(idle_picks, 0);
}

/* Shares of 1/7, 2/7 and 4/7 of a period are not whole slices, so each
 * vCPU is exact only to within a slice or two of its share (over 3 s a
 * slice is 2.3% of the smallest share: a ratio would be too coarse). */
static void test_weights_three(void)
{
    const unsigned int w[] = { 256, 512, 1024 };
    setup(3, w, NULL);
    run_for(MILLISECS(300));
    reset_counts();
    run_for(MILLISECS(3000));
    s_time_t total = ran[0] + ran[1] + ran[2];
    for (unsigned int i = 0; i < 3; i++) {
        s_time_t fair = total * w[i] / (256 + 512 + 1024);
        CU_ASSERT(ran[i] >= fair - 2 * SCHED_SLICE && ran[i] <= fair + 2 * SCHED_SLICE);
    }
}

/* Charges are exact: a thousand runs of 1.5 us cost 1.5 ms of credit,
 * not 1 ms (rounding each charge down to whole microseconds of credit
 * would hand a guest that yields constantly half as much again). */
static void test_short_runs_charged_exactly(void)
{
    const unsigned int w[] = { 256, 256 };
    setup(2, w, NULL);
    CU_ASSERT_PTR_NOT_NULL(step());                       /* the first refill */
    int before = vcpus[0].credit;
    for (unsigned int k = 0; k < 1000; k++) {
        now += 1500;
        sched_credit_charge(&vcpus[0], 1500, now);
    }
    CU_ASSERT_EQUAL(before - vcpus[0].credit, 1500);     /* credit is in us */
    CU_ASSERT_EQUAL(vcpus[0].cpu_time, MICROSECS(1500) + ran[0]);
}

/* ---- caps ---- */

/* cap=25 alone: 25% of the CPU (plus at most a short slice per period),
 * idle the rest; parked until the next period, and the policy says when
 * that is so the mechanism can wake up for it. */
static void test_cap_alone(void)
{
    const unsigned int w[] = { 256 }, c[] = { 25 };
    setup(1, w, c);
    run_for(MILLISECS(300));
    reset_counts();
    s_time_t start = now;
    run_for(MILLISECS(3000));
    s_time_t elapsed = now - start;
    CU_ASSERT(ran[0] <= elapsed / 4 + SCHED_PERIOD / 4);
    CU_ASSERT(ran[0] >= elapsed / 4 - SCHED_PERIOD / 4);
    CU_ASSERT(idle_picks > 0);

    /* Once parked, nothing until the next period; then it runs at once. */
    while (!(step() == &vcpus[0] && vcpus[0].parked))
        ;
    s_time_t slice, parked_at = now, refill = period_end;
    CU_ASSERT(now < refill);
    CU_ASSERT_PTR_NULL(sched_credit_pick(now, &slice));
    CU_ASSERT_EQUAL(now + slice, refill);                 /* wake me at the refill */
    for (s_time_t t = now + MICROSECS(500); t < refill; t += MICROSECS(500))
        CU_ASSERT_PTR_NULL(sched_credit_pick(t, &slice));
    now = refill;
    CU_ASSERT(now > parked_at);
    CU_ASSERT_PTR_EQUAL(step(), &vcpus[0]);
}

/* The same when every wake-up for a refill comes 3 ms late (a late
 * timer interrupt under a loaded host): the late refill shortens its
 * period instead of stretching every period, so the share stays 25%. */
static void test_cap_alone_late_wakeups(void)
{
    const unsigned int w[] = { 256 }, c[] = { 25 };
    setup(1, w, c);
    wake_late = MILLISECS(3);
    run_for(MILLISECS(300));
    reset_counts();
    s_time_t start = now;
    run_for(MILLISECS(3000));
    s_time_t elapsed = now - start;
    CU_ASSERT(ran[0] <= elapsed / 4 + SCHED_PERIOD / 4);
    CU_ASSERT(ran[0] >= elapsed / 4 - SCHED_PERIOD / 4);
}

/* cap=25 next to an uncapped vCPU: 25% and 75%, never idle. */
static void test_cap_with_uncapped(void)
{
    const unsigned int w[] = { 256, 256 }, c[] = { 25, 0 };
    setup(2, w, c);
    run_for(MILLISECS(300));
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[0], ran[0] + ran[1], 0.25, 0.01));
    CU_ASSERT_EQUAL(idle_picks, 0);
}

/* A cap above the weight's share changes nothing: weight 256 next to 768
 * with cap=50 is still 25%. */
static void test_cap_above_share(void)
{
    const unsigned int w[] = { 256, 768 }, c[] = { 50, 0 };
    setup(2, w, c);
    run_for(MILLISECS(300));
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[0], ran[0] + ran[1], 0.25, 0.01));
}

/* What a capped domain cannot use goes to the others by weight: cap=10
 * next to weights 256 and 512 leaves 90% split 1:2. */
static void test_cap_leftover_shared_by_weight(void)
{
    const unsigned int w[] = { 256, 256, 512 }, c[] = { 10, 0, 0 };
    setup(3, w, c);
    run_for(MILLISECS(300));
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[0], ran[0] + ran[1] + ran[2], 0.10, 0.01));
    s_time_t rest = ran[1] + ran[2];                       /* 9 and 18 ms a period: within 2 slices */
    CU_ASSERT(ran[1] >= rest / 3 - 2 * SCHED_SLICE && ran[1] <= rest / 3 + 2 * SCHED_SLICE);
}

/* ---- blocking and waking ---- */

static void test_blocked_never_picked(void)
{
    const unsigned int w[] = { 256, 256 };
    setup(2, w, NULL);
    vcpus[1].runstate = RUNSTATE_blocked;
    run_for(MILLISECS(1000));
    CU_ASSERT_EQUAL(picks[1], 0);
    CU_ASSERT_EQUAL(ran[1], 0);
    CU_ASSERT_EQUAL(idle_picks, 0);
    CU_ASSERT(vcpus[1].credit <= SCHED_PERIOD / 1000);    /* at most a period (credit is in us) */
}

/* B sleeps for a second while A runs, then both want the CPU: B may be
 * ahead by at most the period of credit it kept, not by the second. */
static void test_no_hoarding(void)
{
    const unsigned int w[] = { 256, 256 };
    setup(2, w, NULL);
    vcpus[1].runstate = RUNSTATE_blocked;
    run_for(MILLISECS(1000));
    vcpus[1].runstate = RUNSTATE_runnable;
    reset_counts();
    run_for(MILLISECS(300));
    CU_ASSERT(ran[1] - ran[0] <= 2 * SCHED_PERIOD);       /* at most one period ahead (counted twice) */
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[1], ran[0], 1.0, 0.01));
}

/* A vCPU that wakes after A ran alone for a second gets its share from
 * the next period on: it runs by then (A may finish the credit it was
 * given while alone) and shares 2:1 from then on. */
static void test_wake_competes_fairly(void)
{
    const unsigned int w[] = { 256, 512 };
    setup(2, w, NULL);
    vcpus[1].runstate = RUNSTATE_blocked;
    run_for(MILLISECS(1000));
    vcpus[1].runstate = RUNSTATE_runnable;
    s_time_t woke = now;
    while (step() != &vcpus[1])
        ;
    CU_ASSERT(now - woke <= SCHED_PERIOD + SCHED_SLICE);  /* it ran by the end of its first slice */
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[1], ran[0], 2.0, 0.01));
}

/* A vCPU that runs briefly and sleeps (an interactive or I/O-bound
 * guest) next to a CPU hog uses far less than its share, so whenever it
 * wakes it must run next, not wait behind the hog's slice. */
static void test_light_vcpu_runs_first(void)
{
    const unsigned int w[] = { 256, 256 };
    setup(2, w, NULL);
    burst[1] = MICROSECS(200);
    block_after_burst[1] = true;
    unsigned int wakes = 0, ran_at_once = 0;
    uint32_t seed = 1;
    s_time_t next_wake = now + MILLISECS(3);
    s_time_t end = now + MILLISECS(3000);
    while (now < end) {
        bool woke = false;
        if (vcpus[1].runstate == RUNSTATE_blocked && now >= next_wake) {
            vcpus[1].runstate = RUNSTATE_runnable;   /* the mechanism: raise_schedule() */
            woke = true;
            wakes++;
            seed = seed * 1103515245u + 12345u;
            next_wake = now + MILLISECS(2) + (s_time_t)(seed >> 8) % MILLISECS(2);
        }
        struct vcpu *v = step();
        if (woke && v == &vcpus[1])
            ran_at_once++;
        /* The hog's slice would be cut short by the wake-up: model that
         * by never letting it run past the next wake. */
        burst[0] = next_wake > now ? next_wake - now : 1;
    }
    CU_ASSERT(wakes > 500);
    CU_ASSERT(ran_at_once >= wakes - wakes / 100);
}

/* Two CPU hogs (256:512) next to a light vCPU that wakes every few ms,
 * runs 200 us and sleeps: the light one uses far less than its share, and
 * what it leaves must go to the hogs by weight (1:2 still), not pile up
 * as debt that pins both hogs to the credit floor, where their weights
 * would stop mattering. */
static void test_light_vcpu_leaves_hogs_fair(void)
{
    const unsigned int w[] = { 256, 512, 256 };
    setup(3, w, NULL);
    burst[2] = MICROSECS(200);
    block_after_burst[2] = true;
    uint32_t seed = 7;
    s_time_t next_wake = now + MILLISECS(3), measure_from = now + MILLISECS(1000);
    s_time_t end = now + MILLISECS(4000);
    while (now < end) {
        if (now >= measure_from) {
            reset_counts();
            measure_from = end;
        }
        if (vcpus[2].runstate == RUNSTATE_blocked && now >= next_wake) {
            vcpus[2].runstate = RUNSTATE_runnable;
            seed = seed * 1103515245u + 12345u;
            next_wake = now + MILLISECS(2) + (s_time_t)(seed >> 8) % MILLISECS(2);
        }
        burst[0] = burst[1] = next_wake > now ? next_wake - now : 1;
        step();
    }
    s_time_t hogs = ran[0] + ran[1];
    CU_ASSERT(ran[1] >= 2 * hogs / 3 - 2 * SCHED_SLICE && ran[1] <= 2 * hogs / 3 + 2 * SCHED_SLICE);
}

/* ---- removal ---- */

static void test_remove(void)
{
    const unsigned int w[] = { 256, 256, 256 };
    setup(3, w, NULL);
    run_for(MILLISECS(100));
    CU_ASSERT(picks[1] > 0);
    sched_credit_remove(&vcpus[1]);
    in_policy[1] = false;
    sched_credit_remove(&vcpus[1]);                       /* twice: harmless */
    reset_counts();
    run_for(MILLISECS(1000));
    CU_ASSERT_EQUAL(picks[1], 0);
    CU_ASSERT(ratio_within(ran[0], ran[2], 1.0, 0.05));
    sched_credit_add(&vcpus[1]);
    sched_credit_add(&vcpus[1]);                          /* twice: still one entry */
    in_policy[1] = true;
    reset_counts();
    run_for(MILLISECS(3000));
    CU_ASSERT(ratio_within(ran[1], ran[0], 1.0, 0.02));
    CU_ASSERT(ratio_within(ran[2], ran[0], 1.0, 0.02));
}

/* ---- everything at once ---- */

/* Four vCPUs (one capped) blocking, waking and running bursts at random
 * for 20 s: every decision is checked by step(); credit stays within a
 * period either way of zero after each refill. */
static void test_random(void)
{
    const unsigned int w[] = { 256, 512, 128, 256 }, c[] = { 0, 0, 0, 30 };
    setup(4, w, c);
    uint32_t seed = 12345;
    s_time_t end = now + MILLISECS(20000);
    while (now < end) {
        seed = seed * 1103515245u + 12345u;
        unsigned int i = (seed >> 16) % NV;
        unsigned int what = (seed >> 8) % 8;
        if (what == 0)
            vcpus[i].runstate = RUNSTATE_blocked;
        else if (what < 3)
            vcpus[i].runstate = RUNSTATE_runnable;
        burst[i] = what == 3 ? (s_time_t)((seed >> 4) % 3000000) + 1 : 0;
        step();
        for (unsigned int j = 0; j < NV; j++)
            CU_ASSERT(vcpus[j].credit <= SCHED_PERIOD / 1000);
    }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite s = CU_add_suite("sched_credit", NULL, NULL);
    CU_add_test(s, "idle when nothing is runnable", test_idle);
    CU_add_test(s, "weights 256:512 share 1:2", test_weights_one_to_two);
    CU_add_test(s, "weights 256:512:1024 share 1:2:4", test_weights_three);
    CU_add_test(s, "short runs are charged exactly", test_short_runs_charged_exactly);
    CU_add_test(s, "cap 25 alone", test_cap_alone);
    CU_add_test(s, "cap 25 alone, late wake-ups", test_cap_alone_late_wakeups);
    CU_add_test(s, "cap 25 next to an uncapped vCPU", test_cap_with_uncapped);
    CU_add_test(s, "a cap above the share changes nothing", test_cap_above_share);
    CU_add_test(s, "a capped domain's leftover is shared by weight", test_cap_leftover_shared_by_weight);
    CU_add_test(s, "blocked vCPUs are never picked", test_blocked_never_picked);
    CU_add_test(s, "no more than a period of credit is hoarded", test_no_hoarding);
    CU_add_test(s, "a waking vCPU competes fairly", test_wake_competes_fairly);
    CU_add_test(s, "a light vCPU runs first when it wakes", test_light_vcpu_runs_first);
    CU_add_test(s, "a light vCPU leaves two hogs their 1:2", test_light_vcpu_leaves_hogs_fair);
    CU_add_test(s, "removal", test_remove);
    CU_add_test(s, "random blocking, waking and bursts", test_random);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
