/*
 * pvx fuzzer: the page-type system under hostile MMU requests.
 *
 * Two simulated domains start with the standard address space of
 * tests/unit/sim.h, a second one written but not validated, and a few
 * spare frames, on a small machine. The input
 * is decoded into a sequence of requests from either domain: mmu_update
 * (NORMAL / PRESERVE_AD / MACHPHYS / raw), pins and unpins, NEW_BASEPTR,
 * update_va_mapping, other mmuext ops, raw guest writes into frames the
 * guest could map writable, GDT-style descriptor references, dropping an
 * allocation reference (as decrease_reservation does), destroying and
 * rebuilding a domain, and whole mmu_update batches through the hypercall
 * (requests written into the guest's address space at an arbitrary va,
 * any count, a done pointer that may not be writable). Frame numbers range over the whole machine (own,
 * foreign, hypervisor, free, beyond the end) and entry values mix them with
 * arbitrary flag bits. After EVERY request mm_check_invariants() must hold;
 * at the end both domains are destroyed and every frame must be free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvx/mm.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/hypercall.h>
#include <pvx/guest_access.h>
#include <public/xen.h>
#include "sim.h"

/* The batch's caller (do_mmu_update uses it; common/domain.c, which
 * defines it in the hypervisor, is not linked). */
struct vcpu *current;

#define FUZZ_FRAMES 96
#define FUZZ_MAX_PAGES 40
#define FUZZ_SPARE_FRAMES 6
#define FUZZ_MAX_OPS 512

struct input {
    const uint8_t *data;
    size_t len, pos;
};

static uint8_t byte(struct input *in)
{
    return in->pos < in->len ? in->data[in->pos++] : 0;
}

static uint32_t word(struct input *in)
{
    uint32_t w = 0;
    for (unsigned int i = 0; i < 4; i++)
        w = w << 8 | byte(in);
    return w;
}

/* A frame number: mostly inside the machine, sometimes just past it or huge. */
static mfn_t frame(struct input *in)
{
    uint8_t b = byte(in);
    if (b >= 0xF8)
        return (mfn_t)word(in) << (b & 7);
    return b % (FUZZ_FRAMES + 4);
}

static unsigned int slot(struct input *in)
{
    uint8_t b = byte(in);
    if (b & 0x80)   /* near the interesting places: 0-7, 424-431 */
        return (b & 0x40 ? L2_HYPERVISOR_FIRST - 4 : 0) + (b & 7);
    return (unsigned int)(b << 8 | byte(in)) % L1_ENTRIES;
}

/* An entry: a frame with arbitrary low flags, sometimes NX or high bits. */
static intpte_t entry(struct input *in)
{
    uint8_t hi = byte(in);
    intpte_t e = sim_pte(frame(in), (intpte_t)(hi << 8 | byte(in)) & 0xFFF);
    if (hi & 0x10)
        e |= _PAGE_NX;
    if (hi & 0x20)
        e |= 1ull << (52 + (hi >> 6));
    if (hi == 0xFF)
        e = 0;
    return e;
}

static struct domain *doms[2];

/* A domain running on one standard address space, with a second one
 * written but not yet validated (to pin, switch to, tear down) and spares. */
static struct domain *build_domain(domid_t id)
{
    struct domain *d = sim_domain_create(id, FUZZ_MAX_PAGES);
    struct sim_as as;
    sim_build_as(d, &as);
    sim_write_as(d, &as);
    for (unsigned int i = 0; i < FUZZ_SPARE_FRAMES; i++)
        sim_alloc(d);
    return d;
}

/* A guest store through a writable mapping: possible for any frame it owns
 * that could take the writable type now. */
static void guest_write(struct domain *d, mfn_t mfn, unsigned int s, intpte_t val)
{
    if (!mfn_valid(mfn) || !get_page(mfn, d))
        return;
    if (get_page_type(mfn, PGT_writable) == 0) {
        sim_table(mfn)[s] = val;
        put_page_type(mfn);
    }
    put_page(mfn);
}

/* Use a frame as a GDT/LDT frame (the arch's reference), or drop one. */
static void seg_desc_ref(struct input *in, struct domain *d)
{
    unsigned int n = sim_nr_extra_refs();
    uint8_t b = byte(in);
    if ((b & 1) && n) {
        struct mm_extra_ref ref = sim_take_extra_ref(b % n);
        put_page_and_type(ref.mfn);
        return;
    }
    mfn_t mfn = frame(in);
    if (n < 16 && get_page_and_type(mfn, d, PGT_seg_desc) == 0)
        sim_add_extra_ref(mfn, PGT_seg_desc);
}

/* decrease_reservation-style: the owner gives a frame back; it lives
 * until its last reference goes. */
static void drop_allocation(struct domain *d, mfn_t mfn)
{
    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d->domain_id ||
        !(mfn_to_page(mfn)->flags & PGF_allocated))
        return;
    mfn_to_page(mfn)->flags &= (uint8_t)~PGF_allocated;
    put_page(mfn);
}

/* Destroy and rebuild domain i; its GDT/LDT references are forgotten (the
 * arch would drop them on destruction). */
