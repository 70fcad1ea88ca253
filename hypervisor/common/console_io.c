/* pvx: console_io, the hypervisor console as guests use it (dom0's console
 * until it has its own drivers; other domains' output gets a "(dN) " prefix). */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <pvx/console.h>
#include <public/xen.h>

#define CONSOLE_CHUNK 128

/* Print count bytes from guest buffer buf, chunk by chunk. */
static long console_write(struct domain *d, uint32_t count, uint32_t buf)
{
    char chunk[CONSOLE_CHUNK];
    while (count) {
        uint32_t n = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;
        if (copy_from_guest(chunk, buf, n))
            return -EFAULT;
        console_domain_write(d, chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

/* Read up to count waiting bytes into guest buffer buf; returns how many. */
static long console_read(uint32_t count, uint32_t buf)
{
    char chunk[CONSOLE_CHUNK];
    uint32_t done = 0;
    while (done < count) {
        uint32_t n = 0;
        int c;
        while (n < CONSOLE_CHUNK && done + n < count && (c = console_input_pop()) >= 0)
            chunk[n++] = (char)c;
        if (n == 0)
            break;
        if (copy_to_guest(buf + done, chunk, n))
            return -EFAULT;
        done += n;
    }
    return done;
}

/* console_io(cmd, count, buf): see docs/abi.md. */
long do_console_io(uint32_t cmd, uint32_t count, uint32_t buf)
{
    struct domain *d = current->domain;
    switch (cmd) {
    case CONSOLEIO_write:
        return console_write(d, count, buf);
    case CONSOLEIO_read:
        if (!d->is_privileged)
            return -EPERM;
        /* As Xen: the result is a byte count or -errno, so a count that
         * would not fit a non-negative int is refused. */
        if (count > INT32_MAX)
            return -E2BIG;
        return console_read(count, buf);
    default:
        return -ENOSYS;
    }
}
