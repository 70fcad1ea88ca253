/*
 * guest-os: system calls (int $0x80). The table is indexed by the number
 * in eax (include/sys_nr.h); the arguments are ebx, ecx, edx, esi, edi,
 * ebp of the trap frame; the result (or a negative errno) goes back in
 * eax. Every user pointer goes through the uaccess helpers (kernel.h), so
 * a bad one gives -EFAULT. Memory calls are in vm.c, signals in signal.c,
 * file calls in sysfile.c.
 */
#include "kernel.h"
#include "errno.h"
#define GUEST_OS_KERNEL          /* guest_os.h: the structures, not the lib's calls */
#include "guest_os.h"
#include "sys_nr.h"
#include "xen_user.h"
#include "sys/utsname.h"

#define NSEC_PER_SEC 1000000000ull

static long sys_exit(uint32_t status, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    proc_exit((int)status);
}

static long sys_getpid(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    return current->pid;
}

/* The parent's pid (init's for an orphan; 0 for init, whose parent is idle). */
static long sys_getppid(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    return current->parent ? current->parent->pid : 0;
}

/* ---- processes and time (proc.c, sched.c) ---- */
struct user_timespec { int64_t sec; int32_t nsec; };   /* newlib's: 64-bit time_t */

/* waitpid(pid, status*, options): pid > 0 that child, else any child;
 * options WNOHANG (0 if no child has ended yet). *status (if not NULL)
 * gets the wait status: exit code << 8, or the signal that ended it. The
 * status pointer is checked before anything is reaped. */
static long sys_waitpid(uint32_t pid, uint32_t status, uint32_t options)
{
    if (options & ~(uint32_t)GOS_WNOHANG)
        return -EINVAL;
    if (status && fault_in_user(status, sizeof(int), 1))
        return -EFAULT;
    int st = 0;
    int rc = proc_wait((int)pid, &st, (int)options);
    if (rc > 0 && status && copy_to_user(status, &st, sizeof(st)))
        return -EFAULT;
    return rc;
}

static long sys_sched_yield(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    sched_yield();
    return 0;
}

/* nanosleep(req, rem): sleep for *req; a signal ends it early with -EINTR
 * and the time left in *rem (if not NULL). */
static long sys_nanosleep(uint32_t req, uint32_t rem, uint32_t unused)
{
    (void)unused;
    struct user_timespec ts;
    if (copy_from_user(&ts, req, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int32_t)NSEC_PER_SEC)
        return -EINVAL;
    uint64_t deadline = arch_time_ns() + (uint64_t)ts.sec * NSEC_PER_SEC + (uint32_t)ts.nsec;
    if (!signal_pending())          /* one sent before the call ends it at once */
        sleep_until(deadline);
    if (!signal_pending())
        return 0;
    uint64_t now = arch_time_ns(), left = deadline > now ? deadline - now : 0;
    struct user_timespec out = { (int64_t)(left / NSEC_PER_SEC), (int32_t)(left % NSEC_PER_SEC) };
    if (rem && copy_to_user(rem, &out, sizeof(out)))
        return -EFAULT;
    return -EINTR;
}

/* clock_gettime(clock, ts): CLOCK_REALTIME the wallclock (UTC),
 * CLOCK_MONOTONIC the time since boot; any other clock -EINVAL. */
static long sys_clock_gettime(uint32_t clock, uint32_t ts, uint32_t unused)
{
    (void)unused;
    uint64_t now;
    if (clock == GOS_CLOCK_REALTIME)
        now = arch_wallclock_ns();
    else if (clock == GOS_CLOCK_MONOTONIC)
        now = arch_time_ns();
    else
        return -EINVAL;
    struct user_timespec out = { (int64_t)(now / NSEC_PER_SEC), (int32_t)(now % NSEC_PER_SEC) };
    return copy_to_user(ts, &out, sizeof(out)) ? -EFAULT : 0;
}

/* A program name and argv for spawn and execve, copied into the kernel
 * (exec's new address space replaces the strings' pages). The kernel runs
 * one system call at a time, so one static buffer serves both. */
#define MAX_ARGS 8
#define NAME_MAX_LEN 128
static char call_name[NAME_MAX_LEN];
static char call_strings[PAGE_SIZE];
static const char *call_args[MAX_ARGS];

