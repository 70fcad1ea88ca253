/*
 * Test guest "timer_ops": the results of set_timer_op and vcpu_op's timer
 * commands (docs/abi.md), as Xen 4.17 gives them to a 32-bit PV guest:
 *  - set_timer_op always answers 0: a future deadline, one already passed
 *    (fires at once), 0 (cancels), deadlines that are negative or more than
 *    2^50 ns ahead (Xen's "wrapped jiffies" case: 100 ms instead);
 *  - vcpu_op checks the vCPU first (-ENOENT for any vcpuid but 0, whatever
 *    the command), then the command (-ENOSYS if unknown); VCPUOP_is_up is 1;
 *  - set_periodic_timer: periods from 1 ms up to 2^62 - 1 ns are taken,
 *    shorter or longer ones are -EINVAL; stop_periodic_timer is 0, twice too;
 *  - set_singleshot_timer: a passed deadline with VCPU_SSHOTTMR_future is
 *    -ETIME, without the flag 0 (the VIRQ is raised at once);
 *    stop_singleshot_timer is 0;
 *  - argument structs that cannot be read (unmapped, straddling into an
 *    unmapped page, the hypervisor area) are -EFAULT, with the whole 12-byte
 *    x86_32 singleshot struct read;
 *  - a 1 ms periodic timer (many timer interrupts while the guest runs)
 *    disturbs nothing; the default 10 ms period is put back at the end.
 * Delivery of VIRQ_TIMER itself is for a guest that binds it (event channels).
 */
#include "clock.h"
#include "bad_ptr.h"
#include <public/vcpu.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STIME_DELTA_MAX 0x3FFFFFFFFFFFFFFFull

static long set_timer(uint64_t deadline)
{
    return HYPERVISOR_set_timer_op((uint32_t)deadline, (uint32_t)(deadline >> 32));
}

static void test_set_timer_op(void)
{
    uint64_t now = guest_now();
    CHECK_EQ(set_timer(now + 50000000ull), 0);       /* 50 ms ahead */
    CHECK_EQ(set_timer(now + 60000000ull), 0);       /* re-set */
    CHECK_EQ(set_timer(0), 0);                       /* cancel */
    CHECK_EQ(set_timer(0), 0);                       /* nothing to cancel */
    CHECK_EQ(set_timer(now - 1000000ull), 0);        /* passed: fires at once */
    CHECK_EQ(set_timer(1), 0);                       /* long passed */
    CHECK_EQ(set_timer(0xFFFFFFFFFFFFFFFFull), 0);   /* negative */
    CHECK_EQ(set_timer(0x8000000000000000ull), 0);
    CHECK_EQ(set_timer(now + (1ull << 50) + 1000000000ull), 0);  /* > 2^50 ns ahead */
    CHECK_EQ(set_timer(0), 0);
}

static void test_vcpu_checks(void)
{
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    static const uint32_t bad_vcpus[] = { 1, 2, 31, 32, 127, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF };
    for (unsigned int i = 0; i < N(bad_vcpus); i++) {
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, bad_vcpus[i], NULL), -XEN_ENOENT);
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, bad_vcpus[i], NULL), -XEN_ENOENT);
        CHECK_EQ(HYPERVISOR_vcpu_op(12345, bad_vcpus[i], NULL), -XEN_ENOENT);   /* vCPU first */
    }
    vcpu_set_periodic_timer_t per = { .period_ns = 10000000ull };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 1, &per), -XEN_ENOENT);
    static const int unknown[] = { 14, 15, 100, 12345, 0x7FFFFFFF, -1 };
    for (unsigned int i = 0; i < N(unknown); i++)
        CHECK_EQ(HYPERVISOR_vcpu_op(unknown[i], 0, NULL), -XEN_ENOSYS);
}

static long set_periodic(uint64_t period_ns)
{
    vcpu_set_periodic_timer_t per = { .period_ns = period_ns };
    return HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &per);
}

