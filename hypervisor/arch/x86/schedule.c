/*
 * pvx: the scheduling mechanism and the work done on the way back to a
 * guest.
 *
 * Whoever wants a vCPU to see something (an event upcall, a reschedule)
 * sets work_pending; entry.S then calls handle_pending_work() before it
 * returns to a guest, and only then. schedule() asks the policy
 * (common/sched_credit.c) who runs next and switches to it. It never
 * returns to its caller: like Xen's reset_stack_and_jump(), it restarts the
 * hypervisor stack either in the guest return path (with the next vCPU's
 * registers at the top of the stack) or in the idle loop.
 *
 * While a vCPU runs, its registers live in the frame at the top of the
 * hypervisor stack (guest_regs()); while it does not, in arch->saved_regs,
 * with its data segment selectors and FPU state next to them.
 */
#include <pvx/lib.h>
#include <pvx/domain.h>
#include <pvx/sched.h>
#include <pvx/timer.h>
#include <pvx/vcpu_timer.h>
#include <public/xen.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <asm/vcpu.h>

/* The running vCPU's vcpu_info (entry.S checks its upcall flags on every
 * return); a dummy with the upcall masked while no guest runs. */
static struct vcpu_info idle_vcpu_info = { .evtchn_upcall_mask = 1 };
struct vcpu_info *current_vcpu_info = &idle_vcpu_info;
static bool schedule_requested;
static struct timer slice_timer;
static s_time_t last_switch;

void restore_all_guest(void);

/* raise_schedule: see pvx/sched.h. */
void raise_schedule(void)
{
    schedule_requested = true;
    work_pending = 1;
}

/* vcpu_cpu_time: see pvx/sched.h. The running vCPU will be charged from
 * last_switch at the next decision. */
s_time_t vcpu_cpu_time(const struct vcpu *v)
{
    return v->cpu_time + (v == current ? NOW() - last_switch : 0);
}

/* vcpu_wake: see pvx/sched.h. */
void vcpu_wake(struct vcpu *v)
{
    if (v->runstate == RUNSTATE_blocked) {
        v->runstate = RUNSTATE_runnable;
        v->poll_count = 0;
        raise_schedule();
    }
}

/* vcpu_kick: see pvx/sched.h. */
void vcpu_kick(struct vcpu *v)
{
    if (v == current)
        work_pending = 1;
    vcpu_wake(v);
}

/* The time slice ran out. */
static void slice_expired(void *unused)
{
    (void)unused;
    raise_schedule();
}

/* Restart the hypervisor stack just below the guest frame and jump. */
__attribute__((noreturn)) static void reset_stack_and_jump(void (*fn)(void))
{
    __asm__ volatile("movq %0, %%rsp; jmp *%1" :: "r"(guest_regs()), "r"(fn) : "memory");
    __builtin_unreachable();
}

/* Save what the CPU holds for the outgoing vCPU. */
static void save_vcpu_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    a->saved_regs = *guest_regs();
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=m"(a->ds), "=m"(a->es), "=m"(a->fs), "=m"(a->gs));
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    __asm__ volatile("fxsave64 %0" : "=m"(a->fpu_state));
    a->fpu_initialised = true;
}

/* Load a data segment selector; a selector the guest's GDT/LDT no longer
 * allows becomes null (the guest's failsafe callback would see it in Xen). */
#define LOAD_SEG(seg, sel)                                                    \
    __asm__ volatile("1: movl %k0, %%" #seg "\n"                              \
                     "2:\n"                                                   \
                     ".pushsection .fixup, \"ax\"\n"                          \
                     "3: xorl %k0, %k0; jmp 1b\n"                             \
                     ".popsection\n"                                          \
                     ".pushsection .ex_table, \"a\"\n"                        \
                     ".quad 1b, 3b\n"                                         \
                     ".popsection\n" : "+r"((uint32_t){ sel }))

/* The data segment selectors the CPU holds now. */
static void read_segs(uint16_t segs[4])
{
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=m"(segs[0]), "=m"(segs[1]), "=m"(segs[2]), "=m"(segs[3]));
}

/* Put the incoming vCPU's state into the CPU and its frame on the stack.
 * A selector its GDT/LDT no longer allows is loaded as null and the guest
 * is sent to its failsafe callback (as Xen does) with the four it had. */
