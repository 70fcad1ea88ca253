/*
 * guest-os: the scheduler. Round robin over the process table: every timer
 * tick that interrupts ring 3 moves the CPU to the next runnable process.
 * The kernel itself is not preempted (it runs with interrupts disabled);
 * a process gives up the CPU inside the kernel only by sleeping, exiting
 * or yielding. procs[0] is the idle process: kmain's own stack, kernel
 * only, chosen when nothing else can run; it waits in arch_idle.
 * Rules: exactly one process is PROC_RUNNING, and it is `current`; a
 * process not running has its registers saved by swtch at kesp.
 */
#include "kernel.h"

struct proc procs[NPROC];
struct proc *current;

void sched_init(void)
{
    current = &procs[0];
    current->state = PROC_RUNNING;
    memcpy(current->name, "idle", 5);
}

/* The next runnable process after current in table order, or NULL. */
static struct proc *pick_next(void)
{
    unsigned int start = (unsigned int)(current - procs);
    for (unsigned int i = 1; i <= NPROC; i++) {
        struct proc *p = &procs[(start + i) % NPROC];
        if (p != &procs[0] && p->state == PROC_RUNNABLE)
            return p;
    }
    return NULL;
}

/* Give the CPU away; current's state says why (RUNNABLE to yield). */
void sched(void)
{
    struct proc *prev = current;
    struct proc *next = pick_next();
    if (!next)
        next = prev->state == PROC_RUNNABLE ? prev : &procs[0];
    next->state = PROC_RUNNING;
    if (next == prev)
        return;
    current = next;
    arch_switch_to(next->aspace, next->kstack_top);
    swtch(&prev->kesp, next->kesp);
}

void sched_yield(void)
{
    current->state = PROC_RUNNABLE;
    sched();
}

void sleep_on(const void *chan)
{
    current->chan = chan;
    current->state = PROC_SLEEPING;
    sched();
}

void sleep_until(uint64_t wake_ns)
{
    current->chan = NULL;
    current->wake_ns = wake_ns;
    current->state = PROC_SLEEPING;
    sched();
}

void wakeup(const void *chan)
{
    for (struct proc *p = procs; p < procs + NPROC; p++)
        if (p->state == PROC_SLEEPING && p->chan == chan)
            p->state = PROC_RUNNABLE;
}

/* The timer: wake the sleepers whose time has come; preempt ring 3. */
void sched_tick(struct trapframe *tf)
{
    uint64_t now = arch_time_ns();
    for (struct proc *p = procs; p < procs + NPROC; p++)
        if (p->state == PROC_SLEEPING && !p->chan && p->wake_ns <= now)
            p->state = PROC_RUNNABLE;
    if ((tf->cs & 3) == 3)
        sched_yield();
}

/* The idle process: run whatever can run, else wait for an interrupt. */
void sched_idle(void)
{
    for (;;) {
        sched_yield();
        arch_idle();
    }
}
