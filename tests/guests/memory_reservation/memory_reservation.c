/*
 * Test guest "memory_reservation": ballooning's hypercalls as a PV kernel
 * uses them (docs/abi.md "12 memory_op"), on real page tables:
 *  - decrease_reservation refuses a frame that is still mapped, a page
 *    table, shared_info, a frame past the end and a frame given back
 *    already; after the mapping is gone the frame goes back, its M2P entry
 *    becomes invalid and current_reservation drops by one;
 *  - increase_reservation stops at maxmem (dom0's max is its size), and
 *    after a decrease gives a frame that can be mapped and used;
 *  - populate_physmap gives a frame for a pfn with its M2P entry set;
 *  - exchange trades two frames for two new ones at the given pfns
 *    without changing the size; a mapped input is -EBUSY;
 *  - memory_map is one RAM entry of max_pages; machine_memory_map has RAM;
 *  - bad pointers: an unreadable argument is -EFAULT, an unreadable list
 *    is 0 extents done, with nothing lost (current_reservation unchanged).
 */
#include "guest.h"
#include "bad_ptr.h"

#define INVALID_M2P 0xFFFFFFFFu

static long reservation(unsigned int cmd, xen_pfn_t *list, unsigned long nr, unsigned int order)
{
    struct xen_memory_reservation r = { .nr_extents = nr, .extent_order = order, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    return HYPERVISOR_memory_op(cmd, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

static long map_page(void *va, uint32_t mfn)
{
    uint64_t pte = mfn ? ((uint64_t)mfn << 12) | 0x67 : 0;     /* P RW U A D */
    return HYPERVISOR_update_va_mapping((unsigned long)va, (uint32_t)pte, (uint32_t)(pte >> 32), UVMF_INVLPG);
}

/* Unmap the page at va and give its frame back; the frame. */
static uint32_t give_back(void *va)
{
    uint32_t mfn = va_to_mfn(va);
    xen_pfn_t list[1] = { mfn };
    CHECK_EQ(map_page(va, 0), 0);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 1);
    return mfn;
}

static void check_decrease_and_increase(void)
{
    long size = current_pages();
    uint32_t *page = alloc_page();
    uint32_t mfn = va_to_mfn(page);
    xen_pfn_t list[4] = { mfn };
    /* Mapped: refused. */
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    CHECK_EQ(current_pages(), size);
    /* Unmapped: given back. */
    CHECK_EQ(map_page(page, 0), 0);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 1);
    CHECK_EQ(current_pages(), size - 1);
    CHECK_EQ(machine_to_phys_mapping[mfn], INVALID_M2P);
    /* Twice: refused (the frame is free now). */
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    /* Frames that are not plain allocations of ours. */
    list[0] = (xen_pfn_t)(start_info->pt_base >> 12) ? va_to_mfn((void *)start_info->pt_base) : 0;
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    list[0] = start_info->shared_info >> 12;
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    list[0] = (xen_pfn_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) + 1;
    CHECK_EQ(reservation(XENMEM_decrease_reservation, list, 1, 0), 0);
    CHECK_EQ(current_pages(), size - 1);

    /* Back up to the maximum: one frame, then no more. */
    list[0] = 0;
    CHECK_EQ(reservation(XENMEM_increase_reservation, list, 2, 0), 1);
    CHECK_EQ(current_pages(), size);
    CHECK(list[0] != 0);
    CHECK_EQ(reservation(XENMEM_increase_reservation, list + 1, 1, 0), 0);
    /* The new frame is ours to map and use once its M2P entry is set. */
    mmu_update_t m2p = { .ptr = ((uint64_t)list[0] << 12) | MMU_MACHPHYS_UPDATE,
                         .val = (unsigned long)page >> 12 };
    CHECK_EQ(HYPERVISOR_mmu_update(&m2p, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(machine_to_phys_mapping[list[0]], (unsigned long)page >> 12);
    p2m[(unsigned long)page >> 12] = list[0];
    CHECK_EQ(map_page(page, list[0]), 0);
    page[7] = 0x1234;
    CHECK_EQ(page[7], 0x1234);
    CHECK_EQ(page[0], 0);                     /* handed out zeroed */
}

static void check_populate(void)
{
    long size = current_pages();
    uint32_t *page = alloc_page();
    uint32_t pfn = (unsigned long)page >> 12;
    uint32_t old = give_back(page);
    xen_pfn_t list[1] = { pfn };
    CHECK_EQ(reservation(XENMEM_populate_physmap, list, 1, 0), 1);
    CHECK_EQ(current_pages(), size);
    CHECK_EQ(machine_to_phys_mapping[list[0]], pfn);
    CHECK(list[0] != old || machine_to_phys_mapping[old] == pfn);
    p2m[pfn] = list[0];
    CHECK_EQ(map_page(page, list[0]), 0);
    page[1] = 5;
    CHECK_EQ(page[1], 5);
}

static void check_exchange(void)
{
    long size = current_pages();
    uint32_t *a = alloc_page(), *b = alloc_page();
    uint32_t pfn_a = (unsigned long)a >> 12, pfn_b = (unsigned long)b >> 12;
    xen_pfn_t in[2] = { va_to_mfn(a), va_to_mfn(b) }, out[2] = { pfn_a, pfn_b };
    struct xen_memory_exchange x = {
        .in = { .nr_extents = 2, .extent_order = 0, .domid = DOMID_SELF },
        .out = { .nr_extents = 2, .extent_order = 0, .domid = DOMID_SELF },
    };
    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    /* Still mapped: -EBUSY, nothing exchanged. */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EBUSY);
    CHECK_EQ(x.nr_exchanged, 0);
    CHECK_EQ(map_page(a, 0), 0);
    CHECK_EQ(map_page(b, 0), 0);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, &x), 0);
    CHECK_EQ(x.nr_exchanged, 2);
    CHECK_EQ(current_pages(), size);
    CHECK_EQ(machine_to_phys_mapping[out[0]], pfn_a);
    CHECK_EQ(machine_to_phys_mapping[out[1]], pfn_b);
    /* Chunk by chunk: a frame the first chunk gave back may be the
     * second chunk's new frame; otherwise its M2P entry is invalid. */
    for (unsigned int i = 0; i < 2; i++)
        CHECK(machine_to_phys_mapping[in[i]] == INVALID_M2P || in[i] == out[0] || in[i] == out[1]);
    CHECK(in[1] != out[0] && in[1] != out[1]);
    CHECK_EQ(machine_to_phys_mapping[in[1]], INVALID_M2P);
    /* Sizes that differ. */
    x.nr_exchanged = 0;
    x.out.nr_extents = 1;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EINVAL);
    p2m[pfn_a] = out[0];
    p2m[pfn_b] = out[1];
    CHECK_EQ(map_page(a, out[0]), 0);
    CHECK_EQ(map_page(b, out[1]), 0);
    a[0] = 1; b[0] = 2;
    CHECK_EQ(a[0] + b[0], 3);
}

