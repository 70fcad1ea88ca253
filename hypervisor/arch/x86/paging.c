/*
 * pvx: the hypervisor's page tables and the machine memory setup.
 *
 * The boot code left a 1 GiB mapping of low memory at -2 GiB (the image).
 * paging_init() adds the direct map (all machine memory, 2 MiB pages, at
 * DIRECTMAP_BASE) and drops the identity map, so L4 slot 0 is free for
 * guests. memory_init() carves the frame table and the M2P out of RAM and
 * hands every other RAM frame to the frame allocator.
 */
#include <pvx/lib.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/setup.h>

extern intpte_t boot_l4[];
intpte_t *idle_l4 = boot_l4;

static intpte_t directmap_l3[512] __attribute__((aligned(4096)));
static intpte_t directmap_l2[MAX_DIRECTMAP_GIB][512] __attribute__((aligned(4096)));

mfn_t m2p_first_mfn;
unsigned long m2p_nr_2m;

#define HYP_PTE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* paging_init: see asm/setup.h. */
void paging_init(void)
{
    for (unsigned int g = 0; g < MAX_DIRECTMAP_GIB; g++) {
        for (unsigned int i = 0; i < 512; i++)
            directmap_l2[g][i] = (((uint64_t)g << 30) + ((uint64_t)i << 21)) | HYP_PTE | _PAGE_PSE;
        directmap_l3[g] = IMAGE_VIRT_TO_PHYS(directmap_l2[g]) | HYP_PTE;
    }
    boot_l4[DIRECTMAP_L4_SLOT] = IMAGE_VIRT_TO_PHYS(directmap_l3) | HYP_PTE;
    boot_l4[0] = 0;
    write_cr3(read_cr3());

    uint32_t a, b, c, d;
    cpuid(0x80000001, &a, &b, &c, &d);
    if (d & (1u << 20))
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    /* SMEP/SMAP would fault ring-1 guest kernels on their own user pages
     * (ring 1 counts as supervisor); firmware should not have set them,
     * but make sure. */
    write_cr4((read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT) & ~(CR4_SMEP | CR4_SMAP));
}

struct phys_range { paddr_t start, end; };

/* Ranges of RAM that are in use before the allocator exists. */
static struct phys_range reserved[BOOT_MAX_MODULES + 4];
static unsigned int nr_reserved;

static void reserve(paddr_t start, paddr_t end)
{
    reserved[nr_reserved++] = (struct phys_range){ start & PAGE_MASK, ALIGN_UP(end, PAGE_SIZE) };
}

/* True if [start, end) overlaps nothing reserved. */
static bool range_is_free(paddr_t start, paddr_t end)
{
    for (unsigned int i = 0; i < nr_reserved; i++)
        if (start < reserved[i].end && reserved[i].start < end)
            return false;
    return true;
}

/* Find `size` bytes of usable RAM aligned to `align`, below the direct map
 * limit, not reserved; reserve and return it. Searches from the top down so
 * low memory stays for the domains. */
static paddr_t boot_alloc(paddr_t size, paddr_t align)
{
    const paddr_t limit = (paddr_t)MAX_DIRECTMAP_GIB << 30;
    for (int i = (int)boot_info.nr_mmap - 1; i >= 0; i--) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->type != 1 || e->start + e->len <= e->start)
            continue;
        paddr_t top = e->start + e->len;
        if (top > limit)
            top = limit;
        for (paddr_t pa = (top - size) & ~(align - 1);
             pa >= e->start && pa + size <= top && pa >= 0x100000; pa -= align) {
            if (range_is_free(pa, pa + size)) {
                reserve(pa, pa + size);
                return pa;
            }
            if (pa < align)
                break;
        }
    }
    panic("out of memory at boot (need %llu bytes)", (unsigned long long)size);
}

