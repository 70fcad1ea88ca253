/*
 * Test guest "mmuext_batch": mmuext_op(ops, count, done, foreigndom) as a
 * batch, and the commands no other guest covers:
 *  - ops apply in order; the first failure stops the batch with its errno
 *    and done == its index (the ops before it applied, here pins); done
 *    == NULL is allowed; count 0 gives 0;
 *  - an unknown command (14, 18, 0xffff...) is -ENOSYS;
 *  - ops that cannot be read: an unmapped page gives -EFAULT with done 0;
 *    an array running into an unmapped page applies the whole ops before
 *    it (12 bytes each, so the next one may straddle), then -EFAULT; a
 *    count whose array would pass 4 GiB: -EFAULT before anything runs;
 *  - a done that cannot be written (read-only M2P): -EFAULT, ops applied;
 *  - foreigndom: the guest's own id is itself; an unknown domain -ESRCH;
 *  - MMUEXT_SET_LDT (basic; the descriptor guests cover more): an LDT of
 *    one read-only page holding a ring-1 data segment can be loaded
 *    through selector 0x5 (TI=1, RPL 1); removing it (nr_ents 0) makes the
 *    selector unusable (#GP); a misaligned base, more than 8192 entries,
 *    a page mapped writable or not mapped: -EINVAL, LDT unchanged.
 */
#include "pt.h"
#include "bad_ptr.h"

#define LDT_FLAT_DATA_RING1 0x00cfb2000000ffffull   /* base 0, 4 GiB, RW data, DPL 1 */
#define LDT_SEL 0x5u

static struct mmuext_op pin_op(unsigned int cmd, uint32_t mfn)
{
    struct mmuext_op op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    return op;
}

/* A sealed empty L1. */
static uint32_t empty_l1(void)
{
    return seal_table(new_table());
}

static int pinned(uint32_t mfn)
{
    return mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0) == 0;
}

static void test_batches(void)
{
    struct mmuext_op ops[4];
    uint32_t l1[4];
    for (unsigned int i = 0; i < 4; i++) {
        l1[i] = empty_l1();
        ops[i] = pin_op(MMUEXT_PIN_L1_TABLE, l1[i]);
    }
    ops[2].cmd = 14;                                  /* unknown */
    unsigned int done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 4, &done, DOMID_SELF), -XEN_ENOSYS);
    CHECK_EQ(done, 2);
    CHECK(pinned(l1[0]) && pinned(l1[1]));
    CHECK(!pinned(l1[3]));

    ops[2] = pin_op(MMUEXT_PIN_L1_TABLE, l1[2]);
    ops[3] = ops[1];                                  /* pinned twice */
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 4, NULL, DOMID_SELF), -XEN_EINVAL);
    CHECK(pinned(l1[0]) && pinned(l1[1]) && pinned(l1[2]));

    static const unsigned int unknown[] = { 14, 18, 19, 64, 0xffff, 0xffffffffu };
    for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        CHECK_EQ(mmuext1(unknown[i], 0, 0), -XEN_ENOSYS);

    done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 0, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 0);

    /* Own id; unknown domain. */
    ops[0] = pin_op(MMUEXT_PIN_L1_TABLE, l1[0]);
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 1, &done, 0), 0);
    CHECK_EQ(done, 1);
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 1, &done, 5), -XEN_ESRCH);
    CHECK(pinned(l1[0]));
    CHECK(!pinned(l1[0]));
}

static void test_bad_pointers(void)
{
    unsigned int done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op((void *)unmapped_va(), 1, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 0);
    for (unsigned int straddle = 0; straddle <= 4; straddle += 4) {
        struct mmuext_op *tail = (struct mmuext_op *)straddling_va(2 * sizeof(struct mmuext_op) + straddle);
        uint32_t a = empty_l1(), b = empty_l1();
        tail[0] = pin_op(MMUEXT_PIN_L1_TABLE, a);
        tail[1] = pin_op(MMUEXT_PIN_L1_TABLE, b);
        done = 99;
        CHECK_EQ(HYPERVISOR_mmuext_op(tail, 3, &done, DOMID_SELF), -XEN_EFAULT);
        CHECK_EQ(done, 2);
        CHECK(pinned(a) && pinned(b));
    }
    struct mmuext_op op = pin_op(MMUEXT_PIN_L1_TABLE, empty_l1());
    done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 0x20000000u, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 0);
    CHECK(!pinned(op.arg1.mfn));
    const uint32_t m2p0 = machine_to_phys_mapping[0];
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, (unsigned int *)&machine_to_phys_mapping[0], DOMID_SELF),
             -XEN_EFAULT);
    CHECK_EQ(machine_to_phys_mapping[0], m2p0);
    CHECK(pinned(op.arg1.mfn));
}

/* Load selector sel into %fs and read the word at offset through it;
 * 1 if that trapped (#GP). */
static int fs_read(uint32_t sel, unsigned long offset, uint32_t *value)
{
    uint32_t v = 0;
    trap_reset();
    __asm__ volatile("1: movl %[sel], %%fs\n"
                     "   movl %%fs:(%[off]), %[v]\n"
                     "2:\n" TRAP_FIXUP(1b, 2b)
                     : [v] "+r"(v) : [sel] "r"(sel), [off] "r"(offset) : "memory");
    __asm__ volatile("movl %0, %%fs" :: "r"((uint32_t)FLAT_RING1_DS));
    *value = v;
    return last_trap.count != 0;
}

static void test_set_ldt(void)
{
    volatile uint64_t *ldt = alloc_page();
    ldt[0] = LDT_FLAT_DATA_RING1;
    SETUP(make_readonly(ldt));
    static volatile uint32_t marker = 0x1d71d7u;
    uint32_t v = 0;
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 1), 0);
    CHECK_EQ(fs_read(LDT_SEL, (unsigned long)&marker, &v), 0);
    CHECK_EQ(v, 0x1d71d7u);
    CHECK_EQ(make_writable(ldt), -XEN_EBUSY);         /* a descriptor frame now */

    /* Refused: the LDT stays. */
    volatile uint64_t *rw = alloc_page();
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt + 8, 1), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 8193), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)rw, 1), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)unmapped_va(), 1), -XEN_EINVAL);
    CHECK_EQ(fs_read(LDT_SEL, (unsigned long)&marker, &v), 0);

    /* Removed. */
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, 0, 0), 0);
    CHECK_EQ(fs_read(LDT_SEL, (unsigned long)&marker, &v), 1);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(make_writable(ldt), 0);
}

void test_main(void)
{
    trap_install();
    check_bad_ptr_layout();
    test_batches();
    test_bad_pointers();
    test_set_ldt();
}
