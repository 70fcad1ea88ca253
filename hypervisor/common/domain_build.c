/*
 * pvx: the PV domain builder (Xen's start-of-day layout for x86_32 PAE).
 *
 * Guest virtual addresses of the bootstrap region are VIRT_BASE + pfn * 4096,
 * in this order, each page aligned: kernel image, initrd, p2m list (one
 * 32-bit mfn per pfn), start_info, xenstore page, console page, bootstrap
 * page tables (L3, then L2s, then L1s), boot stack. The mapping runs to a
 * 4 MiB boundary with at least 512 KiB spare. Page-table frames are mapped
 * read-only; the L3 is pinned through the same mmuext_op path a guest uses,
 * so the builder's tables pass the same validation as any guest's.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/domain_build.h>
#include <pvx/grant_table.h>
#include <public/grant_table.h>
#include <pvx/elf_loader.h>
#include <public/xen.h>

#define MB(x) ((uint64_t)(x) << 20)

#define MAX_BUILD_PAGES (1ul << 20)            /* 4 GiB of guest memory */
#define P2M_PER_FRAME (PAGE_SIZE / 4)

struct builder {
    struct domain *d;
    unsigned long nr_pages;
    uint32_t virt_base;
    uint32_t p2m_first_pfn;  /* where the p2m list sits in the guest */
    mfn_t p2m_frames[MAX_BUILD_PAGES / P2M_PER_FRAME];  /* its frames */
};

/* The guest's p2m entry for pfn (the list lives in the guest's own frames). */
static uint32_t *p2m_slot(struct builder *b, unsigned long pfn)
{
    uint32_t *frame = arch_mfn_to_virt(b->p2m_frames[pfn / P2M_PER_FRAME]);
    return &frame[pfn % P2M_PER_FRAME];
}

/* Machine frame backing guest pfn. */
static mfn_t pfn_to_mfn(struct builder *b, unsigned long pfn)
{
    return *p2m_slot(b, pfn);
}

/* Hypervisor pointer to the guest byte at va (inside the bootstrap region). */
static uint8_t *va_ptr(struct builder *b, uint32_t va)
{
    uint32_t pfn = (va - b->virt_base) >> PAGE_SHIFT;
    return (uint8_t *)arch_mfn_to_virt(pfn_to_mfn(b, pfn)) + (va & (PAGE_SIZE - 1));
}

/* elf_load callback: copy bytes to the guest, page by page. */
static void write_guest(void *ctx, uint32_t va, const void *src, uint32_t len)
{
    struct builder *b = ctx;
    const uint8_t *s = src;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(va_ptr(b, va), s, chunk);
        va += chunk, s += chunk, len -= chunk;
    }
}

/* elf_load callback: frames come zeroed from the allocator, but be exact. */
static void zero_guest(void *ctx, uint32_t va, uint32_t len)
{
    struct builder *b = ctx;
    while (len) {
        uint32_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memset(va_ptr(b, va), 0, chunk);
        va += chunk, len -= chunk;
    }
}

/* hypercall_page_fill: see pvx/domain_build.h. */
void hypercall_page_fill(uint8_t *page)
{
    memset(page, 0xCC, PAGE_SIZE);
    for (uint32_t nr = 0; nr < PAGE_SIZE / 32; nr++) {
        uint8_t *p = page + nr * 32;
        if (nr == __HYPERVISOR_iret)
            *p++ = 0x50;                       /* push %eax */
        *p++ = 0xB8;                           /* mov $nr, %eax */
        memcpy(p, &nr, 4);
        p += 4;
        *p++ = 0xCD;                           /* int $0x82 */
        *p++ = 0x82;
        if (nr != __HYPERVISOR_iret)
            *p = 0xC3;                         /* ret */
    }
}

/* Number of page-table frames needed to map [start, end): one L3, an L2
 * per GiB touched (slot 3 always has one), an L1 per 2 MiB touched. */
