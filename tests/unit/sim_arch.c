/*
 * pvx host tests: the simulated machine behind pvx/arch.h and
 * pvx/guest_access.h (see sim.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvx/arch.h>
#include <pvx/guest_access.h>
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/grant_table.h>
#include <public/xen.h>
#include <public/memory.h>
#include "sim.h"

#define SIM_MAX_EXTRA 64

struct sim_stats sim_stats;
mfn_t sim_m2p_mfn;

static uint8_t *memory;
static unsigned long nr_frames;
static struct page_info *table;
static struct domain *domains[MAX_DOMAINS];
static struct vcpu *current_vcpu;
static struct mm_extra_ref extra_refs[SIM_MAX_EXTRA];
static unsigned int nr_extra;

static void die(const char *what)
{
    fprintf(stderr, "sim: %s\n", what);
    abort();
}

/* ---- pvx/arch.h ---- */

void *arch_mfn_to_virt(mfn_t mfn)
{
    if (mfn >= nr_frames)
        die("arch_mfn_to_virt of a frame beyond the machine");
    return memory + mfn * PAGE_SIZE;
}

void arch_flush_tlb_local(void)
{
    sim_stats.tlb_flushes++;
}

void arch_invlpg_local(guest_va_t va)
{
    sim_stats.invlpgs++;
    sim_stats.last_invlpg = va;
}

void arch_guest_table_changed(struct vcpu *v)
{
    (void)v;
    sim_stats.base_changes++;
}

/* The M2P part of a slot-3 L2: read-only entries onto the sim M2P frame. */
void arch_fill_hypervisor_l2(intpte_t *l2)
{
    for (unsigned int i = L2_HYPERVISOR_FIRST; i < L2_ENTRIES; i++)
        l2[i] = sim_pte(sim_m2p_mfn, _PAGE_PRESENT | _PAGE_ACCESSED);
}

uint32_t cpu_khz = 2000000;          /* the sim's CPU: 2 GHz */

/* A PC's map: 640 KiB of low RAM, a hole, then the sim's frames as RAM. */
unsigned int arch_machine_memory_map(struct pvx_e820entry *map, unsigned int max)
{
    const struct pvx_e820entry pc[] = {
        { 0, 0x9fc00, PVX_E820_RAM }, { 0xf0000, 0x10000, 2 },
        { 0x100000, (uint64_t)sim_nr_frames() * PAGE_SIZE - 0x100000, PVX_E820_RAM },
    };
    unsigned int n = 0;
    for (; n < max && n < 3; n++)
        map[n] = pc[n];
    return n;
}

int arch_set_ldt(struct vcpu *v, guest_va_t base, unsigned int nr_ents)
{
    (void)v;
    sim_stats.ldt_sets++;
    sim_stats.ldt_base = base;
    sim_stats.ldt_ents = nr_ents;
    return 0;
}

void arch_panic_halt(void)
{
    abort();
}

/* ---- pvx/domain.h: weak, so a real common/domain.c wins when linked ---- */

__attribute__((weak)) struct domain *domain_by_id(domid_t id)
{
    return id < MAX_DOMAINS ? domains[id] : NULL;
}

/* ---- pvx/guest_access.h over the current vCPU's page tables ---- */

/* Hypervisor pointer for guest va, or NULL if not mapped (writably). */
static uint8_t *guest_va_to_ptr(guest_va_t va, bool write)
{
    paddr_t maddr;
    if (!current_vcpu || guest_va_to_l1e_maddr(current_vcpu, va, &maddr))
        return NULL;
    intpte_t l1e = *(intpte_t *)((uint8_t *)arch_mfn_to_virt(maddr >> PAGE_SHIFT) +
                                 (maddr & (PAGE_SIZE - 1)));
    if (!pte_present(l1e) || (write && !(l1e & _PAGE_RW)) || pte_mfn(l1e) >= nr_frames)
        return NULL;
    return (uint8_t *)arch_mfn_to_virt(pte_mfn(l1e)) + (va & (PAGE_SIZE - 1));
}

