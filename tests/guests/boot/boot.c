/*
 * Test guest "boot": the start-of-day state a Xen x86_32 PAE PV kernel is
 * promised (../shared/xen-abi-x86_32.md section 3): start_info fields, the
 * bootstrap layout and page tables, the p2m and the read-only M2P,
 * shared_info, segment registers, the hypercall page and the upcall masks.
 */
#include "guest.h"

extern unsigned long boot_stack_top;
extern char _start[];

/* Every pfn of the p2m is a distinct frame whose M2P entry points back. */
static void check_p2m_m2p(void)
{
    unsigned int bad = 0;
    for (uint32_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (machine_to_phys_mapping[p2m[pfn]] != pfn)
            bad++;
    CHECK_EQ(bad, 0);
}

/* The bootstrap L3 maps slots 0-3 as the ABI says and nothing above. */
static void check_page_tables(void)
{
    uint64_t *l3 = (uint64_t *)start_info->pt_base;
    CHECK(start_info->pt_base % 4096 == 0);
    CHECK(l3[0] & 1);
    CHECK(l3[3] & 1);                              /* slot 3: the hypervisor L2 */
    CHECK_EQ(l3[0] & 0xfff, 0x67);                 /* P|RW|U|A|D */
    /* The page-table frames are mapped read-only, everything else read-write. */
    CHECK_EQ(pte_of(start_info->pt_base) & 2, 0);
    CHECK_EQ(pte_of((unsigned long)start_info) & 0xfff, 0x023);   /* P|RW|A */
    CHECK_EQ(pte_of((unsigned long)_start) & 2, 2);
    /* The boot stack follows the page tables. */
    CHECK_EQ(boot_stack_top, start_info->pt_base + start_info->nr_pt_frames * 4096 + 4096);
}

void test_main(void)
{
    uint16_t cs, ds, ss, es;
    __asm__ volatile("mov %%cs, %0; mov %%ds, %1; mov %%ss, %2; mov %%es, %3"
                     : "=r"(cs), "=r"(ds), "=r"(ss), "=r"(es));
    CHECK_EQ(cs, FLAT_RING1_CS);
    CHECK_EQ(ds, FLAT_RING1_DS);
    CHECK_EQ(ss, FLAT_RING1_SS);
    CHECK_EQ(es, FLAT_RING1_DS);

    CHECK(memcmp(start_info->magic, "xen-3.0-x86_32p", 16) == 0);
    CHECK(start_info->nr_pages >= 1024);
    CHECK_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), SIF_PRIVILEGED | SIF_INITDOMAIN);
    CHECK((unsigned long)start_info % 4096 == 0);
    CHECK(start_info->mfn_list < (unsigned long)start_info);
    CHECK(start_info->nr_pt_frames >= 4);        /* L3 + L2 + slot-3 L2 + L1 */
    CHECK_EQ(start_info->mod_len, 0);
    /* tests/guests/boot/cmdline: the module's command line, file name removed. */
    CHECK(memcmp(start_info->cmd_line, "hello world", 12) == 0);
    CHECK(start_info->shared_info % 4096 == 0);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &(domid_t){ DOMID_SELF }),
             start_info->nr_pages + 1);          /* + shared_info */

    check_p2m_m2p();
    check_page_tables();

    /* The hypercall page: mov $nr, %eax; int $0x82; ret, and iret's entry. */
    const unsigned char *hp = (const unsigned char *)hypercall_page;
    CHECK(hp[17 * 32] == 0xb8 && hp[17 * 32 + 1] == 17 && hp[17 * 32 + 5] == 0xcd &&
          hp[17 * 32 + 6] == 0x82 && hp[17 * 32 + 7] == 0xc3);
    CHECK(hp[23 * 32] == 0x50 && hp[23 * 32 + 1] == 0xb8 && hp[23 * 32 + 2] == 23);

    /* shared_info: every vCPU starts with events masked. */
    CHECK(shared_info != 0);
    if (shared_info)
        for (int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
            CHECK_EQ(shared_info->vcpu_info[i].evtchn_upcall_mask, 1);

    /* The M2P is readable at MACH2PHYS_VIRT_START (checked above) but not writable. */
    CHECK_EQ(pte_of(MACH2PHYS_VIRT_START), 0);   /* a 2 MiB hypervisor mapping, no L1 */
    guest_printf("boot: %u pages, pt_base %x, %u pt frames, cmdline '%s'\n",
                 (unsigned)start_info->nr_pages, (unsigned)start_info->pt_base,
                 (unsigned)start_info->nr_pt_frames, (const char *)start_info->cmd_line);
}
