/*
 * pvx fuzzer: memory_op's reservation commands and grant tables under
 * hostile guests.
 *
 * Three simulated domains (d0 privileged, d1, d2) with the standard address
 * space of tests/unit/sim.h and a few spare frames, on a small machine.
 * The input is decoded into hypercalls made the way guests make them
 * (arguments and lists written into the caller's memory, sometimes at
 * addresses that are read-only or unmapped, or running off a page):
 * increase/decrease_reservation and populate_physmap (any frames, pfns,
 * orders, target domains), exchange, grant setup_table, the granter
 * rewriting entries of its table at any moment, map_grant_ref (by PTE
 * address or va, any flags, refs, domains), unmap_grant_ref, copy,
 * mmu_update on the mapper's L1 (clearing or changing grant entries), and
 * destroying and rebuilding a domain. After EVERY call
 * mm_check_invariants() must hold (it checks grant mappings and the frame
 * accounting); at the end all domains are destroyed and every frame must
 * be free again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvx/mm.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/hypercall.h>
#include <pvx/grant_table.h>
#include <pvx/guest_access.h>
#include <public/xen.h>
#include <public/memory.h>
#include <public/grant_table.h>
#include "sim.h"

struct vcpu *current;

#define FUZZ_FRAMES 160
#define FUZZ_MAX_PAGES 30
#define FUZZ_SPARE_FRAMES 4
#define FUZZ_MAX_OPS 400
#define ARG_VA  0x0000u
#define LIST_VA 0x1000u

struct input {
    const uint8_t *data;
    size_t len, pos;
};

static uint8_t byte(struct input *in) { return in->pos < in->len ? in->data[in->pos++] : 0; }

static uint32_t word(struct input *in)
{
    uint32_t w = 0;
    for (unsigned int i = 0; i < 4; i++)
        w = w << 8 | byte(in);
    return w;
}

static mfn_t frame(struct input *in)
{
    uint8_t b = byte(in);
    if (b >= 0xFC)
        return (mfn_t)word(in);
    return b % (FUZZ_FRAMES + 4);
}

/* A guest va for an argument or list: mostly the writable data pages,
 * sometimes the read-only one, the hole, a page end, the hypervisor. */
static guest_va_t va(struct input *in, guest_va_t usual)
{
    uint8_t b = byte(in);
    switch (b >> 5) {
    case 0: return 0x4000u;                          /* read-only */
    case 1: return 0x5000u - (b & 31) * 4;           /* runs into the hole */
    case 2: return b & 1 ? 0xF6000000u : word(in);
    default: return usual;
    }
}

static struct domain *doms[3];
static struct sim_as as[3];

static struct domain *build_domain(domid_t id)
{
    struct domain *d = sim_domain_create(id, FUZZ_MAX_PAGES);
    d->is_privileged = id == 0;
    sim_build_as(d, &as[id]);
    for (unsigned int i = 0; i < FUZZ_SPARE_FRAMES; i++)
        sim_alloc(d);
    return d;
}

static void enter(struct domain *d)
{
    current = d->vcpu0;
    sim_set_current(d->vcpu0);
}

/* A domid argument: mostly DOMID_SELF, else an id that exists (0-2) or
 * not (3, anything). */
static domid_t domid(struct input *in)
{
    uint8_t b = byte(in);
    if (b < 0x80)
        return DOMID_SELF;
    if (b < 0xF0)
        return (domid_t)(b % 4);
    return (domid_t)(b << 8 | byte(in));
}

/* A reservation call: list of up to 8 frames or pfns, then the call. */
static void reservation(struct input *in)
{
    static const unsigned int cmds[] = { XENMEM_increase_reservation, XENMEM_decrease_reservation,
                                         XENMEM_populate_physmap };
    unsigned int n = byte(in) % 9;
    for (unsigned int i = 0; i < n; i++) {
        xen_pfn_t v = byte(in) & 1 ? (xen_pfn_t)frame(in) : (xen_pfn_t)word(in) % 0x2000;
        copy_to_guest(LIST_VA + i * sizeof(v), &v, sizeof(v));
    }
    uint8_t o = byte(in);
    struct xen_memory_reservation r = {
        .extent_start = va(in, LIST_VA), .nr_extents = o & 0x80 ? word(in) % 64 : n,
        .extent_order = o & 0x40 ? byte(in) : o % 3, .domid = domid(in),
    };
    copy_to_guest(ARG_VA, &r, sizeof(r));
    do_memory_op(cmds[byte(in) % 3], va(in, ARG_VA));
}

