/*
 * Test guest "multicall": a batch of hypercalls in one trap, as PV kernels
 * use for context switches and page-table batches:
 *  - every entry runs in order and gets its own result written back
 *    (successes, errors, an unknown op's -ENOSYS, a nested multicall's
 *    -EINVAL without running the nested batch), the call returns 0, and
 *    the entries' effects are visible afterwards;
 *  - an array that cannot be read: -EFAULT; one that becomes unreadable
 *    part way: the entries before ran and got their results, then -EFAULT;
 *    a result slot that cannot be written (read-only array): that entry
 *    ran, the batch stops with -EFAULT; nr_calls large enough to run past
 *    4 GiB: -EFAULT before anything runs; nr_calls 0: 0;
 *  - an iret in the batch ends it: the entries after it do not run (their
 *    effects are absent, their result slots untouched), execution goes on
 *    at the iret frame's eip with the frame's eax and the stack above the
 *    frame, and the upcall mask follows the frame's IF. (The iret frame is
 *    read from the stack the multicall was made with.)
 */
#include "traps.h"

#define SENTINEL 0xaaaaaaaau

static uint64_t *plain;               /* a plain page written by mmu_update entries */
static mmu_update_t req[4];

static uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }

static void set_entry(multicall_entry_t *e, uint32_t op, uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->result = SENTINEL;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->args[3] = a3;
}

/* An entry that writes val into plain[slot] through mmu_update. */
static void set_write_entry(multicall_entry_t *e, unsigned int slot, uint64_t val)
{
    req[slot].ptr = ((uint64_t)va_to_mfn(plain) << 12) + slot * 8 + MMU_NORMAL_PT_UPDATE;
    req[slot].val = val;
    set_entry(e, __HYPERVISOR_mmu_update, (uint32_t)&req[slot], 1, 0, DOMID_SELF);
}

static void test_batch(void)
{
    static multicall_entry_t mc[9], nested[1];
    static const char msg[] = "multicall: console_io from inside a multicall\n";
    set_entry(&nested[0], __HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0);
    set_entry(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    set_entry(&mc[1], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1, (uint32_t)msg, 0);
    set_entry(&mc[2], __HYPERVISOR_stack_switch, FLAT_RING3_SS, 0x1000, 0, 0);
    set_entry(&mc[3], 60, 0, 0, 0, 0);
    set_entry(&mc[4], 200, 0, 0, 0, 0);
    set_entry(&mc[5], __HYPERVISOR_multicall, (uint32_t)nested, 1, 0, 0);
    set_write_entry(&mc[6], 0, 0x1111);
    set_entry(&mc[7], __HYPERVISOR_mmu_update, (uint32_t)unmapped_page(), 1, 0, DOMID_SELF);
    set_write_entry(&mc[8], 1, 0x2222);
    CHECK_EQ(HYPERVISOR_multicall(mc, 9), 0);
    CHECK_EQ(mc[0].result, HYPERVISOR_xen_version(XENVER_version, NULL));
    CHECK_EQ(mc[1].result, 0);
    CHECK_EQ(mc[2].result, (uint32_t)-XEN_EPERM);
    CHECK_EQ(mc[3].result, (uint32_t)-XEN_ENOSYS);
    CHECK_EQ(mc[4].result, (uint32_t)-XEN_ENOSYS);
    CHECK_EQ(mc[5].result, (uint32_t)-XEN_EINVAL);
    CHECK_EQ(nested[0].result, SENTINEL);               /* the nested batch did not run */
    CHECK_EQ(read_cr0() & 8, 0);
    CHECK_EQ(mc[6].result, 0);
    CHECK_EQ(mc[7].result, (uint32_t)-XEN_EFAULT);      /* an error does not stop the batch */
    CHECK_EQ(mc[8].result, 0);
    CHECK_EQ(plain[0], 0x1111);
    CHECK_EQ(plain[1], 0x2222);
    CHECK_EQ(HYPERVISOR_multicall(mc, 0), 0);

    /* A multicall whose calls change vCPU state: fpu_taskswitch. */
    set_entry(&mc[0], __HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0);
    CHECK_EQ(HYPERVISOR_multicall(mc, 1), 0);
    CHECK_EQ(mc[0].result, 0);
    CHECK_EQ(read_cr0() & 8, 8);
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(0), 0);
}

