/*
 * guest-os: signals (newlib's numbers, include/proc_abi.h). kill() marks a
 * signal pending in the target; the target acts on it on its own way back
 * to ring 3 (signal_deliver, called at the end of trap()): the default
 * action ends it (its parent's wait sees the signal), a handler runs on
 * the user stack with a frame that SYS_sigreturn unwinds.
 * Rules:
 *  - sig_pending holds only signals that will do something: one that would
 *    be ignored (SIG_IGN, or SIGCHLD, SIGURG, SIGCONT and SIGWINCH by
 *    default) is dropped when sent, and when its handler becomes SIG_IGN.
 *  - SIGKILL and SIGSTOP cannot be caught, ignored or blocked (there is no
 *    job control: SIGSTOP ends the process, like SIGKILL).
 *  - A handler runs with its signal blocked (BSD signal() semantics: the
 *    handler stays installed); sigreturn restores the mask of before.
 *  - A sleeping process sent a signal it does not block is woken; the
 *    blocking call sees signal_pending() and returns -EINTR.
 *  - sigreturn trusts nothing in the frame but the general registers, eip
 *    and esp: the code and stack selectors stay the system call's (ring 3),
 *    only the arithmetic flags come from the frame, and IF stays set, so a
 *    forged frame cannot gain privilege or stop the timer.
 */
#include "kernel.h"
#include "errno.h"

#define SIG_BIT(sig) (1u << (sig))
#define UNBLOCKABLE (SIG_BIT(GOS_SIGKILL) | SIG_BIT(GOS_SIGSTOP))
#define DEFAULT_IGNORED (SIG_BIT(GOS_SIGCHLD) | SIG_BIT(GOS_SIGURG) | SIG_BIT(GOS_SIGCONT) | \
                         SIG_BIT(GOS_SIGWINCH))
#define EFLAGS_USER 0x0cd5u          /* CF PF AF ZF SF DF OF: what a frame may set */
#define EFLAGS_IF   0x0200u

/* What the handler finds on its stack: the return address (the
 * trampoline), its argument, then what sigreturn restores. */
struct sigframe {
    uint32_t trampoline;
    uint32_t signo;
    uint32_t blocked;                /* the mask before the handler */
    uint32_t edi, esi, ebp, ebx, edx, ecx, eax;
    uint32_t eip, eflags, esp;
};

/* Would sig be ignored by p as things stand? */
static int ignored(const struct proc *p, int sig)
{
    if (SIG_BIT(sig) & UNBLOCKABLE)
        return 0;
    uint32_t h = p->sig_handler[sig];
    return h == GOS_SIG_IGN || (h == GOS_SIG_DFL && (SIG_BIT(sig) & DEFAULT_IGNORED));
}

void signal_send(struct proc *p, int sig)
{
    if (ignored(p, sig))
        return;
    p->sig_pending |= SIG_BIT(sig);
    if (p->state == PROC_SLEEPING && !(p->sig_blocked & SIG_BIT(sig)))
        p->state = PROC_RUNNABLE;
}

void signal_force(int sig)
{
    struct proc *p = current;
    if (ignored(p, sig) || (p->sig_blocked & SIG_BIT(sig))) {
        p->sig_handler[sig] = GOS_SIG_DFL;
        p->sig_blocked &= ~SIG_BIT(sig);
    }
    p->sig_pending |= SIG_BIT(sig);
}

int signal_pending(void)
{
    return (current->sig_pending & ~current->sig_blocked) != 0;
}

void signal_exec(struct proc *p)
{
    for (int sig = 1; sig < GOS_NSIG; sig++) {
        if (p->sig_handler[sig] != GOS_SIG_IGN)
            p->sig_handler[sig] = GOS_SIG_DFL;
        p->sig_trampoline[sig] = 0;
    }
}

/* Push sig's frame on the user stack and point tf at its handler; the
 * frame sits below the interrupted esp, aligned so the handler starts as
 * a called function does (esp + 4 a multiple of 16). */
