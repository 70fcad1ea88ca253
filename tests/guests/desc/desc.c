/*
 * Test guest "desc": the guest's own descriptor tables. A PV kernel gives
 * the hypervisor GDT frames (set_gdt) and an LDT (mmuext SET_LDT) that the
 * CPU then uses directly, so every descriptor in them must be one ring 1
 * may have, and the frames must stay out of the guest's writable reach;
 * changes go through update_descriptor. Checked here:
 *  - set_gdt with a read-only frame: its code/data selectors load (DPL 1
 *    and 3 data, a DPL-1 code segment entered with lcall, a segment base
 *    and byte limit the CPU honours, base + offset wrapping at 4 GiB); the
 *    reserved FLAT selectors stay;
 *    a not-present descriptor gives #NP, an empty slot #GP(selector), and
 *    so do the hypervisor's reserved entries (its DPL-0 code and data, the
 *    TSS and LDT descriptors) for loads, far jumps and far calls;
 *    code run in ring 2 through the guest's DPL-2 segments traps onto the
 *    kernel stack with ss/esp pushed, as from ring 3 (as in Xen);
 *    while in use the frame cannot be mapped writable (-EBUSY), and after
 *    the GDT changes it can again (references dropped, also for a frame
 *    given twice and for a 14-frame, 7168-entry GDT);
 *  - update_descriptor on a live GDT entry (the CPU sees the new limit),
 *    on a live LDT entry and on a plain page; refused with -EINVAL: a
 *    misaligned address, an unsafe descriptor (call/interrupt gate, 64-bit
 *    code, TSS, LDT; DPL 0 code or data is accepted and raised to DPL 1, as
 *    in Xen), a page-table frame, a frame the
 *    guest does not own, a frame that does not exist; a refused update
 *    changes nothing; a not-present descriptor is always accepted;
 *  - set_gdt errors: more than 7168 entries, a frame still mapped writable,
 *    an unsafe descriptor anywhere in a frame (also past `entries`: the
 *    CPU sees the whole frame), a page table, shared_info, a hypervisor or
 *    non-existent frame (-EINVAL, and the old GDT stays in force), an
 *    unreadable frame list (-EFAULT);
 *  - SET_LDT: an LDT selector (TI = 1) loads, the LDT limit follows
 *    nr_ents; errors (-EINVAL): a misaligned base, more than 8192 entries,
 *    an unmapped or writable page, an unsafe descriptor, a range reaching
 *    the hypervisor area; SET_LDT(0, 0) removes it.
 */
#include "traps.h"

#define D_DATA1   0x00CFB3000000FFFFull   /* DPL 1 data, flat, accessed */
#define D_CODE1   0x00CFBB000000FFFFull   /* DPL 1 32-bit code */
#define D_DATA3   0x00CFF3000000FFFFull   /* DPL 3 data */
#define D_SMALL1  0x0040B30000000FFFull   /* DPL 1 data, byte limit 0xfff */
#define D_SMALL2  0x0040B30000001FFFull   /* the same, limit 0x1fff */
#define D_NP1     0x00CF33000000FFFFull   /* DPL 1 data, not present */
#define D_NPGATE  0x00006C00E0191000ull   /* call gate, not present */

/* Descriptors no guest frame may hold. */
static const struct { uint64_t desc; const char *name; } unsafe[] = {
    { 0x0000EC00E0191000ull, "call gate" },
    { 0x0000EE00E0191000ull, "interrupt gate" },
    { 0x00AFBB000000FFFFull, "64-bit code" },
    { 0x0000A90000000067ull, "TSS" },
    { 0x0000A20000000FFFull, "LDT" },
};
#define NR_UNSAFE (sizeof(unsafe) / sizeof(unsafe[0]))

#define SEL(i, rpl) (((i) << 3) | (rpl))
#define LSEL(i, rpl) (((i) << 3) | 4 | (rpl))