static void test_periodic(void)
{
    CHECK_EQ(set_periodic(1000000ull), 0);           /* the minimum: 1 ms */
    CHECK_EQ(set_periodic(1000000ull), 0);           /* the same again */
    CHECK_EQ(set_periodic(20000000ull), 0);
    CHECK_EQ(set_periodic(STIME_DELTA_MAX), 0);      /* the maximum */
    static const uint64_t bad[] = { 0, 1, 999999, STIME_DELTA_MAX + 1, 0x8000000000000000ull,
                                    0xFFFFFFFFFFFFFFFFull };
    for (unsigned int i = 0; i < N(bad); i++)
        CHECK_EQ(set_periodic(bad[i]), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);

    /* 1 ms ticks for 200 ms while the guest computes: nothing notices. */
    CHECK_EQ(set_periodic(1000000ull), 0);
    uint64_t start = guest_now(), prev = start, backwards = 0;
    volatile uint32_t sum = 0;
    while (prev - start < 200000000ull) {
        for (uint32_t i = 0; i < 1000; i++)
            sum += i * i;
        uint64_t t = guest_now();
        backwards += t < prev;
        prev = t;
    }
    CHECK_EQ(backwards, 0);
    CHECK_EQ(set_periodic(10000000ull), 0);          /* Xen's default again */
}

static long set_singleshot(uint64_t deadline, uint32_t flags)
{
    vcpu_set_singleshot_timer_t s = { .timeout_abs_ns = deadline, .flags = flags };
    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s);
}

static void test_singleshot(void)
{
    uint64_t now = guest_now();
    CHECK_EQ(set_singleshot(now + 50000000ull, 0), 0);
    CHECK_EQ(set_singleshot(now + 50000000ull, VCPU_SSHOTTMR_future), 0);
    CHECK_EQ(set_singleshot(now - 1000ull, VCPU_SSHOTTMR_future), -XEN_ETIME);
    CHECK_EQ(set_singleshot(0, VCPU_SSHOTTMR_future), -XEN_ETIME);
    CHECK_EQ(set_singleshot(1, VCPU_SSHOTTMR_future | 0xFFFFFFF0u), -XEN_ETIME);  /* other bits ignored */
    CHECK_EQ(set_singleshot(now - 1000ull, 0), 0);  /* passed: VIRQ at once */
    CHECK_EQ(set_singleshot(0, 0), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
}

/* Every pointer argument that cannot be read is -EFAULT. */
static void test_bad_pointers(void)
{
    check_bad_ptr_layout();
    const unsigned int cmds[] = { VCPUOP_set_periodic_timer, VCPUOP_set_singleshot_timer };
    for (unsigned int c = 0; c < N(cmds); c++) {
        CHECK_EQ(HYPERVISOR_vcpu_op(cmds[c], 0, (void *)unmapped_va()), -XEN_EFAULT);
        for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
            CHECK_EQ(HYPERVISOR_vcpu_op(cmds[c], 0, (void *)hypervisor_area_vas[i]), -XEN_EFAULT);
    }
    /* The period's first 4 bytes readable, the rest not. */
    uint32_t *head = (uint32_t *)straddling_va(4);
    *head = 10000000u;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, head), -XEN_EFAULT);
    /* The singleshot struct is 12 bytes on x86_32: deadline readable, flags not. */
    uint64_t *deadline = (uint64_t *)straddling_va(8);
    *deadline = guest_now() + 50000000ull;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, deadline), -XEN_EFAULT);
    /* And exactly 12 readable bytes are enough. */
    vcpu_set_singleshot_timer_t *s = (vcpu_set_singleshot_timer_t *)straddling_va(12);
    s->timeout_abs_ns = guest_now() + 50000000ull;
    s->flags = VCPU_SSHOTTMR_future;
    CHECK_EQ(sizeof(*s), 12);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, s), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
}

void test_main(void)
{
    test_set_timer_op();
    test_vcpu_checks();
    test_periodic();
    test_singleshot();
    test_bad_pointers();
}
