/*
 * guest-os user programs: signals. The kernel keeps each signal's action
 * (kernel/signal.c); signal() gives it the handler and __gos_sigreturn,
 * the trampoline the handler returns into, which calls SYS_sigreturn to
 * resume the interrupted code. raise() is kill(getpid()): the kernel acts
 * on the signal on that call's way back, so a handler has run (or the
 * process has ended) before raise returns.
 * This file defines every symbol of newlib's libc/signal/signal.o (a
 * software-only signal table), so that object is never linked: abort()
 * pulls in raise, and a second definition of signal would fail the link.
 */
#include <errno.h>
#include <reent.h>
#include <signal.h>
#include <unistd.h>
#include "proc_abi.h"
#include "sys_nr.h"

_Static_assert(SIGINT == GOS_SIGINT && SIGILL == GOS_SIGILL && SIGTRAP == GOS_SIGTRAP &&
               SIGFPE == GOS_SIGFPE && SIGKILL == GOS_SIGKILL && SIGSEGV == GOS_SIGSEGV &&
               SIGPIPE == GOS_SIGPIPE && SIGTERM == GOS_SIGTERM && SIGURG == GOS_SIGURG &&
               SIGSTOP == GOS_SIGSTOP && SIGCONT == GOS_SIGCONT && SIGCHLD == GOS_SIGCHLD &&
               SIGWINCH == GOS_SIGWINCH && NSIG == GOS_NSIG, "signal numbers");
_Static_assert(__builtin_constant_p((long)SIG_DFL) && (long)SIG_DFL == GOS_SIG_DFL &&
               (long)SIG_IGN == GOS_SIG_IGN, "signal actions");

#define STR(x) #x
#define XSTR(x) STR(x)
/* Where a handler returns: the frame the kernel pushed sits just above
 * esp, which SYS_sigreturn reads; it does not come back. */
void __gos_sigreturn(void);
__asm__(".text\n"
        ".globl __gos_sigreturn\n"
        "__gos_sigreturn:\n"
        "    movl $" XSTR(SYS_sigreturn) ", %eax\n"
        "    int $0x80\n"
        "    ud2\n");

static long syscall3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return ret;
}

/* What this process set, for sigaction's old action and __sigtramp (the
 * kernel's copy is the one that counts; both start at SIG_DFL, and fork
 * copies both). */
static _sig_func_ptr actions[NSIG];

/* Set sig's action: the old one, or SIG_ERR with *err set. */
static _sig_func_ptr set_action(int *err, int sig, _sig_func_ptr handler)
{
    long old = syscall3(SYS_signal, sig, (long)handler, (long)__gos_sigreturn);
    if (old < 0 && old > -4096) {
        *err = (int)-old;
        return SIG_ERR;
    }
    actions[sig] = handler;
    return (_sig_func_ptr)old;
}

_sig_func_ptr _signal_r(struct _reent *r, int sig, _sig_func_ptr handler)
{
    return set_action(&r->_errno, sig, handler);
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
    return set_action(&errno, sig, handler);
}

int _raise_r(struct _reent *r, int sig)
{
    long rc = syscall3(SYS_kill, syscall3(SYS_getpid, 0, 0, 0), sig, 0);
    if (rc < 0) {
        r->_errno = (int)-rc;
        return -1;
    }
    return 0;
}

int raise(int sig)
{
    return _raise_r(_REENT, sig);
}

/* newlib allocates its signal table here; the kernel holds ours. */
int _init_signal_r(struct _reent *r)
{
    (void)r;
    return 0;
}

int _init_signal(void)
{
    return 0;
}

/* Run sig's handler now, as newlib's software signals do: -1 for a bad
 * signal, 1 if its action is SIG_DFL, 2 if SIG_IGN, 0 once the handler
 * has run. */
int __sigtramp_r(struct _reent *r, int sig)
{
    (void)r;
    if (sig <= 0 || sig >= NSIG)
        return -1;
    _sig_func_ptr handler = actions[sig];
    if (handler == SIG_DFL)
        return 1;
    if (handler == SIG_IGN)
        return 2;
    handler(sig);
    return 0;
}

int __sigtramp(int sig)
{
    return __sigtramp_r(_REENT, sig);
}

/* sigaction: sa_handler only (sa_mask and sa_flags are ignored; the
 * signal is blocked while its handler runs, as with signal()). */
int sigaction(int sig, const struct sigaction *act, struct sigaction *oact)
{
    if (sig <= 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    _sig_func_ptr old = actions[sig];
    if (act && (old = set_action(&errno, sig, act->sa_handler)) == SIG_ERR)
        return -1;
    if (oact)
        *oact = (struct sigaction){ .sa_handler = old };
    return 0;
}
