/*
 * pvx: the MMU hypercalls as the guest sees them: walk the guest's request
 * array one entry at a time (copy in, validate and apply through mmu.c,
 * count), and report how many were done. A failing entry stops the batch;
 * the entries before it stay applied, as in Xen. An array that would run
 * past 4 GiB is refused before anything is applied (Xen checks the whole
 * array first too), so a huge count never applies whatever lies beyond the
 * guest's real array.
 */
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>

/* The domain whose tables a batch changes: only the caller itself for now
 * (foreign updates come with the toolstack). */
static struct domain *batch_domain(uint32_t foreigndom, long *rc)
{
    struct domain *self = current->domain;
    if (foreigndom == DOMID_SELF || foreigndom == self->domain_id)
        return self;
    if (!self->is_privileged) {
        *rc = -EPERM;
        return NULL;
    }
    *rc = domain_by_id((domid_t)foreigndom) ? -EPERM : -ESRCH;
    return NULL;
}

/* Store the done count if the guest asked for it (done == 0 means no). */
static long report_done(uint32_t done_ptr, uint32_t done, long rc)
{
    if (done_ptr && copy_to_guest(done_ptr, &done, sizeof(done)))
        return -EFAULT;
    return rc;
}

/* Could count entries of size bytes at va all lie below 4 GiB? */
static bool array_fits(uint32_t va, uint32_t count, uint32_t size)
{
    return (uint64_t)va + (uint64_t)count * size <= 0x100000000ull;
}

/* mmu_update(reqs, count, done, foreigndom): see docs/abi.md. */
long do_mmu_update(uint32_t reqs, uint32_t count, uint32_t done_ptr, uint32_t foreigndom)
{
    long rc = 0;
    struct domain *d = batch_domain(foreigndom, &rc);
    if (!d)
        return rc;
    if (!array_fits(reqs, count, sizeof(mmu_update_t)))
        return report_done(done_ptr, 0, -EFAULT);
    uint32_t i = 0;
    for (; i < count; i++) {
        mmu_update_t req;
        if (copy_from_guest(&req, reqs + i * (uint32_t)sizeof(req), sizeof(req))) {
            rc = -EFAULT;
            break;
        }
        rc = mmu_update_one(d, req.ptr, req.val);
        if (rc)
            break;
    }
    return report_done(done_ptr, i, rc);
}

/* The general case of mmuext_op: each op in turn, the done count. Out of
 * line so that the single op below pays for none of its registers. */
static __attribute__((noinline)) long mmuext_batch(uint32_t ops, uint32_t count, uint32_t done_ptr,
                                                   uint32_t foreigndom)
{
    long rc = 0;
    if (!batch_domain(foreigndom, &rc))
        return rc;
    if (!array_fits(ops, count, sizeof(struct mmuext_op)))
        return report_done(done_ptr, 0, -EFAULT);
    uint32_t i = 0;
    for (; i < count; i++) {
        struct mmuext_op op;
        if (copy_from_guest(&op, ops + i * (uint32_t)sizeof(op), sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = mmuext_op_one(current, op.cmd, op.arg1.mfn, op.arg2.nr_ents);
        if (rc)
            break;
    }
    return report_done(done_ptr, i, rc);
}

/* mmuext_op(ops, count, done, foreigndom): see docs/abi.md. One op on the
 * caller's own tables with no count asked for (a process switch's
 * NEW_BASEPTR) is done as mmuext_batch would do it, without the loop (the
 * copy refuses what array_fits would). */
long do_mmuext_op(uint32_t ops, uint32_t count, uint32_t done_ptr, uint32_t foreigndom)
{
    if (count != 1 || done_ptr || foreigndom != DOMID_SELF)
        return mmuext_batch(ops, count, done_ptr, foreigndom);
    struct mmuext_op op;
    if (copy_from_guest(&op, ops, sizeof(op)))
        return -EFAULT;
    return mmuext_op_one(current, op.cmd, op.arg1.mfn, op.arg2.nr_ents);
}

/* update_va_mapping(va, pte_lo, pte_hi, flags): see docs/abi.md. */
long do_update_va_mapping(uint32_t va, uint32_t pte_lo, uint32_t pte_hi, uint32_t flags)
{
    return update_va_mapping(current, va, ((intpte_t)pte_hi << 32) | pte_lo, flags);
}
