/*
 * Test guest "mmu_update_l1": MMU_NORMAL_PT_UPDATE on the entries of a
 * live L1 table, the way a PV kernel maps and unmaps its pages:
 *  - an entry written by mmu_update reads back exactly as written (the
 *    hypervisor adds nothing to L1 entries), and after an INVLPG the va
 *    reaches the frame it names: map a page, change its frame, flip RW
 *    off (a write is then a #PF with P|W and changes nothing) and on
 *    again, unmap (a read is then a not-present #PF);
 *  - U, NX and the available bits 9-11 are accepted and kept;
 *  - a read-only mapping of one of the guest's own page tables is allowed
 *    (PV kernels read their tables) and shows the entries just written;
 *  - one frame may be mapped writable at two vas at once.
 * The L1 is hooked into the bootstrap slot-0 L2 (mmu_update_l2 checks that
 * part); the data frames keep their bootstrap mappings, through which the
 * test checks which frame a scratch va reached.
 */
#include "pt.h"

#define SCRATCH_VA 0x10000000ul

static volatile uint64_t *l1;
static uint32_t l1_mfn;

static unsigned long va_of(unsigned int slot)
{
    return SCRATCH_VA + slot * GUEST_PAGE_SIZE;
}

/* Write L1 entry slot and flush its va: the mapping a kernel would then use. */
static long map(unsigned int slot, uint64_t val)
{
    long rc = set_entry(l1_mfn, slot, val);
    SETUP(flush_va(va_of(slot)));
    return rc;
}

void test_main(void)
{
    trap_install();
    volatile uint32_t *page_a = alloc_page(), *page_b = alloc_page();
    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    const uint32_t mfn_a = va_to_mfn((void *)page_a), mfn_b = va_to_mfn((void *)page_b);
    l1 = scratch_l1(SCRATCH_VA);
    l1_mfn = va_to_mfn((void *)l1);
    uint32_t err = 0;

    /* Nothing mapped yet: a not-present read fault from ring 1. */
    CHECK_EQ(read_faults(va_of(0), 0, &err), 1);
    CHECK_EQ(err, 0);

    /* Map frame A read-write. */
    CHECK_EQ(map(0, pte(mfn_a, PTE_RW_FLAGS)), 0);
    CHECK_EQ(l1[0], pte(mfn_a, PTE_RW_FLAGS));
    CHECK_EQ(peek(va_of(0)), 0xaaaa0001u);
    CHECK_EQ(write_faults(va_of(0), 0x5a5a0001u, 0), 0);
    CHECK_EQ(page_a[0], 0x5a5a0001u);                /* the same frame */

    /* Change its frame to B. */
    CHECK_EQ(map(0, pte(mfn_b, PTE_RW_FLAGS)), 0);
    CHECK_EQ(l1[0], pte(mfn_b, PTE_RW_FLAGS));
    CHECK_EQ(peek(va_of(0)), 0xbbbb0002u);
    CHECK_EQ(page_a[0], 0x5a5a0001u);

    /* Flip RW off: reads work, a write faults (P|W) and changes nothing. */
    CHECK_EQ(map(0, pte(mfn_b, PTE_RO_FLAGS)), 0);
    CHECK_EQ(l1[0], pte(mfn_b, PTE_RO_FLAGS));
    CHECK_EQ(peek(va_of(0)), 0xbbbb0002u);
    CHECK_EQ(write_faults(va_of(0), 0x12345678u, &err), 1);
    CHECK_EQ(err, 3);
    CHECK_EQ(page_b[0], 0xbbbb0002u);

    /* And on again. */
    CHECK_EQ(map(0, pte(mfn_b, PTE_RW_FLAGS)), 0);
    CHECK_EQ(write_faults(va_of(0), 0x5b5b0002u, 0), 0);
    CHECK_EQ(page_b[0], 0x5b5b0002u);

    /* Unmap. */
    CHECK_EQ(map(0, 0), 0);
    CHECK_EQ(l1[0], 0);
    CHECK_EQ(read_faults(va_of(0), 0, &err), 1);
    CHECK_EQ(err, 0);

    /* U, NX (when the CPU has it) and the available bits are kept. */
    const uint64_t extra = PTE_U | PTE_AVAIL | (cpu_has_nx() ? PTE_NX : 0);
    CHECK_EQ(map(1, pte(mfn_a, PTE_RW_FLAGS | extra)), 0);
    CHECK_EQ(l1[1], pte(mfn_a, PTE_RW_FLAGS | extra));
    CHECK_EQ(peek(va_of(1)), 0x5a5a0001u);

    /* A read-only mapping of this very L1 shows its entries. */
    CHECK_EQ(map(2, pte(l1_mfn, PTE_RO_FLAGS)), 0);
    CHECK_EQ(peek(va_of(2) + 8), (uint32_t)l1[1]);
    CHECK_EQ(peek(va_of(2) + 12), (uint32_t)(l1[1] >> 32));
    CHECK_EQ(peek(va_of(2) + 16), (uint32_t)pte(l1_mfn, PTE_RO_FLAGS));
    CHECK_EQ(write_faults(va_of(2) + 16, 0, &err), 1);
    CHECK_EQ(err, 3);

    /* A second writable mapping of frame A: both vas see each other's writes. */
    CHECK_EQ(map(3, pte(mfn_a, PTE_RW_FLAGS)), 0);
    CHECK_EQ(write_faults(va_of(3) + 4, 0x0a0a0a0au, 0), 0);
    CHECK_EQ(peek(va_of(1) + 4), 0x0a0a0a0au);
    CHECK_EQ(page_a[1], 0x0a0a0a0au);

    /* Tear down: every entry empty again. */
    for (unsigned int s = 0; s < 4; s++) {
        CHECK_EQ(map(s, 0), 0);
        CHECK_EQ(l1[s], 0);
    }
    CHECK_EQ(read_faults(va_of(3), 0, 0), 1);
}
