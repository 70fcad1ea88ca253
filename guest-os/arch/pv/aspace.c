/*
 * guest-os PV: user address spaces (kernel/arch.h, "user address space")
 * on pvx. Native writes its page tables with plain stores; a PV kernel may
 * store only into pages that are not page tables, because pvx validates a
 * table when it becomes one and checks every later change of an entry in
 * a hypercall. So tables are filled while they are still ordinary pages and
 * handed to pvx in batches, and validated tables are kept for reuse:
 *   - An address space is an L3 of its own: slot 0 the kernel's L2 (the
 *     bootstrap one, shared), slot 1 its user L2, slot 3 a fresh L2 that
 *     pvx fills with the hypervisor's entries. The three pages are remapped
 *     read-only and the L3 pinned (pvx validates both L2s) in one
 *     multicall. A destroyed address space keeps them, still pinned, its
 *     user L2 emptied, in a pool of POOL_MAX for the next create or fork,
 *     which then costs no hypercall and no validation at all.
 *   - An L1 made for an address space that is not loaded (exec's new image
 *     and stack, fork's child) is *pending*: an ordinary writable page,
 *     filled with plain stores, not yet in the user L2. The switch that
 *     loads the address space remaps its pending L1s read-only and hooks
 *     them into the user L2 (one mmu_update, which validates them) in the
 *     same multicall as NEW_BASEPTR, as Linux under Xen pins a new mm when
 *     it is first activated.
 *   - An entry of a hooked L1 changes by hypercall: update_va_mapping for
 *     one page of the loaded address space, else mmu_update by machine
 *     address, batched, with a TLB flush in the same multicall if needed.
 *   - A batch of one call is made as that call, not as a multicall.
 * Rules:
 *   - a page-table page is mapped read-only in the kernel's mapping from
 *     the batch that hooks (or pins) it until the one that unhooks
 *     (unpins) it, which also makes it writable again;
 *   - the loaded address space has no pending L1s;
 *   - a pooled slot (used 0, l3 set) is pinned and its user L2 is empty.
 */
#include "../../kernel/kernel.h"
#include <pvx-guest/hypercall.h>
#include "pv.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_U  0x004ull
#define PTE_A  0x020ull
#define PTE_D  0x040ull
#define PTE_KERNEL_RO (PTE_P | PTE_A)                            /* page-table pages */
#define PTE_KERNEL_RW (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PTE_USER (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_COW 0x200ull     /* an available bit: read-only until the copy */
#define M2P ((const uint32_t *)0xF5800000)   /* XENMEM_machphys_mapping: mfn -> pfn */

#define MAX_ASPACES 64       /* slots recycled by arch_aspace_destroy */
#define POOL_MAX 4           /* destroyed address spaces kept pinned for reuse */
#define PENDING_MAX 32       /* L1s an unloaded address space may have unhooked */
#define BATCH 32             /* multicall entries per batch */

struct aspace {
    uint32_t l3_mfn, l2_mfn;
    const uint64_t *l2;                      /* the user L2, read-only view */
    const void *l3, *xen_l2;                 /* NULL: the slot has no tables */
    int used;
    unsigned int npending;                   /* L1s not yet in the user L2 */
    uint16_t pending_slot[PENDING_MAX];      /* their L2 slots */
    uint64_t *pending_l1[PENDING_MAX];       /* and pages (writable) */
};
static struct aspace aspaces[MAX_ASPACES];
static struct aspace *loaded;
static unsigned int pooled;
static uintptr_t trap_stack;                 /* what pvx has from stack_switch */

static uint32_t va_to_mfn(const void *va) { return p2m[(uintptr_t)va >> 12]; }
/* The kernel address of the frame an entry points at (pfn = va / 4096). */
static void *entry_va(uint64_t e) { return (void *)(M2P[(uint32_t)((e & PTE_ADDR) >> 12)] << 12); }
/* The machine address of entry `index` of the table at kernel address t. */
static uint64_t entry_ma(const void *t, unsigned int index)
{
    return ((uint64_t)va_to_mfn(t) << 12) + index * 8;
}