/* A far-callable function for the guest's own code segment, and code run
 * in ring 2 through the guest's DPL-2 segments. */
__asm__(".text\nfar_fn:\n\tmovl %cs, %eax\n\tlret\n"
        "ring2_code:\n\tint $0x80\n\tud2\n");
extern char ring2_code[];

/* A flat segment descriptor with this base, limit (20 bits), access byte
 * and flags nibble. */
static uint64_t make_desc(uint32_t base, uint32_t limit, uint32_t access, uint32_t flags)
{
    uint32_t lo = (limit & 0xffff) | (base << 16);
    uint32_t hi = ((base >> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | (flags << 20) |
                  (base & 0xff000000u);
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t maddr_of(const void *va, unsigned int offset)
{
    return ((uint64_t)va_to_mfn(va) << 12) + offset;
}

/* Remap a pool page read-only or read-write; returns update_va_mapping's result. */
static long remap(void *va, int writable)
{
    uint32_t pte = (va_to_mfn(va) << 12) | 0x21 | (writable ? 0x42 : 0);   /* P|A [|RW|D] */
    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, 0, UVMF_INVLPG);
}

static long upd(uint64_t ma, uint64_t desc)
{
    return HYPERVISOR_update_descriptor((uint32_t)ma, (uint32_t)(ma >> 32),
                                        (uint32_t)desc, (uint32_t)(desc >> 32));
}

static long set_gdt1(uint32_t mfn, unsigned int entries)
{
    unsigned long frames[1] = { mfn };
    return HYPERVISOR_set_gdt(frames, entries);
}

/* Load sel into %fs: -1 if it loaded, else the vector (error in last_trap). */
static int load_fs(uint32_t sel)
{
    trap_reset();
    __asm__ volatile("1: movl %0, %%fs\n2:\n" TRAP_FIXUP(1b, 2b) :: "r"(sel) : "memory");
    int r = last_trap.count ? (int)last_trap.vector : -1;
    __asm__ volatile("movl %0, %%fs" :: "r"(0));
    return r;
}

/* Segment limit by lsl, or -1 if the selector is not visible. */
static int64_t seg_limit(uint32_t sel)
{
    uint32_t limit;
    uint8_t ok;
    __asm__ volatile("lsl %2, %0\n\tsetz %1" : "=r"(limit), "=q"(ok) : "r"(sel) : "cc");
    return ok ? (int64_t)limit : -1;
}

/* Expect loading sel to raise vec with error code sel & ~3. */
static void check_load_faults(uint32_t sel, int vec)
{
    int got = load_fs(sel);
    if (got != vec)
        guest_printf("load %x: vector %d, expected %d\n", sel, got, vec);
    CHECK_EQ(got, vec);
    CHECK_EQ(last_trap.error_code, sel & ~3u);
}

static uint32_t machine_frame_not_ours(void)
{
    /* 1 MiB: where the hypervisor image is loaded. */
    for (uint32_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (p2m[pfn] == 0x100)
            return 0;
    return 0x100;
}

static uint64_t *gdt;           /* the GDT frame, read-only once in use */
static uint32_t gdt_mfn;
static char *marker_page;

static void test_set_gdt(void)
{
    gdt = alloc_page();
    marker_page = alloc_page();
    *(uint32_t *)(marker_page + 0x10) = 0x600d5e65;
    gdt[1] = D_DATA1;
    gdt[2] = D_CODE1;
    gdt[3] = D_DATA3;
    gdt[4] = D_SMALL1;
    gdt[5] = make_desc((uint32_t)marker_page, 0xfffff, 0xB3, 0xC);
    gdt[6] = D_NP1;
    gdt[7] = D_NPGATE;
    gdt[8] = make_desc(0, 0xfffff, 0xDB, 0xC);          /* DPL 2 code */
    gdt[9] = make_desc(0, 0xfffff, 0xD3, 0xC);          /* DPL 2 data */
    gdt_mfn = va_to_mfn(gdt);

    /* Still writable: refused, nothing changes. */
    CHECK_EQ(set_gdt1(gdt_mfn, 10), -XEN_EINVAL);
    CHECK_EQ(load_fs(SEL(1, 1)), 13);
    CHECK_EQ(remap(gdt, 0), 0);
    CHECK_EQ(set_gdt1(gdt_mfn, 10), 0);

    CHECK_EQ(load_fs(SEL(1, 1)), -1);
    CHECK_EQ(load_fs(SEL(3, 3)), -1);                   /* DPL 3 data from ring 1 */
    CHECK_EQ(load_fs(SEL(3, 1)), -1);
    CHECK_EQ(load_fs(FLAT_RING3_DS), -1);               /* reserved entries stay */
    CHECK_EQ(load_fs(FLAT_RING1_DS), -1);
    CHECK_EQ(seg_limit(SEL(4, 1)), 0xfff);
    CHECK_EQ(seg_limit(SEL(1, 1)), 0xffffffff);
    /* The base of entry 5 is honoured. */
    uint32_t via_base;
    __asm__ volatile("movl %1, %%fs\n\tmovl %%fs:0x10, %0\n\tmovl %2, %%fs"
                     : "=r"(via_base) : "r"(SEL(5, 1)), "r"(0));
    CHECK_EQ(via_base, 0x600d5e65);
    /* Base + offset wraps at 4 GiB: a segment cannot reach above it. */
    uint64_t wrap = make_desc(0xfffff000u, 0xfffff, 0xB3, 0xC);
    CHECK_EQ(upd(maddr_of(gdt, 10 * 8), wrap), 0);
    uint32_t via_wrap;
    __asm__ volatile("movl %1, %%fs\n\tmovl %%fs:(%2), %0\n\tmovl %3, %%fs"
                     : "=r"(via_wrap) : "r"(SEL(10, 1)), "r"(marker_page + 0x10 + 0x1000), "r"(0));
    CHECK_EQ(via_wrap, 0x600d5e65);
    /* The guest's own code segment. */
    uint32_t cs_inside = 0;
    __asm__ volatile("lcall $0x11, $far_fn" : "=a"(cs_inside) :: "memory");
    CHECK_EQ(cs_inside & 0xffff, SEL(2, 1));
    check_load_faults(SEL(6, 1), 11);                   /* not present: #NP */
    check_load_faults(SEL(7, 1), 13);                   /* a gate is no data segment */
    check_load_faults(SEL(100, 1), 13);                 /* empty slot */
    check_load_faults(SEL(600, 1), 13);                 /* a GDT page not given */
    CHECK_EQ(gdt[7], D_NPGATE);
    /* The hypervisor's reserved entries stay out of reach: its data and
     * 64-bit code segments (DPL 0), the TSS and LDT descriptors. */
    check_load_faults(0xe010 | 1, 13);
    check_load_faults(0xe008 | 1, 13);
    check_load_faults(0xe040 | 1, 13);
    check_load_faults(0xe048 | 1, 13);                  /* upper half of the TSS descriptor */
    check_load_faults(0xe050 | 1, 13);
    trap_reset();
    __asm__ volatile("1: ljmp $0xe009, $2f\n2:\n" TRAP_FIXUP(1b, 2b) ::: "memory");
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, 0xe008);
    trap_reset();
    __asm__ volatile("1: lcall $0xe041, $0\n2:\n" TRAP_FIXUP(1b, 2b) ::: "memory");
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, 0xe040);
    /* In use, so it cannot be mapped writable. */
    CHECK_EQ(remap(gdt, 1), -XEN_EBUSY);
}

/* Ring 2 (the iret hypercall to the guest's DPL-2 segments): a trap from
 * there is from outside the kernel, so it switches to kernel_ss:kernel_sp
 * and pushes ss/esp, as from ring 3 (Xen: any ring but 1). */
static void test_ring2(void)
{
    unsigned long ksp;
    unsigned long stack_top = user_setup(&ksp);
    CHECK_EQ(trap_set(0x80, 3), 0);
    trap_reset();
    user_run_sel(SEL(8, 2), SEL(9, 2), (uint32_t)ring2_code, stack_top - 8, 0x002, 0x22);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, (uint32_t)ring2_code + 2);
    CHECK_EQ(last_trap.cs & 0xffff, SEL(8, 2));
    CHECK_EQ(last_trap.ss, SEL(9, 2));
    CHECK_EQ(last_trap.esp, stack_top - 8);
    CHECK_EQ(last_trap.eax, 0x22);
    CHECK_EQ(last_trap.frame_va, ksp - 20);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
}

