/*
 * Test guest "mmuext_flush": the TLB and cache operations of mmuext_op.
 * mmu_update does not flush: after changing an entry the kernel flushes
 * what it needs, and only then may rely on the new mapping:
 *  - MMUEXT_TLB_FLUSH_LOCAL / _MULTI / _ALL and MMUEXT_INVLPG_LOCAL /
 *    _MULTI / _ALL (the one vCPU is in every mask) each return 0 and make
 *    the new frame of a remapped va visible (the old translation was in
 *    use just before, so it may have been cached);
 *  - INVLPG of a va that nothing maps, or in the hypervisor area, is
 *    harmless: 0;
 *  - MMUEXT_FLUSH_CACHE (dom0 has I/O privilege): 0, memory intact;
 *  - a batch of flushes counts in done like any other batch.
 * (Whether a stale translation survives without a flush is the CPU's
 * business; only the state after a flush is checked.)
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static uint32_t l1_mfn, mfn_a, mfn_b;
static uint32_t mask = 1;      /* vCPU 0 */

/* Map SCRATCH_VA to frame (so its old translation is cached), remap it to
 * the other frame without a flush, run the flush, read it. */
static uint32_t after_flush(unsigned int cmd, uint32_t arg1, uint32_t arg2, long *rc)
{
    SETUP(set_entry(l1_mfn, 0, pte(mfn_a, PTE_RW_FLAGS)));
    SETUP(mmuext1(MMUEXT_INVLPG_LOCAL, SCRATCH_VA, 0));
    uint32_t v = peek(SCRATCH_VA);
    if (v != 0xaaaa0001u)
        return v;
    SETUP(set_entry(l1_mfn, 0, pte(mfn_b, PTE_RW_FLAGS)));
    *rc = mmuext1(cmd, arg1, arg2);
    return peek(SCRATCH_VA);
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *page_a = alloc_page(), *page_b = alloc_page();
    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    mfn_a = va_to_mfn((void *)page_a);
    mfn_b = va_to_mfn((void *)page_b);
    l1_mfn = va_to_mfn((void *)scratch_l1(SCRATCH_VA));

    static const struct { unsigned int cmd; const char *name; } ops[] = {
        { MMUEXT_TLB_FLUSH_LOCAL, "TLB_FLUSH_LOCAL" }, { MMUEXT_TLB_FLUSH_MULTI, "TLB_FLUSH_MULTI" },
        { MMUEXT_TLB_FLUSH_ALL, "TLB_FLUSH_ALL" }, { MMUEXT_INVLPG_LOCAL, "INVLPG_LOCAL" },
        { MMUEXT_INVLPG_MULTI, "INVLPG_MULTI" }, { MMUEXT_INVLPG_ALL, "INVLPG_ALL" },
    };
    for (unsigned int i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        long rc = -1;
        uint32_t seen = after_flush(ops[i].cmd, SCRATCH_VA, (uint32_t)&mask, &rc);
        if (seen != 0xbbbb0002u)
            guest_printf("after %s: %x\n", ops[i].name, seen);
        CHECK_EQ(rc, 0);
        CHECK_EQ(seen, 0xbbbb0002u);
    }

    /* For the record: does the CPU still use the old translation without
     * a flush (FLUSH_CACHE touches no TLB)? Then the checks above mean
     * something on this CPU. */
    long rc = -1;
    uint32_t stale = after_flush(MMUEXT_FLUSH_CACHE, 0, 0, &rc);
    guest_printf("mmuext_flush: without a TLB flush the va still reached the %s frame\n",
                 stale == 0xaaaa0001u ? "old" : "new");
    CHECK_EQ(rc, 0);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, SCRATCH_VA, 0), 0);

    /* INVLPG of nothing in particular. */
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, 0x30000000u, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, 0xF5800000u, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_ALL, 0xFFFFF000u, 0), 0);

    CHECK_EQ(mmuext1(MMUEXT_FLUSH_CACHE, 0, 0), 0);
    CHECK_EQ(page_a[0], 0xaaaa0001u);

    struct mmuext_op batch[4];
    memset(batch, 0, sizeof(batch));
    batch[0].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    batch[1].cmd = MMUEXT_INVLPG_LOCAL;
    batch[1].arg1.linear_addr = SCRATCH_VA;
    batch[2].cmd = MMUEXT_FLUSH_CACHE;
    batch[3].cmd = MMUEXT_TLB_FLUSH_ALL;
    unsigned int done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op(batch, 4, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 4);
}