static void test_bad_arrays(void)
{
    char *mapped = alloc_page(), *hole = unmapped_page();
    if (hole != mapped + 4096)
        test_exit("ERROR", "pool pages not consecutive");
    CHECK_EQ(HYPERVISOR_multicall(hole, 1), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_multicall((void *)0xFFFFFFE0u, 1), -XEN_EFAULT);

    /* Two entries at the end of a mapped page, the third in the hole. */
    multicall_entry_t *tail = (multicall_entry_t *)(hole - 2 * sizeof(multicall_entry_t));
    plain[0] = plain[1] = 0;
    set_write_entry(&tail[0], 0, 0x3333);
    set_write_entry(&tail[1], 1, 0x4444);
    CHECK_EQ(HYPERVISOR_multicall(tail, 3), -XEN_EFAULT);
    CHECK_EQ(tail[0].result, 0);
    CHECK_EQ(tail[1].result, 0);
    CHECK_EQ(plain[0], 0x3333);
    CHECK_EQ(plain[1], 0x4444);

    /* Past 4 GiB: refused before anything runs. */
    static multicall_entry_t mc[2];
    set_write_entry(&mc[0], 0, 0x5555);
    CHECK_EQ(HYPERVISOR_multicall(mc, 0x08000000u), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_multicall(mc, 0xffffffffu), -XEN_EFAULT);
    CHECK_EQ(mc[0].result, SENTINEL);
    CHECK_EQ(plain[0], 0x3333);

    /* A read-only array: the first entry runs, its result cannot be stored. */
    multicall_entry_t *ro = alloc_page();
    set_entry(&ro[0], __HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0);
    set_entry(&ro[1], __HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)ro, (va_to_mfn(ro) << 12) | 0x21, 0,
                                          UVMF_INVLPG), 0);
    CHECK_EQ(HYPERVISOR_multicall(ro, 2), -XEN_EFAULT);
    CHECK_EQ(read_cr0() & 8, 8);                        /* entry 0 ran, entry 1 did not */
    CHECK_EQ(ro[0].result, SENTINEL);
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(0), 0);
}

/* Arguments and results of the iret-in-a-multicall asm (absolute addresses:
 * the asm moves the stack pointer). */
uint32_t mci_calls, mci_n, mci_eflags, mci_esp_before, mci_esp_after, mci_eax;
uint32_t mci_returned, mci_rc;

/* Make the multicall with an iret frame [eax eip cs eflags] at esp, the way
 * a guest uses an iret inside a batch: the iret resumes at label 2. */
static void multicall_with_iret(multicall_entry_t *calls, uint32_t n, uint32_t eflags)
{
    mci_calls = (uint32_t)calls;
    mci_n = n;
    mci_eflags = eflags;
    mci_returned = 0;
    mci_eax = mci_esp_after = 0;
    __asm__ volatile(
        "pushl %%ebp\n\t"
        "movl %%esp, mci_esp_before\n\t"
        "pushl mci_eflags\n\t"
        "pushl $0xe019\n\t"                    /* FLAT_RING1_CS */
        "pushl $2f\n\t"
        "pushl $0xcafebabe\n\t"                /* the frame's eax */
        "movl mci_calls, %%ebx\n\t"
        "movl mci_n, %%ecx\n\t"
        "movl $13, %%eax\n\t"                  /* __HYPERVISOR_multicall */
        "int $0x82\n\t"
        "movl %%eax, mci_rc\n\t"               /* came back normally: wrong */
        "movl $1, mci_returned\n\t"
        "addl $16, %%esp\n\t"
        "jmp 3f\n"
        "2:\tmovl %%eax, mci_eax\n\t"
        "movl %%esp, mci_esp_after\n"
        "3:\tpopl %%ebp\n"
        ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
}

static void test_iret_in_multicall(void)
{
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    static multicall_entry_t mc[4];
    plain[0] = plain[1] = 0;
    set_write_entry(&mc[0], 0, 0x1111);
    set_entry(&mc[1], __HYPERVISOR_iret, 0, 0, 0, 0);
    set_write_entry(&mc[2], 1, 0x2222);
    set_entry(&mc[3], __HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0);
    *mask = 0;
    multicall_with_iret(mc, 4, 0x002);                  /* IF = 0 */
    CHECK_EQ(mci_returned, 0);
    if (mci_returned)
        guest_printf("multicall returned %d instead of ending in the iret\n", (int)mci_rc);
    CHECK_EQ(mci_eax, 0xcafebabe);
    CHECK_EQ(mci_esp_after, mci_esp_before);
    CHECK_EQ(*mask, 1);
    CHECK_EQ(mc[0].result, 0);
    CHECK_EQ(plain[0], 0x1111);                         /* before the iret: ran */
    CHECK_EQ(plain[1], 0);                              /* after it: not run */
    CHECK_EQ(read_cr0() & 8, 0);
    CHECK_EQ(mc[2].result, SENTINEL);
    CHECK_EQ(mc[3].result, SENTINEL);

    /* The iret first, with IF = 1: nothing else runs, events unmasked. */
    plain[1] = 0;
    set_entry(&mc[0], __HYPERVISOR_iret, 0, 0, 0, 0);
    set_write_entry(&mc[1], 1, 0x2222);
    multicall_with_iret(mc, 2, 0x202);
    CHECK_EQ(mci_returned, 0);
    CHECK_EQ(mci_eax, 0xcafebabe);
    CHECK_EQ(mci_esp_after, mci_esp_before);
    CHECK_EQ(*mask, 0);
    *mask = 1;
    CHECK_EQ(plain[1], 0);
    CHECK_EQ(mc[1].result, SENTINEL);

    /* The batch that ended in an iret is over: the next multicall is not
     * taken for a nested one. */
    static multicall_entry_t after[1];
    set_entry(&after[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    CHECK_EQ(HYPERVISOR_multicall(after, 1), 0);
    CHECK_EQ(after[0].result, HYPERVISOR_xen_version(XENVER_version, NULL));
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "no shared_info");
    trap_install();
    plain = alloc_page();
    test_batch();
    test_bad_arrays();
    test_iret_in_multicall();
}
