/*
 * guest-os: bench, an lmbench-style suite of operating-system latencies
 * (run with init=/bin/bench; tools/pvx-bench boots it on both builds and
 * compares them with the Xen paper's XenoLinux/Linux ratios). The rows,
 * after lmbench 3's lat_syscall, lat_proc, lat_ctx, lat_pagefault,
 * lat_mmap and lat_sig:
 *   null_call     getppid() (lat_syscall null); getpid() if the kernel
 *                 has no getppid (the first line says which)
 *   fork          fork, the child _exit(1)s, waitpid (lat_proc fork)
 *   exec          fork, the child execve()s /bin/true, waitpid (lat_proc exec)
 *   ctx_switch    two processes pass a one-byte token through two pipes,
 *                 per switch, less pipe_overhead (lat_ctx -s 0 2)
 *   ctx_switch_raw  the same without the subtraction
 *   pipe_overhead one process writes a byte to a pipe and reads it back
 *   page_fault    first write to each page of a fresh 1 MiB anonymous
 *                 mapping, per page
 *   mmap          mmap 1 MiB anonymous read-write, touch its first tenth
 *                 every 16 KiB (7 pages, lat_mmap's non-random walk),
 *                 munmap
 *   prot_fault    a write to a present read-only page; the SIGSEGV
 *                 handler returns and the write faults again, until the
 *                 last fault's handler makes the page writable (lat_sig
 *                 prot); per fault
 * Times are rdtsc ticks in ring 3 (under QEMU -icount shift=0:
 * instructions). Each row is the fastest of REPS runs after a warm-up
 * run, each row in a forked child so that a missing kernel feature (a
 * signal never delivered) loses only its row. Output, one line a row:
 *   BENCHOS <name> <ticks per operation> <operations per run>
 *   BENCHOS_ERROR <name> <why>
 * and "bench: done" at the end. The exit status is 0 either way.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define REPS 5
#define PAGE 4096
#define MAP_BYTES (1024 * 1024)
#define LAT_MMAP_STRIDE (16 * 1024)   /* lmbench lat_mmap's PSIZE */

extern char **environ;

/* The time-stamp counter (ring 3 may read it: neither kernel sets CR4.TSD). */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* A benchmark body: run about n operations, store the ticks they took in
 * *ticks; the number of operations timed, or -errno if a call failed. */
typedef long (*bench_fn)(long n, uint64_t *ticks);

/* The null call: getppid, or getpid on a kernel without getppid. */
static pid_t (*null_call)(void) = getppid;

/* n null_call() calls. */
static long bench_null_call(long n, uint64_t *ticks)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        if (null_call() < 0)
            return -errno;
    *ticks = rdtsc() - t0;
    return n;
}

/* n times fork, the child exits at once, the parent waits for it. */
static long bench_fork(long n, uint64_t *ticks)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        int pid = fork(), status;
        if (pid == 0)
            _exit(1);
        if (pid < 0 || waitpid(pid, &status, 0) != pid)
            return -errno;
    }
    *ticks = rdtsc() - t0;
    return n;
}

/* n times fork, the child execs /bin/true, the parent waits for it. */
static long bench_exec(long n, uint64_t *ticks)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        int pid = fork(), status;
        if (pid == 0) {
            char *args[] = { "true", NULL };
            execve("/bin/true", args, environ);
            _exit(99);
        }
        if (pid < 0 || waitpid(pid, &status, 0) != pid)
            return -errno;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return -ENOEXEC;
    }
    *ticks = rdtsc() - t0;
    return n;
}

/* n round trips of a byte between this process and a child through two
 * pipes: 2n context switches (each with one write and one read). */
static long bench_ctx_raw(long n, uint64_t *ticks)
{
    int there[2], back[2];
    char token = 't';
    if (pipe(there) < 0 || pipe(back) < 0)
        return -errno;
    int pid = fork();
    if (pid == 0) {
        close(there[1]);
        close(back[0]);
        while (read(there[0], &token, 1) == 1)
            if (write(back[1], &token, 1) != 1)
                break;
        _exit(0);
    }
    close(there[0]);
    close(back[1]);
    if (pid < 0)
        return -errno;
    long warm = n / 8 + 1, rc = 2 * n;
    uint64_t t0 = 0;
    for (long i = 0; i < warm + n; i++) {
        if (i == warm)
            t0 = rdtsc();
        if (write(there[1], &token, 1) != 1 || read(back[0], &token, 1) != 1) {
            rc = -errno;
            break;
        }
    }
    *ticks = rdtsc() - t0;
    close(there[1]);       /* the child's read sees the end and it exits */
    close(back[0]);
    int status;
    waitpid(pid, &status, 0);
    return rc;
}

/* n times: write a byte into a pipe and read it back, in one process. */
static long bench_pipe_overhead(long n, uint64_t *ticks)
{
    int fds[2];
    char token = 't';
    if (pipe(fds) < 0)
        return -errno;
    long rc = n;
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        if (write(fds[1], &token, 1) != 1 || read(fds[0], &token, 1) != 1) {
            rc = -errno;
            break;
        }
    *ticks = rdtsc() - t0;
    close(fds[0]);
    close(fds[1]);
    return rc;
}

