/*
 * guest-os PV: the arch interface (kernel/arch.h) in ring 1 on pvx, through
 * Xen's x86_32 PV ABI (docs/abi.md). Where arch/native executes a privileged
 * instruction, this file makes a hypercall:
 *   traps         lidt + TSS esp0      -> set_trap_table + stack_switch
 *   page tables   direct PTE writes    -> mmu_update / update_va_mapping, on
 *                                         table pages mapped read-only; a new
 *                                         L3 pinned with mmuext_op
 *   switch        mov cr3, TSS esp0    -> NEW_BASEPTR + stack_switch, one
 *                                         multicall
 * (time.c: the tick, time, interrupts and idle through events; console.c:
 * console_io for dom0, the PV console ring for a domU; memory.c: mapping
 * the memory pvx's bootstrap tables leave out, so that pfn = va / 4096
 * holds for all of it; power.c: SCHEDOP_shutdown, dom0 after the domUs.)
 */
#include "../../kernel/kernel.h"
#include <public/sched.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_U  0x004ull
#define PTE_A  0x020ull
#define PTE_D  0x040ull
#define PTE_KERNEL_RO (PTE_P | PTE_A)                            /* page-table pages */
#define PTE_USER (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_COW 0x200ull     /* an available bit: read-only until the copy */
#define M2P ((const uint32_t *)0xF5800000)   /* XENMEM_machphys_mapping: mfn -> pfn */

static char shared_info_page[4096] __attribute__((aligned(4096)));
shared_info_t *shared_info;

static uint32_t va_to_mfn(const void *va) { return p2m[(uintptr_t)va >> 12]; }
/* The kernel address of the frame an entry points at (pfn = va / 4096). */
static void *entry_va(uint64_t e) { return (void *)(M2P[(uint32_t)((e & PTE_ADDR) >> 12)] << 12); }

/* ---- traps: a virtual IDT; events masked on entry (flag 4), as native's
 * interrupt gates clear IF. The ring-1 stack for traps from ring 3 is set
 * on each switch (arch_switch_to). ---- */
static void traps_init(void)
{
    static trap_info_t table[34];
    unsigned int n = 0;
    for (unsigned int v = 0; v < 32; v++)
        table[n++] = (trap_info_t){ .vector = v, .flags = 4 | (v == 3 || v == 4 ? 3 : 0),
                                    .cs = FLAT_RING1_CS, .address = trap_stub_table[v] };
    table[n++] = (trap_info_t){ .vector = 0x80, .flags = 4 | 3, .cs = FLAT_RING1_CS,
                                .address = trap_stub_table[0x80] };
    table[n] = (trap_info_t){ 0 };
    if (HYPERVISOR_set_trap_table(table))
        panic("set_trap_table failed");
}

/* ---- paging: an address space is an L3 of its own: slot 0 the kernel's
 * L2 (the bootstrap one, shared), slot 1 its user L2, slot 3 a fresh L2
 * that pvx fills with the hypervisor's entries. Table pages are made
 * read-only in the kernel's mapping before they are used (pvx refuses a
 * page table that is writably mapped); the L3 is pinned so it stays
 * validated while other address spaces run. Entries of any address space
 * are written by machine address with mmu_update. ---- */
struct aspace {
    uint32_t l3_mfn, l2_mfn;
    const uint64_t *l2;                      /* the user L2, read-only view */
    const void *l3, *xen_l2;                 /* for arch_aspace_destroy */
    int used;
};
#define MAX_ASPACES 64                       /* slots recycled by arch_aspace_destroy */
static struct aspace aspaces[MAX_ASPACES];
static struct aspace *loaded;

static long set_pte(uintptr_t va, uint64_t val)
{
    return HYPERVISOR_update_va_mapping(va, (uint32_t)val, (uint32_t)(val >> 32), UVMF_INVLPG);
}

/* A fresh zeroed page, remapped read-only, ready to become a page table. */
static long new_table(uint32_t *mfn)
{
    void *page = page_alloc();
    if (!page)
        return -12;
    *mfn = va_to_mfn(page);
    return set_pte((uintptr_t)page, ((uint64_t)*mfn << 12) | PTE_KERNEL_RO);
}

