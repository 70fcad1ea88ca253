/*
 * guest-os PV: another domain's granted pages mapped into a process
 * (SYS_xen_gntmap, include/xen_user.h; dom0 only), as Linux's
 * /dev/xen/gntdev: the store daemon maps each domain's store ring.
 *   map     kernel/vm.c gives the process a one-page grant area
 *           (VMA_GRANT) where mmap would place it; pvx writes the L1 entry
 *           (GNTTABOP_map_grant_ref by va: the caller's address space is
 *           the loaded one) with GNTMAP_host_map | GNTMAP_application_map,
 *           read-only unless `writable`. pvx needs the L1 table to exist:
 *           if it does not yet, a page mapped and unmapped there makes it.
 *   unmap   GNTTABOP_unmap_grant_ref with the handle, in batches of BATCH
 *           (one hypercall each): GOS_GNTMAP_UNMAP, munmap or MAP_FIXED
 *           over the area, exec, exit (arch_grant_unmap).
 * Rules:
 *  - every grant mapping of a process is a record here (owner, va,
 *    handle) and lies in a grant area of the owner; the record goes when
 *    the mapping goes, and the mapping goes before its area (vm.c) or the
 *    address space does: arch/pv/arch.c's walkers (fork's copy, destroy,
 *    munmap's range) take every present user entry for one of the
 *    kernel's own pages, so a grant entry must never be present when they
 *    run;
 *  - hence fork takes the parent's mappings out before its tables are
 *    copied and puts them back after (new handles, same va): the child
 *    gets a hole (vm_fork_drop_grants);
 *  - unmapping is by va, as mapped; pvx finds the L1 entry from its own
 *    record, so the address space need not be loaded, but every caller
 *    here has it loaded anyway (Xen walks the loaded tables).
 * Errors: EPERM (not dom0), EINVAL (unknown op, a bad grant ref, a va
 * that is not one of the caller's grant mappings), EFAULT, ENOMEM (no
 * room or area slot), ESRCH (no such domain), EACCES (the grant is not for
 * dom0, or read-only for a writable map), ENOSPC (256 mappings held), EIO
 * (anything else pvx refuses).
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/grant_table.h>
#include <pvx-guest/hypercall.h>
#define GUEST_OS_KERNEL
#include "xen_user.h"
#include "pv.h"

#define MAX_MAPS 256                 /* pvx's maptrack per domain */
#define BATCH 32

struct gmap {
    struct proc *owner;              /* NULL: free */
    uint32_t va;
    grant_handle_t handle;
    domid_t domid;
    grant_ref_t ref;
    int writable;
    int out;                         /* taken out for a fork (fork_begin .. fork_end) */
};
static struct gmap maps[MAX_MAPS];
/* Mappings in use (owner set): when there are none, which is every
 * process but the store daemon's and the console backend's, the fork,
 * exec and munmap hooks return at once instead of scanning maps[]. */
static unsigned int live;

static int gnt_errno(int16_t status)
{
    switch (status) {
    case GNTST_okay: return 0;
    case GNTST_bad_domain: return -ESRCH;
    case GNTST_bad_gntref: case GNTST_bad_page: return -EINVAL;
    case GNTST_permission_denied: return -EACCES;
    case GNTST_no_device_space: return -ENOSPC;
    }
    return -EIO;
}

static struct gnttab_map_grant_ref map_request(const struct gmap *m)
{
    return (struct gnttab_map_grant_ref){ .host_addr = m->va, .ref = m->ref, .dom = m->domid,
        .flags = GNTMAP_host_map | GNTMAP_application_map | (m->writable ? 0 : GNTMAP_readonly) };
}

/* Make sure current's L1 table covering va exists: map a page there and
 * unmap it again (the table stays). */
static int make_l1(uint32_t va)
{
    void *page = page_alloc();
    if (!page)
        return -ENOMEM;
    if (arch_map_user_page(current->aspace, va, page)) {
        page_free(page);
        return -ENOMEM;
    }
    arch_unmap_user_range(current->aspace, va, va + PAGE_SIZE);   /* frees the page */
    return 0;
}

/* Does current's L1 table covering va exist? Yes if any page of its
 * 2 MiB is mapped; if none is, it may still exist, but making sure costs
 * less than pvx's refusal (and its console line). */
static int has_l1(uint32_t va)
{
    enum user_prot prot;
    for (uint32_t at = va & ~0x1fffffu; at < (va | 0x1fffffu); at += PAGE_SIZE)
        if (arch_user_page(current->aspace, at, &prot))
            return 1;
    return 0;
}

/* Map m (va and grant set) in current's loaded address space. */
static int map_one(struct gmap *m)
{
    if (!has_l1(m->va)) {
        int rc = make_l1(m->va);
        if (rc)
            return rc;
    }
    struct gnttab_map_grant_ref op = map_request(m);
    if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1))
        return -EIO;
    if (op.status == GNTST_bad_virt_addr) {        /* no L1 there yet */
        int rc = make_l1(m->va);
        if (rc)
            return rc;
        op = map_request(m);
        if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1))
            return -EIO;
    }
    m->handle = op.handle;
    return gnt_errno(op.status);
}