static uint32_t pt_frames_needed(uint32_t start, uint64_t end)
{
    uint32_t l1s = (uint32_t)(((end + MB(2) - 1) >> 21) - (start >> 21));
    uint32_t first_gib = start >> 30, last_gib = (uint32_t)((end - 1) >> 30);
    uint32_t l2s = last_gib - first_gib + 1 + (last_gib < 3 ? 1 : 0);
    return 1 + l2s + l1s;
}

/* Work out the layout (see the file comment). -ENOMEM if it cannot fit. */
static int plan_layout(const struct elf_image_info *info, const struct domain_build_params *p,
                       struct domain_layout *l, char *err, size_t err_len)
{
    uint64_t cur;
    memset(l, 0, sizeof(*l));
    l->virt_base = info->virt_base;
    l->kernel_start = info->image_start;
    l->kernel_end = info->image_end;
    l->initrd_start = l->kernel_end;
    cur = ALIGN_UP((uint64_t)l->initrd_start + p->initrd_size, PAGE_SIZE);
    l->p2m_start = (uint32_t)cur;
    cur += ALIGN_UP((uint64_t)p->nr_pages * 4, PAGE_SIZE);
    l->start_info_va = (uint32_t)cur;
    l->store_va = l->start_info_va + PAGE_SIZE;
    l->console_va = l->store_va + PAGE_SIZE;
    l->pt_start = l->console_va + PAGE_SIZE;
    uint64_t end = 0;
    for (uint32_t nr_pt = 1; nr_pt < 4096; nr_pt++) {
        end = ALIGN_UP((uint64_t)l->pt_start + (nr_pt + 1) * PAGE_SIZE + 512 * 1024, MB(4));
        if (end > HYPERVISOR_VIRT_START_PAE)
            break;
        if (pt_frames_needed(l->virt_base, end) <= nr_pt) {
            l->nr_pt_frames = nr_pt;
            break;
        }
    }
    if (!l->nr_pt_frames || end > HYPERVISOR_VIRT_START_PAE) {
        snprintf(err, err_len, "bootstrap region would reach the hypervisor area");
        return -EINVAL;
    }
    l->stack_va = l->pt_start + l->nr_pt_frames * PAGE_SIZE;
    l->virt_end = (uint32_t)end;
    uint64_t need = (end - l->virt_base) >> PAGE_SHIFT;
    if (need > p->nr_pages) {
        snprintf(err, err_len, "memory too small: the bootstrap region needs %llu pages, the domain has %lu",
                 (unsigned long long)need, p->nr_pages);
        return -ENOMEM;
    }
    return 0;
}

/* Allocate every frame, writing the guest's p2m list and the M2P. The
 * p2m frames are allocated first so the list has somewhere to go. */
static int populate(struct builder *b, char *err, size_t err_len)
{
    unsigned long nr_p2m = (b->nr_pages + P2M_PER_FRAME - 1) / P2M_PER_FRAME;
    for (unsigned long i = 0; i < nr_p2m; i++) {
        b->p2m_frames[i] = alloc_domain_frame(b->d);
        if (b->p2m_frames[i] == INVALID_MFN)
            goto oom;
    }
    for (unsigned long pfn = 0; pfn < b->nr_pages; pfn++) {
        unsigned long p2m_index = pfn - b->p2m_first_pfn;
        mfn_t mfn = pfn >= b->p2m_first_pfn && p2m_index < nr_p2m
            ? b->p2m_frames[p2m_index] : alloc_domain_frame(b->d);
        if (mfn == INVALID_MFN)
            goto oom;
        *p2m_slot(b, pfn) = (uint32_t)mfn;
        machine_to_phys[mfn] = (uint32_t)pfn;
    }
    return 0;
oom:
    snprintf(err, err_len, "out of memory for %lu pages", b->nr_pages);
    return -ENOMEM;
}

