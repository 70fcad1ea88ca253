/*
 * pvx: guest descriptor tables. A PV kernel's GDT and LDT frames are typed
 * PGT_seg_desc (so no writable mapping of them can exist, and every
 * descriptor in them passed descriptor_is_safe()) and mapped into the
 * vCPU's per-vCPU area, where the CPU reads them. The guest changes them
 * only through update_descriptor.
 */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/mm.h>
#include <pvx/arch.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <public/xen.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/page.h>
#include <asm/vcpu.h>

#define LDT_L1_FIRST 16     /* per-vCPU L1 slots 16..31 map the LDT */
#define DESC_FRAME_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* Print why a guest request was refused (naming the domain) and return err. */
#define refuse(d, err, fmt, ...) guest_refusal((d)->domain_id, (err), fmt, ##__VA_ARGS__)

/* Type every frame in mfns[] as a descriptor frame of d; all or nothing.
 * (A frame refused for its type or contents was reported by page_type.c.) */
static int get_desc_frames(struct domain *d, const mfn_t *mfns, unsigned int n, const char *op)
{
    for (unsigned int i = 0; i < n; i++) {
        int rc = mfn_valid(mfns[i]) ? get_page_and_type(mfns[i], d, PGT_seg_desc) : -EINVAL;
        if (rc) {
            if (!mfn_valid(mfns[i]))
                printk("d%u: %s: frame 0x%lx does not exist\n", d->domain_id, op,
                       (unsigned long)mfns[i]);
            else if (rc == -EPERM)
                printk("d%u: %s: frame 0x%lx is not the domain's\n", d->domain_id, op,
                       (unsigned long)mfns[i]);
            while (i--)
                put_page_and_type(mfns[i]);
            return -EINVAL;
        }
    }
    return 0;
}

/* Drop the references of a descriptor-frame list. */
static void put_desc_frames(const mfn_t *mfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        put_page_and_type(mfns[i]);
}

/* Reload the hypervisor's view of the per-vCPU area if v is running. */
static void flush_pervcpu(struct vcpu *v)
{
    if (current == v)
        write_cr3(read_cr3());
}

/* set_gdt(frames, entries): see docs/abi.md. */
long do_set_gdt(uint32_t frames, uint32_t entries)
{
    struct vcpu *v = current;
    struct arch_vcpu *a = v->arch;
    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return refuse(v->domain, -EINVAL, "set_gdt: %u entries, at most %u",
                      entries, FIRST_RESERVED_GDT_ENTRY);
    unsigned int n = (entries + 511) / 512;
    uint32_t list[NR_GUEST_GDT_FRAMES];
    mfn_t mfns[NR_GUEST_GDT_FRAMES];
    if (n && copy_from_guest(list, frames, n * sizeof(uint32_t)))
        return -EFAULT;
    for (unsigned int i = 0; i < n; i++)
        mfns[i] = list[i];
    if (get_desc_frames(v->domain, mfns, n, "set_gdt"))
        return -EINVAL;
    put_desc_frames(a->gdt_frames, a->nr_gdt_frames);
    memcpy(a->gdt_frames, mfns, n * sizeof(mfn_t));
    a->nr_gdt_frames = n;
    a->gdt_ents = entries;
    gdt_init_pervcpu(a->pervcpu_l1);
    for (unsigned int i = 0; i < n; i++)
        a->pervcpu_l1[i] = (mfns[i] << PAGE_SHIFT) | DESC_FRAME_FLAGS;
    flush_pervcpu(v);
    return 0;
}

/* update_descriptor(ma_lo, ma_hi, desc_lo, desc_hi): see docs/abi.md. */
long do_update_descriptor(uint32_t ma_lo, uint32_t ma_hi, uint32_t desc_lo, uint32_t desc_hi)
{
    struct domain *d = current->domain;
    paddr_t ma = ((paddr_t)ma_hi << 32) | ma_lo;
    uint64_t desc = ((uint64_t)desc_hi << 32) | desc_lo;
    mfn_t mfn = ma >> PAGE_SHIFT;
    if ((ma & 7) || !mfn_valid(mfn))
        return refuse(d, -EINVAL, "update_descriptor: bad address 0x%llx", (unsigned long long)ma);
    if (!descriptor_fixup(&desc))      /* DPL 0 becomes 1, as in Xen */
        return refuse(d, -EINVAL, "update_descriptor: descriptor 0x%llx is not safe",
                      (unsigned long long)desc);
    if (!get_page(mfn, d))
        return refuse(d, -EINVAL, "update_descriptor: frame 0x%lx is not the domain's",
                      (unsigned long)mfn);
    /* A live descriptor frame keeps its type; anything else must be
     * writable (not a page table). */
    enum page_type t = frame_table[mfn].type == PGT_seg_desc && frame_table[mfn].type_count
        ? PGT_seg_desc : PGT_writable;
    if (get_page_type(mfn, t) != 0) {
        put_page(mfn);
        return -EINVAL;
    }
    uint64_t *slot = (uint64_t *)((uint8_t *)arch_mfn_to_virt(mfn) + (ma & (PAGE_SIZE - 1)));
    *slot = desc;
    put_page_type(mfn);
    put_page(mfn);
    return 0;
}

/* arch_set_ldt: see pvx/arch.h. Maps the LDT now (Xen maps it lazily on
 * first use; eager mapping gives the guest its error at once). */
int arch_set_ldt(struct vcpu *v, guest_va_t base, unsigned int nr_ents)
{
    struct arch_vcpu *a = v->arch;
    unsigned int n = (nr_ents * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
    mfn_t mfns[NR_LDT_FRAMES];
    if (n > NR_LDT_FRAMES)
        return -EINVAL;
    for (unsigned int i = 0; i < n; i++) {
        paddr_t pte_maddr;
        intpte_t pte = 0;
        if (guest_va_to_l1e_maddr(v, base + i * PAGE_SIZE, &pte_maddr) == 0)
            pte = *(intpte_t *)((uint8_t *)arch_mfn_to_virt(pte_maddr >> PAGE_SHIFT) +
                                (pte_maddr & (PAGE_SIZE - 1)));
        if (!(pte & _PAGE_PRESENT))
            return refuse(v->domain, -EINVAL, "set_ldt: page at 0x%x is not mapped",
                          base + i * PAGE_SIZE);
        mfns[i] = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if (get_desc_frames(v->domain, mfns, n, "set_ldt"))
        return -EINVAL;
    put_desc_frames(a->ldt_frames, a->nr_ldt_frames);
    memcpy(a->ldt_frames, mfns, n * sizeof(mfn_t));
    a->nr_ldt_frames = n;
    a->ldt_ents = nr_ents;
    a->ldt_base = base;
    for (unsigned int i = 0; i < NR_LDT_FRAMES; i++)
        a->pervcpu_l1[LDT_L1_FIRST + i] = i < n ? (mfns[i] << PAGE_SHIFT) | DESC_FRAME_FLAGS : 0;
    flush_pervcpu(v);
    if (current == v)
        ldt_load(nr_ents);
    return 0;
}
