/*
 * Host tests for hypervisor/common/vcpu_timer.c: the guest timers behind
 * set_timer_op and vcpu_op, on the simulated clock (sim_time.h), with
 * VIRQ_TIMER bound to a port whose pending bit the test watches. What
 * guests rely on:
 *  - the default 10 ms periodic VIRQ_TIMER starts when the vCPU first runs
 *    and ticks exactly on schedule (a late interrupt does not shift later
 *    ticks; ticks missed entirely are dropped, not bunched);
 *  - while descheduled the periodic timer is off; on resume a tick that fell
 *    due meanwhile is delivered once at once;
 *  - single-shot deadlines fire once, never early; passed ones before the
 *    hypercall returns; Xen's odd cases (0 cancels, negative or > 2^50 ns
 *    ahead means 100 ms) and every vcpu_op error;
 *  - destroying the domain stops both timers.
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/hypercall.h>
#include <pvx/event.h>
#include <pvx/timer.h>
#include <pvx/vcpu_timer.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <string.h>
#include "sim_event.h"
#include "sim_time.h"

/* The hypercalls' caller (common/domain.c is not linked). */
struct vcpu *current;

#define MAX_VIRQS 256
#define TIMER_PORT 5
static s_time_t virq_at[MAX_VIRQS];
static unsigned int nr_virqs;

static struct domain *d;
static struct vcpu *v;
static struct sim_as as;
static const s_time_t T0 = MILLISECS(5000);

/* If VIRQ_TIMER's port went pending, record when and clear it, so that the
 * next expiry shows too. */
static void collect(void)
{
    if (!evtchn_is_pending(d, TIMER_PORT))
        return;
    if (nr_virqs < MAX_VIRQS)
        virq_at[nr_virqs] = NOW();
    nr_virqs++;
    struct shared_info *si = arch_mfn_to_virt(d->shared_info_mfn);
    si->evtchn_pending[TIMER_PORT / 32] &= ~(1u << (TIMER_PORT % 32));
}

/* A timer interrupt now. */
static void interrupt(void)
{
    sim_time_interrupt();
    collect();
}

/* run_to(), collecting after every interrupt. */
static void run_to(s_time_t until)
{
    while (sim_time_stats.deadline != STIME_MAX && sim_time_stats.deadline <= until) {
        if (sim_time_stats.deadline > NOW())
            sim_time_set(sim_time_stats.deadline);
        sim_time_stats.deadline = STIME_MAX;
        interrupt();
    }
    if (until > NOW())
        sim_time_set(until);
}

/* A fresh domain with VIRQ_TIMER bound (as EVTCHNOP_bind_virq leaves it),
 * whose vCPU runs from T0 (as vcpu_load_context starts it). */
static void fresh(void)
{
    if (v)
        vcpu_timers_destroy(v);
    sim_machine_init(SIM_DEFAULT_FRAMES);
    sim_time_reset(T0);
    d = sim_evtchn_domain_create(1, true, &as);
    v = d->vcpu0;
    sim_evtchn_enter(d);
    d->evtchn[TIMER_PORT] = (struct evtchn){ .state = ECS_VIRQ, .virq = VIRQ_TIMER };
    d->virq_to_port[VIRQ_TIMER] = TIMER_PORT;
    nr_virqs = 0;
    vcpu_timers_init(v);
    vcpu_timers_resume(v);
}

/* Guest memory at va 0 (data[0]) for hypercall arguments. */
static void *guest_buf(void)
{
    return arch_mfn_to_virt(as.data[0]);
}

static long set_timer(s_time_t deadline)
{
    long rc = do_set_timer_op((uint32_t)deadline, (uint32_t)((uint64_t)deadline >> 32));
    collect();
    return rc;
}

static long set_periodic(uint64_t period_ns)
{
    vcpu_set_periodic_timer_t p = { .period_ns = period_ns };
    memcpy(guest_buf(), &p, sizeof(p));
    return do_vcpu_op(VCPUOP_set_periodic_timer, 0, 0);
}

static long set_singleshot(uint64_t deadline, uint32_t flags)
{
    vcpu_set_singleshot_timer_t s = { .timeout_abs_ns = deadline, .flags = flags };
    memcpy(guest_buf(), &s, sizeof(s));
    long rc = do_vcpu_op(VCPUOP_set_singleshot_timer, 0, 0);
    collect();
    return rc;
}

static void test_default_periodic(void)
{
    fresh();
    CU_ASSERT_EQUAL(v->periodic_period, MILLISECS(10));
    CU_ASSERT_TRUE(v->periodic_timer.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, T0 + MILLISECS(10));
    run_to(T0 + MILLISECS(100));
    CU_ASSERT_EQUAL_FATAL(nr_virqs, 10);
    for (unsigned int i = 0; i < 10; i++)
        CU_ASSERT_EQUAL(virq_at[i], T0 + MILLISECS(10) * (i + 1));
    /* Resuming a running vCPU again changes nothing. */
    vcpu_timers_resume(v);
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(110));
}

