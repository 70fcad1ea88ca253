/*
 * guest-os: start of day and traps. The arch's entry code calls kmain()
 * once the machine is set up (arch_init); kmain prints the banner, builds
 * the file system from the initrd (if the loader gave one), starts init
 * (/bin/init, or the command line's init=PATH; without an initrd the
 * program embedded in the kernel image, user_blob.S) and becomes the idle
 * process. Traps, system calls and timer ticks come back through
 * trap(), which acts on the process's pending signals before any return
 * to ring 3.
 */
#include "kernel.h"
#include "errno.h"
#include "sys_nr.h"

#define INIT_MAX_ARGS 8                  /* proc_spawn's limit */
static char init_path[FS_PATH_MAX] = "init";
static char init_words[FS_PATH_MAX];     /* init's argv[1..], each NUL-terminated */
static const char *init_argv[INIT_MAX_ARGS] = { init_path };
static int init_argc = 1;

/* init=PATH among the command line's words replaces "init"; the words
 * after it become init's arguments ("init=/bin/sh /etc/workload.sh"). */
static void parse_cmdline(const char *s)
{
    size_t used = 0;
    int seen_init = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t len = 0;
        while (s[len] && s[len] != ' ')
            len++;
        if (len > 5 && len - 5 < sizeof(init_path) && !memcmp(s, "init=", 5)) {
            memcpy(init_path, s + 5, len - 5);
            init_path[len - 5] = 0;
            seen_init = 1;
            init_argc = 1;
            used = 0;
        } else if (seen_init && len && init_argc < INIT_MAX_ARGS && used + len < sizeof(init_words)) {
            memcpy(init_words + used, s, len);
            init_words[used + len] = 0;
            init_argv[init_argc++] = init_words + used;
            used += len + 1;
        }
        s += len;
    }
}

/* The file system: the initrd's files if there is one, else just /dev. */
static void load_initrd(void)
{
    const void *start;
    size_t len;
    fs_init();
    arch_initrd(&start, &len);
    if (!len) {
        kprintf("guest-os: no initrd, running the programs linked into the kernel\n");
        return;
    }
    int n = fs_load_tar(start, len);
    if (n < 0)
        kprintf("guest-os: initrd: malformed archive (error %d), loaded what came before\n", n);
    else
        kprintf("guest-os: initrd: %d entries, %u KiB\n", n, (unsigned int)(len / 1024));
}

void kmain(void)
{
    struct mem_range free = { 0, 0, 0 };
    arch_init(&free);
    page_init(&free);
    kprintf("guest-os (%s build) on %s\n", arch_name(), arch_platform());
    kprintf("guest-os: %u KiB free, command line \"%s\"\n", page_free_count() * 4, arch_cmdline());

    parse_cmdline(arch_cmdline());
    load_initrd();
    sched_init();
    int rc = proc_spawn(init_path, init_argv, init_argc);
    if (rc < 0)
        panic("cannot start the init program %s: error %d", init_path, rc);
    kprintf("guest-os: starting init (%s)\n", init_path);
    sched_idle();
}

uint32_t page_faults;

static const char *const trap_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 error", "alignment check", "machine check", "SIMD error",
};

/* The signal a fault in ring 3 sends. */
static int fault_signal(uint32_t vector)
{
    switch (vector) {
    case 0: case 16: case 19: return GOS_SIGFPE;
    case 1: case 3: return GOS_SIGTRAP;
    case 6: return GOS_SIGILL;
    default: return GOS_SIGSEGV;
    }
}

/* A page fault on user memory (from ring 3, or the kernel touching a user
 * address for a system call): to user_page_fault (demand-zero,
 * copy-on-write); one it cannot fix sends SIGSEGV, or ends the process
 * if the kernel made the access (uaccess checks first, so that is a
 * kernel bug, but one process's). Unless a handler takes the signal, a
 * console line names the process, the address and eip (no selectors:
 * they differ between the builds, the rest does not). */
/* Will the current process's handler take sig (so the fault is the
 * program's business and needs no console line)? */
static int handled(int sig)
{
    return current->sig_handler[sig] > GOS_SIG_IGN && !(current->sig_blocked & (1u << sig));
}

static void page_fault(struct trapframe *tf)
{
    uint32_t va = arch_fault_addr();
    int from_user = (tf->cs & 3) == 3;
    int rc = user_page_fault(va, tf->error_code & 2);
    if (rc == 0) {
        page_faults++;
        return;
    }
    if (!from_user || !handled(GOS_SIGSEGV))
        kprintf("guest-os: process %d (%s): %s at %x (eip %x): SIGSEGV\n", current->pid, current->name,
                rc == -ENOMEM ? "out of memory" : "page fault", va, tf->eip);
    if (!from_user)
        proc_exit_signal(GOS_SIGSEGV);
    signal_force(GOS_SIGSEGV);
}

/* Every trap (arch.h): a system call, the tick, a page fault, or a fault
 * that sends a signal (ring 3) or panics (the kernel); then, on the way
 * back to ring 3, the pending signals. */
void trap(struct trapframe *tf)
{
    int from_user = (tf->cs & 3) == 3;
    if (tf->vector == SYSCALL_VECTOR) {
        syscall(tf);
    } else if (tf->vector == TIMER_VECTOR) {
        if (arch_timer_ack())
            sched_tick(tf);
    } else if (tf->vector == 14 && (from_user || (arch_fault_addr() >= USER_BASE &&
                                                  arch_fault_addr() < USER_END && current->aspace))) {
        page_fault(tf);
    } else {
        const char *name = tf->vector < 32 && trap_names[tf->vector] ? trap_names[tf->vector] : "trap";
        if (!from_user && arch_kernel_fault_fixup(tf))
            return;
        if (!from_user) {
            kprintf("guest-os: %s (vector %u) at eip %x cs %x, error code %x", name, tf->vector,
                    tf->eip, tf->cs & 0xffff, tf->error_code);
            if (tf->vector == 14)
                kprintf(", address %x", arch_fault_addr());
            kprintf("\n");
            panic("unexpected trap in the kernel");
        }
        int sig = fault_signal(tf->vector);
        if (!handled(sig))
            kprintf("guest-os: process %d (%s): %s (vector %u) at eip %x: signal %d\n", current->pid,
                    current->name, name, tf->vector, tf->eip, sig);
        signal_force(sig);
    }
    if (from_user)
        signal_deliver(tf);
}
