/*
 * Bench guest "hcbench": what the hypervisor's entry paths cost, measured
 * from the guest with rdtsc around N iterations of one operation (under
 * `-icount shift=0` rdtsc counts instructions, guest's and hypervisor's;
 * without it, host cycles). Each case warms up, then runs RUNS times (the
 * floor and the null hypercall ENTRY_ROUNDS x RUNS times, alternating);
 * the minimum per-op figure is printed as a machine-readable line
 *
 *     BENCH <name> <value per op, one decimal> <iterations per run>
 *
 * which tools/pvx-bench turns into a table (docs/performance.md says what
 * each row measures). A case whose setup or operation fails prints
 * `BENCH_ERROR <name> <rc>` and is counted as a failed check.
 *
 * The MMU cases work on a scratch L1 table hooked into a free slot of the
 * bootstrap slot-0 L2 at SCRATCH_VA: entry toggles via mmu_update, one
 * entry or a 512-entry batch, and update_va_mapping on one of its vas.
 * NEW_BASEPTR switches between the bootstrap L3 and a pinned copy of it
 * (with its own copy of the slot-3 L2, which cannot be shared).
 */
#include "guest.h"

#define RUNS 5
#define SCRATCH_VA 0x20000000ul       /* slot-0 L2 index 256: far above the image */
#define PTE_FLAGS_RW 0x063ull         /* P|RW|A|D */
#define PTE_ACCESSED 0x020ull
#define PTE_PRESENT_ACCESSED 0x021ull /* P|A: a read-only mapping */
#define L2E_FLAGS 0x067ull            /* P|RW|U|A|D */
#define L2_GUEST_ENTRIES_SLOT3 428    /* 0xF5800000 >> 21 & 511 */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * A hypercall as Linux makes it: a direct `call hypercall_page + nr * 32`
 * (the runtime's stubs call through a register). Arguments in ebx, ecx,
 * edx, esi; the result in eax.
 */
#define HCALL4(nr, a1, a2, a3, a4)                                          \
    ({                                                                      \
        long ret_;                                                          \
        unsigned long b_ = (unsigned long)(a1), c_ = (unsigned long)(a2);   \
        unsigned long d_ = (unsigned long)(a3), s_ = (unsigned long)(a4);   \
        __asm__ volatile("call hypercall_page + %c[off]"                    \
                         : "=a"(ret_), "+b"(b_), "+c"(c_), "+d"(d_), "+S"(s_) \
                         : [off] "i"((nr) * 32)                             \
                         : "edi", "memory");                                \
        ret_;                                                               \
    })

/*
 * Run the body (the macro's last arguments) iters/4 + 2 times to warm up,
 * then RUNS times iters times, timed; best = the fastest run's total. `i`
 * is the iteration number inside the body.
 */
#define BENCH_LOOP(best, iters, ...)                                        \
    do {                                                                    \
        for (unsigned int i = 0; i < (iters) / 4 + 2; i++) { __VA_ARGS__; } \
        (best) = ~0ull;                                                     \
        for (unsigned int run = 0; run < RUNS; run++) {                     \
            uint64_t t0 = rdtsc();                                          \
            for (unsigned int i = 0; i < (iters); i++) { __VA_ARGS__; }     \
            uint64_t t = rdtsc() - t0;                                      \
            if (t < (best))                                                 \
                (best) = t;                                                 \
        }                                                                   \
    } while (0)

/* Print one result: total over iters*per_iter operations, one decimal. */
static void report(const char *name, uint64_t total, unsigned int iters, unsigned int per_iter)
{
    uint64_t ops = (uint64_t)iters * per_iter;
    uint64_t tenths = (total * 10 + ops / 2) / ops;
    guest_printf("BENCH %s %llu.%llu %u\n", name, tenths / 10, tenths % 10, iters);
}

static void report_error(const char *name, long rc)
{
    guest_printf("BENCH_ERROR %s %ld\n", name, rc);
    check_eq(rc, 0, name, __FILE__, __LINE__);
}

/* Stop a case at its first failing call (rc is sticky across iterations). */
#define TRY(rc, call) do { long r_ = (call); if (r_ && !(rc)) (rc) = r_; } while (0)

/* ---- the floor and the null hypercall ---- */

#define ENTRY_ROUNDS 10

/* The floor and the null hypercall are compared with each other (their
 * cycle ratio is a target), so their runs alternate: host noise that
 * drifts over time then affects both alike. */
static void bench_entry(void)
{
    const unsigned int n = 2000;      /* short runs: a preempted QEMU spoils fewer */
    uint64_t best, best_loop = ~0ull, best_floor = ~0ull, best_null = ~0ull;
    long rc = 0;
    for (unsigned int round = 0; round < ENTRY_ROUNDS; round++) {
        BENCH_LOOP(best, n, __asm__ volatile(""));
        best_loop = best < best_loop ? best : best_loop;
        BENCH_LOOP(best, n, __asm__ volatile("int $0x83" ::: "memory"));
        best_floor = best < best_floor ? best : best_floor;
        BENCH_LOOP(best, n, TRY(rc, HCALL4(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0) - 0x40011));
        best_null = best < best_null ? best : best_null;
    }
    report("empty_loop", best_loop, n, 1);
    report("floor_trap", best_floor, n, 1);
    if (rc)
        report_error("null_hypercall", rc);
    else
        report("null_hypercall", best_null, n, 1);
}

/* ---- scratch page tables ---- */

static uint64_t *scratch_l1;          /* va of the scratch L1 (read-only once hooked) */
static uint64_t scratch_l1_maddr;
static uint32_t frame_a, frame_b;     /* two data frames the entries map */

/* Make the page at va read-only (so it can become a page table). */
static long make_readonly(void *va)
{
    uint64_t pte = ((uint64_t)va_to_mfn(va) << 12) | PTE_PRESENT_ACCESSED;
    return HYPERVISOR_update_va_mapping((unsigned long)va, (uint32_t)pte, (uint32_t)(pte >> 32),
                                        UVMF_INVLPG);
}

/* Build the scratch L1 (every entry maps frame A read-write) and hook it
 * into slot 256 of the bootstrap slot-0 L2. */
static long setup_scratch(void)
{
    if (pte_maddr_of(SCRATCH_VA) != 0)
        return -XEN_EEXIST;
    frame_a = va_to_mfn(alloc_page());
    frame_b = va_to_mfn(alloc_page());
    scratch_l1 = alloc_page();
    for (unsigned int j = 0; j < 512; j++)
        scratch_l1[j] = ((uint64_t)frame_a << 12) | PTE_FLAGS_RW;
    uint32_t l1_mfn = va_to_mfn(scratch_l1);
    scratch_l1_maddr = (uint64_t)l1_mfn << 12;
    long rc = make_readonly(scratch_l1);
    if (rc)
        return rc;
    uint64_t *l3 = (uint64_t *)start_info->pt_base;
    uint64_t l2_maddr = l3[0] & 0x000ffffffffff000ull;
    uint64_t l2e_maddr = l2_maddr + ((SCRATCH_VA >> 21) & 511) * 8;
    rc = mmu_update1(l2e_maddr | MMU_NORMAL_PT_UPDATE, scratch_l1_maddr | L2E_FLAGS);
    if (rc)
        return rc;
    return pte_maddr_of(SCRATCH_VA) == scratch_l1_maddr ? 0 : -XEN_EINVAL;
}

/* ---- mmu_update ---- */

static mmu_update_t one_req[2];
static mmu_update_t batch_req[2][512];

/* Requests for entries 0..n-1 of the scratch L1: r0[j] writes v0, r1[j] writes v1. */
static void fill_requests(mmu_update_t *r0, mmu_update_t *r1, unsigned int n, uint64_t v0, uint64_t v1)
{
    for (unsigned int j = 0; j < n; j++) {
        r0[j].ptr = r1[j].ptr = (scratch_l1_maddr + j * 8) | MMU_NORMAL_PT_UPDATE;
        r0[j].val = v0;
        r1[j].val = v1;
    }
}

/* One mmu_update with n requests per iteration, alternating two request
 * sets (v0, v1), so every request really changes its entry. */
static void bench_mmu_update_case(const char *name, unsigned int n, unsigned int iters,
                                  uint64_t v0, uint64_t v1)
{
    mmu_update_t *r0 = n == 1 ? &one_req[0] : batch_req[0];
    mmu_update_t *r1 = n == 1 ? &one_req[1] : batch_req[1];
    fill_requests(r0, r1, n, v0, v1);
    uint64_t best;
    long rc = 0;
    BENCH_LOOP(best, iters, TRY(rc, HCALL4(__HYPERVISOR_mmu_update, (i & 1) ? r1 : r0, n, 0, DOMID_SELF)));
    /* Leave every entry mapping frame A read-write again. */
    if (n == 1)
        TRY(rc, mmu_update1(r0[0].ptr, ((uint64_t)frame_a << 12) | PTE_FLAGS_RW));
    else
        for (unsigned int j = 0; j < n && !rc; j++)
            TRY(rc, mmu_update1(r0[j].ptr, ((uint64_t)frame_a << 12) | PTE_FLAGS_RW));
    if (rc)
        report_error(name, rc);
    else
        report(name, best, iters, n);
}

static void bench_mmu_update(void)
{
    uint64_t a = ((uint64_t)frame_a << 12) | PTE_FLAGS_RW;
    uint64_t b = ((uint64_t)frame_b << 12) | PTE_FLAGS_RW;
    bench_mmu_update_case("mmu_update_1_accessed", 1, 4000, a & ~PTE_ACCESSED, a);
    bench_mmu_update_case("mmu_update_1_frame", 1, 4000, b, a);
    bench_mmu_update_case("mmu_update_512_accessed", 512, 20, a & ~PTE_ACCESSED, a);
    bench_mmu_update_case("mmu_update_512_frame", 512, 20, b, a);
}

/* ---- update_va_mapping ---- */

static void bench_uvm_case(const char *name, unsigned long flags)
{
    const unsigned long va = SCRATCH_VA + 5 * 4096;
    const uint64_t a = ((uint64_t)frame_a << 12) | PTE_FLAGS_RW;
    const uint64_t b = ((uint64_t)frame_b << 12) | PTE_FLAGS_RW;
    const unsigned int n = 4000;
    uint64_t best;
    long rc = 0;
    BENCH_LOOP(best, n, TRY(rc, HCALL4(__HYPERVISOR_update_va_mapping, va, (uint32_t)((i & 1) ? a : b), 0, flags)));
    TRY(rc, HYPERVISOR_update_va_mapping(va, (uint32_t)a, 0, UVMF_INVLPG));
    if (rc)
        report_error(name, rc);
    else
        report(name, best, n, 1);
}

/* ---- mmuext_op NEW_BASEPTR ---- */

/* A pinned copy of the bootstrap L3 with its own slot-3 L2 (guest part
 * copied; the hypervisor fills the rest when it validates the copy). */
static long setup_second_l3(uint32_t *l3_copy_mfn)
{
    const uint64_t *l3 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l2_slot3 = mfn_to_va((uint32_t)((l3[3] & 0x000ffffffffff000ull) >> 12));
    if (!l2_slot3)
        return -XEN_ENOENT;
    uint64_t *new_l2 = alloc_page();
    uint64_t *new_l3 = alloc_page();
    memcpy(new_l2, l2_slot3, L2_GUEST_ENTRIES_SLOT3 * 8);
    uint32_t new_l2_mfn = va_to_mfn(new_l2);
    for (unsigned int s = 0; s < 3; s++)
        new_l3[s] = l3[s];
    new_l3[3] = ((uint64_t)new_l2_mfn << 12) | (l3[3] & 0xfff);
    long rc = make_readonly(new_l2);
    if (!rc)
        rc = make_readonly(new_l3);
    *l3_copy_mfn = va_to_mfn(new_l3);
    if (!rc)
        rc = mmuext1(MMUEXT_PIN_L3_TABLE, *l3_copy_mfn, 0);
    return rc;
}

/* One NEW_BASEPTR op per iteration: ops[i & 1]. */
static long new_baseptr_loop(const char *name, uint32_t even_l3, uint32_t odd_l3, unsigned int n)
{
    struct mmuext_op ops[2];
    memset(ops, 0, sizeof(ops));
    ops[0].cmd = ops[1].cmd = MMUEXT_NEW_BASEPTR;
    ops[0].arg1.mfn = even_l3;
    ops[1].arg1.mfn = odd_l3;
    uint64_t best;
    long rc = 0;
    BENCH_LOOP(best, n, TRY(rc, HCALL4(__HYPERVISOR_mmuext_op, &ops[i & 1], 1, 0, DOMID_SELF)));
    if (rc)
        report_error(name, rc);
    else
        report(name, best, n, 1);
    return rc;
}

/* A process switch as guest-os makes one (arch_switch_to): one multicall
 * of stack_switch (to one of two ring-1 stacks) and mmuext_op NEW_BASEPTR,
 * alternating between two L3s. */
static void switch_multicall_loop(uint32_t even_l3, uint32_t odd_l3)
{
    static struct mmuext_op ops[2];
    static multicall_entry_t calls[2][2];
    const unsigned long stack_top[2] = { (unsigned long)alloc_page() + 4096,
                                         (unsigned long)alloc_page() + 4096 };
    const uint32_t l3[2] = { even_l3, odd_l3 };
    const unsigned int n = 2000;      /* even: every run ends on even_l3 */
    for (unsigned int k = 0; k < 2; k++) {
        ops[k].cmd = MMUEXT_NEW_BASEPTR;
        ops[k].arg1.mfn = l3[k];
        calls[k][0] = (multicall_entry_t){ .op = __HYPERVISOR_stack_switch,
                                           .args = { FLAT_RING1_SS, stack_top[k] } };
        calls[k][1] = (multicall_entry_t){ .op = __HYPERVISOR_mmuext_op,
                                           .args = { (unsigned long)&ops[k], 1, 0, DOMID_SELF } };
    }
    uint64_t best;
    long rc = 0;
    BENCH_LOOP(best, n, TRY(rc, HCALL4(__HYPERVISOR_multicall, calls[i & 1], 2, 0, 0));
                        TRY(rc, calls[i & 1][0].result); TRY(rc, calls[i & 1][1].result));
    if (rc)
        report_error("switch_multicall", rc);
    else
        report("switch_multicall", best, n, 1);
}

static void bench_new_baseptr(void)
{
    const uint32_t boot_l3 = va_to_mfn((void *)start_info->pt_base);
    const unsigned int n = 2000;      /* even: every run ends on the bootstrap L3 */
    new_baseptr_loop("new_baseptr_same", boot_l3, boot_l3, n);
    uint32_t copy_l3 = 0;
    long rc = setup_second_l3(&copy_l3);
    if (rc) {
        report_error("new_baseptr_other", rc);
        return;
    }
    if (new_baseptr_loop("new_baseptr_other", copy_l3, boot_l3, n)) {
        CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, boot_l3, 0), 0);
        return;
    }
    switch_multicall_loop(boot_l3, copy_l3);
}

/* ---- the iret hypercall ---- */

/* Return to ring 1 through hypercall page entry 23 with Xen's frame
 * [eax eip cs eflags], as a PV kernel ends every trap or event it
 * handled in ring 1; IF = 0, so the upcall mask stays set. */
static void bench_iret_ring1(void)
{
    const unsigned int n = 4000;
    uint64_t best;
    BENCH_LOOP(best, n, __asm__ volatile("pushl $0x002\n\t"
                                         "pushl %0\n\t"
                                         "pushl $1f\n\t"
                                         "jmp hypercall_page + %c1\n"
                                         "1:"
                                         :: "i"(FLAT_RING1_CS), "i"(__HYPERVISOR_iret * 32)
                                         : "memory"));
    report("iret_ring1", best, n, 1);
}

void test_main(void)
{
    bench_entry();
    bench_iret_ring1();
    long rc = setup_scratch();
    if (rc) {
        report_error("mmu_setup", rc);
    } else {
        bench_mmu_update();
        bench_uvm_case("update_va_mapping_invlpg", UVMF_INVLPG);
        bench_uvm_case("update_va_mapping_none", UVMF_NONE);
    }
    bench_new_baseptr();
    CHECK(1);                          /* the run completed */
}