static void test_periodic_no_drift(void)
{
    fresh();
    /* The first tick's interrupt comes 3 ms late: the next one is still
     * due at T0 + 20 ms. */
    sim_time_set(T0 + MILLISECS(13));
    interrupt();
    CU_ASSERT_EQUAL(nr_virqs, 1);
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(20));
    /* Three periods lost: one tick, then a fresh period from now. */
    sim_time_set(T0 + MILLISECS(47));
    interrupt();
    CU_ASSERT_EQUAL(nr_virqs, 2);
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(57));
}

static void test_descheduled(void)
{
    fresh();
    vcpu_timers_descheduled(v);
    CU_ASSERT_FALSE(v->periodic_timer.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    run_to(T0 + MILLISECS(35));
    CU_ASSERT_EQUAL(nr_virqs, 0);
    /* Runs again after ticks fell due: one at once, then every 10 ms. */
    vcpu_timers_resume(v);
    collect();
    CU_ASSERT_EQUAL_FATAL(nr_virqs, 1);
    CU_ASSERT_EQUAL(virq_at[0], T0 + MILLISECS(35));
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(45));
    /* Descheduled and back before the next tick: no extra tick. */
    vcpu_timers_descheduled(v);
    run_to(T0 + MILLISECS(40));
    vcpu_timers_resume(v);
    CU_ASSERT_EQUAL(nr_virqs, 1);
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(45));
    /* The single-shot timer keeps running while descheduled. */
    CU_ASSERT_EQUAL(set_timer(T0 + MILLISECS(42)), 0);
    vcpu_timers_descheduled(v);
    run_to(T0 + MILLISECS(44));
    CU_ASSERT_EQUAL(nr_virqs, 2);
    CU_ASSERT_EQUAL(virq_at[1], T0 + MILLISECS(42));
}

static void test_set_timer_op(void)
{
    fresh();
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
    /* A future deadline: once, on time. */
    CU_ASSERT_EQUAL(set_timer(T0 + MILLISECS(3)), 0);
    run_to(T0 + MILLISECS(50));
    CU_ASSERT_EQUAL_FATAL(nr_virqs, 1);
    CU_ASSERT_EQUAL(virq_at[0], T0 + MILLISECS(3));
    /* Re-set moves it; 0 cancels. */
    CU_ASSERT_EQUAL(set_timer(NOW() + 100), 0);
    CU_ASSERT_EQUAL(set_timer(NOW() + 200), 0);
    CU_ASSERT_EQUAL(v->singleshot_timer.expires, NOW() + 200);
    CU_ASSERT_EQUAL(set_timer(0), 0);
    CU_ASSERT_FALSE(v->singleshot_timer.active);
    run_to(NOW() + MILLISECS(50));
    CU_ASSERT_EQUAL(nr_virqs, 1);
    /* A passed deadline raises the VIRQ before the hypercall returns, and
     * replaces an armed one. */
    CU_ASSERT_EQUAL(set_timer(NOW() + 500), 0);
    CU_ASSERT_EQUAL(set_timer(NOW() - 1), 0);
    CU_ASSERT_EQUAL(nr_virqs, 2);
    CU_ASSERT_FALSE(v->singleshot_timer.active);
    CU_ASSERT_EQUAL(set_timer(1), 0);
    CU_ASSERT_EQUAL(nr_virqs, 3);
    /* Negative, or more than 2^50 ns ahead: 100 ms from now (Xen). */
    s_time_t now = NOW();
    CU_ASSERT_EQUAL(set_timer(-1), 0);
    CU_ASSERT_EQUAL(v->singleshot_timer.expires, now + MILLISECS(100));
    CU_ASSERT_EQUAL(set_timer(now + (1ll << 50)), 0);
    CU_ASSERT_EQUAL(v->singleshot_timer.expires, now + MILLISECS(100));
    CU_ASSERT_EQUAL(set_timer(now + (1ll << 50) - 1), 0);    /* just inside */
    CU_ASSERT_EQUAL(v->singleshot_timer.expires, now + (1ll << 50) - 1);
}