static void test_update_descriptor(void)
{
    uint64_t ma4 = maddr_of(gdt, 4 * 8);
    CHECK_EQ(upd(ma4, D_SMALL2), 0);
    CHECK_EQ(gdt[4], D_SMALL2);
    CHECK_EQ(seg_limit(SEL(4, 1)), 0x1fff);
    for (unsigned int i = 0; i < NR_UNSAFE; i++) {
        long rc = upd(ma4, unsafe[i].desc);
        if (rc != -XEN_EINVAL)
            guest_printf("update_descriptor(%s): %ld\n", unsafe[i].name, rc);
        CHECK_EQ(rc, -XEN_EINVAL);
    }
    CHECK_EQ(gdt[4], D_SMALL2);
    CHECK_EQ(seg_limit(SEL(4, 1)), 0x1fff);
    CHECK_EQ(upd(ma4 + 4, D_SMALL1), -XEN_EINVAL);     /* misaligned */
    CHECK_EQ(upd(ma4 + 1, D_SMALL1), -XEN_EINVAL);
    /* DPL 0 code or data is accepted and raised to DPL 1, as Xen's
     * check_descriptor() does (Linux PV writes DPL-0 kernel segments). */
    CHECK_EQ(upd(ma4, 0x00CF93000000FFFFull), 0);
    CHECK_EQ(gdt[4], 0x00CF93000000FFFFull | (1ull << 45));
    CHECK_EQ(upd(ma4, 0x00CF9B000000FFFFull), 0);
    CHECK_EQ(gdt[4], 0x00CF9B000000FFFFull | (1ull << 45));
    /* A present system descriptor of type 0 is invalid, hence harmless. */
    CHECK_EQ(upd(ma4, 0x0000800000000000ull), 0);
    CHECK_EQ(upd(ma4, D_NPGATE), 0);                    /* not present: anything goes */
    CHECK_EQ(seg_limit(SEL(4, 1)), -1);
    CHECK_EQ(upd(ma4, D_SMALL1), 0);
    CHECK_EQ(seg_limit(SEL(4, 1)), 0xfff);

    /* A plain writable page: written, but only with safe descriptors. */
    uint64_t *plain = alloc_page();
    CHECK_EQ(upd(maddr_of(plain, 16), D_DATA3), 0);
    CHECK_EQ(plain[2], D_DATA3);
    CHECK_EQ(upd(maddr_of(plain, 24), unsafe[0].desc), -XEN_EINVAL);
    CHECK_EQ(plain[3], 0);
    /* Page tables, frames of others, frames that do not exist. */
    uint64_t l3e0 = ((uint64_t *)start_info->pt_base)[0];
    CHECK_EQ(upd(maddr_of((void *)start_info->pt_base, 0), D_DATA1), -XEN_EINVAL);
    CHECK_EQ(((uint64_t *)start_info->pt_base)[0], l3e0);
    uint32_t other = machine_frame_not_ours();
    CHECK(other != 0);
    if (other)
        CHECK_EQ(upd((uint64_t)other << 12, D_DATA1), -XEN_EINVAL);
    CHECK_EQ(upd(0x0000001000000000ull, D_DATA1), -XEN_EINVAL);   /* 64 GiB */
    CHECK_EQ(upd(0xFFFFFFFFFFFFF000ull, D_DATA1), -XEN_EINVAL);
}