/* Copy len bytes between a buffer and guest memory, page by page. */
static int copy_guest(guest_va_t va, void *buf, size_t len, bool write)
{
    uint64_t limit = write ? HYPERVISOR_VIRT_START_32 : (1ull << 32);
    if ((uint64_t)va + len > limit)
        return -EFAULT;
    uint8_t *b = buf;
    while (len) {
        size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        uint8_t *p = guest_va_to_ptr(va, write);
        if (!p)
            return -EFAULT;
        if (write)
            memcpy(p, b, chunk);
        else
            memcpy(b, p, chunk);
        va += (guest_va_t)chunk;
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int copy_from_guest(void *dst, guest_va_t src, size_t len)
{
    return copy_guest(src, dst, len, false);
}

int copy_to_guest(guest_va_t dst, const void *src, size_t len)
{
    return copy_guest(dst, (void *)src, len, true);
}

void sim_set_current(struct vcpu *v)
{
    current_vcpu = v;
}

/* ---- machine and domains ---- */

void sim_machine_init(unsigned long frames)
{
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i]) {
            free(domains[i]->vcpu0);
            free(domains[i]);
            domains[i] = NULL;
        }
    free(memory);
    free(table);
    free(machine_to_phys);
    nr_frames = frames;
    memory = aligned_alloc(PAGE_SIZE, frames * PAGE_SIZE);
    table = calloc(frames, sizeof(*table));
    machine_to_phys = malloc(frames * sizeof(uint32_t));
    if (!memory || !table || !machine_to_phys)
        die("out of host memory");
    memset(memory, 0, frames * PAGE_SIZE);
    memset(machine_to_phys, 0xff, frames * sizeof(uint32_t));
    frame_table_init(table, frames);
    frame_alloc_add_free(1, frames - 1);   /* frame 0 stays the hypervisor's */
    sim_m2p_mfn = alloc_xen_frame();
    memset(&sim_stats, 0, sizeof(sim_stats));
    current_vcpu = NULL;
    nr_extra = 0;
}

unsigned long sim_nr_frames(void)
{
    return nr_frames;
}

struct domain *sim_domain_create(domid_t id, unsigned long max_pages)
{
    if (id >= MAX_DOMAINS || domains[id])
        die("bad or duplicate sim domain id");
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));
    if (!d || !v)
        die("out of host memory");
    d->domain_id = id;
    d->max_pages = max_pages;
    d->vcpu0 = v;
    d->shared_info_mfn = INVALID_MFN;
    v->domain = d;
    v->guest_table = INVALID_MFN;
    domains[id] = d;
    if (alloc_shared_info_frame(d) == INVALID_MFN)
        die("no frame for shared_info");
    grant_table_init(d);
    return d;
}

void sim_domain_destroy(struct domain *d)
{
    grant_table_destroy(d);
    release_domain_frames(d);
    domains[d->domain_id] = NULL;
    if (current_vcpu == d->vcpu0)
        current_vcpu = NULL;
    free(d->vcpu0);
    free(d);
}

mfn_t sim_alloc(struct domain *d)
{
    mfn_t mfn = alloc_domain_frame(d);
    if (mfn == INVALID_MFN)
        die("sim_alloc: no frame");
    return mfn;
}

intpte_t *sim_table(mfn_t mfn)
{
    return arch_mfn_to_virt(mfn);
}

void sim_add_extra_ref(mfn_t mfn, enum page_type type)
{
    if (nr_extra == SIM_MAX_EXTRA)
        die("too many extra references");
    extra_refs[nr_extra++] = (struct mm_extra_ref){ mfn, type };
}

void sim_clear_extra_refs(void)
{
    nr_extra = 0;
}

unsigned int sim_nr_extra_refs(void)
{
    return nr_extra;
}

struct mm_extra_ref sim_take_extra_ref(unsigned int i)
{
    if (i >= nr_extra)
        die("no such extra reference");
    struct mm_extra_ref ref = extra_refs[i];
    extra_refs[i] = extra_refs[--nr_extra];
    return ref;
}

int sim_check(void)
{
    struct domain *live[MAX_DOMAINS];
    unsigned int n = 0;
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i])
            live[n++] = domains[i];
    return mm_check_invariants(live, n, extra_refs, nr_extra);
}

/* ---- snapshots ---- */

struct sim_snapshot {
    struct page_info *table;
    uint8_t *memory;
    uint32_t *m2p;
    unsigned long free_count;
    struct { unsigned long tot_pages; mfn_t base, shared_info; } dom[MAX_DOMAINS];
};

static void *dup(const void *src, size_t len)
{
    void *p = malloc(len);
    if (!p)
        die("out of host memory");
    return memcpy(p, src, len);
}