static void test_vcpu_op_errors(void)
{
    fresh();
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_is_up, 0, 0), 1);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_is_up, 1, 0), -ENOENT);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_is_up, 0xFFFFFFFFu, 0), -ENOENT);
    CU_ASSERT_EQUAL(do_vcpu_op(999, 1, 0), -ENOENT);           /* vCPU checked first */
    CU_ASSERT_EQUAL(do_vcpu_op(999, 0, 0), -ENOSYS);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_up, 0, 0), -ENOSYS);
    /* Periods: 1 ms to 2^62 - 1 ns. */
    CU_ASSERT_EQUAL(set_periodic(MILLISECS(1) - 1), -EINVAL);
    CU_ASSERT_EQUAL(set_periodic(0), -EINVAL);
    CU_ASSERT_EQUAL(set_periodic((1ull << 62)), -EINVAL);
    CU_ASSERT_EQUAL(set_periodic(~0ull), -EINVAL);
    CU_ASSERT_EQUAL(v->periodic_period, MILLISECS(10));        /* refused: unchanged */
    CU_ASSERT_EQUAL(set_periodic((1ull << 62) - 1), 0);
    CU_ASSERT_EQUAL(set_periodic(MILLISECS(1)), 0);
    /* Unreadable arguments (va 0x5000 is not mapped in the sim space). */
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_set_periodic_timer, 0, 5 * PAGE_SIZE), -EFAULT);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_set_singleshot_timer, 0, 5 * PAGE_SIZE), -EFAULT);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_set_periodic_timer, 0, 0xFFFFFFFCu), -EFAULT);
    CU_ASSERT_EQUAL(v->periodic_period, MILLISECS(1));
}

static void test_vcpu_op_periodic(void)
{
    fresh();
    run_to(T0 + MILLISECS(4));
    CU_ASSERT_EQUAL(set_periodic(MILLISECS(3)), 0);          /* first tick a period from now */
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(7));
    CU_ASSERT_EQUAL(set_periodic(MILLISECS(3)), 0);          /* same period: phase kept */
    CU_ASSERT_EQUAL(v->periodic_timer.expires, T0 + MILLISECS(7));
    run_to(T0 + MILLISECS(15));
    CU_ASSERT_EQUAL_FATAL(nr_virqs, 3);
    CU_ASSERT_EQUAL(virq_at[2], T0 + MILLISECS(13));
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    run_to(T0 + MILLISECS(100));
    CU_ASSERT_EQUAL(nr_virqs, 3);
    /* Stopped stays stopped across a deschedule / resume. */
    vcpu_timers_descheduled(v);
    vcpu_timers_resume(v);
    CU_ASSERT_FALSE(v->periodic_timer.active);
}

static void test_vcpu_op_singleshot(void)
{
    fresh();
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0), 0);
    CU_ASSERT_EQUAL(set_singleshot(T0 + 1000, VCPU_SSHOTTMR_future), 0);
    CU_ASSERT_EQUAL(set_singleshot(T0 - 1, VCPU_SSHOTTMR_future), -ETIME);
    CU_ASSERT_EQUAL(nr_virqs, 0);
    CU_ASSERT_TRUE(v->singleshot_timer.active);              /* -ETIME changed nothing */
    /* Passed, without the flag: VIRQ at once; the armed deadline stays (Xen). */
    CU_ASSERT_EQUAL(set_singleshot(T0 - 1, 0), 0);
    CU_ASSERT_EQUAL(nr_virqs, 1);
    CU_ASSERT_TRUE(v->singleshot_timer.active);
    run_to(T0 + 5000);
    CU_ASSERT_EQUAL_FATAL(nr_virqs, 2);
    CU_ASSERT_EQUAL(virq_at[1], T0 + 1000);
    /* Exactly now is not in the past. */
    CU_ASSERT_EQUAL(set_singleshot((uint64_t)NOW(), VCPU_SSHOTTMR_future), 0);
    interrupt();
    CU_ASSERT_EQUAL(nr_virqs, 3);
    /* stop. */
    CU_ASSERT_EQUAL(set_singleshot(NOW() + 1000, 0), 0);
    CU_ASSERT_EQUAL(do_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0), 0);
    run_to(NOW() + 5000);
    CU_ASSERT_EQUAL(nr_virqs, 3);
}

static void test_destroy(void)
{
    fresh();
    CU_ASSERT_EQUAL(set_timer(T0 + MILLISECS(5)), 0);
    vcpu_timers_destroy(v);
    CU_ASSERT_FALSE(v->singleshot_timer.active);
    CU_ASSERT_FALSE(v->periodic_timer.active);
    CU_ASSERT_EQUAL(sim_time_stats.deadline, STIME_MAX);
    run_to(T0 + MILLISECS(100));
    CU_ASSERT_EQUAL(nr_virqs, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("vcpu_timer", NULL, NULL);
    CU_add_test(s, "default 10 ms periodic from the first run", test_default_periodic);
    CU_add_test(s, "periodic ticks do not drift", test_periodic_no_drift);
    CU_add_test(s, "descheduled and resumed", test_descheduled);
    CU_add_test(s, "set_timer_op", test_set_timer_op);
    CU_add_test(s, "vcpu_op errors", test_vcpu_op_errors);
    CU_add_test(s, "vcpu_op periodic", test_vcpu_op_periodic);
    CU_add_test(s, "vcpu_op singleshot", test_vcpu_op_singleshot);
    CU_add_test(s, "destroy stops both", test_destroy);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
