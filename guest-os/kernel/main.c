/*
 * guest-os: start of day and traps. The arch's entry code calls kmain()
 * once the machine is set up (arch_init); kmain prints the banner, builds
 * the file system from the initrd (if the loader gave one), starts init
 * (/bin/init, or the command line's init=PATH; without an initrd the
 * program embedded in the kernel image, user_blob.S) and becomes the idle
 * process. Traps, system calls and timer ticks come back through
 * trap().
 */
#include "kernel.h"
#include "sys_nr.h"

static char init_path[FS_PATH_MAX] = "init";

/* init=PATH among the command line's words replaces "init". */
static void parse_cmdline(const char *s)
{
    while (*s) {
        while (*s == ' ')
            s++;
        size_t len = 0;
        while (s[len] && s[len] != ' ')
            len++;
        if (len > 5 && len - 5 < sizeof(init_path) && !memcmp(s, "init=", 5)) {
            memcpy(init_path, s + 5, len - 5);
            init_path[len - 5] = 0;
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
    struct mem_range free;
    arch_init(&free);
    page_init(&free);
    kprintf("guest-os (%s build) on %s\n", arch_name(), arch_platform());
    kprintf("guest-os: %u KiB free, command line \"%s\"\n", page_free_count() * 4, arch_cmdline());

    parse_cmdline(arch_cmdline());
    load_initrd();
    sched_init();
    const char *const init_argv[] = { init_path };
    int rc = proc_spawn(init_path, init_argv, 1);
    if (rc < 0)
        panic("cannot start the init program %s: error %d", init_path, rc);
    kprintf("guest-os: starting init (%s)\n", init_path);
    sched_idle();
}

static const char *const trap_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 error", "alignment check", "machine check", "SIMD error",
};

void trap(struct trapframe *tf)
{
    if (tf->vector == SYSCALL_VECTOR) {
        syscall(tf);
        return;
    }
    if (tf->vector == TIMER_VECTOR) {
        if (arch_timer_ack())
            sched_tick(tf);
        return;
    }
    /* Present + write: maybe a copy-on-write page (also when the kernel
     * writes to user memory for a system call). */
    if (tf->vector == 14 && (tf->error_code & 3) == 3 && cow_fault(arch_fault_addr(), tf->error_code) == 0)
        return;
    const char *name = tf->vector < 32 && trap_names[tf->vector] ? trap_names[tf->vector] : "trap";
    kprintf("guest-os: %s (vector %u) at eip %x cs %x, error code %x", name, tf->vector,
            tf->eip, tf->cs & 0xffff, tf->error_code);
    if (tf->vector == 14)
        kprintf(", address %x", arch_fault_addr());
    kprintf("\n");
    if ((tf->cs & 3) == 3) {
        kprintf("guest-os: process %d (%s) killed\n", current->pid, current->name);
        proc_exit(255);
    }
    panic("unexpected trap in the kernel");
}