/* A fresh read-only frame holding `d` at index `idx` (and safe entries). */
static uint64_t *frame_with(unsigned int idx, uint64_t d)
{
    uint64_t *f = alloc_page();
    f[1] = D_DATA1;
    f[idx] = d;
    if (remap(f, 0))
        test_exit("ERROR", "cannot remap read-only");
    return f;
}

static void check_old_gdt_in_force(void)
{
    CHECK_EQ(seg_limit(SEL(4, 1)), 0xfff);
    CHECK_EQ(remap(gdt, 1), -XEN_EBUSY);
}

static void test_set_gdt_errors(void)
{
    unsigned long frames[14];
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 7169), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 0xffffffffu), -XEN_EINVAL);
    check_old_gdt_in_force();

    /* Unreadable frame lists. */
    char *before = alloc_page(), *hole = unmapped_page();
    if (hole != before + 4096)
        test_exit("ERROR", "pool pages not consecutive");
    CHECK_EQ(HYPERVISOR_set_gdt((unsigned long *)hole, 8), -XEN_EFAULT);
    uint32_t *tail = (uint32_t *)(hole - 4);            /* first mfn readable, second not */
    *tail = gdt_mfn;
    CHECK_EQ(HYPERVISOR_set_gdt((unsigned long *)tail, 1024), -XEN_EFAULT);
    check_old_gdt_in_force();

    /* A writable frame after a good one: nothing changes. */
    uint64_t *w = alloc_page();
    w[1] = D_DATA1;
    frames[0] = gdt_mfn;
    frames[1] = va_to_mfn(w);
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 1024), -XEN_EINVAL);
    check_old_gdt_in_force();
    w[2] = D_DATA3;                                     /* still ours to write */
    CHECK_EQ(w[2], D_DATA3);

    /* Unsafe descriptors, inside and beyond `entries`. */
    for (unsigned int i = 0; i < NR_UNSAFE; i++) {
        uint64_t *f = frame_with(3, unsafe[i].desc);
        long rc = set_gdt1(va_to_mfn(f), 8);
        if (rc != -XEN_EINVAL)
            guest_printf("set_gdt(%s): %ld\n", unsafe[i].name, rc);
        CHECK_EQ(rc, -XEN_EINVAL);
        CHECK_EQ(remap(f, 1), 0);                       /* no type left behind */
    }
    uint64_t *far = frame_with(500, unsafe[0].desc);
    CHECK_EQ(set_gdt1(va_to_mfn(far), 8), -XEN_EINVAL);
    check_old_gdt_in_force();

    /* Frames that cannot be descriptor frames. */
    CHECK_EQ(set_gdt1(va_to_mfn((void *)start_info->pt_base), 8), -XEN_EINVAL);
    CHECK_EQ(set_gdt1(start_info->shared_info >> 12, 8), -XEN_EINVAL);
    uint32_t other = machine_frame_not_ours();
    if (other)
        CHECK_EQ(set_gdt1(other, 8), -XEN_EINVAL);
    CHECK_EQ(set_gdt1(0x00ffffff, 8), -XEN_EINVAL);
    check_old_gdt_in_force();
}