/* ---- batches ---- */

/* update_va_mapping of kernel page `page` to its own frame with `flags`:
 * read-only (a table to be) or writable (a table no more). */
static multicall_entry_t remap_call(const void *page, uint64_t flags, uint32_t uvmf)
{
    return (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
        .args = { (uint32_t)page, (va_to_mfn(page) << 12) | (uint32_t)flags, 0, uvmf } };
}

static multicall_entry_t mmu_call(mmu_update_t *reqs, unsigned int n)
{
    return (multicall_entry_t){ .op = __HYPERVISOR_mmu_update,
                                .args = { (uint32_t)reqs, n, 0, DOMID_SELF } };
}

static multicall_entry_t mmuext_call(struct mmuext_op *ops, unsigned int n)
{
    return (multicall_entry_t){ .op = __HYPERVISOR_mmuext_op,
                                .args = { (uint32_t)ops, n, 0, DOMID_SELF } };
}

/* Make the n calls: up to two as themselves (cheaper than a multicall's
 * dispatch and copies: the plain process switch, stack_switch and
 * NEW_BASEPTR, is 2 calls; make bench measures both ways), more as a
 * multicall. 0, or -1 (reported) if the multicall or any call failed. */
static __attribute__((noinline, cold)) int batch_failed(unsigned int i, long result)
{
    kprintf("guest-os: address space: call %u of the batch failed: %d\n", i, (int)result);
    return -1;
}

static inline __attribute__((always_inline)) int run_batch(multicall_entry_t *calls, unsigned int n)
{
    if (n <= 2) {
        for (unsigned int i = 0; i < n; i++)
            calls[i].result = (uint32_t)hypercall5(calls[i].op, calls[i].args[0], calls[i].args[1],
                                                   calls[i].args[2], calls[i].args[3], calls[i].args[4]);
    } else if (HYPERVISOR_multicall(calls, n))
        return batch_failed(n, -1);
    for (unsigned int i = 0; i < n; i++)
        if (calls[i].result)
            return batch_failed(i, (long)calls[i].result);
    return 0;
}

/* ---- tables ---- */

/* A free slot with pinned tables and an empty user L2: from the pool, or
 * three new pages (filled, remapped read-only and the L3 pinned in one
 * multicall). NULL if no slot or memory is left. */
static struct aspace *aspace_get(void)
{
    struct aspace *as = NULL;
    for (unsigned int i = 0; i < MAX_ASPACES; i++) {
        if (aspaces[i].used)
            continue;
        if (aspaces[i].l3) {
            as = &aspaces[i];
            pooled--;
            break;
        }
        if (!as)
            as = &aspaces[i];
    }
    if (!as)
        return NULL;
    as->used = 1;
    as->npending = 0;
    if (as->l3)
        return as;
    uint64_t *l3 = page_alloc(), *l2 = page_alloc(), *xen_l2 = page_alloc();
    if (!l3 || !l2 || !xen_l2) {
        if (l3) page_free(l3);
        if (l2) page_free(l2);
        if (xen_l2) page_free(xen_l2);
        as->used = 0;
        return NULL;
    }
    l3[0] = ((const uint64_t *)start_info->pt_base)[0];
    l3[USER_BASE >> 30] = ((uint64_t)va_to_mfn(l2) << 12) | PTE_P;
    l3[3] = ((uint64_t)va_to_mfn(xen_l2) << 12) | PTE_P;
    static struct mmuext_op pin = { .cmd = MMUEXT_PIN_L3_TABLE };
    pin.arg1.mfn = va_to_mfn(l3);
    multicall_entry_t calls[4] = { remap_call(l3, PTE_KERNEL_RO, UVMF_NONE),
                                   remap_call(l2, PTE_KERNEL_RO, UVMF_NONE),
                                   remap_call(xen_l2, PTE_KERNEL_RO, UVMF_INVLPG),
                                   mmuext_call(&pin, 1) };
    if (run_batch(calls, 4))
        panic("address space: cannot pin a new L3");
    *as = (struct aspace){ .l3_mfn = va_to_mfn(l3), .l2_mfn = va_to_mfn(l2), .l2 = l2,
                           .l3 = l3, .xen_l2 = xen_l2, .used = 1 };
    return as;
}