/* The first write to each of the n pages of a fresh anonymous mapping. */
static long bench_page_fault(long n, uint64_t *ticks)
{
    volatile char *p = mmap(NULL, (size_t)n * PAGE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++)
        p[i * PAGE] = 1;
    *ticks = rdtsc() - t0;
    munmap((void *)p, (size_t)n * PAGE);
    return n;
}

/* n times: map 1 MiB, write one byte every 16 KiB of its first tenth,
 * unmap it. */
static long bench_mmap(long n, uint64_t *ticks)
{
    uint64_t t0 = rdtsc();
    for (long i = 0; i < n; i++) {
        volatile char *p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return -errno;
        for (long off = 0; off < MAP_BYTES / 10; off += LAT_MMAP_STRIDE)
            p[off] = 1;
        if (munmap((void *)p, MAP_BYTES) < 0)
            return -errno;
    }
    *ticks = rdtsc() - t0;
    return n;
}

static volatile long prot_caught, prot_to_catch;
static void *volatile prot_page;

/* SIGSEGV: count the fault; at the last one make the page writable so
 * the faulting write can complete. */
static void prot_handler(int sig)
{
    (void)sig;
    if (++prot_caught >= prot_to_catch)
        mprotect(prot_page, PAGE, PROT_READ | PROT_WRITE);
}

/* n write faults on a present read-only page, each delivered as SIGSEGV. */
static long bench_prot_fault(long n, uint64_t *ticks)
{
    volatile char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    p[0] = 0;                                   /* present */
    if (mprotect((void *)p, PAGE, PROT_READ) < 0 || signal(SIGSEGV, prot_handler) == SIG_ERR)
        return -errno;
    prot_page = (void *)p;
    prot_caught = 0;
    prot_to_catch = n;
    uint64_t t0 = rdtsc();
    p[0] = 1;
    *ticks = rdtsc() - t0;
    signal(SIGSEGV, SIG_DFL);
    munmap((void *)p, PAGE);
    return prot_caught == n ? n : -EINTR;
}

/* Run fn(n) REPS times after a warm-up run of n/4: the fastest
 * per-operation figure with *ops set, or -1 with *why set. */
static double best_of(bench_fn fn, long n, long *ops, const char **why)
{
    uint64_t ticks = 0;
    double best = -1;
    long done = fn(n / 4 > 0 ? n / 4 : 1, &ticks);
    for (int r = 0; r < REPS && done > 0; r++) {
        done = fn(n, &ticks);
        double per = (double)ticks / (double)done;
        if (done > 0 && (best < 0 || per < best))
            best = per;
    }
    if (done <= 0) {
        *why = strerror((int)-done);
        return -1;
    }
    *ops = done;
    return best;
}

/* Measure one row in this process and print its line; its figure or -1. */
static double report(const char *name, bench_fn fn, long n)
{
    long ops = 0;
    const char *why = "";
    double per = best_of(fn, n, &ops, &why);
    if (per < 0)
        printf("BENCHOS_ERROR %s %s\n", name, why);
    else
        printf("BENCHOS %s %.1f %ld\n", name, per, ops);
    return per;
}

/* The context-switch rows: raw, the pipe overhead, and their difference
 * (lmbench's lat_ctx subtracts the overhead the same way). */
static double report_ctx(const char *name, bench_fn fn, long n)
{
    double raw = report("ctx_switch_raw", fn, n), pipe = report("pipe_overhead", bench_pipe_overhead, n);
    if (raw < 0 || pipe < 0)
        printf("BENCHOS_ERROR %s needs ctx_switch_raw and pipe_overhead\n", name);
    else
        printf("BENCHOS %s %.1f %ld\n", name, raw - pipe, 2 * n);
    return raw;
}

/* Run `how`(name, fn, n) in a child, so that a fatal trap (say, a signal
 * the kernel does not deliver) loses only this row. */
static void isolated(double (*how)(const char *, bench_fn, long), const char *name, bench_fn fn, long n)
{
    fflush(stdout);
    int pid = fork(), status = 0;
    if (pid == 0) {
        how(name, fn, n);
        fflush(stdout);
        _exit(0);
    }
    if (pid < 0)
        printf("BENCHOS_ERROR %s fork: %s\n", name, strerror(errno));
    else if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        printf("BENCHOS_ERROR %s the process was killed (status %d)\n", name, WEXITSTATUS(status));
    fflush(stdout);
}

/* Every row in turn; always exits 0 (a benchmark, not a test). */
int main(void)
{
    if (getppid() < 0 && errno == ENOSYS)
        null_call = (pid_t (*)(void))getpid;
    printf("bench: rdtsc ticks per operation, best of %d runs; null_call is %s()\n", REPS,
           null_call == getppid ? "getppid" : "getpid");
    isolated(report, "null_call", bench_null_call, 20000);
    isolated(report, "fork", bench_fork, 100);
    isolated(report, "exec", bench_exec, 50);
    isolated(report_ctx, "ctx_switch", bench_ctx_raw, 2000);
    isolated(report, "page_fault", bench_page_fault, MAP_BYTES / PAGE);
    isolated(report, "mmap", bench_mmap, 100);
    isolated(report, "prot_fault", bench_prot_fault, 1000);
    printf("bench: done\n");
    return 0;
}
