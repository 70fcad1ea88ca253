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

/* Copy len bytes, 8 at a time and then the rest, stopping at the first
 * fault; returns how many bytes were not copied. (A fault in the 8-byte
 * part may leave up to 7 bytes before the faulting page uncopied, which
 * no caller minds: a fault is an -EFAULT whatever was copied. Under icount
 * a rep string instruction counts once per iteration, so this is also the
 * cheap way to copy a 16-byte mmu_update request.) */
static size_t copy_with_fixup(void *dst, const void *src, size_t len)
{
    size_t tail = len & 7, left = len >> 3;
    __asm__ volatile("1: rep movsq\n"
                     "   mov %[tail], %%rcx\n"
                     "2: rep movsb\n"
                     "3:\n"
                     ".pushsection .fixup, \"ax\"\n"
                     "4: lea (%[tail], %%rcx, 8), %%rcx\n"  /* qwords left -> bytes left */
                     "   jmp 3b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".quad 1b, 4b\n"
                     ".quad 2b, 3b\n"
                     ".popsection\n"
                     : "+D"(dst), "+S"(src), "+c"(left) : [tail] "r"(tail) : "memory");
    return left;
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