static void rebuild(unsigned int i)
{
    domid_t id = doms[i]->domain_id;
    for (unsigned int r = sim_nr_extra_refs(); r-- > 0;) {
        struct mm_extra_ref ref = sim_take_extra_ref(r);
        if (mfn_to_page(ref.mfn)->owner != id)
            sim_add_extra_ref(ref.mfn, ref.type);
    }
    sim_domain_destroy(doms[i]);
    doms[i] = build_domain(id);
}

/* mmu_update with an arbitrary 64-bit ptr. */
static void raw_update(struct input *in, struct domain *d)
{
    uint64_t ptr = (uint64_t)word(in) << 32;
    ptr |= word(in);
    mmu_update_one(d, ptr, entry(in));
}

/* mmu_update(reqs, count, done) as the guest makes it: up to 8 requests
 * written at a va of the sim address space (a write that faults is just
 * skipped, like a guest whose page is not there), then the hypercall with
 * a count that may be larger (running into whatever follows) or huge, and
 * a done pointer that may be read-only or unmapped. The invariants are
 * checked afterwards like for every other op. */
static void batch_update(struct input *in, struct domain *d)
{
    guest_va_t va = (guest_va_t)(byte(in) % 8) * PAGE_SIZE;
    va += (guest_va_t)(byte(in) << 8 | byte(in)) & (PAGE_SIZE - 8);
    unsigned int n = byte(in) % 9;
    for (unsigned int i = 0; i < n; i++) {
        uint64_t ptr = sim_ptr(frame(in), slot(in)) | (byte(in) % 8);
        mmu_update_t req = { ptr, entry(in) };
        copy_to_guest(va + i * (guest_va_t)sizeof(req), &req, sizeof(req));
    }
    uint8_t how = byte(in);
    uint32_t count = how & 0x80 ? word(in) : n + (how & 3);
    guest_va_t done = (guest_va_t)(how >> 4 & 7) * PAGE_SIZE;   /* 0 = NULL; 0x4000 read-only */
    current = d->vcpu0;
    sim_set_current(d->vcpu0);
    do_mmu_update(va, count, done, DOMID_SELF);
}

static void one_op(struct input *in)
{
    uint8_t op = byte(in);
    unsigned int which = op & 1;
    struct domain *d = doms[which];
    struct vcpu *v = d->vcpu0;
    mfn_t mfn = frame(in);
    switch ((op >> 1) % 15) {
    case 0: mmu_update_one(d, sim_ptr(mfn, slot(in)) | MMU_NORMAL_PT_UPDATE, entry(in)); break;
    case 1: mmu_update_one(d, sim_ptr(mfn, slot(in)) | MMU_PT_UPDATE_PRESERVE_AD, entry(in)); break;
    case 2: mmu_update_one(d, sim_ptr(mfn, 0) | MMU_MACHPHYS_UPDATE, word(in)); break;
    case 3: raw_update(in, d); break;
    case 4: mmuext_op_one(v, MMUEXT_PIN_L1_TABLE + byte(in) % 4, (uint32_t)mfn, 0); break;
    case 5: mmuext_op_one(v, MMUEXT_UNPIN_TABLE, (uint32_t)mfn, 0); break;
    case 6: mmuext_op_one(v, MMUEXT_NEW_BASEPTR, (uint32_t)mfn, 0); break;
    case 7: update_va_mapping(v, word(in), entry(in), byte(in) % 8); break;
    case 8: guest_write(d, mfn, slot(in), entry(in)); break;
    case 9: mmuext_op_one(v, byte(in) % 20, (uint32_t)mfn, word(in) % (FUZZ_FRAMES + 4)); break;
    case 10: seg_desc_ref(in, d); break;
    case 11: drop_allocation(d, mfn); break;
    case 12: if (byte(in) == 0x5A) rebuild(which); break;
    case 13: alloc_domain_frame(d); break;
    case 14: batch_update(in, d); break;
    }
}

static void check(const char *when)
{
    if (sim_check() == 0)
        return;
    const char *text = sim_console_text();
    size_t len = strlen(text);
    fprintf(stderr, "invariant violated %s; console tail:\n%s\n", when,
            text + (len > 4000 ? len - 4000 : 0));
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct input in = { data, len, 0 };
    sim_machine_init(FUZZ_FRAMES);
    unsigned long free_at_start = frame_alloc_free_count();
    doms[0] = build_domain(1);
    doms[1] = build_domain(2);
    check("after setup");
    for (unsigned int n = 0; in.pos < in.len && n < FUZZ_MAX_OPS; n++) {
        sim_console_clear();
        one_op(&in);
        check("after an op");
    }
    while (sim_nr_extra_refs())
        put_page_and_type(sim_take_extra_ref(0).mfn);
    sim_domain_destroy(doms[0]);
    sim_domain_destroy(doms[1]);
    check("after destroying both domains");
    if (frame_alloc_free_count() != free_at_start) {
        fprintf(stderr, "frames leaked: %lu free, %lu at start\n",
                frame_alloc_free_count(), free_at_start);
        abort();
    }
    return 0;
}
