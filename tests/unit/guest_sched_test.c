/*
 * Host tests of guest-os's scheduler (guest-os/kernel/sched.c), compiled
 * for the host by guest-os/guest-os.mk. This file fakes what sched.c
 * calls: arch_switch_to and swtch only record the switch (swtch returns at
 * once, so the test goes on as whichever process is now `current`), the
 * clock is a variable, arch_idle counts. Checks: sched_init makes idle
 * run; yield goes round robin over the process table in table order,
 * wrapping and skipping idle, unused, sleeping and zombie slots; a process
 * alone keeps the CPU without a switch; nothing runnable runs idle;
 * sleep_on/wakeup wake only that channel's sleepers; the tick wakes the
 * timed sleepers whose time has come (not channel sleepers) and preempts
 * only ring 3; exactly one process is RUNNING after every step, and the
 * switch is given the next process's address space, kernel stack and
 * saved stack pointer.
 */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kernel.h"

/* ---- what sched.c calls ---- */
#define MAX_SWITCHES 64
static struct { struct aspace *as; uintptr_t kstack_top; uint32_t *save; uint32_t load; } switches[MAX_SWITCHES];
static int nswitch, nswtch, idles;
static uint64_t now_ns;

/* Record the address space and kernel stack the next process runs on. */
void arch_switch_to(struct aspace *as, uintptr_t kstack_top)
{
    CU_ASSERT_FATAL(nswitch < MAX_SWITCHES);
    switches[nswitch].as = as;
    switches[nswitch++].kstack_top = kstack_top;
}

/* Record the stacks; return at once (the test carries on as `current`). */
void swtch(uint32_t *save_esp, uint32_t load_esp)
{
    CU_ASSERT_FATAL(nswtch < nswitch);
    switches[nswtch].save = save_esp;
    switches[nswtch++].load = load_esp;
}

/* The fake clock. */
uint64_t arch_time_ns(void) { return now_ns; }
/* Count idle waits (sched_idle is never called: it does not return). */
void arch_idle(void) { idles++; }
/* A process that ends gives back what the arch holds: nothing here. */

/* ---- helpers ---- */
/* A fresh table: idle running, procs 1..n RUNNABLE with distinct
 * address spaces, kernel stacks and saved stack pointers. */
static void setup(int n)
{
    memset(procs, 0, sizeof(procs));
    current = NULL;
    nswitch = nswtch = idles = 0;
    now_ns = 0;
    sched_init();
    for (int i = 1; i <= n; i++) {
        procs[i].pid = i;
        procs[i].state = PROC_RUNNABLE;
        procs[i].aspace = (struct aspace *)(uintptr_t)(0x1000 * i);
        procs[i].kstack_top = 0x100000u + 0x1000u * (uintptr_t)i;
        procs[i].kesp = 0x200000u + 0x10u * (uint32_t)i;
    }
}

/* Exactly one process is RUNNING, and it is current. */
static int one_running(void)
{
    int running = 0;
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state == PROC_RUNNING)
            running += &procs[i] == current ? 1 : 100;
    return running == 1;
}

/* Yield `times` times; the pids that ran after each, as a string. */
static const char *yield_order(int times)
{
    static char order[64];
    size_t len = 0;
    for (int i = 0; i < times && len + 4 < sizeof(order); i++) {
        sched_yield();
        CU_ASSERT(one_running());
        len += (size_t)snprintf(order + len, sizeof(order) - len, "%s%d", i ? " " : "", current->pid);
    }
    order[len] = 0;
    return order;
}

/* A trap frame from ring `ring`. */
static struct trapframe frame(unsigned int ring)
{
    struct trapframe tf;
    memset(&tf, 0, sizeof(tf));
    tf.cs = 0x18 | ring;
    return tf;
}

/* ---- the tests ---- */
static void test_init_runs_idle(void)
{
    setup(0);
    CU_ASSERT_PTR_EQUAL(current, &procs[0]);
    CU_ASSERT_EQUAL(procs[0].state, PROC_RUNNING);
    CU_ASSERT_STRING_EQUAL(procs[0].name, "idle");
    CU_ASSERT(one_running());
}

static void test_round_robin_in_table_order(void)
{
    setup(3);
    CU_ASSERT_STRING_EQUAL(yield_order(7), "1 2 3 1 2 3 1");
    CU_ASSERT_EQUAL(nswitch, 7);
    CU_ASSERT_EQUAL(nswtch, 7);
    CU_ASSERT_EQUAL(procs[0].state, PROC_RUNNABLE);     /* idle waits its turn, never picked */
}

