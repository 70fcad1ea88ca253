/*
 * Test guest "sysctl": XEN_SYSCTL_physinfo (docs/abi.md "35 sysctl"), as
 * dom0's automatic balloon uses it:
 *  - one CPU and node, a plausible cpu_khz, the PV capability;
 *  - total_pages is maximum_ram_page + 1; free_pages is below it and
 *    follows the allocator: giving one frame back (decrease_reservation)
 *    raises it by one, taking it again lowers it by one;
 *  - fields pvx does not fill are 0, and the union past physinfo is left
 *    as it was (a 136-byte struct is written, no more);
 *  - refusals: another interface version (-EACCES), an unreadable or
 *    unwritable argument (-EFAULT), another command (-ENOSYS).
 * A domU's -EPERM is checked by domctl_domu.
 */
#include "guest.h"
#include "bad_ptr.h"
#include <public/sysctl.h>
#include <public/memory.h>

static long physinfo(struct xen_sysctl *op)
{
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_physinfo;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return HYPERVISOR_sysctl(op);
}

static long give(unsigned int cmd, xen_pfn_t *mfn)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, mfn);
    return HYPERVISOR_memory_op(cmd, &r);
}

void test_main(void)
{
    static struct xen_sysctl op;
    CHECK_EQ(physinfo(&op), 0);
    const struct xen_sysctl_physinfo *pi = &op.u.physinfo;
    CHECK_EQ(pi->nr_cpus, 1);
    CHECK_EQ(pi->threads_per_core, 1);
    CHECK_EQ(pi->cores_per_socket, 1);
    CHECK_EQ(pi->nr_nodes, 1);
    CHECK(pi->cpu_khz > 100000);
    CHECK_EQ(pi->capabilities, XEN_SYSCTL_PHYSCAP_pv);
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    CHECK_EQ(pi->total_pages, (uint64_t)max + 1);
    CHECK_EQ(pi->max_mfn, (uint64_t)max);
    CHECK(pi->free_pages > 0 && pi->free_pages < pi->total_pages);
    CHECK_EQ(pi->scrub_pages, 0);
    CHECK_EQ(pi->outstanding_pages, 0);

    /* free_pages follows the allocator. */
    uint64_t free0 = pi->free_pages;
    uint32_t *page = alloc_page();
    xen_pfn_t mfn = va_to_mfn(page);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)page, 0, 0, UVMF_INVLPG), 0);
    CHECK_EQ(give(XENMEM_decrease_reservation, &mfn), 1);
    CHECK_EQ(physinfo(&op), 0);
    CHECK_EQ(pi->free_pages, free0 + 1);
    CHECK_EQ(give(XENMEM_increase_reservation, &mfn), 1);
    CHECK_EQ(physinfo(&op), 0);
    CHECK_EQ(pi->free_pages, free0);

    /* Exactly the struct is written: a guard after it stays. */
    static uint8_t buf[sizeof(struct xen_sysctl) + 16];
    memset(buf, 0x5a, sizeof(buf));
    struct xen_sysctl *p = (struct xen_sysctl *)buf;
    p->cmd = XEN_SYSCTL_physinfo;
    p->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    CHECK_EQ(HYPERVISOR_sysctl(p), 0);
    CHECK_EQ(sizeof(struct xen_sysctl), 136);
    unsigned int changed = 0;
    for (unsigned int i = sizeof(struct xen_sysctl); i < sizeof(buf); i++)
        changed += buf[i] != 0x5a;
    CHECK_EQ(changed, 0);

    /* Refusals. */
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION - 1;
    CHECK_EQ(HYPERVISOR_sysctl(&op), -XEN_EACCES);
    op.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    op.cmd = XEN_SYSCTL_sched_id;
    CHECK_EQ(HYPERVISOR_sysctl(&op), -XEN_ENOSYS);
    op.cmd = 0xFFFFFFFFu;
    CHECK_EQ(HYPERVISOR_sysctl(&op), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sysctl((void *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_sysctl((void *)straddling_va(sizeof(struct xen_sysctl) - 4)), -XEN_EFAULT);
    /* A good request on a read-only page: read, done, cannot be written back. */
    struct xen_sysctl *ro = alloc_page();
    ro->cmd = XEN_SYSCTL_physinfo;
    ro->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    uint64_t pte = ((uint64_t)va_to_mfn(ro) << 12) | 0x21;        /* P A: read-only */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)ro, (uint32_t)pte, 0, UVMF_INVLPG), 0);
    CHECK_EQ(HYPERVISOR_sysctl(ro), -XEN_EFAULT);
    CHECK_EQ(ro->u.physinfo.nr_cpus, 0);
}