/* The pending L1 for user L2 slot `slot` of `as`, or NULL. */
static __attribute__((noinline)) uint64_t *pending_find(const struct aspace *as, unsigned int slot)
{
    for (unsigned int i = 0; i < as->npending; i++)
        if (as->pending_slot[i] == slot)
            return as->pending_l1[i];
    return NULL;
}

/* The L1 for user L2 slot `slot` of `as` (NULL if none); *pending says
 * whether it is a pending one, which plain stores may change. */
static inline __attribute__((always_inline)) uint64_t *l1_lookup(const struct aspace *as, unsigned int slot,
                                                                 int *pending)
{
    uint64_t l2e = as->l2[slot];
    *pending = 0;
    if (l2e & PTE_P)
        return entry_va(l2e);
    uint64_t *l1 = pending_find(as, slot);
    *pending = l1 != NULL;
    return l1;
}

/* Append to calls what hooks the pending L1s of `as`: each remapped
 * read-only, then one mmu_update writing their L2 entries (pvx validates
 * each L1 there). The number of calls appended (0 or npending + 1). */
static unsigned int hook_calls(struct aspace *as, multicall_entry_t *calls)
{
    static mmu_update_t hooks[PENDING_MAX];
    unsigned int n = as->npending;
    for (unsigned int i = 0; i < n; i++) {
        calls[i] = remap_call(as->pending_l1[i], PTE_KERNEL_RO, UVMF_NONE);
        hooks[i] = (mmu_update_t){ .ptr = entry_ma(as->l2, as->pending_slot[i]) + MMU_NORMAL_PT_UPDATE,
                                   .val = ((uint64_t)va_to_mfn(as->pending_l1[i]) << 12) | PTE_USER };
    }
    if (n)
        calls[n++] = mmu_call(hooks, as->npending);
    return n;
}

/* A new pending L1 (zeroed, writable) for slot `slot` of `as`, which is
 * not loaded; when PENDING_MAX are pending they are hooked first. NULL if
 * memory runs out. */
static uint64_t *pending_add(struct aspace *as, unsigned int slot)
{
    if (as->npending == PENDING_MAX) {
        multicall_entry_t calls[PENDING_MAX + 1];
        if (run_batch(calls, hook_calls(as, calls)))
            panic("address space %x: cannot hook its L1 tables", as->l3_mfn);
        as->npending = 0;
    }
    uint64_t *l1 = page_alloc();
    if (!l1)
        return NULL;
    as->pending_slot[as->npending] = (uint16_t)slot;
    as->pending_l1[as->npending++] = l1;
    return l1;
}

struct aspace *arch_aspace_create(void)
{
    return aspace_get();
}

/* ---- entries ---- */

/* The L1 entries of each protection: NONE leaves out PTE_U (ring 3 faults,
 * ring 1 still reaches the page), COW is read-only with bit 9. */
static uint64_t prot_flags(enum user_prot prot)
{
    switch (prot) {
    case USER_PROT_NONE: return PTE_P | PTE_A;
    case USER_PROT_READ: return PTE_P | PTE_U | PTE_A;
    case USER_PROT_COW: return PTE_P | PTE_U | PTE_A | PTE_COW;
    case USER_PROT_RW: break;
    }
    return PTE_USER;
}

int arch_map_user_page(struct aspace *as, uint32_t va, void *kpage)
{
    return arch_map_user_page_prot(as, va, kpage, USER_PROT_RW);
}