static void test_round_robin_starts_after_current(void)
{
    setup(5);
    procs[0].state = PROC_RUNNABLE;
    procs[4].state = PROC_RUNNING;
    current = &procs[4];
    CU_ASSERT_STRING_EQUAL(yield_order(5), "5 1 2 3 4");
}

static void test_skips_unused_sleeping_zombie(void)
{
    setup(6);
    procs[2].state = PROC_SLEEPING;
    procs[2].chan = &procs[2];
    procs[3].state = PROC_ZOMBIE;
    procs[5].state = PROC_UNUSED;
    CU_ASSERT_STRING_EQUAL(yield_order(6), "1 4 6 1 4 6");
    CU_ASSERT_EQUAL(procs[2].state, PROC_SLEEPING);
    CU_ASSERT_EQUAL(procs[3].state, PROC_ZOMBIE);
}

static void test_wraps_at_table_end(void)
{
    setup(0);
    procs[NPROC - 1] = (struct proc){ .pid = 99, .state = PROC_RUNNABLE };
    procs[1] = (struct proc){ .pid = 1, .state = PROC_RUNNABLE };
    CU_ASSERT_STRING_EQUAL(yield_order(3), "1 99 1");
}

static void test_alone_keeps_the_cpu(void)
{
    setup(1);
    sched_yield();                          /* idle -> 1 */
    CU_ASSERT_EQUAL(nswitch, 1);
    CU_ASSERT_STRING_EQUAL(yield_order(3), "1 1 1");
    CU_ASSERT_EQUAL(nswitch, 1);            /* no switch to itself */
    CU_ASSERT_EQUAL(nswtch, 1);
    CU_ASSERT_EQUAL(procs[0].state, PROC_RUNNABLE);
}

static void test_idle_when_nothing_runs(void)
{
    setup(1);
    sched_yield();
    CU_ASSERT_PTR_EQUAL(current, &procs[1]);
    sleep_until(1000);                      /* the only process sleeps */
    CU_ASSERT_PTR_EQUAL(current, &procs[0]);
    CU_ASSERT(one_running());
    CU_ASSERT_EQUAL(procs[1].state, PROC_SLEEPING);
    CU_ASSERT_EQUAL(procs[1].wake_ns, 1000);
    CU_ASSERT_PTR_NULL(procs[1].chan);
    CU_ASSERT_EQUAL(nswitch, 2);
    CU_ASSERT_PTR_NULL(switches[1].as);     /* idle keeps what is loaded */
    sched_yield();                          /* idle yields to nothing: stays */
    CU_ASSERT_PTR_EQUAL(current, &procs[0]);
    CU_ASSERT_EQUAL(nswitch, 2);
}

static void test_switch_arguments(void)
{
    setup(2);
    sched_yield();                          /* idle -> 1 */
    sched_yield();                          /* 1 -> 2 */
    CU_ASSERT_EQUAL_FATAL(nswtch, 2);
    CU_ASSERT_PTR_EQUAL(switches[0].as, procs[1].aspace);
    CU_ASSERT_EQUAL(switches[0].kstack_top, procs[1].kstack_top);
    CU_ASSERT_PTR_EQUAL(switches[0].save, &procs[0].kesp);
    CU_ASSERT_EQUAL(switches[0].load, procs[1].kesp);
    CU_ASSERT_PTR_EQUAL(switches[1].as, procs[2].aspace);
    CU_ASSERT_EQUAL(switches[1].kstack_top, procs[2].kstack_top);
    CU_ASSERT_PTR_EQUAL(switches[1].save, &procs[1].kesp);
    CU_ASSERT_EQUAL(switches[1].load, procs[2].kesp);
}

static void test_sleep_on_and_wakeup(void)
{
    int chan_a, chan_b;
    setup(3);
    sched_yield();                          /* 1 runs */
    sleep_on(&chan_a);                      /* 1 sleeps on a; 2 runs */
    CU_ASSERT_EQUAL(current->pid, 2);
    sleep_on(&chan_b);                      /* 2 on b; 3 runs */
    CU_ASSERT_EQUAL(current->pid, 3);
    sleep_on(&chan_a);                      /* 3 on a; nothing: idle */
    CU_ASSERT_PTR_EQUAL(current, &procs[0]);
    wakeup(&chan_a);
    CU_ASSERT_EQUAL(procs[1].state, PROC_RUNNABLE);
    CU_ASSERT_EQUAL(procs[3].state, PROC_RUNNABLE);
    CU_ASSERT_EQUAL(procs[2].state, PROC_SLEEPING);
    wakeup(&chan_a);                        /* nothing sleeps there now: no change */
    CU_ASSERT_EQUAL(procs[2].state, PROC_SLEEPING);
    CU_ASSERT_STRING_EQUAL(yield_order(3), "1 3 1");
    wakeup(&chan_b);
    CU_ASSERT_STRING_EQUAL(yield_order(3), "2 3 1");
}

