/*
 * guest-os: system calls (int $0x80). The table is indexed by the number
 * in eax (include/sys_nr.h); arguments are in ebx, ecx, edx; the result
 * (or a negative errno) goes back in eax.
 */
#include "kernel.h"
#include "sys_nr.h"

#define EBADF 9
#define EFAULT 14
#define ENOMEM 12
#define ENOSYS 38

struct proc *current;

/* Is [va, va + len) inside user space? (Not yet whether it is mapped: a
 * bad pointer faults in the kernel, which panics.) */
static int user_buf_ok(uint32_t va, uint32_t len)
{
    return va >= USER_BASE && len <= USER_END - va;
}

static long sys_exit(uint32_t status, uint32_t unused1, uint32_t unused2)
{
    (void)unused1; (void)unused2;
    kprintf("guest-os: process exited with status %u\n", status);
    arch_shutdown(status == 0 ? 0 : 1);
}

static long sys_write(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (!user_buf_ok(buf, len))
        return -EFAULT;
    arch_console_write((const char *)buf, len);
    return (long)len;
}

static long sys_read(uint32_t fd, uint32_t buf, uint32_t len)
{
    if (fd != 0)
        return -EBADF;
    if (!user_buf_ok(buf, len))
        return -EFAULT;
    uint32_t n = 0;
    while (n < len) {
        int c = arch_console_read_byte();
        if (c < 0) {
            if (n)
                break;
            arch_idle();
            continue;
        }
        ((char *)buf)[n++] = (char)c;
        if (c == '\n')
            break;
    }
    return (long)n;
}

static long sys_getpid(uint32_t a, uint32_t b, uint32_t c)
{
    (void)a; (void)b; (void)c;
    return 1;
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

typedef long (*syscall_fn)(uint32_t, uint32_t, uint32_t);
static const syscall_fn syscalls[] = {
    [SYS_exit] = sys_exit,
    [SYS_read] = sys_read,
    [SYS_write] = sys_write,
    [SYS_getpid] = sys_getpid,
    [SYS_brk] = sys_brk,
};

void syscall(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    if (nr >= sizeof(syscalls) / sizeof(syscalls[0]) || !syscalls[nr]) {
        tf->eax = (uint32_t)-ENOSYS;
        return;
    }
    tf->eax = (uint32_t)syscalls[nr](tf->ebx, tf->ecx, tf->edx);
}