/* Unmap the n mappings list[0..n) in one hypercall (they stay recorded). */
static void unmap_batch(struct gmap *const *list, unsigned int n)
{
    static struct gnttab_unmap_grant_ref ops[BATCH];
    for (unsigned int i = 0; i < n; i++)
        ops[i] = (struct gnttab_unmap_grant_ref){ .host_addr = list[i]->va, .handle = list[i]->handle };
    if (n && HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, ops, n))
        panic("gntmap: unmap_grant_ref refused");
    /* GNTST_bad_handle: pvx tore the mapping down itself when the
     * granting domain died (docs/memory.md); nothing is left to undo. */
    for (unsigned int i = 0; i < n; i++)
        if (ops[i].status != GNTST_okay && ops[i].status != GNTST_bad_handle)
            kprintf("guest-os: gntmap: unmapping d%u grant %u at %x: status %d\n",
                    list[i]->domid, list[i]->ref, list[i]->va, ops[i].status);
}

/* Unmap p's mappings (not taken out) in [start, end); forget them unless
 * `keep` (fork). */
static void unmap_range(struct proc *p, uint32_t start, uint32_t end, int keep)
{
    if (!live)
        return;
    struct gmap *list[BATCH];
    unsigned int n = 0;
    for (struct gmap *m = maps; m < maps + MAX_MAPS; m++) {
        if (m->owner != p || m->out || m->va < start || m->va >= end)
            continue;
        list[n++] = m;
        if (n == BATCH) {
            unmap_batch(list, n);
            n = 0;
        }
    }
    unmap_batch(list, n);
    for (struct gmap *m = maps; m < maps + MAX_MAPS; m++)
        if (m->owner == p && !m->out && m->va >= start && m->va < end) {
            if (keep) {
                m->out = 1;
            } else {
                m->owner = NULL;
                live--;
            }
        }
}

/* arch_grant_unmap: see kernel/arch.h. */
void arch_grant_unmap(struct proc *p, uint32_t start, uint32_t end)
{
    unmap_range(p, start, end, 0);
}

/* arch_fork_begin: see kernel/arch.h. */
void arch_fork_begin(struct proc *p)
{
    unmap_range(p, USER_BASE, USER_END, 1);
}

/* arch_fork_end: see kernel/arch.h. One map_grant_ref call per batch. */
void arch_fork_end(struct proc *p)
{
    static struct gnttab_map_grant_ref ops[BATCH];
    struct gmap *list[BATCH];
    while (live) {
        unsigned int n = 0;
        for (struct gmap *m = maps; m < maps + MAX_MAPS && n < BATCH; m++)
            if (m->owner == p && m->out) {
                list[n] = m;
                ops[n++] = map_request(m);
            }
        if (!n)
            return;
        if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, ops, n))
            panic("gntmap: map_grant_ref refused");
        for (unsigned int i = 0; i < n; i++) {
            list[i]->out = 0;
            list[i]->handle = ops[i].handle;
            if (ops[i].status == GNTST_okay)
                continue;
            kprintf("guest-os: gntmap: process %d lost d%u grant %u at %x over fork: status %d\n",
                    p->pid, list[i]->domid, list[i]->ref, list[i]->va, ops[i].status);
            list[i]->owner = NULL;
            live--;
            vm_grant_area_remove(list[i]->va);     /* else its page just faults */
        }
    }
}

static long gntmap_map(struct gos_gntmap *a)
{
    if (a->domid >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    struct gmap *m = NULL;
    for (struct gmap *s = maps; s < maps + MAX_MAPS && !m; s++)
        if (!s->owner)
            m = s;
    if (!m)
        return -ENOSPC;
    *m = (struct gmap){ .domid = (domid_t)a->domid, .ref = a->ref, .writable = a->writable != 0 };
    m->va = vm_grant_area_add(m->writable);
    if (!m->va)
        return -ENOMEM;
    int rc = map_one(m);
    if (rc) {
        vm_grant_area_remove(m->va);       /* a whole area: cannot fail */
        return rc;
    }
    m->owner = current;
    live++;
    a->va = m->va;
    return 0;
}

static long gntmap_unmap(struct gos_gntmap *a)
{
    struct gmap *m = NULL;
    for (struct gmap *s = maps; s < maps + MAX_MAPS && !m; s++)
        if (s->owner == current && s->va == a->va)
            m = s;
    if (!m)
        return -EINVAL;
    int rc = vm_grant_area_remove(m->va);
    if (rc)
        return rc;
    arch_grant_unmap(current, m->va, m->va + PAGE_SIZE);
    return 0;
}

/* xen_gntmap(op, arg): see include/xen_user.h. arg must be writable
 * before anything is mapped, so a mapping is never lost to a failed copy
 * out. */
long arch_sys_xen_gntmap(uint32_t op, uint32_t uarg, uint32_t unused)
{
    (void)unused;
    struct gos_gntmap a;
    if (!is_dom0())
        return -EPERM;
    if (fault_in_user(uarg, sizeof(a), 1) || copy_from_user(&a, uarg, sizeof(a)))
        return -EFAULT;
    long rc = op == GOS_GNTMAP_MAP ? gntmap_map(&a) : op == GOS_GNTMAP_UNMAP ? gntmap_unmap(&a) : -EINVAL;
    if (rc == 0 && op == GOS_GNTMAP_MAP && copy_to_user(uarg, &a, sizeof(a)))
        return -EFAULT;
    return rc;
}