static void test_tick_wakes_timed_sleepers(void)
{
    int chan;
    setup(3);
    procs[1].state = procs[2].state = procs[3].state = PROC_SLEEPING;
    procs[1].wake_ns = 30;
    procs[2].wake_ns = 10;
    procs[3].chan = &chan;                  /* a channel sleeper: wake_ns does not count */
    procs[3].wake_ns = 0;
    struct trapframe tf = frame(0);         /* a tick in the kernel: idle */
    now_ns = 9;
    sched_tick(&tf);
    CU_ASSERT_EQUAL(procs[1].state, PROC_SLEEPING);
    CU_ASSERT_EQUAL(procs[2].state, PROC_SLEEPING);
    now_ns = 10;                            /* wake_ns <= now */
    sched_tick(&tf);
    CU_ASSERT_EQUAL(procs[2].state, PROC_RUNNABLE);
    CU_ASSERT_EQUAL(procs[1].state, PROC_SLEEPING);
    CU_ASSERT_EQUAL(procs[3].state, PROC_SLEEPING);
    CU_ASSERT_PTR_EQUAL(current, &procs[0]);    /* not from ring 3: no preemption */
    now_ns = 1000;
    sched_tick(&tf);
    CU_ASSERT_EQUAL(procs[1].state, PROC_RUNNABLE);
    CU_ASSERT_EQUAL(procs[3].state, PROC_SLEEPING);
    CU_ASSERT_EQUAL(nswitch, 0);
}

static void test_tick_preempts_ring3_only(void)
{
    setup(2);
    sched_yield();                          /* 1 runs */
    struct trapframe kernel = frame(0), ring1 = frame(1), user = frame(3);
    sched_tick(&kernel);
    CU_ASSERT_EQUAL(current->pid, 1);
    sched_tick(&ring1);                     /* the PV kernel runs in ring 1 */
    CU_ASSERT_EQUAL(current->pid, 1);
    sched_tick(&user);
    CU_ASSERT_EQUAL(current->pid, 2);
    CU_ASSERT_EQUAL(procs[1].state, PROC_RUNNABLE);
    sched_tick(&user);
    CU_ASSERT_EQUAL(current->pid, 1);
    CU_ASSERT(one_running());
}

static void test_tick_order_sleepers_rejoin(void)
{
    /* 1 and 2 run; 3 sleeps until 50; a ring-3 tick at 50 wakes it and
     * preempts 1; the round robin then takes it in table order. */
    setup(3);
    procs[3].state = PROC_SLEEPING;
    procs[3].wake_ns = 50;
    CU_ASSERT_STRING_EQUAL(yield_order(3), "1 2 1");
    struct trapframe user = frame(3);
    now_ns = 50;
    sched_tick(&user);
    CU_ASSERT_EQUAL(current->pid, 2);
    sched_tick(&user);
    CU_ASSERT_EQUAL(current->pid, 3);
    sched_tick(&user);
    CU_ASSERT_EQUAL(current->pid, 1);
}

/* Run every test; exit status 1 if any failed. */
int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = CU_add_suite("guest_sched", NULL, NULL);
    CU_add_test(s, "sched_init runs idle", test_init_runs_idle);
    CU_add_test(s, "round robin in table order", test_round_robin_in_table_order);
    CU_add_test(s, "round robin starts after current", test_round_robin_starts_after_current);
    CU_add_test(s, "skips unused, sleeping, zombie", test_skips_unused_sleeping_zombie);
    CU_add_test(s, "wraps at the table's end", test_wraps_at_table_end);
    CU_add_test(s, "a process alone keeps the CPU", test_alone_keeps_the_cpu);
    CU_add_test(s, "idle when nothing runs", test_idle_when_nothing_runs);
    CU_add_test(s, "switch arguments", test_switch_arguments);
    CU_add_test(s, "sleep_on and wakeup", test_sleep_on_and_wakeup);
    CU_add_test(s, "tick wakes timed sleepers", test_tick_wakes_timed_sleepers);
    CU_add_test(s, "tick preempts ring 3 only", test_tick_preempts_ring3_only);
    CU_add_test(s, "tick order: a sleeper rejoins", test_tick_order_sleepers_rejoin);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    int failures = (int)CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}