/* A new address space's three tables, filled but still writable. */
static struct aspace *aspace_alloc(const void *tables[3])
{
    struct aspace *as = NULL;
    for (unsigned int i = 0; i < MAX_ASPACES && !as; i++)
        if (!aspaces[i].used)
            as = &aspaces[i];
    if (!as)
        return NULL;
    uint64_t *l3 = page_alloc(), *l2 = page_alloc(), *xen_l2 = page_alloc();
    if (!l3 || !l2 || !xen_l2) {
        if (l3) page_free(l3);
        if (l2) page_free(l2);
        if (xen_l2) page_free(xen_l2);
        return NULL;
    }
    *as = (struct aspace){ .l3_mfn = va_to_mfn(l3), .l2_mfn = va_to_mfn(l2), .l2 = l2,
                           .l3 = l3, .xen_l2 = xen_l2, .used = 1 };
    l3[0] = ((const uint64_t *)start_info->pt_base)[0];
    l3[USER_BASE >> 30] = ((uint64_t)as->l2_mfn << 12) | PTE_P;
    l3[3] = ((uint64_t)va_to_mfn(xen_l2) << 12) | PTE_P;
    tables[0] = l3;
    tables[1] = l2;
    tables[2] = xen_l2;
    return as;
}

/* The multicall entry that remaps a table page read-only. */
static multicall_entry_t ro_call(const void *page, uint32_t flags)
{
    return (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
        .args = { (uint32_t)page, (va_to_mfn(page) << 12) | PTE_KERNEL_RO, 0, flags } };
}

static int run_batch(multicall_entry_t *calls, unsigned int n)
{
    if (HYPERVISOR_multicall(calls, n))
        return -1;
    for (unsigned int i = 0; i < n; i++)
        if (calls[i].result) {
            kprintf("guest-os: address space: call %u of the batch failed: %d\n", i, (int)calls[i].result);
            return -1;
        }
    return 0;
}

/* One multicall: three pages remapped read-only, then the L3 pinned. */
struct aspace *arch_aspace_create(void)
{
    const void *tables[3];
    struct aspace *as = aspace_alloc(tables);
    if (!as)
        return NULL;
    struct mmuext_op pin = { .cmd = MMUEXT_PIN_L3_TABLE, .arg1.mfn = as->l3_mfn };
    multicall_entry_t calls[4];
    for (unsigned int i = 0; i < 3; i++)
        calls[i] = ro_call(tables[i], UVMF_INVLPG);
    calls[3] = (multicall_entry_t){ .op = __HYPERVISOR_mmuext_op,
                                    .args = { (uint32_t)&pin, 1, 0, DOMID_SELF } };
    return run_batch(calls, 4) ? NULL : as;
}

/* fork: the child's tables are built as ordinary (writable) pages; then one
 * multicall remaps them read-only, makes the parent's writable entries
 * read-only copy-on-write (one mmu_update batch), pins the child's L3 and
 * flushes the TLB. */
