/*
 * Test guest "mmu_update_batch": mmu_update(reqs, count, done, foreigndom)
 * applies its requests in order and says in *done how many it applied,
 * which a kernel relies on to know what state its page tables are in:
 *  - all succeed: 0 and done == count; done == NULL is allowed;
 *  - a request that fails in the middle (a writable mapping of a page
 *    table: -EBUSY): its errno, done == its index, the requests before it
 *    applied, those after it not (the same with done == NULL);
 *  - count 0: 0 and done = 0;
 *  - reqs that cannot be read: an unmapped page gives -EFAULT with done 0;
 *    an array that runs into an unmapped page has the requests wholly
 *    before the page end applied, then -EFAULT with done == their number
 *    (also when the next request straddles the page end);
 *  - a count so large that the array would run past 4 GiB: -EFAULT before
 *    anything is applied (done 0), as Xen checks the whole array first;
 *  - a done that cannot be written (the read-only M2P, one of the guest's
 *    page tables, an unmapped page): the requests are applied and the call
 *    returns -EFAULT;
 *  - commands 3-7 (in ptr's low 3 bits): -ENOSYS, even as the last of a
 *    batch. Those bits are the command, so an entry address that is not
 *    8-byte aligned cannot be expressed at all: ptr + 4 is command 4;
 *  - foreigndom: DOMID_SELF and the guest's own id (0) mean itself; a
 *    domain that does not exist: -ESRCH, nothing applied.
 */
#include "pt.h"
#include "bad_ptr.h"

#define SCRATCH_VA 0x10000000ul
#define N 8

static volatile uint64_t *target;       /* a plain page the requests write */
static uint32_t target_mfn;
static volatile uint64_t *l1;           /* a scratch L1 for the failing request */
static uint32_t l1_mfn;

/* Request i writes target[i] = value(i, round). */
static uint64_t value(unsigned int i, unsigned int round)
{
    return 0x1000000000ull * round + 0x100 + i;
}

static void fill(mmu_update_t *r, unsigned int n, unsigned int round)
{
    for (unsigned int i = 0; i < n; i++) {
        r[i].ptr = entry_ptr(target_mfn, i) | MMU_NORMAL_PT_UPDATE;
        r[i].val = value(i, round);
    }
}

/* How many target slots hold round's values, counting from slot 0
 * (and the rest must not). */
static unsigned int applied(unsigned int n, unsigned int round)
{
    unsigned int k = 0;
    while (k < n && target[k] == value(k, round))
        k++;
    for (unsigned int i = k; i < n; i++)
        if (target[i] == value(i, round))
            return 1000 + i;
    return k;
}

static void test_success_and_failure(void)
{
    static mmu_update_t r[N];
    unsigned int done = 99;
    fill(r, N, 1);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, &done, DOMID_SELF), 0);
    CHECK_EQ(done, N);
    CHECK_EQ(applied(N, 1), N);

    fill(r, N, 2);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, NULL, DOMID_SELF), 0);
    CHECK_EQ(applied(N, 2), N);

    /* Request 3 maps the scratch L1 itself writable. */
    fill(r, N, 3);
    r[3].ptr = entry_ptr(l1_mfn, 0) | MMU_NORMAL_PT_UPDATE;
    r[3].val = pte(l1_mfn, PTE_RW_FLAGS);
    done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, &done, DOMID_SELF), -XEN_EBUSY);
    CHECK_EQ(done, 3);
    CHECK_EQ(applied(N, 3), 3);
    CHECK_EQ(l1[0], 0);
    CHECK_EQ(target[4], value(4, 2));

    fill(r, N, 4);
    r[5] = r[3];
    r[5].ptr = entry_ptr(l1_mfn, 0) | MMU_NORMAL_PT_UPDATE;
    r[5].val = pte(l1_mfn, PTE_RW_FLAGS);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, NULL, DOMID_SELF), -XEN_EBUSY);
    CHECK_EQ(applied(N, 4), 5);

    /* Nothing to do. */
    done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update(r, 0, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 0);
    CHECK_EQ(HYPERVISOR_mmu_update(NULL, 0, NULL, DOMID_SELF), 0);
}

static void test_unreadable(void)
{
    unsigned int done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update((void *)unmapped_va(), 1, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 0);

    /* Three whole requests, then the unmapped page. */
    mmu_update_t *tail = (mmu_update_t *)straddling_va(3 * sizeof(mmu_update_t));
    fill(tail, 3, 5);
    done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update(tail, N, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 3);
    CHECK_EQ(applied(N, 5), 3);

    /* Two whole requests and half of a third. */
    mmu_update_t *half = (mmu_update_t *)straddling_va(2 * sizeof(mmu_update_t) + 8);
    fill(half, 2, 6);
    half[2].ptr = entry_ptr(target_mfn, 2) | MMU_NORMAL_PT_UPDATE;
    done = 99;
    CHECK_EQ(HYPERVISOR_mmu_update(half, 3, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 2);
    CHECK_EQ(applied(N, 6), 2);

    /* Past 4 GiB: refused before anything is applied. */
    static mmu_update_t r[N];
    fill(r, N, 7);
    const unsigned int huge[] = { 0x10000000u, 0x0ffffff0u, 0xffffffffu };
    for (unsigned int i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
        done = 99;
        CHECK_EQ(HYPERVISOR_mmu_update(r, huge[i], &done, DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(done, 0);
        CHECK_EQ(applied(N, 7), 0);
    }
}

static void test_unwritable_done(void)
{
    static mmu_update_t r[N];
    unsigned int *const bad_done[] = {
        (unsigned int *)&machine_to_phys_mapping[0],
        (unsigned int *)start_info->pt_base,
        (unsigned int *)unmapped_va(),
        (unsigned int *)straddling_va(2),
        (unsigned int *)0xF6000000ul,
    };
    const uint32_t m2p0 = machine_to_phys_mapping[0];
    for (unsigned int i = 0; i < sizeof(bad_done) / sizeof(bad_done[0]); i++) {
        fill(r, N, 8 + i);
        CHECK_EQ(HYPERVISOR_mmu_update(r, N, bad_done[i], DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(applied(N, 8 + i), N);
    }
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
}

static void test_commands_and_domains(void)
{
    static mmu_update_t r[N];
    unsigned int done = 99;
    for (unsigned int cmd = 3; cmd <= 7; cmd++) {
        fill(r, 2, 20 + cmd);
        r[1].ptr = entry_ptr(target_mfn, 1) | cmd;
        done = 99;
        CHECK_EQ(HYPERVISOR_mmu_update(r, 2, &done, DOMID_SELF), -XEN_ENOSYS);
        CHECK_EQ(done, 1);
        CHECK_EQ(applied(2, 20 + cmd), 1);
    }
    fill(r, N, 30);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, &done, 0), 0);
    CHECK_EQ(done, N);
    CHECK_EQ(applied(N, 30), N);
    fill(r, N, 31);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, &done, 1), -XEN_ESRCH);
    CHECK_EQ(HYPERVISOR_mmu_update(r, N, &done, 0x7000), -XEN_ESRCH);
    CHECK_EQ(applied(N, 31), 0);
}

void test_main(void)
{
    trap_install();
    check_bad_ptr_layout();
    target = alloc_page();
    target_mfn = va_to_mfn((void *)target);
    l1 = scratch_l1(SCRATCH_VA);
    l1_mfn = va_to_mfn((void *)l1);
    test_success_and_failure();
    test_unreadable();
    test_unwritable_done();
    test_commands_and_domains();
}