/* Write the bootstrap page tables into the pt frames, mapping [virt_base, virt_end). */
static mfn_t build_page_tables(struct builder *b, const struct domain_layout *l)
{
    uint32_t next_pt = (l->pt_start - b->virt_base) >> PAGE_SHIFT;
    uint32_t pt_first = next_pt, pt_end = pt_first + l->nr_pt_frames;
    mfn_t l3_mfn = pfn_to_mfn(b, next_pt++);
    intpte_t *l3 = arch_mfn_to_virt(l3_mfn);
    const intpte_t l3_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
    const intpte_t l2_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
    intpte_t *l2 = NULL, *l1 = NULL;

    /* L2s first (pt order: L3, L2s, L1s), then L1s as the walk needs them. */
    mfn_t l2_for_slot[4] = { INVALID_MFN, INVALID_MFN, INVALID_MFN, INVALID_MFN };
    for (uint32_t slot = b->virt_base >> 30; slot <= ((l->virt_end - 1) >> 30); slot++)
        l2_for_slot[slot] = pfn_to_mfn(b, next_pt++);
    if (l2_for_slot[3] == INVALID_MFN)
        l2_for_slot[3] = pfn_to_mfn(b, next_pt++);
    for (unsigned int slot = 0; slot < 4; slot++)
        if (l2_for_slot[slot] != INVALID_MFN)
            l3[slot] = (l2_for_slot[slot] << PAGE_SHIFT) | l3_flags;

    for (uint64_t va = b->virt_base; va < l->virt_end; va += PAGE_SIZE) {
        l2 = arch_mfn_to_virt(l2_for_slot[va >> 30]);
        unsigned int l2i = (va >> 21) & 511, l1i = (va >> 12) & 511;
        if (!(l2[l2i] & _PAGE_PRESENT)) {
            mfn_t l1_mfn = pfn_to_mfn(b, next_pt++);
            l2[l2i] = (l1_mfn << PAGE_SHIFT) | l2_flags;
        }
        l1 = arch_mfn_to_virt(l2[l2i] >> PAGE_SHIFT);
        uint32_t pfn = (uint32_t)((va - b->virt_base) >> PAGE_SHIFT);
        intpte_t flags = _PAGE_PRESENT | _PAGE_ACCESSED;
        if (pfn < pt_first || pfn >= pt_end)
            flags |= _PAGE_RW;                 /* page tables stay read-only */
        l1[l1i] = (pfn_to_mfn(b, pfn) << PAGE_SHIFT) | flags;
    }
    return l3_mfn;
}

/* The store and console pages are written by the hypervisor (and later
 * by dom0's backends): each keeps a writable type reference for the
 * domain's life, so the guest cannot make it a page table under us. */
static int claim_ring_pages(struct builder *b, const struct domain_layout *l, char *err, size_t err_len)
{
    mfn_t store = pfn_to_mfn(b, (l->store_va - b->virt_base) >> PAGE_SHIFT);
    mfn_t console = pfn_to_mfn(b, (l->console_va - b->virt_base) >> PAGE_SHIFT);
    if (get_page_and_type(store, b->d, PGT_writable) != 0 ||
        get_page_and_type(console, b->d, PGT_writable) != 0) {
        snprintf(err, err_len, "cannot claim the store and console pages");
        return -EINVAL;
    }
    b->d->store_mfn = store;
    b->d->console_mfn = b->d->is_privileged ? INVALID_MFN : console;
    /* As Xen's toolstack: a domU's reserved grant entries give dom0 (its
     * console and store backends) its console ring and store page. */
    if (!b->d->is_privileged &&
        (grant_table_seed(b->d, GNTTAB_RESERVED_CONSOLE, 0, console) ||
         grant_table_seed(b->d, GNTTAB_RESERVED_XENSTORE, 0, store))) {
        snprintf(err, err_len, "no frame for the grant table");
        return -ENOMEM;
    }
    return 0;
}

