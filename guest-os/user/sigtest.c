/*
 * guest-os: sigtest (run with init=/bin/sigtest): anonymous memory
 * mappings, signals and the process and time calls, success and error
 * paths.
 *  - mmap/munmap/mprotect: pages read as zero on first touch and are only
 *    allocated then; EINVAL and ENOMEM where Linux gives them; a touch
 *    after munmap or against mprotect's protection is a SIGSEGV that a
 *    handler catches and repairs; PROT_NONE keeps the contents; munmap
 *    splits a mapping; fork shares pages copy-on-write, then they diverge.
 *  - signals: kill of a child (WIFSIGNALED, WTERMSIG), a handler that runs
 *    and returns (also asynchronously, into a computing loop whose
 *    registers must survive), SIGKILL that cannot be caught or ignored, a
 *    sleeping child interrupted (EINTR), SIGCHLD, abort(), a forged
 *    sigreturn frame that must not set IOPL, TF or clear IF.
 *  - waitpid WNOHANG, getppid (and an orphan's parent becoming init),
 *    uname, sysinfo, procinfo, kill's errors.
 *  - clock_gettime REALTIME (after 2020) and MONOTONIC (increasing, finer
 *    than the 10 ms tick), gettimeofday; bad pointers give EFAULT.
 * Each check prints "ok" or "FAIL"; lines with times carry "[time]" (the
 * only lines that differ between runs or builds). The last line is
 * "sigtest: N passed, N failed".
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "guest_os.h"
#include "sys_nr.h"

#define PAGE 4096
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define UNMAPPED ((void *)0x7E000000)      /* in user space, in no mapping */

static int passed, failed;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (ok)
        passed++;
    else
        failed++;
}

/* fork with stdout flushed, so no buffered line is printed twice. */
static int fork_flushed(void)
{
    fflush(stdout);
    return fork();
}

