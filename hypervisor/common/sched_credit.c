/*
 * pvx: the credit scheduler's policy (see pvx/sched.h for the rules).
 * Pure bookkeeping over struct vcpu fields, so it runs on the host too
 * (tests/unit/sched_test.c). One physical CPU.
 *
 * What it keeps true:
 *  - Each refill shares out exactly one period among the *active* vCPUs
 *    (those that want the CPU now or ran since the last refill), by
 *    weight, with every capped domain held to its cap, every vCPU held
 *    below the one-period ceiling, and what one cannot take shared among
 *    the others by weight (water-filling, as Xen's csched_acct
 *    redistributes a capped domain's excess). So while the CPU is busy the
 *    credit handed out equals the time charged and credit does not drift:
 *    drifting, CPU-bound vCPUs would all end up at the floor of minus one
 *    period, where their weights no longer order them.
 *  - A vCPU that ran in the period shares in it even if it is blocked at
 *    the refill: otherwise a guest that runs briefly and sleeps (I/O, a
 *    ping-pong) would be charged for its runs but credited for almost
 *    none, sink to the lowest credit and wait behind a CPU hog's whole
 *    slice every time it woke.
 *  - Credit stays within one period of zero after a refill (nobody hoards
 *    more, nobody owes more); a capped vCPU keeps no surplus and is parked
 *    while its credit is spent.
 *  - Charges are exact: the nanoseconds below a whole credit unit are
 *    carried to the next charge, not dropped.
 */
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/sched.h>

#define MAX_SCHED_VCPUS MAX_DOMAINS
#define NS_PER_CREDIT 1000            /* credit (vcpu->credit) is kept in microseconds */
#define PERIOD_CREDIT ((int)(SCHED_PERIOD / NS_PER_CREDIT))

/* A vCPU in the policy's set, and what only the policy needs about it. */
struct sched_entry {
    struct vcpu *v;
    bool ran;                         /* charged since the last refill */
    bool fixed;                       /* refill: share settled by its cap */
    int share;                        /* refill: this period's credit */
    int64_t charge_ns;                /* charged time not yet a whole credit */
};

static struct sched_entry entries[MAX_SCHED_VCPUS];
static unsigned int nr_entries;
static s_time_t next_period;
static unsigned int rr_cursor;        /* round-robin start among equals */

static struct sched_entry *entry_of(const struct vcpu *v)
{
    for (unsigned int i = 0; i < nr_entries; i++)
        if (entries[i].v == v)
            return &entries[i];
    return NULL;
}

/* sched_credit_add: see pvx/sched.h. */
void sched_credit_add(struct vcpu *v)
{
    if (entry_of(v) || nr_entries == MAX_SCHED_VCPUS)
        return;
    entries[nr_entries++] = (struct sched_entry){ .v = v };
    v->credit = 0;
    v->parked = false;
}

/* sched_credit_remove: see pvx/sched.h. */
void sched_credit_remove(struct vcpu *v)
{
    struct sched_entry *e = entry_of(v);
    if (e)
        *e = entries[--nr_entries];
}

/* Does v want the CPU (ignoring credit)? */
static bool wants_cpu(const struct vcpu *v)
{
    return (v->runstate == RUNSTATE_runnable || v->runstate == RUNSTATE_running) &&
           v->pause_count == 0 && v->domain->state == DOMAIN_RUNNING;
}

static unsigned int weight_of(const struct vcpu *v)
{
    return v->domain->weight ? v->domain->weight : 1;
}

static int cap_credit(const struct vcpu *v)
{
    return PERIOD_CREDIT * (int)v->domain->cap / 100;
}

/* The most credit e can take this period: a capped vCPU its cap; any
 * other the room below the one-period ceiling (a vCPU that left last
 * period's credit unused needs no more). */
static int share_limit(const struct sched_entry *e)
{
    if (e->v->domain->cap)
        return cap_credit(e->v);
    return PERIOD_CREDIT - e->v->credit;
}

/* Work out each active entry's share of the period: by weight, except
 * that no entry gets more than its limit and what it cannot take is
 * shared again among the others by weight (water-filling). Each round
 * settles at least one entry, so it ends. */