static void exchange(struct input *in)
{
    unsigned int n = byte(in) % 5;
    for (unsigned int i = 0; i < 2 * n; i++) {
        xen_pfn_t v = i < n ? (xen_pfn_t)frame(in) : (xen_pfn_t)word(in) % 0x2000;
        copy_to_guest(LIST_VA + i * sizeof(v), &v, sizeof(v));
    }
    uint8_t o = byte(in);
    struct xen_memory_exchange x = {
        .in = { .extent_start = va(in, LIST_VA), .nr_extents = n, .extent_order = o % 3, .domid = DOMID_SELF },
        .out = { .extent_start = va(in, LIST_VA + n * sizeof(xen_pfn_t)), .nr_extents = n,
                 .extent_order = (o >> 2) % 3, .domid = o & 0x80 ? 1 : DOMID_SELF },
        .nr_exchanged = o & 0x40 ? byte(in) % 8 : 0,
    };
    copy_to_guest(ARG_VA, &x, sizeof(x));
    do_memory_op(XENMEM_exchange, va(in, ARG_VA));
}

/* grant_table_op with `count` ops of `size` bytes copied from ops. */
static void gnttab(struct input *in, unsigned int cmd, const void *ops, size_t size, unsigned int count)
{
    for (unsigned int i = 0; i < count; i++)
        copy_to_guest(ARG_VA + i * (guest_va_t)size, (const uint8_t *)ops + i * size, size);
    do_grant_table_op(cmd, va(in, ARG_VA), byte(in) == 0xEE ? word(in) : count);
}

/* The granter writes an entry of its table (its own memory, any time). */
static void write_entry(struct input *in, struct domain *d)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    copy_to_guest(ARG_VA, &q, sizeof(q));
    if (do_grant_table_op(GNTTABOP_query_size, ARG_VA, 1) || (copy_from_guest(&q, ARG_VA, sizeof(q)), !q.nr_frames))
        return;
    xen_pfn_t mfn;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1, .frame_list = LIST_VA };
    copy_to_guest(ARG_VA, &st, sizeof(st));
    if (do_grant_table_op(GNTTABOP_setup_table, ARG_VA, 1) || copy_from_guest(&mfn, LIST_VA, sizeof(mfn)))
        return;
    grant_entry_v1_t *table = (grant_entry_v1_t *)sim_table(mfn);
    unsigned int ref = byte(in) % 16;
    uint8_t f = byte(in);
    mfn_t target = f & 0x80 ? as[d->domain_id].data[f % 4] : frame(in);
    table[ref] = (grant_entry_v1_t){ .flags = (uint16_t)(f & 0x3f), .domid = (domid_t)(byte(in) % 4),
                                     .frame = (uint32_t)target };
}

static void map_grant(struct input *in, struct domain *d)
{
    uint8_t f = byte(in);
    uint64_t host;
    unsigned int slot = 32 + byte(in) % 64;
    if (f & 0x80)
        host = (uint64_t)slot * PAGE_SIZE;                    /* a va */
    else
        host = ((uint64_t)(f & 0x40 ? frame(in) : as[d->domain_id].l1_low) << PAGE_SHIFT) +
               slot * 8 + (f & 0x20 ? byte(in) % 8 : 0);
    struct gnttab_map_grant_ref op = {
        .host_addr = host, .ref = byte(in) % 20, .dom = (domid_t)(byte(in) % 4),
        .flags = (f & 0x80 ? 0 : GNTMAP_contains_pte) | (f & 0x10 ? 0 : GNTMAP_host_map) |
                 (f & 0x08 ? GNTMAP_readonly : 0) | (f & 0x04 ? GNTMAP_device_map : 0),
    };
    gnttab(in, GNTTABOP_map_grant_ref, &op, sizeof(op), 1);
}