/* Fill start_info (see the ABI facts, section 3). */
static void write_start_info(struct builder *b, const struct domain_layout *l,
                             const struct domain_build_params *p)
{
    struct start_info *si = (struct start_info *)va_ptr(b, l->start_info_va);
    memset(si, 0, PAGE_SIZE);
    memcpy(si->magic, "xen-3.0-x86_32p", 16);
    si->nr_pages = (uint32_t)b->nr_pages;
    si->shared_info = (uint32_t)(b->d->shared_info_mfn << PAGE_SHIFT);
    si->flags = b->d->is_privileged ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0;
    si->store_mfn = (uint32_t)b->d->store_mfn;
    si->store_evtchn = p->store_port;
    if (!b->d->is_privileged) {
        si->console.domU.mfn = (uint32_t)b->d->console_mfn;
        si->console.domU.evtchn = p->console_port;
    }
    si->pt_base = l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->p2m_start;
    si->mod_start = p->initrd_size ? l->initrd_start : 0;
    si->mod_len = (uint32_t)p->initrd_size;
    if (p->cmdline) {
        size_t n = strlen(p->cmdline);
        if (n > MAX_GUEST_CMDLINE - 1)
            n = MAX_GUEST_CMDLINE - 1;
        memcpy(si->cmd_line, p->cmdline, n);
    }
}

/* domain_build: see pvx/domain_build.h. */
int domain_build(struct domain *d, const struct domain_build_params *p,
                 struct domain_start_state *start, struct domain_layout *layout,
                 char *err, size_t err_len)
{
    struct elf_image_info info;
    struct domain_layout l;
    int rc = elf_parse(p->kernel, p->kernel_size, &info, err, err_len);
    if (rc)
        return rc;
    if (p->initrd_size > ELF_MAX_IMAGE_SPAN) {
        snprintf(err, err_len, "initrd too large");
        return -EINVAL;
    }
    if (p->nr_pages == 0 || p->nr_pages > d->max_pages || p->nr_pages > MAX_BUILD_PAGES) {
        snprintf(err, err_len, "bad memory size: %lu pages", p->nr_pages);
        return -EINVAL;
    }
    rc = plan_layout(&info, p, &l, err, err_len);
    if (rc)
        return rc;
    /* start_info.shared_info is a 32-bit machine address. */
    if (d->shared_info_mfn >= (1ull << (32 - PAGE_SHIFT))) {
        snprintf(err, err_len, "shared_info frame %llx is above 4 GiB",
                 (unsigned long long)d->shared_info_mfn);
        return -ENOMEM;
    }

    static struct builder b;                   /* 8 KiB: keep it off the stack */
    b.d = d;
    b.nr_pages = p->nr_pages;
    b.virt_base = l.virt_base;
    b.p2m_first_pfn = (l.p2m_start - l.virt_base) >> PAGE_SHIFT;
    rc = populate(&b, err, err_len);
    if (rc)
        return rc;

    rc = elf_load(p->kernel, p->kernel_size, &info, write_guest, zero_guest, &b);
    if (rc) {
        snprintf(err, err_len, "ELF: could not load segments");
        return rc;
    }
    if (p->initrd_size)
        write_guest(&b, l.initrd_start, p->initrd, (uint32_t)p->initrd_size);
    if (info.has_hypercall_page)
        hypercall_page_fill(va_ptr(&b, info.hypercall_page_va));
    rc = claim_ring_pages(&b, &l, err, err_len);
    if (rc)
        return rc;
    write_start_info(&b, &l, p);
    mfn_t l3 = build_page_tables(&b, &l);

    struct vcpu *v = d->vcpu0;
    rc = mmuext_op_one(v, MMUEXT_PIN_L3_TABLE, (uint32_t)l3, 0);
    if (rc == 0)
        rc = mmuext_op_one(v, MMUEXT_NEW_BASEPTR, (uint32_t)l3, 0);
    if (rc) {
        snprintf(err, err_len, "bootstrap page tables failed validation (%d)", rc);
        return rc;
    }
    start->entry = info.entry;
    start->stack_top = l.stack_va + PAGE_SIZE;
    start->start_info_va = l.start_info_va;
    if (layout)
        *layout = l;
    return 0;
}