/* A new L1 for slot `slot` of the loaded `as`, holding val at index: filled
 * while writable, then remapped read-only and hooked in one multicall. */
static int map_new_l1(struct aspace *as, unsigned int slot, unsigned int index, uint64_t val)
{
    uint64_t *l1 = page_alloc();
    if (!l1)
        return -12;
    l1[index] = val;
    mmu_update_t hook = { .ptr = entry_ma(as->l2, slot) + MMU_NORMAL_PT_UPDATE,
                          .val = ((uint64_t)va_to_mfn(l1) << 12) | PTE_USER };
    multicall_entry_t calls[2] = { remap_call(l1, PTE_KERNEL_RO, UVMF_NONE), mmu_call(&hook, 1) };
    if (run_batch(calls, 2))
        panic("address space %x: cannot hook a new L1", as->l3_mfn);
    return 0;
}

/* The loaded address space: update_va_mapping (flushing the page only if
 * it was mapped), or a new L1 if the slot has none. Any other: a plain
 * store into a pending L1 (a new one if the slot has no L1), or one
 * mmu_update into a hooked L1. */
int arch_map_user_page_prot(struct aspace *as, uint32_t va, void *kpage, enum user_prot prot)
{
    if (va < USER_BASE || va >= USER_END)
        return -22;
    unsigned int slot = (va >> 21) & 511, index = (va >> 12) & 511;
    uint64_t val = ((uint64_t)va_to_mfn(kpage) << 12) | prot_flags(prot);
    if (as == loaded) {
        if (!(as->l2[slot] & PTE_P))
            return map_new_l1(as, slot, index, val);
        const uint64_t *l1 = entry_va(as->l2[slot]);
        return (int)HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32),
                                                 l1[index] & PTE_P ? UVMF_INVLPG : UVMF_NONE);
    }
    int pending;
    uint64_t *l1 = l1_lookup(as, slot, &pending);
    if (!l1) {
        l1 = pending_add(as, slot);
        if (!l1)
            return -12;
        pending = 1;
    }
    if (pending) {
        l1[index] = val;
        return 0;
    }
    mmu_update_t req = { .ptr = entry_ma(l1, index) + MMU_NORMAL_PT_UPDATE, .val = val };
    return (int)HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

/* The page entry e maps (NULL if not present) and how (*prot). */
static inline __attribute__((always_inline)) void *entry_page(uint64_t e, enum user_prot *prot)
{
    if (!(e & PTE_P))
        return NULL;
    *prot = !(e & PTE_U) ? USER_PROT_NONE : (e & PTE_RW) ? USER_PROT_RW
          : (e & PTE_COW) ? USER_PROT_COW : USER_PROT_READ;
    return entry_va(e);
}

/* arch_user_page where the L2 has no entry: a pending L1's page, if any. */
static __attribute__((noinline)) void *pending_user_page(struct aspace *as, uint32_t va, enum user_prot *prot)
{
    const uint64_t *l1 = pending_find(as, (va >> 21) & 511);
    return l1 ? entry_page(l1[(va >> 12) & 511], prot) : NULL;
}

void *arch_user_page(struct aspace *as, uint32_t va, enum user_prot *prot)
{
    const uint64_t *l2e = &as->l2[(va >> 21) & 511];
    if (!(*l2e & PTE_P))
        return pending_user_page(as, va, prot);
    return entry_page(((const uint64_t *)entry_va(*l2e))[(va >> 12) & 511], prot);
}

/* munmap and mprotect: the entries of a range; a pending L1's by plain
 * stores, a hooked L1's by machine address, RANGE_BATCH to one mmu_update
 * with a local TLB flush in the same multicall when `as` is loaded (a
 * single entry of the loaded address space: one update_va_mapping with
 * INVLPG). An unmapped page is unref'd only once its entry is gone. */
#define RANGE_BATCH 64
static mmu_update_t range_reqs[RANGE_BATCH];
static uint32_t range_vas[RANGE_BATCH];
static void *range_pages[RANGE_BATCH];