/* Copy the NUL-terminated name at uname and the NULL-terminated array of
 * strings at uargv (NULL: none) in: argc, or -EFAULT, -ENAMETOOLONG (name),
 * -E2BIG (more than MAX_ARGS strings or a page of them). */
static int copy_call_in(uint32_t uname_va, uint32_t uargv)
{
    int rc = copy_string_from_user(call_name, uname_va, NAME_MAX_LEN);
    if (rc < 0)
        return rc;
    uint32_t used = 0;
    int argc = 0;
    for (uint32_t a = uargv; uargv; a += 4) {
        uint32_t s;
        if (copy_from_user(&s, a, sizeof(s)))
            return -EFAULT;
        if (!s)
            break;
        if (argc == MAX_ARGS)
            return -E2BIG;
        rc = copy_string_from_user(call_strings + used, s, PAGE_SIZE - used);
        if (rc < 0)
            return rc == -ENAMETOOLONG ? -E2BIG : rc;
        call_args[argc++] = call_strings + used;
        used += (uint32_t)rc + 1;
    }
    return argc;
}

/* spawn(name, argv): start /bin/NAME (or an embedded program) as a child. */
static long sys_spawn(uint32_t name, uint32_t argv, uint32_t unused)
{
    (void)unused;
    int argc = copy_call_in(name, argv);
    return argc < 0 ? argc : proc_spawn(call_name, call_args, argc);
}

/* execve(path, argv, envp): envp is ignored: the new program gets an
 * empty environment, as spawn's do. */
static long sys_execve(uint32_t path, uint32_t argv, uint32_t envp)
{
    (void)envp;
    int argc = copy_call_in(path, argv);
    return argc < 0 ? argc : proc_exec(call_name, call_args, argc);
}

/* fork: the child gets no grant mappings (a hole where the parent's are). */
static long sys_fork(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    arch_fork_begin(current);
    int pid = proc_fork();
    arch_fork_end(current);
    struct proc *child = pid > 0 ? proc_find(pid) : NULL;
    if (child)
        vm_fork_drop_grants(&child->vm);
    return pid;
}

