/*
 * guest-os: start of day and traps. The arch's entry code calls kmain()
 * once the machine is set up (arch_init); kmain prints the banner, loads
 * the user program embedded in the kernel image (user_blob.S) and enters it
 * in ring 3. Traps and system calls come back through trap().
 */
#include "kernel.h"
#include "sys_nr.h"

#define USER_STACK_TOP  USER_END
#define USER_STACK_SIZE (64 * 1024)

extern const unsigned char init_image[], init_image_end[];
static struct proc init_proc;

int user_map_range(uint32_t start, uint32_t end)
{
    for (uint32_t va = PAGE_ROUND_DOWN(start); va < end; va += PAGE_SIZE) {
        void *page = page_alloc();
        if (!page)
            return -12;   /* ENOMEM */
        int rc = arch_map_user_page(va, page);
        if (rc)
            return rc;
    }
    return 0;
}

void kmain(void)
{
    struct mem_range free;
    arch_init(&free);
    page_init(&free);
    kprintf("guest-os (%s build) on %s\n", arch_name(), arch_platform());
    kprintf("guest-os: %u KiB free, command line \"%s\"\n", page_free_count() * 4, arch_cmdline());

    uint32_t entry, end;
    int rc = elf_load(init_image, (size_t)(init_image_end - init_image), &entry, &end);
    if (rc)
        panic("cannot load the init program: error %d", rc);
    init_proc.brk = init_proc.brk_mapped = PAGE_ROUND_UP(end);
    current = &init_proc;
    rc = user_map_range(USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP);
    if (rc)
        panic("cannot map the user stack: error %d", rc);
    kprintf("guest-os: starting init at %p\n", (void *)entry);
    arch_enter_user(entry, USER_STACK_TOP);
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
    const char *name = tf->vector < 32 && trap_names[tf->vector] ? trap_names[tf->vector] : "trap";
    kprintf("guest-os: %s (vector %u) at eip %x cs %x, error code %x", name, tf->vector,
            tf->eip, tf->cs & 0xffff, tf->error_code);
    if (tf->vector == 14)
        kprintf(", address %x", arch_fault_addr());
    kprintf("\n");
    if ((tf->cs & 3) == 3) {
        kprintf("guest-os: user process killed\n");
        arch_shutdown(1);
    }
    panic("unexpected trap in the kernel");
}