static void compute_shares(void)
{
    int left = PERIOD_CREDIT;
    unsigned long weight_left = 0;
    for (unsigned int i = 0; i < nr_entries; i++) {
        struct sched_entry *e = &entries[i];
        e->share = 0;
        e->fixed = !(e->ran || wants_cpu(e->v));   /* inactive: no share */
        if (!e->fixed)
            weight_left += weight_of(e->v);
    }
    bool settled;
    do {
        settled = false;
        for (unsigned int i = 0; i < nr_entries && weight_left; i++) {
            struct sched_entry *e = &entries[i];
            if (e->fixed)
                continue;
            long fair = (long)left * weight_of(e->v) / (long)weight_left;
            int limit = share_limit(e);
            if (fair > limit) {
                e->share = limit;
                e->fixed = true;
                left -= limit;
                weight_left -= weight_of(e->v);
                settled = true;
            }
        }
    } while (settled);
    for (unsigned int i = 0; i < nr_entries && weight_left; i++) {
        struct sched_entry *e = &entries[i];
        if (!e->fixed)
            e->share = (int)((long)left * weight_of(e->v) / (long)weight_left);
    }
}

/* The start of a period: hand out its credit. */
static void refill(void)
{
    compute_shares();
    for (unsigned int i = 0; i < nr_entries; i++) {
        struct sched_entry *e = &entries[i];
        struct vcpu *v = e->v;
        if (v->domain->cap) {
            /* No surplus carries over, and at most a period of debt. An
             * inactive capped vCPU gets its cap, so that it is not parked
             * when it wakes. */
            int share = (e->ran || wants_cpu(v)) ? e->share : cap_credit(v);
            v->credit = (v->credit < 0 ? v->credit : 0) + share;
        } else {
            v->credit += e->share;
        }
        if (v->credit > PERIOD_CREDIT)
            v->credit = PERIOD_CREDIT;
        if (v->credit < -PERIOD_CREDIT)
            v->credit = -PERIOD_CREDIT;
        v->parked = v->domain->cap && v->credit <= 0;
        e->ran = false;
    }
}

/* sched_credit_charge: see pvx/sched.h. */
void sched_credit_charge(struct vcpu *v, s_time_t ran, s_time_t now)
{
    (void)now;
    struct sched_entry *e = entry_of(v);
    if (ran <= 0 || !e)
        return;
    v->cpu_time += ran;
    e->ran = true;
    if (ran > 4 * SCHED_PERIOD)
        ran = 4 * SCHED_PERIOD;       /* keeps the int credit sane (a live slice timer never lets it) */
    e->charge_ns += ran;
    int credits = (int)(e->charge_ns / NS_PER_CREDIT);
    e->charge_ns -= (int64_t)credits * NS_PER_CREDIT;
    v->credit -= credits;
    if (v->credit < -2 * PERIOD_CREDIT)
        v->credit = -2 * PERIOD_CREDIT;
    if (v->domain->cap && v->credit <= 0)
        v->parked = true;
}

/* Was anyone parked who would run once the period turns? */
static bool parked_waiting(void)
{
    for (unsigned int i = 0; i < nr_entries; i++)
        if (entries[i].v->parked && wants_cpu(entries[i].v))
            return true;
    return false;
}

/* sched_credit_pick: see pvx/sched.h. */
struct vcpu *sched_credit_pick(s_time_t now, s_time_t *slice)
{
    if (now >= next_period) {
        refill();
        /* Periods keep to a fixed grid: a refill that comes late (the
         * timer interrupt was late, or the CPU was busy in the hypervisor)
         * shortens the period it starts rather than pushing every later
         * one back, which would shrink a capped domain's share by the
         * lateness. After a long idle spell the grid starts again. */
        next_period += SCHED_PERIOD;
        if (next_period <= now)
            next_period = now + SCHED_PERIOD;
    }
    struct vcpu *best = NULL;
    for (unsigned int k = 0; k < nr_entries; k++) {
        struct vcpu *v = entries[(rr_cursor + k) % nr_entries].v;
        if (!wants_cpu(v) || v->parked)
            continue;
        if (!best || v->credit > best->credit)
            best = v;
    }
    if (nr_entries)
        rr_cursor = (rr_cursor + 1) % nr_entries;
    if (!best) {
        /* Idle; if a capped vCPU waits for credit, wake up for the refill. */
        *slice = parked_waiting() ? next_period - now : 0;
        return NULL;
    }
    s_time_t s = SCHED_SLICE;
    if (best->domain->cap && (s_time_t)best->credit * NS_PER_CREDIT < s)
        s = (s_time_t)best->credit * NS_PER_CREDIT;
    if (next_period - now < s)
        s = next_period - now;        /* be back for the next refill */
    if (s < SCHED_MIN_SLICE)
        s = SCHED_MIN_SLICE;
    *slice = s;
    return best;
}
