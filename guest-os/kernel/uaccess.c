/*
 * guest-os: the one way the kernel touches user memory. A system call
 * never dereferences a user pointer itself: it copies through these
 * helpers, which check that the range lies in user space and, page by
 * page, ask user_page_fault (proc.c / vm.c) to make the page present (and
 * writable for a copy out, breaking copy-on-write) before touching it. So a
 * bad pointer gives -EFAULT, never a kernel page fault.
 *
 * Why page by page and without a fixup table: the kernel is not preempted
 * and runs one process at a time, so a page made present stays present
 * until the copy of that page is done (nothing between the check and the
 * memcpy can unmap it).
 */
#include "kernel.h"
#include "errno.h"

/* Is [uva, uva + len) inside user space? (No page is looked at.) */
int user_range_ok(uint32_t uva, size_t len)
{
    return uva >= USER_BASE && uva < USER_END && len <= USER_END - uva;
}

/* The bytes from uva to the end of its page, capped at len. */
static size_t page_chunk(uint32_t uva, size_t len)
{
    size_t rest = PAGE_SIZE - (uva & (PAGE_SIZE - 1));
    return rest < len ? rest : len;
}

/* Every page of the range present (writable if write): 0 or -EFAULT. */
int fault_in_user(uint32_t uva, size_t len, int write)
{
    if (len == 0)
        return 0;
    if (!user_range_ok(uva, len))
        return -EFAULT;
    for (size_t done = 0; done < len; done += page_chunk(uva + (uint32_t)done, len - done))
        if (user_page_fault(uva + (uint32_t)done, write))
            return -EFAULT;
    return 0;
}

/* Copy len bytes between user uva and kernel buf, page by page, each page
 * made present (and writable, breaking copy-on-write, when to_user) before
 * it is touched: 0 or -EFAULT (the pages before the bad one are copied). */
static int copy_user(uint32_t uva, void *buf, size_t len, int to_user)
{
    if (len == 0)
        return 0;
    if (!user_range_ok(uva, len))
        return -EFAULT;
    for (size_t done = 0; done < len;) {
        uint32_t va = uva + (uint32_t)done;
        size_t chunk = page_chunk(va, len - done);
        if (user_page_fault(va, to_user))
            return -EFAULT;
        void *user = (void *)(uintptr_t)va, *kernel = (unsigned char *)buf + done;
        memcpy(to_user ? user : kernel, to_user ? kernel : user, chunk);
        done += chunk;
    }
    return 0;
}

/* len bytes from user uva into dst: 0 or -EFAULT (dst partly written). */
int copy_from_user(void *dst, uint32_t uva, size_t len)
{
    return copy_user(uva, dst, len, 0);
}

/* len bytes from src to user uva, breaking copy-on-write: 0 or -EFAULT
 * (the pages before the bad one are written). */
int copy_to_user(uint32_t uva, const void *src, size_t len)
{
    return copy_user(uva, (void *)src, len, 1);
}

/* A NUL-terminated string of at most max bytes with its NUL: its length,
 * -EFAULT, or -ENAMETOOLONG. Each page is checked when the scan reaches
 * it, so a short string near the end of the mappings is fine. */
int copy_string_from_user(char *dst, uint32_t uva, size_t max)
{
    size_t n = 0;
    while (n < max) {
        uint32_t va = uva + (uint32_t)n;
        if (!user_range_ok(va, 1) || user_page_fault(va, 0))
            return -EFAULT;
        const char *page = (const char *)(uintptr_t)va;
        size_t chunk = page_chunk(va, max - n);
        for (size_t i = 0; i < chunk; i++, n++)
            if (!(dst[n] = page[i]))
                return (int)n;
    }
    return -ENAMETOOLONG;
}
