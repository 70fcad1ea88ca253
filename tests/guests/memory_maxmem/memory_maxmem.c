/*
 * Test guest "memory_maxmem": a domain may grow up to its maxmem and no
 * further (docs/memory.md). Booted with dom0_mem=32M,max:33M: dom0 starts
 * with 32 MiB and may balloon up by 1 MiB (256 frames).
 *  - maximum_reservation is 256 frames (+ shared_info) above the start;
 *  - increase_reservation of 300 frames gives exactly 256 (each reported
 *    back, each ours and zeroed), then nothing more;
 *  - after giving one back, one more can be taken.
 */
#include "guest.h"

static long query(unsigned int cmd)
{
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(cmd, &self);
}

static xen_pfn_t list[300];

void test_main(void)
{
    long cur = query(XENMEM_current_reservation), max = query(XENMEM_maximum_reservation);
    CHECK_EQ(cur, start_info->nr_pages + 1);
    CHECK_EQ(start_info->nr_pages, 32 * 256);
    CHECK_EQ(max, cur + 256);
    struct xen_memory_reservation r = { .nr_extents = 300, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 256);
    CHECK_EQ(query(XENMEM_current_reservation), max);
    for (unsigned int i = 0; i < 256; i++)
        CHECK(list[i] != 0 && machine_to_phys_mapping[list[i]] == 0xFFFFFFFFu);
    r.nr_extents = 1;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 0);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1);   /* list[0] back */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 1);
    CHECK_EQ(query(XENMEM_current_reservation), max);
}