static void load_vcpu_state(struct vcpu *v)
{
    struct arch_vcpu *a = v->arch;
    vcpu_load_context(v);
    *guest_regs() = a->saved_regs;
    LOAD_SEG(ds, a->ds);
    LOAD_SEG(es, a->es);
    LOAD_SEG(fs, a->fs);
    LOAD_SEG(gs, a->gs);
    uint16_t now[4], wanted[4] = { a->ds, a->es, a->fs, a->gs };
    read_segs(now);
    if (memcmp(now, wanted, sizeof(now)) != 0)
        bounce_to_failsafe(v, guest_regs(), wanted);
    write_cr0(read_cr0() & ~(uint64_t)CR0_TS);
    if (a->fpu_initialised) {
        __asm__ volatile("fxrstor64 %0" :: "m"(a->fpu_state));
    } else {
        uint32_t mxcsr = 0x1f80;
        __asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
    }
    if (a->fpu_ts)
        write_cr0(read_cr0() | CR0_TS);
}

/* The CPU's idle loop: halt until an interrupt, then reschedule if asked. */
__attribute__((noreturn)) static void idle_loop(void)
{
    for (;;) {
        __asm__ volatile("cli");
        if (schedule_requested)
            schedule();
        __asm__ volatile("sti; hlt" ::: "memory");   /* sti's shadow covers hlt: no lost wakeup */
    }
}

/* schedule: see asm/vcpu.h. */
void schedule(void)
{
    s_time_t now = NOW();
    struct vcpu *prev = current;
    schedule_requested = false;
    if (prev && prev->arch) {
        sched_credit_charge(prev, now - last_switch, now);
        if (prev->runstate == RUNSTATE_running)
            prev->runstate = RUNSTATE_runnable;
    }
    last_switch = now;
    s_time_t slice;
    struct vcpu *next = sched_credit_pick(now, &slice);
    /* Idle with a slice: a capped vCPU waits for the next refill, and
     * nothing else may wake us for it. */
    if (next || slice) {
        if (slice_timer.fn == NULL)
            timer_init(&slice_timer, slice_expired, NULL);
        timer_set(&slice_timer, now + slice);
    } else if (slice_timer.fn) {
        timer_stop(&slice_timer);
    }
    if (next == prev && prev) {
        prev->runstate = RUNSTATE_running;
        reset_stack_and_jump(restore_all_guest);
    }
    if (prev && prev->arch) {
        save_vcpu_state(prev);
        vcpu_timers_descheduled(prev);
    }
    if (!next) {
        current = NULL;
        current_vcpu_info = &idle_vcpu_info;
        reset_stack_and_jump(idle_loop);
    }
    load_vcpu_state(next);
    reset_stack_and_jump(restore_all_guest);
}

/* Forget the running vCPU without saving it (its domain is gone). */
void schedule_forget_current(void)
{
    current = NULL;
    current_vcpu_info = &idle_vcpu_info;
}

/* Block the running vCPU until an event or timer wakes it; the hypercall
 * result rc is what the guest sees when it runs again. */
long vcpu_block_current(long rc)
{
    struct vcpu *v = current;
    v->runstate = RUNSTATE_blocked;
    if (v->in_multicall) {
        /* The batch must finish unwinding first (schedule() never
         * returns): end it here, like an iret, and block on the way out
         * to the guest (handle_pending_work). */
        v->multicall_stop = true;
        raise_schedule();
        return rc;
    }
    guest_regs()->rax = (uint64_t)rc;
    schedule();
}

/* Deliver the event upcall if one is pending and unmasked. */
static void deliver_event_upcall(struct vcpu *v, struct cpu_regs *regs)
{
    struct vcpu_info *vi = v->arch->vcpu_info;
    if (!vi->evtchn_upcall_pending || vi->evtchn_upcall_mask)
        return;
    if ((v->arch->event_cb.cs & ~3) == 0)
        domain_crash(v->domain, "event upcall pending but no event callback registered");
    bounce_to_callback(v, regs, &v->arch->event_cb);
}

/* Called from entry.S before returning to a guest when work_pending is set
 * or the running vCPU has an unmasked upcall pending. */
void handle_pending_work(struct cpu_regs *regs)
{
    work_pending = 0;
    if (!regs_from_guest(regs) || !current)
        return;
    if (schedule_requested)
        schedule();      /* returns only by re-entering restore_all_guest */
    deliver_event_upcall(current, regs);
}