static void run_handler(struct trapframe *tf, int sig)
{
    struct proc *p = current;
    struct sigframe f = {
        .trampoline = p->sig_trampoline[sig], .signo = (uint32_t)sig, .blocked = p->sig_blocked,
        .edi = tf->edi, .esi = tf->esi, .ebp = tf->ebp, .ebx = tf->ebx, .edx = tf->edx,
        .ecx = tf->ecx, .eax = tf->eax, .eip = tf->eip, .eflags = tf->eflags, .esp = tf->esp,
    };
    uint32_t at = ((tf->esp - sizeof(f)) & ~15u) - 4;
    if (tf->esp < USER_BASE + sizeof(f) + 32 || copy_to_user(at, &f, sizeof(f))) {
        kprintf("guest-os: process %d (%s): no room for signal %d's frame below esp %x\n",
                p->pid, p->name, sig, tf->esp);
        proc_exit_signal(GOS_SIGSEGV);
    }
    tf->eip = p->sig_handler[sig];
    tf->esp = at;
    p->sig_blocked |= SIG_BIT(sig) & ~UNBLOCKABLE;
}

void signal_deliver(struct trapframe *tf)
{
    struct proc *p = current;
    for (;;) {
        uint32_t ready = p->sig_pending & ~p->sig_blocked;
        if (!ready)
            return;
        int sig = __builtin_ctz(ready);
        p->sig_pending &= ~SIG_BIT(sig);
        if (ignored(p, sig))
            continue;
        if ((SIG_BIT(sig) & UNBLOCKABLE) || p->sig_handler[sig] == GOS_SIG_DFL)
            proc_exit_signal(sig);
        run_handler(tf, sig);
        return;                      /* the next one after this handler's sigreturn */
    }
}

/* kill(pid, sig): send sig to process pid (sig 0: only check that it
 * exists). 0, -EINVAL (bad signal, pid not > 0: no process groups), -ESRCH
 * (no such process; a zombie still exists and takes nothing). */
long sys_kill(uint32_t pid, uint32_t sig, uint32_t unused)
{
    (void)unused;
    if (sig >= GOS_NSIG || (int32_t)pid <= 0)
        return -EINVAL;
    struct proc *p = proc_find((int)pid);
    if (!p)
        return -ESRCH;
    if (sig && p->state != PROC_ZOMBIE)
        signal_send(p, (int)sig);
    return 0;
}

/* signal(sig, handler, trampoline): set sig's action (GOS_SIG_DFL,
 * GOS_SIG_IGN or a handler's user address, which returns into
 * `trampoline`, code that calls SYS_sigreturn). The old action, or
 * -EINVAL (bad signal, SIGKILL, SIGSTOP), -EFAULT (a handler or trampoline
 * outside user space). */
long sys_signal(uint32_t sig, uint32_t handler, uint32_t trampoline)
{
    if (sig == 0 || sig >= GOS_NSIG || (SIG_BIT(sig) & UNBLOCKABLE))
        return -EINVAL;
    if (handler > GOS_SIG_IGN && (handler < USER_BASE || handler >= USER_END ||
                                  trampoline < USER_BASE || trampoline >= USER_END))
        return -EFAULT;
    struct proc *p = current;
    uint32_t old = p->sig_handler[sig];
    p->sig_handler[sig] = handler;
    p->sig_trampoline[sig] = trampoline;
    if (ignored(p, (int)sig))
        p->sig_pending &= ~SIG_BIT(sig);
    return (long)old;
}

/* sigreturn(): from the trampoline, with esp just above the frame's
 * return address (the handler's ret popped it): restore the interrupted
 * registers and signal mask. Returns the restored eax (syscall() puts it
 * back in eax). A frame that cannot be read ends the process (SIGSEGV). */
long sys_sigreturn(uint32_t unused1, uint32_t unused2, uint32_t unused3)
{
    (void)unused1; (void)unused2; (void)unused3;
    struct proc *p = current;
    struct trapframe *tf = p->tf;
    struct sigframe f;
    if (tf->esp < USER_BASE + 4 || copy_from_user(&f, tf->esp - 4, sizeof(f))) {
        kprintf("guest-os: process %d (%s): sigreturn: no signal frame at esp %x\n",
                p->pid, p->name, tf->esp);
        proc_exit_signal(GOS_SIGSEGV);
    }
    tf->edi = f.edi; tf->esi = f.esi; tf->ebp = f.ebp; tf->ebx = f.ebx;
    tf->edx = f.edx; tf->ecx = f.ecx;
    tf->eip = f.eip;
    tf->esp = f.esp;
    tf->eflags = (tf->eflags & ~EFLAGS_USER) | (f.eflags & EFLAGS_USER) | EFLAGS_IF;
    p->sig_blocked = f.blocked & ~UNBLOCKABLE & ~1u;
    return (long)f.eax;
}