/* Wait for pid; its wait status, or -1. */
static int wait_status(int pid)
{
    int status;
    return waitpid(pid, &status, 0) == pid ? status : -1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

static int64_t clock_ns(clockid_t clock)
{
    struct timespec ts;
    if (clock_gettime(clock, &ts))
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static unsigned int free_pages(void)
{
    struct gos_sysinfo si;
    return sysinfo(&si) ? 0 : si.free_pages;
}

/* ---- SIGSEGV: the handler repairs the page it is told about ---- */
enum repair { REMAP, MAKE_RW };
static volatile int segv_count, segv_signo;
static char *volatile repair_at;
static volatile enum repair repair_how;

static void on_segv(int sig)
{
    segv_count++;
    segv_signo = sig;
    if (repair_how == REMAP)
        mmap(repair_at, PAGE, RW, ANON | MAP_FIXED, -1, 0);
    else
        mprotect(repair_at, PAGE, RW);
}

/* A read the compiler may not move across the handler's setup. */
static char touch(char *p)
{
    return *(volatile char *)p;
}

/* Arm the handler for a fault at page p; the count so far is reset. */
static void expect_segv(char *p, enum repair how)
{
    repair_at = p;
    repair_how = how;
    segv_count = 0;
}

static void test_mmap(void)
{
    char *p = mmap(NULL, 3 * PAGE, RW, ANON, -1, 0);
    check(p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0, "mmap: a page-aligned anonymous mapping");
    check((uintptr_t)p > (uintptr_t)sbrk(0) && (uintptr_t)p + 3 * PAGE <= 0x7F000000u,
          "mmap: between the heap and the stack");
    int zero = 1;
    for (int i = 0; i < 3 * PAGE; i++)
        zero &= p[i] == 0;
    check(zero, "mmap: demand-zero pages read as zero");
    memset(p, 'm', 3 * PAGE);
    check(p[0] == 'm' && p[3 * PAGE - 1] == 'm', "mmap: written and read back");

    unsigned int before = free_pages();
    char *q = mmap(NULL, 64 * PAGE, RW, ANON, -1, 0);
    unsigned int mapped = free_pages();
    for (int i = 0; i < 64; i++)
        q[i * PAGE] = 1;
    unsigned int touched = free_pages();
    check(q != MAP_FAILED && mapped == before && before - touched >= 64,
          "mmap: pages are allocated on first touch, not by mmap");
    check(munmap(q, 64 * PAGE) == 0 && free_pages() >= touched + 64, "munmap: gives the pages back");

    /* Errors. */
    errno = 0;
    check(mmap(NULL, 0, RW, ANON, -1, 0) == MAP_FAILED && errno == EINVAL, "mmap: length 0 is EINVAL");
    errno = 0;
    check(mmap(NULL, PAGE, RW, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == EINVAL,
          "mmap: a file mapping is EINVAL");
    errno = 0;
    check(mmap(NULL, PAGE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap: MAP_SHARED is EINVAL");
    errno = 0;
    check(mmap(NULL, PAGE, 0x10, ANON, -1, 0) == MAP_FAILED && errno == EINVAL, "mmap: unknown prot is EINVAL");
    errno = 0;
    check(mmap((char *)p + 1, PAGE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL,
          "mmap: MAP_FIXED unaligned is EINVAL");
    errno = 0;
    check(mmap(NULL, 0x40000000u, RW, ANON, -1, 0) == MAP_FAILED && errno == ENOMEM,
          "mmap: 1 GiB does not fit: ENOMEM");
    errno = 0;
    check(mmap((void *)0x80000000u, PAGE, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED && errno == ENOMEM,
          "mmap: MAP_FIXED outside user space is ENOMEM");
    char *big = mmap(NULL, 256u << 20, PROT_NONE, ANON, -1, 0);
    check(big != MAP_FAILED && munmap(big, 256u << 20) == 0, "mmap: a 256 MiB reservation, unmapped again");
    errno = 0;
    check(munmap(p + 1, PAGE) == -1 && errno == EINVAL, "munmap: unaligned is EINVAL");
    errno = 0;
    check(munmap(p, 0) == -1 && errno == EINVAL, "munmap: length 0 is EINVAL");
    errno = 0;
    check(mprotect(p + 1, PAGE, PROT_READ) == -1 && errno == EINVAL, "mprotect: unaligned is EINVAL");
    errno = 0;
    check(mprotect(UNMAPPED, PAGE, PROT_READ) == -1 && errno == ENOMEM, "mprotect: unmapped range is ENOMEM");

    /* munmap splits: the middle page goes, the others stay. */
    signal(SIGSEGV, on_segv);
    check(munmap(p + PAGE, PAGE) == 0 && p[0] == 'm' && p[2 * PAGE] == 'm',
          "munmap: the middle page of three, the others stay");
    expect_segv(p + PAGE, REMAP);
    char got = touch(p + PAGE + 5);  /* faults; the handler maps a fresh page */
    check(segv_count == 1 && segv_signo == SIGSEGV && got == 0,
          "munmap: a touch after munmap is SIGSEGV, caught; the remapped page is zero");

    /* mprotect: read-only, then no access; the contents stay. */
    check(mprotect(p, PAGE, PROT_READ) == 0 && p[0] == 'm', "mprotect: PROT_READ still reads");
    expect_segv(p, MAKE_RW);
    *(volatile char *)(p + 1) = 'w'; /* faults; the handler makes it writable */
    check(segv_count == 1 && p[1] == 'w' && p[0] == 'm', "mprotect: a write to PROT_READ is SIGSEGV, caught");
    check(mprotect(p, 3 * PAGE, PROT_NONE) == 0, "mprotect: PROT_NONE over the split mapping");
    expect_segv(p + 2 * PAGE, MAKE_RW);
    got = touch(p + 2 * PAGE);
    check(segv_count == 1 && got == 'm', "mprotect: PROT_NONE faults; the contents survive it");
    errno = 0;
    check(write(1, p, 4) == -1 && errno == EFAULT, "write from a PROT_NONE page is EFAULT");
    check(munmap(p, 3 * PAGE) == 0, "munmap: all three pages");
    signal(SIGSEGV, SIG_DFL);

    /* Without a handler, a touch after munmap ends the process. */
    int pid = fork_flushed();
    if (pid == 0) {
        *(volatile char *)UNMAPPED = 1;
        _exit(0);
    }
    int st = wait_status(pid);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "an unhandled fault: killed by SIGSEGV");
}

static void test_fork_cow(void)
{
    char *p = mmap(NULL, 2 * PAGE, RW, ANON, -1, 0);
    char *ro = mmap(NULL, PAGE, RW, ANON, -1, 0);
    p[0] = 'P';
    ro[0] = 'R';
    mprotect(ro, PAGE, PROT_READ);
    int pid = fork_flushed();
    if (pid == 0) {
        int ok = p[0] == 'P' && p[PAGE] == 0 && ro[0] == 'R';   /* shared, and a zero page */
        p[0] = 'C';
        p[PAGE] = 'c';
        ok &= mprotect(ro, PAGE, RW) == 0;
        ro[0] = 'W';                  /* a shared read-only page made writable: copied */
        ok &= p[0] == 'C' && p[PAGE] == 'c' && ro[0] == 'W';
        _exit(ok ? 0 : 1);
    }
    int st = wait_status(pid);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork: the child sees the mapping, then its own copy");
    check(p[0] == 'P' && p[PAGE] == 0 && ro[0] == 'R', "fork: the parent's pages are unchanged");
    p[PAGE] = 'p';
    check(p[PAGE] == 'p', "fork: the parent writes its own copy");
    munmap(p, 2 * PAGE);
    munmap(ro, PAGE);
}

/* ---- handlers ---- */
static volatile int term_count, int_count, chld_count;
static void on_term(int sig) { term_count += sig == SIGTERM; }
static void on_int(int sig) { int_count += sig == SIGINT; }
static void on_chld(int sig) { chld_count += sig == SIGCHLD; }

static void test_handlers(void)
{
    check(signal(SIGTERM, on_term) == SIG_DFL, "signal: the old action is SIG_DFL");
    check(raise(SIGTERM) == 0 && term_count == 1, "raise: the SIGTERM handler ran and returned");
    check(kill(getpid(), SIGTERM) == 0 && term_count == 2, "kill self: the handler stays installed");
    check(signal(SIGTERM, SIG_IGN) == on_term && raise(SIGTERM) == 0 && term_count == 2,
          "SIG_IGN: the signal is ignored");
    signal(SIGTERM, SIG_DFL);
    errno = 0;
    check(signal(SIGKILL, on_term) == SIG_ERR && errno == EINVAL, "signal: SIGKILL cannot be caught");
    errno = 0;
    check(signal(SIGKILL, SIG_IGN) == SIG_ERR && errno == EINVAL, "signal: SIGKILL cannot be ignored");
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = on_int;
    check(sigaction(SIGINT, &sa, &old) == 0 && old.sa_handler == SIG_DFL && raise(SIGINT) == 0 &&
          int_count == 1, "sigaction: installs a handler");
    sigaction(SIGINT, NULL, &old);
    check(old.sa_handler == on_int, "sigaction: reports the current handler");

    /* Asynchronous: a child computing in registers gets three SIGINTs. */
    int pid = fork_flushed();
    if (pid == 0) {
        unsigned int a = 0, b = 0;
        for (unsigned int i = 0; int_count < 4; i++) {      /* 1 from before the fork */
            a += i;
            b += 2 * i;
        }
        _exit(b == 2 * a ? 0 : 1);
    }
    int st = -1;                     /* signals are not queued: send until it is done */
    for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++) {
        kill(pid, SIGINT);
        sleep_ms(20);
    }
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "handlers interrupt a computing child; its registers survive");
    signal(SIGINT, SIG_DFL);

    /* SIGCHLD: ignored by default; with a handler, it runs and wait still works. */
    signal(SIGCHLD, on_chld);
    pid = fork_flushed();
    if (pid == 0)
        _exit(5);
    st = wait_status(pid);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 5 && chld_count == 1, "SIGCHLD: the handler runs, wait returns the child");
    signal(SIGCHLD, SIG_DFL);
}

/* A frame for SYS_sigreturn that asks for IOPL 3, TF and AC with IF
 * clear: the landing function reports what eflags it got. */
static uint32_t forge_stack[256] __attribute__((aligned(16)));
static void forge_landing(void)
{
    uint32_t fl;
    __asm__ volatile("pushfl; popl %0" : "=r"(fl));
    _exit((fl & 0x3000) == 0 && (fl & 0x200) && !(fl & 0x100) && !(fl & 0x40000) ? 0 : 1);
}

static void test_kill(void)
{
    /* Default action: killed by SIGTERM. */
    int pid = fork_flushed();
    if (pid == 0) {
        sleep_ms(5000);
        _exit(0);
    }
    check(kill(pid, SIGTERM) == 0, "kill: SIGTERM to a child");
    int st = wait_status(pid);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "kill: the child is WIFSIGNALED, WTERMSIG 15");

    /* A sleeping child with a handler: nanosleep ends early with EINTR. */
    pid = fork_flushed();
    if (pid == 0) {
        signal(SIGTERM, on_term);
        int before = term_count;
        struct timespec req = { 5, 0 }, rem = { 0, 0 };
        int rc = nanosleep(&req, &rem);
        _exit(rc == -1 && errno == EINTR && term_count == before + 1 && rem.tv_sec >= 3 ? 3 : 1);
    }
    sleep_ms(50);
    kill(pid, SIGTERM);
    st = wait_status(pid);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 3, "kill: a sleeping child is woken, nanosleep gives EINTR");

    /* SIGTERM ignored, SIGKILL not. */
    pid = fork_flushed();
    if (pid == 0) {
        signal(SIGTERM, SIG_IGN);
        for (;;)
            sleep_ms(1000);
    }
    sleep_ms(20);
    kill(pid, SIGTERM);
    sleep_ms(20);
    check(waitpid(pid, &st, WNOHANG) == 0, "kill: an ignored SIGTERM leaves the child alive (WNOHANG: 0)");
    kill(pid, SIGKILL);
    st = wait_status(pid);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "kill: SIGKILL ends it anyway");

    /* abort(): newlib raises SIGABRT through our raise. */
    pid = fork_flushed();
    if (pid == 0)
        abort();
    st = wait_status(pid);
    check(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "abort: killed by SIGABRT");

    /* A forged sigreturn frame gains no privilege. */
    pid = fork_flushed();
    if (pid == 0) {
        uint32_t frame[13] = { 0 };
        frame[10] = (uint32_t)forge_landing;                         /* eip */
        frame[11] = 0x3000 | 0x100 | 0x40000;                        /* IOPL 3, TF, AC; IF clear */
        frame[12] = (uint32_t)&forge_stack[255];                     /* esp */
        __asm__ volatile("movl %0, %%esp\n\tint $0x80" :: "r"(&frame[1]), "a"(SYS_sigreturn) : "memory");
        _exit(2);
    }
    st = wait_status(pid);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "sigreturn: a forged frame cannot set IOPL, TF, AC or clear IF");

    errno = 0;
    check(kill(9999, SIGTERM) == -1 && errno == ESRCH, "kill: no such process is ESRCH");
    errno = 0;
    check(kill(getpid(), 99) == -1 && errno == EINVAL, "kill: a bad signal is EINVAL");
    errno = 0;
    check(kill(0, SIGTERM) == -1 && errno == EINVAL, "kill: pid 0 (a group) is EINVAL");
    check(kill(getpid(), 0) == 0, "kill: signal 0 checks that the process exists");
}

