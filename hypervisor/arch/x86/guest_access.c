/*
 * pvx: copying to and from guest linear addresses.
 *
 * The hypervisor runs on the vCPU's own L4, so guest addresses are directly
 * usable; what makes it safe is that (1) the range is checked against the
 * 32-bit guest area, (2) the copy instruction has an exception-table fixup,
 * so a fault on an unmapped page ends the copy instead of the hypervisor,
 * and (3) CR0.WP makes ring-0 writes honour read-only guest mappings (the
 * M2P, page tables, descriptor frames).
 */
#include <pvx/errno.h>
#include <pvx/guest_access.h>

/* Copy len bytes, stopping at the first faulting byte; returns bytes not copied. */
static size_t copy_with_fixup(void *dst, const void *src, size_t len)
{
    __asm__ volatile("1: rep movsb\n"
                     "2:\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".quad 1b, 2b\n"
                     ".popsection\n"
                     : "+D"(dst), "+S"(src), "+c"(len) :: "memory");
    return len;
}

/* copy_from_guest: see pvx/guest_access.h. */
int copy_from_guest(void *dst, guest_va_t src, size_t len)
{
    if ((uint64_t)src + len > 0x100000000ull)
        return -EFAULT;
    return copy_with_fixup(dst, (const void *)(uintptr_t)src, len) ? -EFAULT : 0;
}

/* copy_to_guest: see pvx/guest_access.h. Never into the hypervisor area. */
int copy_to_guest(guest_va_t dst, const void *src, size_t len)
{
    if ((uint64_t)dst + len > HYPERVISOR_VIRT_START_32)
        return -EFAULT;
    return copy_with_fixup((void *)(uintptr_t)dst, src, len) ? -EFAULT : 0;
}