#define FORK_MAX_L1 32
#define FORK_MAX_PTES 1024
static mmu_update_t fork_reqs[FORK_MAX_PTES];
struct aspace *arch_aspace_fork(struct aspace *parent)
{
    static multicall_entry_t calls[3 + FORK_MAX_L1 + 2];
    const void *tables[3];
    struct aspace *child = aspace_alloc(tables);
    if (!child)
        return NULL;
    unsigned int n = 0, nreq = 0;
    for (unsigned int i = 0; i < 3; i++)
        calls[n++] = ro_call(tables[i], UVMF_NONE);
    uint64_t *cl2 = (uint64_t *)child->l2;
    for (unsigned int i = 0; i < 512; i++) {
        if (!(parent->l2[i] & PTE_P))
            continue;
        const uint64_t *pl1 = entry_va(parent->l2[i]);
        uint64_t *cl1 = page_alloc();
        if (!cl1 || n == 3 + FORK_MAX_L1)
            return NULL;
        for (unsigned int j = 0; j < 512; j++) {
            uint64_t e = pl1[j];
            if (!(e & PTE_P))
                continue;
            if (e & PTE_RW) {
                if (nreq == FORK_MAX_PTES)
                    return NULL;
                e = (e & ~PTE_RW) | PTE_COW;
                fork_reqs[nreq++] = (mmu_update_t){
                    .ptr = (parent->l2[i] & PTE_ADDR) + j * 8 + MMU_NORMAL_PT_UPDATE, .val = e };
            }
            cl1[j] = e;
            page_ref(entry_va(e));
        }
        cl2[i] = ((uint64_t)va_to_mfn(cl1) << 12) | PTE_USER;
        calls[n++] = ro_call(cl1, UVMF_NONE);
    }
    if (nreq)
        calls[n++] = (multicall_entry_t){ .op = __HYPERVISOR_mmu_update,
                                          .args = { (uint32_t)fork_reqs, nreq, 0, DOMID_SELF } };
    static struct mmuext_op ops[2];
    ops[0] = (struct mmuext_op){ .cmd = MMUEXT_PIN_L3_TABLE, .arg1.mfn = child->l3_mfn };
    ops[1] = (struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    calls[n++] = (multicall_entry_t){ .op = __HYPERVISOR_mmuext_op,
                                      .args = { (uint32_t)ops, 2, 0, DOMID_SELF } };
    return run_batch(calls, n) ? NULL : child;
}

/* Give an address space back (not the loaded one): its user pages lose a
 * reference; the L3 is unpinned, so pvx drops the table types of its L2s
 * and L1s; then each table page is made writable again in the kernel's
 * mapping (update_va_mapping, batched in multicalls) and freed. */
#define DESTROY_BATCH 32
static void rw_batch(const void **pages, unsigned int n)
{
    static multicall_entry_t calls[DESTROY_BATCH];
    for (unsigned int i = 0; i < n; i++)
        calls[i] = (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
            .args = { (uint32_t)pages[i], (va_to_mfn(pages[i]) << 12) | PTE_P | PTE_RW | PTE_A | PTE_D,
                      0, UVMF_INVLPG } };
    if (run_batch(calls, n))
        panic("address space: cannot make table pages writable again");
    for (unsigned int i = 0; i < n; i++)
        page_free((void *)pages[i]);
}

void arch_aspace_destroy(struct aspace *as)
{
    if (!as || !as->used)
        return;
    if (as == loaded)
        panic("arch_aspace_destroy: address space %x is loaded", as->l3_mfn);
    static const void *tables[512 + 3];
    unsigned int nt = 0;
    for (unsigned int i = 0; i < 512; i++) {
        if (!(as->l2[i] & PTE_P))
            continue;
        const uint64_t *l1 = entry_va(as->l2[i]);
        for (unsigned int j = 0; j < 512; j++)
            if (l1[j] & PTE_P)
                page_unref(entry_va(l1[j]));
        tables[nt++] = l1;
    }
    tables[nt++] = as->l2;
    tables[nt++] = as->xen_l2;
    tables[nt++] = as->l3;
    struct mmuext_op unpin = { .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = as->l3_mfn };
    if (HYPERVISOR_mmuext_op(&unpin, 1, NULL, DOMID_SELF))
        panic("address space: unpinning L3 %x failed", as->l3_mfn);
    for (unsigned int i = 0; i < nt; i += DESTROY_BATCH)
        rw_batch(tables + i, nt - i < DESTROY_BATCH ? nt - i : DESTROY_BATCH);
    as->used = 0;
}

void *arch_user_page(struct aspace *as, uint32_t va, enum user_prot *prot)
{
    uint64_t l2e = as->l2[(va >> 21) & 511];
    if (!(l2e & PTE_P))
        return NULL;
    uint64_t e = ((const uint64_t *)entry_va(l2e))[(va >> 12) & 511];
    if (!(e & PTE_P))
        return NULL;
    *prot = !(e & PTE_U) ? USER_PROT_NONE : (e & PTE_RW) ? USER_PROT_RW
          : (e & PTE_COW) ? USER_PROT_COW : USER_PROT_READ;
    return entry_va(e);
}

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

/* One mmu_update: the L1 (if new) hooked into the L2, then the page. */
int arch_map_user_page_prot(struct aspace *as, uint32_t va, void *kpage, enum user_prot prot)
{
    if (va < USER_BASE || va >= USER_END)
        return -22;
    unsigned int slot = (va >> 21) & 511;
    mmu_update_t req[2];
    unsigned int n = 0;
    uint32_t l1_mfn;
    uint64_t val = ((uint64_t)va_to_mfn(kpage) << 12) | prot_flags(prot);
    if (as->l2[slot] & PTE_P) {
        if (as == loaded)        /* replacing a live entry: flush it too */
            return (int)set_pte(va, val);
        l1_mfn = (uint32_t)((as->l2[slot] & PTE_ADDR) >> 12);
    } else {
        long rc = new_table(&l1_mfn);
        if (rc)
            return (int)rc;
        req[n++] = (mmu_update_t){ .ptr = ((uint64_t)as->l2_mfn << 12) + slot * 8 + MMU_NORMAL_PT_UPDATE,
                                   .val = ((uint64_t)l1_mfn << 12) | PTE_USER };
    }
    req[n++] = (mmu_update_t){ .ptr = ((uint64_t)l1_mfn << 12) + ((va >> 12) & 511) * 8 + MMU_NORMAL_PT_UPDATE,
                               .val = val };
    return (int)HYPERVISOR_mmu_update(req, n, NULL, DOMID_SELF);
}

/* munmap and mprotect: the L1 entries of a range rewritten by machine
 * address, RANGE_BATCH to one mmu_update, each batch in one multicall with
 * a local TLB flush when the address space is loaded (native writes the
 * entries and uses invlpg). An unmapped page is unref'd only once its
 * entry is gone. */
#define RANGE_BATCH 64
static mmu_update_t range_reqs[RANGE_BATCH];
static void *range_pages[RANGE_BATCH];

static int range_flush(struct aspace *as, unsigned int n)
{
    static struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    multicall_entry_t calls[2] = {
        { .op = __HYPERVISOR_mmu_update, .args = { (uint32_t)range_reqs, n, 0, DOMID_SELF } },
        { .op = __HYPERVISOR_mmuext_op, .args = { (uint32_t)&flush, 1, 0, DOMID_SELF } },
    };
    return n ? run_batch(calls, as == loaded ? 2 : 1) : 0;
}

/* Rewrite the present entries of [start, end): unmap (`unmap`, the pages
 * unref'd after each batch) or give them protection `prot`. */
static int range_update(struct aspace *as, uint32_t start, uint32_t end, int unmap, enum user_prot prot)
{
    unsigned int n = 0;
    uint32_t next;
    for (uint32_t va = start; va < end && va >= start; va = next) {
        uint64_t l2e = as->l2[(va >> 21) & 511];
        next = (va | 0x1fffff) + 1;
        if (!(l2e & PTE_P))
            continue;
        next = va + PAGE_SIZE;
        unsigned int index = (va >> 12) & 511;
        uint64_t e = ((const uint64_t *)entry_va(l2e))[index];
        if (!(e & PTE_P))
            continue;
        void *page = entry_va(e);
        enum user_prot p = prot == USER_PROT_RW && page_refcount(page) > 1 ? USER_PROT_COW : prot;
        range_pages[n] = page;
        range_reqs[n++] = (mmu_update_t){ .ptr = (l2e & PTE_ADDR) + index * 8 + MMU_NORMAL_PT_UPDATE,
                                          .val = unmap ? 0 : (e & PTE_ADDR) | prot_flags(p) };
        if (n == RANGE_BATCH) {
            if (range_flush(as, n))
                return -22;
            for (unsigned int i = 0; unmap && i < n; i++)
                page_unref(range_pages[i]);
            n = 0;
        }
    }
    if (range_flush(as, n))
        return -22;
    for (unsigned int i = 0; unmap && i < n; i++)
        page_unref(range_pages[i]);
    return 0;
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

/* stack_switch and, when the address space changes, NEW_BASEPTR: one
 * multicall where native writes TSS esp0 and cr3. */
void arch_switch_to(struct aspace *as, uintptr_t kstack_top)
{
    if (!as || as == loaded) {
        if (HYPERVISOR_stack_switch(FLAT_RING1_SS, kstack_top))
            panic("stack_switch failed");
        return;
    }
    struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = as->l3_mfn };
    multicall_entry_t calls[2] = {
        { .op = __HYPERVISOR_stack_switch, .args = { FLAT_RING1_SS, kstack_top } },
        { .op = __HYPERVISOR_mmuext_op, .args = { (uint32_t)&op, 1, 0, DOMID_SELF } },
    };
    if (HYPERVISOR_multicall(calls, 2) || calls[0].result || calls[1].result)
        panic("switch to address space %x failed: %d", as->l3_mfn, (int)calls[1].result);
    loaded = as;
}

uint32_t arch_fault_addr(void)
{
    return shared_info ? shared_info->vcpu_info[0].arch.cr2 : 0;
}

/* ---- start of day: check the M2P, map shared_info, install the traps and
 * the event callback, then map the rest of memory (memory.c). ---- */
void arch_init(struct mem_range *free)
{
    p2m = (uint32_t *)start_info->mfn_list;        /* memory_init moves it */
    p2m_pages = start_info->nr_pages;
    for (uint32_t pfn = 0; pfn < 4; pfn++)        /* the M2P this file reads */
        if (M2P[p2m[pfn]] != pfn)
            panic("M2P[%x] is %x, not pfn %x", p2m[pfn], M2P[p2m[pfn]], pfn);
    if (set_pte((uintptr_t)shared_info_page, start_info->shared_info | PTE_P | PTE_RW | PTE_A) == 0)
        shared_info = (shared_info_t *)shared_info_page;
    if (!shared_info)
        panic("cannot map shared_info");
    traps_init();
    events_init();
    memory_init(free);     /* free: after the boot stack to the end of memory */
}

const char *arch_name(void) { return "pv"; }
const char *arch_platform(void)
{
    return start_info->flags & SIF_INITDOMAIN ? "pvx, ring 1, dom0" : "pvx, ring 1, domU";
}
const char *arch_cmdline(void) { return (const char *)start_info->cmd_line; }

/* The ramdisk module (dom0's, or a boot-time domU's "ramdisk" module): pvx
 * loads it after the kernel image, inside the bootstrap mapping (mod_start
 * is a virtual address). */
void arch_initrd(const void **start, size_t *len)
{
    *start = (const void *)start_info->mod_start;
    *len = start_info->mod_start ? start_info->mod_len : 0;
}