/* Apply the n collected requests, then unref the pages if unmapping. */
static int range_flush(struct aspace *as, unsigned int n, int unmap)
{
    static struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    multicall_entry_t calls[2] = { mmu_call(range_reqs, n), mmuext_call(&flush, 1) };
    int rc = 0;
    if (n == 1 && as == loaded)
        rc = HYPERVISOR_update_va_mapping(range_vas[0], (uint32_t)range_reqs[0].val,
                                          (uint32_t)(range_reqs[0].val >> 32), UVMF_INVLPG) ? -1 : 0;
    else if (n)
        rc = run_batch(calls, as == loaded ? 2 : 1);
    for (unsigned int i = 0; unmap && !rc && i < n; i++)
        page_unref(range_pages[i]);
    return rc;
}

/* Rewrite the present entries of [start, end): unmap (`unmap`, the pages
 * unref'd) or give them protection `prot`; the L1 is looked up once per
 * 2 MiB. 0 or -22. */
static int range_update(struct aspace *as, uint32_t start, uint32_t end, int unmap, enum user_prot prot)
{
    unsigned int n = 0;
    uint32_t next;
    for (uint32_t va = start; va < end && va >= start; va = next) {
        int pending;
        uint64_t *l1 = l1_lookup(as, (va >> 21) & 511, &pending);
        next = (va | 0x1fffff) + 1;
        uint32_t stop = next - 1 < end - 1 ? next : end;
        for (; l1 && va < stop; va += PAGE_SIZE) {
            unsigned int index = (va >> 12) & 511;
            uint64_t e = l1[index];
            if (!(e & PTE_P))
                continue;
            void *page = entry_va(e);
            enum user_prot p = prot == USER_PROT_RW && page_refcount(page) > 1 ? USER_PROT_COW : prot;
            uint64_t val = unmap ? 0 : (e & PTE_ADDR) | prot_flags(p);
            if (pending) {
                l1[index] = val;
                if (unmap)
                    page_unref(page);
                continue;
            }
            range_pages[n] = page;
            range_vas[n] = va;
            range_reqs[n++] = (mmu_update_t){ .ptr = entry_ma(l1, index) + MMU_NORMAL_PT_UPDATE, .val = val };
            if (n == RANGE_BATCH) {
                if (range_flush(as, n, unmap))
                    return -22;
                n = 0;
            }
        }
    }
    return range_flush(as, n, unmap) ? -22 : 0;
}

void arch_unmap_user_range(struct aspace *as, uint32_t start, uint32_t end)
{
    if (range_update(as, start, end, 1, USER_PROT_NONE))
        panic("address space %x: cannot unmap %x-%x", as->l3_mfn, start, end);
}

int arch_protect_user_range(struct aspace *as, uint32_t start, uint32_t end, enum user_prot prot)
{
    return range_update(as, start, end, 0, prot);
}

/* ---- fork and destroy ---- */

/* fork: the child (pooled tables, or new ones pinned empty) gets a pending
 * L1 for each of the parent's, copied with plain stores; the parent's
 * writable entries become read-only copy-on-write in one mmu_update
 * (with a TLB flush, or a single update_va_mapping with INVLPG) before
 * fork returns. The child's L1s are validated when it is first loaded. */
#define FORK_BATCH 1024
static mmu_update_t fork_reqs[FORK_BATCH];
static uint32_t fork_vas[FORK_BATCH];

/* Make the parent's n collected entries copy-on-write. */
static int fork_flush(struct aspace *parent, unsigned int n)
{
    uint64_t val = fork_reqs[0].val;
    if (n == 1 && parent == loaded)
        return HYPERVISOR_update_va_mapping(fork_vas[0], (uint32_t)val, (uint32_t)(val >> 32),
                                            UVMF_INVLPG) ? -1 : 0;
    static struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    multicall_entry_t calls[2] = { mmu_call(fork_reqs, n), mmuext_call(&flush, 1) };
    return n ? run_batch(calls, parent == loaded ? 2 : 1) : 0;
}