/* memory_init: see asm/setup.h. */
void memory_init(void)
{
    paddr_t top = 0;
    for (unsigned int i = 0; i < boot_info.nr_mmap; i++) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->type == 1 && e->start + e->len > top)
            top = e->start + e->len;
    }
    if (top > ((paddr_t)MAX_DIRECTMAP_GIB << 30)) {
        printk("memory above %u GiB is not used\n", MAX_DIRECTMAP_GIB);
        top = (paddr_t)MAX_DIRECTMAP_GIB << 30;
    }
    mfn_t nr_frames = top >> PAGE_SHIFT;

    reserve(0, 0x100000);
    reserve((paddr_t)__image_start_phys, IMAGE_VIRT_TO_PHYS(__image_end));
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        reserve(boot_info.module[i].start, boot_info.module[i].end);

    paddr_t ft = boot_alloc(ALIGN_UP(nr_frames * sizeof(struct page_info), PAGE_SIZE), PAGE_SIZE);
    m2p_nr_2m = ALIGN_UP(nr_frames * 4, 1ull << 21) >> 21;
    if (m2p_nr_2m > (0xF6800000u - 0xF5800000u) >> 21)
        panic("M2P would not fit its guest window");
    paddr_t m2p = boot_alloc(m2p_nr_2m << 21, 1ull << 21);
    m2p_first_mfn = m2p >> PAGE_SHIFT;
    machine_to_phys = maddr_to_virt(m2p);
    memset(machine_to_phys, 0xff, m2p_nr_2m << 21);

    frame_table_init(maddr_to_virt(ft), nr_frames);
    /* Hand frames to the allocator from the top down: it gives out the
     * most recently added first, so domains get low memory first and the
     * frames a 32-bit guest must be told about in 32-bit fields (its
     * shared_info address) stay below 4 GiB while there is memory there. */
    unsigned long nr_ram = 0;
    for (int i = (int)boot_info.nr_mmap - 1; i >= 0; i--) {
        const struct boot_mmap_entry *e = &boot_info.mmap[i];
        if (e->type != 1)
            continue;
        mfn_t first = ALIGN_UP(e->start, PAGE_SIZE) >> PAGE_SHIFT;
        mfn_t end = (e->start + e->len) >> PAGE_SHIFT;
        if (end > nr_frames)
            end = nr_frames;
        for (mfn_t mfn = end; mfn-- > first;) {
            nr_ram++;
            paddr_t pa = mfn << PAGE_SHIFT;
            if (range_is_free(pa, pa + PAGE_SIZE))
                frame_alloc_add_free(mfn, 1);
        }
    }
    printk("memory: %lu MiB RAM, %lu frames free, frame table %lu KiB, M2P %lu MiB\n",
           nr_ram >> 8, frame_alloc_free_count(),
           (unsigned long)(nr_frames * sizeof(struct page_info)) >> 10, m2p_nr_2m * 2);
}

/* Give the frames of a boot module back to the allocator once it is used;
 * returns how many. */
unsigned long free_boot_module(const struct boot_module *m)
{
    unsigned long n = 0;
    for (paddr_t pa = m->start & PAGE_MASK; pa < m->end; pa += PAGE_SIZE) {
        mfn_t mfn = pa >> PAGE_SHIFT;
        if (mfn_valid(mfn) && frame_table[mfn].owner == DOMID_XEN_ID && frame_table[mfn].count == 0) {
            frame_alloc_add_free(mfn, 1);
            n++;
        }
    }
    return n;
}

/* arch_mfn_to_virt (pvx/arch.h) is inline over the direct map. */
_Static_assert(ARCH_DIRECTMAP_BASE == DIRECTMAP_BASE, "pvx/arch.h's ARCH_DIRECTMAP_BASE");

/* arch_flush_tlb_local: reloading CR3 drops all non-global entries. */
void arch_flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

/* arch_invlpg_local: see pvx/arch.h. */
void arch_invlpg_local(guest_va_t va)
{
    invlpg(va);
}

/* arch_fill_hypervisor_l2: the M2P, read-only, as 2 MiB pages from
 * MACH2PHYS_VIRT_START; the remaining hypervisor slots stay empty. */
void arch_fill_hypervisor_l2(intpte_t *l2)
{
    for (unsigned int i = L2_HYPERVISOR_FIRST; i < L2_ENTRIES; i++) {
        unsigned int n = i - L2_HYPERVISOR_FIRST;
        l2[i] = n < m2p_nr_2m
            ? ((m2p_first_mfn << PAGE_SHIFT) + ((uint64_t)n << 21)) |
              _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_PSE
            : 0;
    }
}

/* make_vcpu_l4: see asm/page.h. */
mfn_t make_vcpu_l4(intpte_t **pervcpu_l1)
{
    mfn_t l4 = alloc_xen_frame(), l3 = alloc_xen_frame(), l2 = alloc_xen_frame(), l1 = alloc_xen_frame();
    if (l4 == INVALID_MFN || l3 == INVALID_MFN || l2 == INVALID_MFN || l1 == INVALID_MFN)
        return INVALID_MFN;
    intpte_t *t4 = arch_mfn_to_virt(l4), *t3 = arch_mfn_to_virt(l3), *t2 = arch_mfn_to_virt(l2);
    *pervcpu_l1 = arch_mfn_to_virt(l1);
    memset(t4, 0, PAGE_SIZE);
    memset(t3, 0, PAGE_SIZE);
    memset(t2, 0, PAGE_SIZE);
    memset(*pervcpu_l1, 0, PAGE_SIZE);
    for (unsigned int i = 1; i < 512; i++)
        t4[i] = idle_l4[i];
    t4[PERVCPU_L4_SLOT] = (l3 << PAGE_SHIFT) | HYP_PTE;
    t3[l3_index(PERVCPU_BASE)] = (l2 << PAGE_SHIFT) | HYP_PTE;
    t2[l2_index(PERVCPU_BASE)] = (l1 << PAGE_SHIFT) | HYP_PTE;
    return l4;
}
