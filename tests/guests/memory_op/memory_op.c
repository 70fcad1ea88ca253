/*
 * Test guest "memory_op": the XENMEM_* queries pvx answers (docs/abi.md).
 * Guest kernels size their p2m and M2P lookups with these, so they must
 * agree with what the guest can see for itself:
 *  - maximum_ram_page is at least every mfn in the guest's p2m, and the M2P
 *    entry for it can be read (the read-only M2P covers it);
 *  - current_reservation / maximum_reservation for DOMID_SELF and for our
 *    own id (0) give the same answers: nr_pages + 1 (shared_info counts)
 *    and a maximum no smaller; the argument is a 2-byte domid_t (a domid in
 *    the last two bytes before an unmapped page works);
 *  - a domain that does not exist (5, DOMID_IO, DOMID_XEN, ...) is -ESRCH;
 *  - machphys_mapping gives v_start 0xF5800000, v_end 0xF6800000 and
 *    max_mfn = maximum_ram_page, written exactly over its 12 bytes;
 *  - bad argument pointers are -EFAULT (unmapped, running into an unmapped
 *    page, the hypervisor area; the read-only M2P as machphys's output);
 *  - every command that is neither a query nor ballooning (those are
 *    tests/guests/memory_reservation) answers -ENOSYS.
 * (-EPERM, a domU asking about another domain, needs a second domain.)
 */
#include "guest.h"
#include "bad_ptr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static long reservation(unsigned int cmd, domid_t id)
{
    domid_t arg = id;
    return HYPERVISOR_memory_op(cmd, &arg);
}

static long max_ram_page;

static void check_maximum_ram_page(void)
{
    max_ram_page = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    CHECK(max_ram_page > 0);
    uint32_t highest = 0;
    for (uint32_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] > highest)
            highest = p2m[pfn];
    CHECK(highest <= (uint32_t)max_ram_page);
    CHECK((start_info->shared_info >> 12) <= (unsigned long)max_ram_page);
    /* Readable (a fault here would crash the guest); RAM up there is not ours. */
    volatile uint32_t top = machine_to_phys_mapping[max_ram_page];
    (void)top;
    /* The argument is not used. */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_maximum_ram_page, (void *)unmapped_va()), max_ram_page);
}

static void check_reservations(void)
{
    long cur = reservation(XENMEM_current_reservation, DOMID_SELF);
    long max = reservation(XENMEM_maximum_reservation, DOMID_SELF);
    CHECK_EQ(cur, start_info->nr_pages + 1);
    CHECK(max >= cur);
    CHECK_EQ(reservation(XENMEM_current_reservation, 0), cur);
    CHECK_EQ(reservation(XENMEM_maximum_reservation, 0), max);

    /* Only the two bytes of the domid_t are read. */
    domid_t *last = (domid_t *)straddling_va(sizeof(domid_t));
    *last = DOMID_SELF;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, last), cur);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_maximum_reservation, last), max);

    static const domid_t missing[] = { 1, 5, 100, DOMID_FIRST_RESERVED - 1, DOMID_IO, DOMID_XEN,
                                       DOMID_COW, DOMID_INVALID, DOMID_IDLE, 0xFFFF };
    for (unsigned int i = 0; i < N(missing); i++) {
        CHECK_EQ(reservation(XENMEM_current_reservation, missing[i]), -XEN_ESRCH);
        CHECK_EQ(reservation(XENMEM_maximum_reservation, missing[i]), -XEN_ESRCH);
    }

    static const unsigned int cmds[] = { XENMEM_current_reservation, XENMEM_maximum_reservation };
    for (unsigned int c = 0; c < N(cmds); c++) {
        CHECK_EQ(HYPERVISOR_memory_op(cmds[c], (void *)unmapped_va()), -XEN_EFAULT);
        CHECK_EQ(HYPERVISOR_memory_op(cmds[c], (void *)straddling_va(1)), -XEN_EFAULT);
        for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
            CHECK_EQ(HYPERVISOR_memory_op(cmds[c], (void *)hypervisor_area_vas[i]), -XEN_EFAULT);
    }
}

static void check_machphys_mapping(void)
{
    unsigned char *page = alloc_page();
    struct xen_machphys_mapping *m = (struct xen_machphys_mapping *)page;
    memset(page, 0xAA, 64);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, m), 0);
    CHECK_EQ(m->v_start, 0xF5800000u);
    CHECK_EQ(m->v_start, MACH2PHYS_VIRT_START);
    CHECK_EQ(m->v_end, 0xF6800000u);
    CHECK_EQ(m->v_end, MACH2PHYS_VIRT_END);
    CHECK_EQ(m->max_mfn, max_ram_page);
    unsigned int guard_changed = 0;
    for (unsigned int i = sizeof(*m); i < 64; i++)
        guard_changed += page[i] != 0xAA;
    CHECK_EQ(guard_changed, 0);

    /* Ends exactly at an unmapped page: fits. */
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, (void *)straddling_va(sizeof(*m))), 0);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, (void *)straddling_va(sizeof(*m) - 1)), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, (void *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, (void *)MACH2PHYS_VIRT_START), -XEN_EFAULT);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, (void *)hypervisor_area_vas[i]), -XEN_EFAULT);
}

/* Everything but the queries and the reservation commands: -ENOSYS. The argument is a zeroed,
 * writable buffer, so the answer is about the command. */
static void check_unimplemented(void)
{
    void *zeroed = alloc_page();
    unsigned int bad = 0;
    for (unsigned int cmd = 0; cmd < 64; cmd++) {
        if (cmd == XENMEM_maximum_ram_page || cmd == XENMEM_current_reservation ||
            cmd == XENMEM_maximum_reservation || cmd == XENMEM_machphys_mapping ||
            cmd == XENMEM_increase_reservation || cmd == XENMEM_decrease_reservation ||
            cmd == XENMEM_populate_physmap || cmd == XENMEM_exchange ||
            cmd == XENMEM_memory_map || cmd == XENMEM_machine_memory_map)
            continue;
        long rc = HYPERVISOR_memory_op(cmd, zeroed);
        if (rc != -XEN_ENOSYS) {
            guest_printf("FAIL memory_op cmd %u: got %ld, want -ENOSYS\n", cmd, rc);
            bad++;
        }
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(HYPERVISOR_memory_op(0xFFFFFFFFu, zeroed), -XEN_ENOSYS);
}

void test_main(void)
{
    check_bad_ptr_layout();
    check_maximum_ram_page();
    check_reservations();
    check_machphys_mapping();
    check_unimplemented();
}