/* Copy the parent's L1 `pl1` (for L2 slot `slot`) into a new pending L1
 * of the child, collecting the parent's writable entries in fork_reqs
 * (from *nreq on) or, if `pl1` is pending, changing them in place. 0, or
 * -12 if memory runs out. */
static int fork_l1(struct aspace *parent, struct aspace *child, unsigned int slot, uint64_t *pl1,
                   int pending, unsigned int *nreq)
{
    uint64_t *cl1 = pending_add(child, slot);
    if (!cl1)
        return -12;
    /* A pointer walk, as native's fork: an index would be widened to 64
     * bits for entry_ma on every entry, empty ones included. */
    for (uint64_t *pe = pl1; pe < pl1 + 512; pe++) {
        uint64_t e = *pe;
        if (!(e & PTE_P))
            continue;
        unsigned int j = (unsigned int)(pe - pl1);
        if (e & PTE_RW) {
            e = (e & ~PTE_RW) | PTE_COW;
            if (pending) {
                *pe = e;
            } else {
                fork_vas[*nreq] = USER_BASE + (slot << 21) + (j << 12);
                fork_reqs[(*nreq)++] = (mmu_update_t){ .ptr = entry_ma(pl1, j) + MMU_NORMAL_PT_UPDATE,
                                                       .val = e };
                if (*nreq == FORK_BATCH) {
                    if (fork_flush(parent, *nreq))
                        panic("fork: cannot make the parent's pages copy-on-write");
                    *nreq = 0;
                }
            }
        }
        cl1[j] = e;
        page_ref(entry_va(e));
    }
    return 0;
}

struct aspace *arch_aspace_fork(struct aspace *parent)
{
    struct aspace *child = aspace_get();
    if (!child)
        return NULL;
    unsigned int nreq = 0;
    int rc = 0;
    for (const uint64_t *l2e = parent->l2; l2e < parent->l2 + 512; l2e++) {   /* see fork_l1 */
        if (!(*l2e & PTE_P))
            continue;
        rc = fork_l1(parent, child, (unsigned int)(l2e - parent->l2), entry_va(*l2e), 0, &nreq);
        if (rc)
            break;
    }
    for (unsigned int i = 0; i < parent->npending && !rc; i++)
        rc = fork_l1(parent, child, parent->pending_slot[i], parent->pending_l1[i], 1, &nreq);
    if (rc) {                       /* the parent's entries may stay writable */
        arch_aspace_destroy(child);
        return NULL;
    }
    if (fork_flush(parent, nreq))
        panic("fork: cannot make the parent's pages copy-on-write");
    return child;
}

/* Give an address space back (not the loaded one). Its user pages lose a
 * reference; its pending L1s are just freed. Its hooked L1s leave the
 * user L2 (one mmu_update: pvx drops their validation) and are made
 * writable again and freed, in multicalls of BATCH; the tables go to the
 * pool, or when it is full, the L3 is unpinned (the first call instead
 * of the mmu_update) and its three pages are made writable and freed too.
 */
static void destroy_batch(const void **pages, unsigned int n, multicall_entry_t *first)
{
    multicall_entry_t calls[BATCH + 1];
    unsigned int c = 0;
    if (first)
        calls[c++] = *first;
    for (unsigned int i = 0; i < n; i++)
        calls[c++] = remap_call(pages[i], PTE_KERNEL_RW, UVMF_INVLPG);
    if (run_batch(calls, c))
        panic("address space: cannot give its tables back");
    for (unsigned int i = 0; i < n; i++)
        page_free((void *)pages[i]);
}

/* Every page the L1 at `l1` maps loses a reference. */
static void unref_l1(const uint64_t *l1)
{
    for (unsigned int j = 0; j < 512; j++)
        if (l1[j] & PTE_P)
            page_unref(entry_va(l1[j]));
}