static void test_processes(void)
{
    int me = getpid();
    int pid = fork_flushed();
    if (pid == 0) {
        int ok = getppid() == me;
        sleep_ms(50);
        _exit(ok ? 4 : 1);
    }
    int st = 0;
    check(waitpid(pid, &st, WNOHANG) == 0, "waitpid WNOHANG: 0 while the child runs");
    errno = 0;
    check(waitpid(pid, (int *)16, 0) == -1 && errno == EFAULT, "waitpid: a bad status pointer is EFAULT");
    st = wait_status(pid);
    check(WIFEXITED(st) && WEXITSTATUS(st) == 4, "getppid: the child sees its parent; wait still reaps it");
    errno = 0;
    check(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD, "waitpid WNOHANG without children: ECHILD");

    if (me == 1) {                   /* as init: an orphan becomes init's child */
        pid = fork_flushed();
        if (pid == 0) {
            if (fork() == 0) {
                sleep_ms(50);
                _exit(getppid() == 1 ? 6 : 1);
            }
            _exit(0);
        }
        wait_status(pid);
        int orphan = waitpid(-1, &st, 0);
        check(orphan > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 6, "an orphan's parent becomes init, which reaps it");
    }

    struct utsname u;
    check(uname(&u) == 0 && !strcmp(u.sysname, "guest-os") && !strcmp(u.release, "0.2") &&
          !strcmp(u.machine, "i686"), "uname: guest-os 0.2 i686");
    check(!strncmp(u.version, "native (", 8) || !strncmp(u.version, "pv (", 4), "uname: the version names the build");
    struct gos_sysinfo si;
    check(sysinfo(&si) == 0 && si.uptime_ns > 0 && si.free_pages > 0 && si.free_pages < si.total_pages &&
          si.nprocs >= 1 && !strncmp(u.version, si.build, strlen(si.build)), "sysinfo: uptime, memory, processes, build");

    int found = 0, count = 0;
    struct gos_procinfo pi;
    for (int next = procinfo(0, &pi); next > 0; next = procinfo(next, &pi)) {
        count++;
        if (pi.pid == me)
            found = !strcmp(pi.name, "sigtest") && pi.state == GOS_PROC_RUNNING && pi.pages > 0 &&
                    pi.ppid == getppid();
    }
    check(found && count == (int)si.nprocs, "procinfo: lists this process, running, with its pages");
    errno = 0;
    check(procinfo(-1, &pi) == -1 && errno == EINVAL, "procinfo: a negative index is EINVAL");
}