static void check_maps(void)
{
    struct pvx_e820entry e[8];
    struct xen_memory_map m = { .nr_entries = 8 };
    set_xen_guest_handle(m.buffer, e);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_memory_map, &m), 0);
    CHECK_EQ(m.nr_entries, 1);
    domid_t self = DOMID_SELF;
    long max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    CHECK_EQ(e[0].addr, 0);
    CHECK_EQ(e[0].size, (uint64_t)max * 4096);
    CHECK_EQ(e[0].type, 1);
    m.nr_entries = 8;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &m), 0);
    CHECK(m.nr_entries >= 1);
    int ram = 0;
    for (unsigned int i = 0; i < m.nr_entries; i++)
        ram |= e[i].type == 1 && e[i].size >= (1u << 20);
    CHECK(ram);
}

static void check_bad_pointers(void)
{
    long size = current_pages();
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_increase_reservation, (void *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, (void *)straddling_va(8)), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_memory_map, (void *)unmapped_va()), -XEN_EFAULT);
    uint32_t *page = alloc_page();
    give_back(page);
    CHECK_EQ(reservation(XENMEM_increase_reservation, (xen_pfn_t *)unmapped_va(), 1, 0), 0);
    CHECK_EQ(reservation(XENMEM_populate_physmap, (xen_pfn_t *)unmapped_va(), 1, 0), 0);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, (xen_pfn_t *)unmapped_va(), 1, 0), 0);
    CHECK_EQ(reservation(XENMEM_increase_reservation, (xen_pfn_t *)MACH2PHYS_VIRT_START, 1, 0), 0);
    CHECK_EQ(current_pages(), size - 1);
}

void test_main(void)
{
    check_bad_ptr_layout();
    check_decrease_and_increase();
    check_populate();
    check_exchange();
    check_maps();
    check_bad_pointers();
}