void arch_aspace_destroy(struct aspace *as)
{
    if (!as || !as->used)
        return;
    if (as == loaded)
        panic("arch_aspace_destroy: address space %x is loaded", as->l3_mfn);
    static const void *tables[512 + 3];
    static mmu_update_t unhooks[512];
    unsigned int nt = 0, nu = 0;
    for (const uint64_t *l2e = as->l2; l2e < as->l2 + 512; l2e++) {   /* a pointer walk: see fork_l1 */
        if (!(*l2e & PTE_P))
            continue;
        tables[nt] = entry_va(*l2e);
        unref_l1(tables[nt++]);
        unhooks[nu++] = (mmu_update_t){ .ptr = entry_ma(as->l2, (unsigned int)(l2e - as->l2)) +
                                               MMU_NORMAL_PT_UPDATE, .val = 0 };
    }
    for (unsigned int i = 0; i < as->npending; i++) {
        unref_l1(as->pending_l1[i]);
        page_free(as->pending_l1[i]);
    }
    as->npending = 0;
    as->used = 0;
    multicall_entry_t first = mmu_call(unhooks, nu);
    static struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE };
    if (pooled < POOL_MAX) {
        pooled++;
    } else {
        unpin.arg1.mfn = as->l3_mfn;
        first = mmuext_call(&unpin, 1);
        nu = 1;
        tables[nt++] = as->l2;
        tables[nt++] = as->xen_l2;
        tables[nt++] = as->l3;
        as->l2 = NULL;
        as->l3 = as->xen_l2 = NULL;
    }
    unsigned int i = 0;
    do {
        unsigned int n = nt - i < BATCH ? nt - i : BATCH;
        destroy_batch(tables + i, n, i == 0 && nu ? &first : NULL);
        i += n;
    } while (i < nt);
}

/* ---- the switch ---- */

/* Where native writes TSS esp0 and cr3: stack_switch if the ring-1 stack
 * changes, NEW_BASEPTR if the address space does. The idle process (as
 * NULL) never enters ring 3, so it keeps both. The usual switch, to an
 * address space with nothing pending, makes those (at most two) calls
 * directly: no batch to fill in and read back. A newly loaded `as` with
 * pending L1s takes one batch instead: the two calls, then its pending
 * L1s remapped read-only and hooked (their L2 entries were not present,
 * so nothing stale is cached for them). */
void arch_switch_to(struct aspace *as, uintptr_t kstack_top)
{
    static struct mmuext_op base = { .cmd = MMUEXT_NEW_BASEPTR };
    static multicall_entry_t calls[2 + PENDING_MAX + 1] = {
        { .op = __HYPERVISOR_stack_switch, .args = { FLAT_RING1_SS } },
        { .op = __HYPERVISOR_mmuext_op, .args = { 0, 1, 0, DOMID_SELF } },
    };
    if (!as)
        return;
    base.arg1.mfn = as->l3_mfn;
    if (!as->npending) {
        long rc = 0;
        if (kstack_top != trap_stack)
            rc = HYPERVISOR_stack_switch(FLAT_RING1_SS, kstack_top);
        if (!rc && as != loaded)
            rc = HYPERVISOR_mmuext_op(&base, 1, NULL, DOMID_SELF);
        if (rc)
            panic("switch to address space %x failed: %d", as->l3_mfn, (int)rc);
    } else {                            /* never the loaded one (see the rules) */
        unsigned int first = kstack_top != trap_stack ? 0 : 1;
        calls[0].args[1] = kstack_top;
        calls[1].args[0] = (uint32_t)&base;
        unsigned int end = 2 + hook_calls(as, calls + 2);
        if (run_batch(calls + first, end - first))
            panic("switch to address space %x failed", as->l3_mfn);
        as->npending = 0;
    }
    trap_stack = kstack_top;
    loaded = as;
}
