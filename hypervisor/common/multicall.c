/*
 * pvx: multicall, a batch of hypercalls in one trap. Each entry is copied
 * in, dispatched through the same table as a direct call, and its result
 * copied out. An iret in the batch changes the whole register frame, so it
 * ends the batch: the calls after it are not run (their result stays as the
 * guest left it). So does a SCHEDOP_block or SCHEDOP_poll that blocks: the
 * vCPU blocks once the batch has unwound, and the multicall returns that
 * call's result.
 */
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>

/* multicall(calls, nr_calls): see docs/abi.md. */
long do_multicall(uint32_t calls, uint32_t nr_calls)
{
    struct vcpu *v = current;
    if (v->in_multicall)
        return -EINVAL;                         /* no nesting */
    if ((uint64_t)calls + (uint64_t)nr_calls * sizeof(multicall_entry_t) > 0x100000000ull)
        return -EFAULT;
    v->in_multicall = true;
    v->multicall_stop = false;
    long rc = 0;
    for (uint32_t i = 0; i < nr_calls; i++) {
        multicall_entry_t e;
        uint32_t addr = calls + i * (uint32_t)sizeof(e);
        if (copy_from_guest(&e, addr, sizeof(e))) {
            rc = -EFAULT;
            break;
        }
        long result = e.op == __HYPERVISOR_multicall ? -EINVAL : hypercall_invoke(e.op, e.args);
        if (v->multicall_stop) {
            rc = result;                        /* iret's restored eax */
            break;
        }
        e.result = (uint32_t)result;
        if (copy_to_guest(addr + offsetof(multicall_entry_t, result), &e.result, sizeof(e.result))) {
            rc = -EFAULT;
            break;
        }
    }
    v->in_multicall = false;
    v->multicall_stop = false;
    return rc;
}