struct sim_snapshot *sim_snapshot_take(void)
{
    struct sim_snapshot *s = calloc(1, sizeof(*s));
    if (!s)
        die("out of host memory");
    s->table = dup(table, nr_frames * sizeof(*table));
    s->memory = dup(memory, nr_frames * PAGE_SIZE);
    s->m2p = dup(machine_to_phys, nr_frames * sizeof(uint32_t));
    s->free_count = frame_alloc_free_count();
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i]) {
            s->dom[i].tot_pages = domains[i]->tot_pages;
            s->dom[i].base = domains[i]->vcpu0->guest_table;
            s->dom[i].shared_info = domains[i]->shared_info_mfn;
        }
    return s;
}

/* Frame state that matters: the type only while it is in use. */
static bool same_frame(const struct page_info *a, const struct page_info *b)
{
    return a->owner == b->owner && a->flags == b->flags && a->count == b->count &&
           a->type_count == b->type_count && a->next_free == b->next_free &&
           (a->type_count == 0 || a->type == b->type);
}

static bool compare_snapshot(const struct sim_snapshot *s)
{
    for (mfn_t mfn = 0; mfn < nr_frames; mfn++) {
        if (!same_frame(&s->table[mfn], &table[mfn])) {
            printf("snapshot: frame 0x%lx state changed\n", (unsigned long)mfn);
            return false;
        }
        if (memcmp(s->memory + mfn * PAGE_SIZE, memory + mfn * PAGE_SIZE, PAGE_SIZE)) {
            printf("snapshot: frame 0x%lx contents changed\n", (unsigned long)mfn);
            return false;
        }
    }
    if (memcmp(s->m2p, machine_to_phys, nr_frames * sizeof(uint32_t)) ||
        s->free_count != frame_alloc_free_count()) {
        printf("snapshot: M2P or free count changed\n");
        return false;
    }
    for (unsigned int i = 0; i < MAX_DOMAINS; i++)
        if (domains[i] && (s->dom[i].tot_pages != domains[i]->tot_pages ||
                           s->dom[i].base != domains[i]->vcpu0->guest_table ||
                           s->dom[i].shared_info != domains[i]->shared_info_mfn)) {
            printf("snapshot: d%u accounting changed\n", i);
            return false;
        }
    return true;
}

bool sim_snapshot_same(struct sim_snapshot *s)
{
    bool same = compare_snapshot(s);
    free(s->table);
    free(s->memory);
    free(s->m2p);
    free(s);
    return same;
}

/* ---- the standard address space ---- */

void sim_write_as(struct domain *d, struct sim_as *as)
{
    as->l3 = sim_alloc(d);
    as->l2_low = sim_alloc(d);
    as->l2_xen = sim_alloc(d);
    as->l1_low = sim_alloc(d);
    as->l1_high = sim_alloc(d);
    for (unsigned int i = 0; i < SIM_AS_DATA; i++)
        as->data[i] = sim_alloc(d);
    sim_table(as->l3)[0] = sim_pte(as->l2_low, _PAGE_PRESENT);
    sim_table(as->l3)[3] = sim_pte(as->l2_xen, _PAGE_PRESENT);
    sim_table(as->l2_low)[0] = sim_pte(as->l1_low, PTE_RW_FLAGS | _PAGE_DIRTY);
    sim_table(as->l2_xen)[0] = sim_pte(as->l1_high, PTE_RW_FLAGS | _PAGE_DIRTY);
    for (unsigned int i = 0; i < 4; i++)
        sim_table(as->l1_low)[i] = sim_pte(as->data[i], PTE_RW_FLAGS);
    sim_table(as->l1_low)[4] = sim_pte(as->data[4], PTE_RO_FLAGS);
    const mfn_t tables[] = { as->l3, as->l2_low, as->l2_xen, as->l1_low, as->l1_high };
    for (unsigned int i = 0; i < ARRAY_SIZE(tables); i++)
        sim_table(as->l1_low)[SIM_SLOT_RO_TABLES + i] = sim_pte(tables[i], PTE_RO_FLAGS);
    sim_table(as->l1_high)[0] = sim_pte(as->data[5], PTE_RW_FLAGS);
}

void sim_build_as(struct domain *d, struct sim_as *as)
{
    sim_write_as(d, as);
    if (mmuext_op_one(d->vcpu0, MMUEXT_PIN_L3_TABLE, (uint32_t)as->l3, 0) ||
        mmuext_op_one(d->vcpu0, MMUEXT_NEW_BASEPTR, (uint32_t)as->l3, 0))
        die("sim_build_as: the standard address space was refused");
}