static void test_time(void)
{
    struct timespec ts;
    check(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1577836800, "clock_gettime REALTIME: after 2020");
    printf("sigtest: [time] realtime %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);   /* no %lld in this newlib */
    struct timeval tv;
    check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= ts.tv_sec && tv.tv_sec <= ts.tv_sec + 1 &&
          tv.tv_usec < 1000000, "gettimeofday: the same wallclock");

    int64_t m0 = clock_ns(CLOCK_MONOTONIC), r0 = clock_ns(CLOCK_REALTIME);
    sleep_ms(30);
    int64_t m1 = clock_ns(CLOCK_MONOTONIC), r1 = clock_ns(CLOCK_REALTIME);
    check(m1 - m0 >= 30000000, "clock_gettime MONOTONIC: advances over a 30 ms sleep");
    check(r1 - r0 >= 25000000 && (r1 - r0) - (m1 - m0) < 5000000 && (m1 - m0) - (r1 - r0) < 5000000,
          "clock_gettime REALTIME: advances with MONOTONIC");
    printf("sigtest: [time] slept %ld ns\n", (long)(m1 - m0));
    int64_t finest = 1000000000, last = clock_ns(CLOCK_MONOTONIC);
    int increasing = 1;
    for (int i = 0; i < 5; i++) {
        int64_t t0 = clock_ns(CLOCK_MONOTONIC), t;
        while ((t = clock_ns(CLOCK_MONOTONIC)) == t0)
            ;
        increasing &= t0 >= last && t > t0;
        last = t;
        if (t - t0 < finest)
            finest = t - t0;
    }
    check(increasing, "clock_gettime MONOTONIC: never goes back");
    check(finest < 1000000, "clock_gettime MONOTONIC: finer than a millisecond");
    printf("sigtest: [time] MONOTONIC steps by %ld ns\n", (long)finest);
    errno = 0;
    check(clock_gettime(99, &ts) == -1 && errno == EINVAL, "clock_gettime: an unknown clock is EINVAL");
}