/* ---- the system ---- */
/* Copy the string src into the fixed-size field dst (always NUL-ended). */
static void set_field(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* uname(buf): the system's names (include/sys/utsname.h). */
static long sys_uname(uint32_t ubuf, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    struct utsname u;
    memset(&u, 0, sizeof(u));
    set_field(u.sysname, sizeof(u.sysname), "guest-os");
    set_field(u.nodename, sizeof(u.nodename), "guest-os");
    set_field(u.release, sizeof(u.release), "0.2");
    set_field(u.version, sizeof(u.version), arch_name());         /* "pv (pvx, ring 1, dom0)" */
    size_t n = strlen(u.version);
    set_field(u.version + n, sizeof(u.version) - n, " (");
    n = strlen(u.version);
    set_field(u.version + n, sizeof(u.version) - n, arch_platform());
    n = strlen(u.version);
    set_field(u.version + n, sizeof(u.version) - n, ")");
    set_field(u.machine, sizeof(u.machine), "i686");
    return copy_to_user(ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

/* sysinfo(info): uptime, memory and the number of processes. */
static long sys_sysinfo(uint32_t uinfo, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    struct gos_sysinfo si;
    memset(&si, 0, sizeof(si));
    si.uptime_ns = arch_time_ns();
    si.total_pages = page_total_count();
    si.free_pages = page_free_count();
    si.fs_pages = fs_pages_used();
    for (struct proc *p = procs + 1; p < procs + NPROC; p++)
        si.nprocs += p->state != PROC_UNUSED;
    set_field(si.build, sizeof(si.build), arch_name());
    set_field(si.platform, sizeof(si.platform), arch_platform());
    return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}

/* procinfo(index, info): the process at table slot index or the first
 * after it (idle, slot 0, is not listed): the slot to ask next with *info
 * filled, 0 when there is none, -EINVAL for a negative index. */
static long sys_procinfo(uint32_t index, uint32_t uinfo, uint32_t unused)
{
    (void)unused;
    static const uint32_t states[] = { [PROC_RUNNABLE] = GOS_PROC_RUNNABLE,
        [PROC_RUNNING] = GOS_PROC_RUNNING, [PROC_SLEEPING] = GOS_PROC_SLEEPING,
        [PROC_ZOMBIE] = GOS_PROC_ZOMBIE };
    if ((int32_t)index < 0)
        return -EINVAL;
    for (uint32_t i = index ? index : 1; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == PROC_UNUSED)
            continue;
        struct gos_procinfo info = { .pid = p->pid, .ppid = p->parent ? p->parent->pid : 0,
                                     .state = states[p->state], .pages = vm_pages(p) };
        memcpy(info.name, p->name, sizeof(info.name));
        return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : (long)i + 1;
    }
    return 0;
}

/* balloon(target_kib, info): the arch's balloon (PV), in KiB. */
static long sys_balloon(uint32_t target_kib, uint32_t uinfo, uint32_t unused)
{
    (void)unused;
    struct balloon_state st;
    int rc = arch_balloon(target_kib / 4, &st);
    if (rc)
        return rc;
    struct gos_balloon info = { .current_kib = st.current_pages * 4, .target_kib = st.target_pages * 4,
                                .max_kib = st.max_pages * 4, .floor_kib = st.floor_pages * 4 };
    return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

/* xen_physinfo(info): the machine's memory (dom0, PV). */
static long sys_xen_physinfo(uint32_t uinfo, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    struct gos_physinfo info;
    int rc = arch_xen_physinfo(&info.total_pages, &info.free_pages, &info.cpu_khz);
    if (rc)
        return rc;
    return copy_to_user(uinfo, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Each entry takes the first three arguments (fn) or all six (fn6). */
struct syscall_entry {
    long (*fn)(uint32_t, uint32_t, uint32_t);
    long (*fn6)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
};
static const struct syscall_entry syscalls[] = {
    [SYS_exit] = { sys_exit },
    [SYS_fork] = { sys_fork },
    [SYS_execve] = { sys_execve },
    [SYS_read] = { sys_read },
    [SYS_write] = { sys_write },
    [SYS_getpid] = { sys_getpid },
    [SYS_getppid] = { sys_getppid },
    [SYS_brk] = { sys_brk },
    [SYS_waitpid] = { sys_waitpid },
    [SYS_sched_yield] = { sys_sched_yield },
    [SYS_nanosleep] = { sys_nanosleep },
    [SYS_clock_gettime] = { sys_clock_gettime },
    [SYS_spawn] = { sys_spawn },
    [SYS_open] = { sys_open },
    [SYS_close] = { sys_close },
    [SYS_lseek] = { sys_lseek },
    [SYS_fstat] = { sys_fstat },
    [SYS_getdents] = { sys_getdents },
    [SYS_unlink] = { sys_unlink },
    [SYS_mkdir] = { sys_mkdir },
    [SYS_dup] = { sys_dup },
    [SYS_pipe] = { sys_pipe },
    [SYS_dup2] = { sys_dup2 },
    [SYS_kill] = { sys_kill },
    [SYS_signal] = { sys_signal },
    [SYS_sigreturn] = { sys_sigreturn },
    [SYS_mmap2] = { .fn6 = sys_mmap2 },
    [SYS_munmap] = { sys_munmap },
    [SYS_mprotect] = { sys_mprotect },
    [SYS_uname] = { sys_uname },
    [SYS_sysinfo] = { sys_sysinfo },
    [SYS_procinfo] = { sys_procinfo },
    [SYS_balloon] = { sys_balloon },
    [SYS_xen_physinfo] = { sys_xen_physinfo },
    [SYS_xen_evtchn] = { arch_sys_xen_evtchn },
    [SYS_xen_gntmap] = { arch_sys_xen_gntmap },
    [SYS_xenbus] = { arch_sys_xenbus },
    [SYS_xen_domains] = { arch_sys_xen_domains },
    [SYS_xen_console] = { arch_sys_xen_console },
};

void syscall(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    const struct syscall_entry *e = nr < sizeof(syscalls) / sizeof(syscalls[0]) ? &syscalls[nr] : NULL;
    if (!e || (!e->fn && !e->fn6)) {
        tf->eax = (uint32_t)-ENOSYS;
        return;
    }
    current->tf = tf;
    if (e->fn6)
        tf->eax = (uint32_t)e->fn6(tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp);
    else
        tf->eax = (uint32_t)e->fn(tf->ebx, tf->ecx, tf->edx);
}
