/*
 * pvx: the credit scheduler's policy (see pvx/sched.h for the rules).
 * Pure bookkeeping over struct vcpu fields, so it runs on the host too
 * (tests/unit/sched_test.c). One physical CPU.
 */
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/sched.h>

#define MAX_SCHED_VCPUS MAX_DOMAINS
#define NS_PER_CREDIT 1000            /* credit is kept in microseconds */

static struct vcpu *vcpus[MAX_SCHED_VCPUS];
static unsigned int nr_vcpus;
static s_time_t next_period;
static unsigned int rr_cursor;        /* round-robin start among equals */

/* sched_credit_add: see pvx/sched.h. */
void sched_credit_add(struct vcpu *v)
{
    for (unsigned int i = 0; i < nr_vcpus; i++)
        if (vcpus[i] == v)
            return;
    if (nr_vcpus < MAX_SCHED_VCPUS)
        vcpus[nr_vcpus++] = v;
    v->credit = 0;
    v->parked = false;
}

/* sched_credit_remove: see pvx/sched.h. */
void sched_credit_remove(struct vcpu *v)
{
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        if (vcpus[i] == v) {
            vcpus[i] = vcpus[--nr_vcpus];
            return;
        }
    }
}

/* Does v want the CPU (ignoring credit)? */
static bool wants_cpu(const struct vcpu *v)
{
    return (v->runstate == RUNSTATE_runnable || v->runstate == RUNSTATE_running) &&
           v->pause_count == 0 && v->domain->state == DOMAIN_RUNNING;
}

/* Share out one period of credit by weight among domains that want the
 * CPU; caps limit a domain's share; nobody hoards more than a period. */
static void refill(void)
{
    const int period = (int)(SCHED_PERIOD / NS_PER_CREDIT);
    unsigned long total_weight = 0;
    for (unsigned int i = 0; i < nr_vcpus; i++)
        if (wants_cpu(vcpus[i]))
            total_weight += vcpus[i]->domain->weight ? vcpus[i]->domain->weight : 1;
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = vcpus[i];
        struct domain *d = v->domain;
        int share = 0;
        if (wants_cpu(v) && total_weight)
            share = (int)((long)period * (d->weight ? d->weight : 1) / (long)total_weight);
        if (d->cap) {
            int cap_share = period * (int)d->cap / 100;
            if (share > cap_share || !wants_cpu(v))
                share = cap_share;
            /* A capped vCPU's debt never carries more than one period. */
            v->credit = (v->credit < 0 ? v->credit : 0) + share;
            if (v->credit < -period)
                v->credit = -period;
        } else {
            v->credit += share;
        }
        if (v->credit > period)
            v->credit = period;
        if (v->credit < -period)
            v->credit = -period;
        v->parked = d->cap && v->credit <= 0;
    }
}

/* sched_credit_charge: see pvx/sched.h. */
void sched_credit_charge(struct vcpu *v, s_time_t ran, s_time_t now)
{
    (void)now;
    if (ran <= 0)
        return;
    v->cpu_time += ran;
    v->credit -= (int)(ran / NS_PER_CREDIT);
    if (v->domain->cap && v->credit <= 0)
        v->parked = true;
}

/* sched_credit_pick: see pvx/sched.h. */
struct vcpu *sched_credit_pick(s_time_t now, s_time_t *slice)
{
    if (now >= next_period) {
        refill();
        next_period = now + SCHED_PERIOD;
    }
    struct vcpu *best = NULL;
    for (unsigned int k = 0; k < nr_vcpus; k++) {
        struct vcpu *v = vcpus[(rr_cursor + k) % nr_vcpus];
        if (!wants_cpu(v) || v->parked)
            continue;
        if (!best || v->credit > best->credit)
            best = v;
    }
    if (nr_vcpus)
        rr_cursor = (rr_cursor + 1) % nr_vcpus;
    s_time_t s = SCHED_SLICE;
    if (best && best->domain->cap && (s_time_t)best->credit * NS_PER_CREDIT < s)
        s = (s_time_t)best->credit * NS_PER_CREDIT;
    if (next_period - now < s)
        s = next_period - now;        /* be back for the next refill */
    if (s < MICROSECS(100))
        s = MICROSECS(100);
    *slice = s;
    return best;
}