static void test_gdt_references(void)
{
    /* The same frame twice, then once again: still one GDT use left. */
    unsigned long frames[14] = { gdt_mfn, gdt_mfn };
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 1024), 0);
    CHECK_EQ(load_fs(SEL(512 + 1, 1)), -1);             /* entry 1 of the second page */
    CHECK_EQ(set_gdt1(gdt_mfn, 8), 0);
    CHECK_EQ(remap(gdt, 1), -XEN_EBUSY);

    /* The largest GDT: 14 frames, 7168 entries. */
    uint64_t *big[14];
    for (unsigned int i = 0; i < 14; i++) {
        big[i] = alloc_page();
        big[i][1] = make_desc(0, i, 0xB3, 0x4);         /* limit i: which frame is where */
        frames[i] = va_to_mfn(big[i]);
        CHECK_EQ(remap(big[i], 0), 0);
    }
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 7168), 0);
    CHECK_EQ(seg_limit(SEL(1, 1)), 0);
    CHECK_EQ(seg_limit(SEL(13 * 512 + 1, 1)), 13);
    CHECK_EQ(load_fs(FLAT_RING1_DS), -1);
    CHECK_EQ(remap(gdt, 1), 0);                         /* the old frame is free again */
    CHECK_EQ(remap(gdt, 0), 0);

    /* No GDT entries at all: only the reserved selectors remain. */
    CHECK_EQ(HYPERVISOR_set_gdt(NULL, 0), 0);
    check_load_faults(SEL(1, 1), 13);
    CHECK_EQ(load_fs(FLAT_RING3_DS), -1);
    unsigned int freed = 0;
    for (unsigned int i = 0; i < 14; i++)
        freed += remap(big[i], 1) == 0;
    CHECK_EQ(freed, 14);

    CHECK_EQ(set_gdt1(gdt_mfn, 8), 0);
    CHECK_EQ(seg_limit(SEL(4, 1)), 0xfff);
}

