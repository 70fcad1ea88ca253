/*
 * guest-os: start of day and traps. The arch's entry code calls kmain()
 * once the machine is set up (arch_init); kmain prints the banner, starts
 * init (a program embedded in the kernel image, user_blob.S) and becomes
 * the idle process. Traps, system calls and timer ticks come back through
 * trap().
 */
#include "kernel.h"
#include "sys_nr.h"

void kmain(void)
{
    struct mem_range free;
    arch_init(&free);
    page_init(&free);
    kprintf("guest-os (%s build) on %s\n", arch_name(), arch_platform());
    kprintf("guest-os: %u KiB free, command line \"%s\"\n", page_free_count() * 4, arch_cmdline());

    sched_init();
    static const char *const init_argv[] = { "init" };
    int rc = proc_spawn("init", init_argv, 1);
    if (rc < 0)
        panic("cannot start the init program: error %d", rc);
    kprintf("guest-os: starting init\n");
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