static void test_efault(void)
{
    errno = 0;
    check(clock_gettime(CLOCK_MONOTONIC, (struct timespec *)16) == -1 && errno == EFAULT,
          "clock_gettime: a kernel pointer is EFAULT");
    errno = 0;
    check(clock_gettime(CLOCK_MONOTONIC, UNMAPPED) == -1 && errno == EFAULT,
          "clock_gettime: an unmapped pointer is EFAULT");
    errno = 0;
    check(uname(UNMAPPED) == -1 && errno == EFAULT, "uname: an unmapped pointer is EFAULT");
    errno = 0;
    check(write(1, UNMAPPED, 10) == -1 && errno == EFAULT, "write: an unmapped buffer is EFAULT");
    errno = 0;
    struct timespec *bad = (struct timespec *)0x7FFFFFFC;        /* runs off the end of user space */
    check(nanosleep(bad, NULL) == -1 && errno == EFAULT, "nanosleep: a pointer across the end is EFAULT");
    char *const argv[] = { UNMAPPED, NULL };
    errno = 0;
    check(spawn("hello", argv) == -1 && errno == EFAULT, "spawn: an unmapped argument is EFAULT");
}

int main(void)
{
    test_mmap();
    test_fork_cow();
    test_handlers();
    test_kill();
    test_processes();
    test_time();
    test_efault();
    printf("sigtest: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