static void test_ldt(void)
{
    uint64_t *ldt = alloc_page();
    ldt[0] = D_DATA1;
    ldt[1] = D_SMALL1;
    ldt[2] = D_DATA3;
    /* Writable: refused. */
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 3), -XEN_EINVAL);
    CHECK_EQ(remap(ldt, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 2), 0);
    CHECK_EQ(load_fs(LSEL(0, 1)), -1);
    CHECK_EQ(seg_limit(LSEL(1, 1)), 0xfff);
    check_load_faults(LSEL(2, 1), 13);                  /* beyond nr_ents = 2 */
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 512), 0);
    CHECK_EQ(load_fs(LSEL(2, 3)), -1);
    CHECK_EQ(remap(ldt, 1), -XEN_EBUSY);

    /* update_descriptor on the live LDT. */
    CHECK_EQ(upd(maddr_of(ldt, 8), D_SMALL2), 0);
    CHECK_EQ(seg_limit(LSEL(1, 1)), 0x1fff);
    CHECK_EQ(upd(maddr_of(ldt, 8), unsafe[0].desc), -XEN_EINVAL);
    CHECK_EQ(seg_limit(LSEL(1, 1)), 0x1fff);

    /* Errors; the LDT in force stays. */
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt + 8, 2), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)ldt, 8193), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)unmapped_page(), 2), -XEN_EINVAL);
    uint64_t *w = alloc_page();
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)w, 2), -XEN_EINVAL);
    uint64_t *bad = frame_with(5, unsafe[3].desc);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, (uint32_t)bad, 8), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, 0xF57FF000u, 1024), -XEN_EINVAL);
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, MACH2PHYS_VIRT_START, 1), -XEN_EINVAL);
    CHECK_EQ(load_fs(LSEL(0, 1)), -1);
    CHECK_EQ(seg_limit(LSEL(1, 1)), 0x1fff);

    /* No LDT: LDT selectors fault, the frame is free again. */
    CHECK_EQ(mmuext1(MMUEXT_SET_LDT, 0, 0), 0);
    check_load_faults(LSEL(0, 1), 13);
    CHECK_EQ(remap(ldt, 1), 0);
}

void test_main(void)
{
    trap_install();
    test_set_gdt();
    test_ring2();
    test_update_descriptor();
    test_set_gdt_errors();
    test_gdt_references();
    test_ldt();
}