static void unmap_grant(struct input *in, struct domain *d)
{
    unsigned int slot = 32 + byte(in) % 64;
    uint8_t f = byte(in);
    struct gnttab_unmap_grant_ref op = {
        .host_addr = f & 0x80 ? (uint64_t)slot * PAGE_SIZE
                              : ((uint64_t)as[d->domain_id].l1_low << PAGE_SHIFT) + slot * 8,
        .handle = f & 0x40 ? word(in) : byte(in) % 8,
    };
    gnttab(in, GNTTABOP_unmap_grant_ref, &op, sizeof(op), 1);
}

static void copy_grant(struct input *in)
{
    uint8_t f = byte(in);
    struct gnttab_copy op = {
        .source = { .u.ref = f & 1 ? byte(in) % 20 : (uint32_t)frame(in), .domid = (domid_t)(byte(in) % 4),
                    .offset = (uint16_t)(word(in) % 4200) },
        .dest = { .u.ref = f & 2 ? byte(in) % 20 : (uint32_t)frame(in),
                  .domid = f & 4 ? DOMID_SELF : (domid_t)(byte(in) % 4), .offset = (uint16_t)(word(in) % 4200) },
        .len = (uint16_t)(word(in) % 4200), .flags = f & 3,
    };
    gnttab(in, GNTTABOP_copy, &op, sizeof(op), 1);
}

static void one_op(struct input *in)
{
    uint8_t op = byte(in);
    unsigned int which = op % 3;
    struct domain *d = doms[which];
    enter(d);
    switch ((op / 3) % 11) {
    case 0: reservation(in); break;
    case 1: exchange(in); break;
    case 2: {
        struct gnttab_setup_table st = { .dom = domid(in), .nr_frames = byte(in) % 6,
                                         .frame_list = va(in, LIST_VA) };
        gnttab(in, GNTTABOP_setup_table, &st, sizeof(st), 1);
        break;
    }
    case 3: write_entry(in, d); break;
    case 4:
    case 5: map_grant(in, d); break;
    case 6: unmap_grant(in, d); break;
    case 7: copy_grant(in); break;
    case 8:                                               /* the mapper changes its own L1 */
        mmu_update_one(d, sim_ptr(as[which].l1_low, 32 + byte(in) % 64),
                       byte(in) & 1 ? 0 : sim_pte(frame(in), byte(in) & 0x67));
        break;
    case 9: alloc_domain_frame(d); break;
    case 10:
        if (byte(in) == 0x5A) {
            domid_t id = d->domain_id;
            sim_domain_destroy(d);
            doms[which] = build_domain(id);
        }
        break;
    }
}

static void check(const char *when)
{
    if (sim_check() == 0)
        return;
    const char *text = sim_console_text();
    size_t len = strlen(text);
    fprintf(stderr, "invariant violated %s; console tail:\n%s\n", when, text + (len > 4000 ? len - 4000 : 0));
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct input in = { data, len, 0 };
    sim_machine_init(FUZZ_FRAMES);
    unsigned long free_at_start = frame_alloc_free_count();
    for (domid_t id = 0; id < 3; id++)
        doms[id] = build_domain(id);
    check("after setup");
    for (unsigned int n = 0; in.pos < in.len && n < FUZZ_MAX_OPS; n++) {
        sim_console_clear();
        one_op(&in);
        check("after an op");
    }
    for (unsigned int i = 0; i < 3; i++) {
        sim_domain_destroy(doms[i]);
        check("after destroying a domain");
    }
    if (frame_alloc_free_count() != free_at_start) {
        fprintf(stderr, "frames leaked: %lu free, %lu at start\n", frame_alloc_free_count(), free_at_start);
        abort();
    }
    return 0;
}
