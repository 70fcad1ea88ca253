/*
 * guest-os: system calls (int $0x80). The table is indexed by the number
 * in eax (include/sys_nr.h); arguments are in ebx, ecx, edx; the result
 * (or a negative errno) goes back in eax.
 */
#include "kernel.h"
#include "errno.h"
#include "sys_nr.h"

/* Is [va, va + len) inside user space? (Not yet whether it is mapped: a
 * bad pointer faults in the kernel, which panics.) */
static int user_buf_ok(uint32_t va, uint32_t len)
{
    return va >= USER_BASE && len <= USER_END - va;
}

static long sys_exit(uint32_t status, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    proc_exit((int)status);
}

/* read, write and the other file calls are in sysfile.c (kernel/fs.h). */

static long sys_getpid(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    return current->pid;
}

/* brk(addr): move the heap end to addr (0: just ask); returns the new end. */
static long sys_brk(uint32_t addr, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    if (addr == 0 || addr < current->brk)
        return (long)current->brk;
    if (!user_buf_ok(addr, 0))
        return -ENOMEM;
    uint32_t want = PAGE_ROUND_UP(addr);
    if (want > current->brk_mapped) {
        if (user_map_range(current->brk_mapped, want))
            return -ENOMEM;
        current->brk_mapped = want;
    }
    current->brk = addr;
    return (long)addr;
}

/* ---- processes and time (proc.c, sched.c) ---- */
#define NSEC_PER_SEC 1000000000ull
struct user_timespec { int64_t sec; int32_t nsec; };   /* newlib's: 64-bit time_t */

/* waitpid(pid, status*, options): options are ignored (no WNOHANG yet). */
static long sys_waitpid(uint32_t pid, uint32_t status, uint32_t options)
{
    (void)options;
    if (status && !user_buf_ok(status, 4))
        return -EFAULT;
    int st = 0;
    int rc = proc_wait((int)pid, &st);
    if (rc > 0 && status)
        *(int *)status = (st & 0xff) << 8;   /* WEXITSTATUS */
    return rc;
}

static long sys_sched_yield(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    sched_yield();
    return 0;
}

/* nanosleep(req, rem): rem is never written (no signals interrupt it). */
static long sys_nanosleep(uint32_t req, uint32_t rem, uint32_t unused)
{
    (void)rem; (void)unused;
    if (!user_buf_ok(req, sizeof(struct user_timespec)))
        return -EFAULT;
    const struct user_timespec *ts = (const void *)req;
    if (ts->sec < 0 || ts->nsec < 0 || ts->nsec >= (int32_t)NSEC_PER_SEC)
        return -EINVAL;
    sleep_until(arch_time_ns() + (uint64_t)ts->sec * NSEC_PER_SEC + (uint32_t)ts->nsec);
    return 0;
}

/* clock_gettime(clock, ts): every clock is the monotonic time since boot
 * for now (no wallclock yet). */
static long sys_clock_gettime(uint32_t clock, uint32_t ts, uint32_t unused)
{
    (void)clock; (void)unused;
    if (!user_buf_ok(ts, sizeof(struct user_timespec)))
        return -EFAULT;
    uint64_t now = arch_time_ns();
    *(struct user_timespec *)ts = (struct user_timespec){ (int64_t)(now / NSEC_PER_SEC),
                                                          (int32_t)(now % NSEC_PER_SEC) };
    return 0;
}

/* spawn(name, argv): start /bin/NAME (or an embedded program) as a child. */
static long sys_spawn(uint32_t name, uint32_t argv, uint32_t unused)
{
    (void)unused;
    const char *args[8];
    int argc = 0;
    if (!user_buf_ok(name, 1) || !user_buf_ok(argv, 4))
        return -EFAULT;
    for (const uint32_t *a = (const uint32_t *)argv; *a; a++) {
        if (argc == 8)
            return -E2BIG;
        if (!user_buf_ok(*a, 1) || !user_buf_ok((uint32_t)(a + 1), 4))
            return -EFAULT;
        args[argc++] = (const char *)*a;
    }
    return proc_spawn((const char *)name, args, argc);
}

/* execve(path, argv, envp): the path and argv strings are copied into the
 * kernel first (the old address space goes away on success); envp is
 * ignored: the new program gets an empty environment, as spawn's do. */
#define EXEC_MAX_ARGS 8
#define EXEC_PATH_MAX 128
static char exec_path[EXEC_PATH_MAX];
static char exec_strings[PAGE_SIZE];     /* the kernel runs one call at a time */
static int copy_string_in(char *dst, uint32_t uva, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++) {
        if (!user_buf_ok(uva + i, 1))
            return -EFAULT;
        if (!(dst[i] = ((const char *)uva)[i]))
            return (int)i + 1;
    }
    return -E2BIG;
}

static long sys_execve(uint32_t path, uint32_t argv, uint32_t envp)
{
    (void)envp;
    const char *args[EXEC_MAX_ARGS];
    int argc = 0, rc = copy_string_in(exec_path, path, EXEC_PATH_MAX);
    if (rc < 0)
        return rc == -E2BIG ? -ENAMETOOLONG : rc;
    uint32_t used = 0;
    for (uint32_t a = argv; argv; a += 4) {
        if (!user_buf_ok(a, 4))
            return -EFAULT;
        uint32_t s = *(const uint32_t *)a;
        if (!s)
            break;
        if (argc == EXEC_MAX_ARGS)
            return -E2BIG;
        rc = copy_string_in(exec_strings + used, s, PAGE_SIZE - used);
        if (rc < 0)
            return rc;
        args[argc++] = exec_strings + used;
        used += (uint32_t)rc;
    }
    return proc_exec(exec_path, args, argc);
}

static long sys_fork(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    return proc_fork();
}

typedef long (*syscall_fn)(uint32_t, uint32_t, uint32_t);
static const syscall_fn syscalls[] = {
    [SYS_exit] = sys_exit,
    [SYS_fork] = sys_fork,
    [SYS_execve] = sys_execve,
    [SYS_read] = sys_read,
    [SYS_write] = sys_write,
    [SYS_getpid] = sys_getpid,
    [SYS_brk] = sys_brk,
    [SYS_waitpid] = sys_waitpid,
    [SYS_sched_yield] = sys_sched_yield,
    [SYS_nanosleep] = sys_nanosleep,
    [SYS_clock_gettime] = sys_clock_gettime,
    [SYS_spawn] = sys_spawn,
    [SYS_open] = sys_open,
    [SYS_close] = sys_close,
    [SYS_lseek] = sys_lseek,
    [SYS_fstat] = sys_fstat,
    [SYS_getdents] = sys_getdents,
    [SYS_unlink] = sys_unlink,
    [SYS_mkdir] = sys_mkdir,
};

void syscall(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    if (nr >= sizeof(syscalls) / sizeof(syscalls[0]) || !syscalls[nr]) {
        tf->eax = (uint32_t)-ENOSYS;
        return;
    }
    current->tf = tf;
    tf->eax = (uint32_t)syscalls[nr](tf->ebx, tf->ecx, tf->edx);
}
