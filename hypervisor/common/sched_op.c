/* pvx: sched_op. With one domain there is nothing to yield to; shutdown
 * ends the domain (and, for dom0, the machine). */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <public/sched.h>

/* sched_op(cmd, arg): see docs/abi.md. */
long do_sched_op(uint32_t cmd, uint32_t arg)
{
    struct domain *d = current->domain;
    switch (cmd) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        if (s.reason > SHUTDOWN_MAX)
            return -EINVAL;
        domain_shutdown(d, s.reason);
        arch_domain_stopped(d);
    }
    default:
        return -ENOSYS;
    }
}
