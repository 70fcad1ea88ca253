/*
 * pvx: the MMU operations a PV guest asks for (mmu_update, mmuext_op,
 * update_va_mapping), one request at a time.
 *
 * Every change to a live page table comes through here and keeps the
 * invariants of page_type.c: the new entry is checked and takes its
 * references first, then it is written, then the old entry's references
 * are dropped. So a refused request changes nothing, and a frame that the
 * old and the new entry both map never drops to zero references in between.
 *
 * The frame being changed stays alive without a reference of its own (the
 * mmu_update path is hot, and a get/put pair on it costs a tenth of a
 * request): a live L1/L2/L3 has type_count > 0, so some holder (an entry
 * of a higher table, a pin or a base pointer) holds a type and a general
 * reference on it (mm.h, invariants 2-3), and the cascade of puts a change
 * starts never reaches that holder: an L1 entry references only data
 * frames (or tables, read-only, with a general reference the entry itself
 * holds), an L2 entry an L1 and what it maps, an L3 entry an L2 subtree; a
 * table is never referenced by its own level or below (recursive tables
 * are refused), and pins and base pointers change only through mmuext_op.
 * A plain frame (plain_write) does take a reference while it is written.
 */
#include <pvx/mm.h>
#include <public/xen.h>
#include <pvx/domain.h>
#include <pvx/arch.h>
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/guest_access.h>

#define PTE_SIZE sizeof(intpte_t)
#define LDT_MAX_ENTRIES 8192
#define LDT_ENTRY_SIZE 8

/* Print why a guest request was refused (naming the domain) and return err. */
#define refuse(d, err, fmt, ...) guest_refusal((d)->domain_id, (err), fmt, ##__VA_ARGS__)

static intpte_t *entry_at(mfn_t table, unsigned int slot)
{
    return (intpte_t *)arch_mfn_to_virt(table) + slot;
}

/* Keep A/D bits the hardware may have set in the old entry (PRESERVE_AD). */
static intpte_t merge_ad(intpte_t new, intpte_t old, bool preserve_ad)
{
    return preserve_ad ? new | (old & (_PAGE_ACCESSED | _PAGE_DIRTY)) : new;
}

/* ---- changing one entry of a validated table ---- */

/* Change L1 entry *pl1e. The fast path is Xen's: when the new entry
 * differs from the old one only in L1_FASTPATH_FLAGS (same frame, same P,
 * RW, PWT, PCD, PAT), the old entry's references are exactly the ones the
 * new entry needs, and the new one passes every check the old one passed
 * (it was validated: mm.h invariant 5; the bits that differ are allowed in
 * any L1 entry), so it is just written. (Both not present: nothing to
 * take or drop either.) */
static inline __attribute__((always_inline))
int mod_l1_entry(struct domain *d, intpte_t *pl1e, intpte_t new, bool preserve_ad)
{
    intpte_t old = *pl1e;
    new = merge_ad(new, old, preserve_ad);
    if (((old ^ new) & ~L1_FASTPATH_FLAGS) == 0) {
        *pl1e = new;
        return 0;
    }
    int rc = get_page_from_l1e(new, d);
    if (rc)
        return rc;
    *pl1e = new;
    put_page_from_l1e(old);
    return 0;
}

static int mod_l2_entry(struct domain *d, mfn_t l2, unsigned int slot, intpte_t new,
                        bool preserve_ad)
{
    if ((mfn_to_page(l2)->flags & PGF_xen_l2) && slot >= L2_HYPERVISOR_FIRST)
        return refuse(d, -EPERM, "mmu_update: L2 0x%lx slot %u belongs to the hypervisor",
                      (unsigned long)l2, slot);
    intpte_t *pl2e = entry_at(l2, slot);
    intpte_t old = *pl2e;
    new = merge_ad(new, old, preserve_ad);
    int rc = get_page_from_l2e(new, d);
    if (rc)
        return rc;
    *pl2e = new;
    put_page_from_l2e(old);
    return 0;
}

/* Slot 3 holds the hypervisor L2 for the table's life; slots 4+ must stay
 * empty. Only slots 0-2 change. */
static int mod_l3_entry(struct domain *d, mfn_t l3, unsigned int slot, intpte_t new,
                        bool preserve_ad)
{
    if (slot >= L3_XEN_L2_SLOT)
        return refuse(d, -EINVAL, "mmu_update: L3 0x%lx slot %u cannot be changed%s",
                      (unsigned long)l3, slot,
                      slot == L3_XEN_L2_SLOT ? " (it holds the hypervisor L2)" : "");
    intpte_t *pl3e = entry_at(l3, slot);
    intpte_t old = *pl3e;
    new = merge_ad(new, old, preserve_ad);
    int rc = get_page_from_l3e(new, d, slot, l3);
    if (rc)
        return rc;
    *pl3e = pte_present(new) ? new | L3_GUEST_ADDED_FLAGS : new;
    put_page_from_l3e(old);
    return 0;
}

/* A write into a frame that is not a live page table: allowed if the frame
 * could be mapped writable right now (it holds a general reference and the
 * writable type meanwhile). */
static int plain_write(struct domain *d, mfn_t mfn, unsigned int slot, intpte_t val,
                       bool preserve_ad)
{
    if (!get_page(mfn, d))
        return -EPERM;      /* not reached: the caller checked the owner */
    int rc = get_page_type(mfn, PGT_writable);
    if (rc == 0) {
        intpte_t *p = entry_at(mfn, slot);
        *p = merge_ad(val, *p, preserve_ad);
        put_page_type(mfn);
    } else {
        rc = refuse(d, -EINVAL, "mmu_update: frame 0x%lx is not writable", (unsigned long)mfn);
    }
    put_page(mfn);
    return rc;
}

/* Refuse a ptr that is not in one of d's frames. */
static int refuse_ptr(struct domain *d, paddr_t maddr)
{
    mfn_t mfn = maddr >> PAGE_SHIFT;
    if (!mfn_valid(mfn))
        return refuse(d, -EINVAL, "mmu_update: ptr 0x%llx is not in a machine frame",
                      (unsigned long long)maddr);
    char name[OWNER_NAME_LEN];
    return refuse(d, -EPERM, "mmu_update: ptr 0x%llx is in frame 0x%lx owned by %s",
                  (unsigned long long)maddr, (unsigned long)mfn,
                  owner_name(mfn_to_page(mfn)->owner, name));
}

/* NORMAL_PT_UPDATE / PRESERVE_AD: dispatch on what the target frame is.
 * (No reference on a table frame: see the comment at the top.) */
static inline __attribute__((always_inline))
int update_entry(struct domain *d, paddr_t maddr, intpte_t val, bool preserve_ad)
{
    mfn_t mfn = maddr >> PAGE_SHIFT;
    unsigned int slot = (unsigned int)(maddr & (PAGE_SIZE - 1)) / PTE_SIZE;
    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != d->domain_id)
        return refuse_ptr(d, maddr);
    const struct page_info *pg = mfn_to_page(mfn);
    if (pg->type_count > 0) {
        switch (pg->type) {
        case PGT_l1: return mod_l1_entry(d, entry_at(mfn, slot), val, preserve_ad);
        case PGT_l2: return mod_l2_entry(d, mfn, slot, val, preserve_ad);
        case PGT_l3: return mod_l3_entry(d, mfn, slot, val, preserve_ad);
        default: break;
        }
    }
    return plain_write(d, mfn, slot, val, preserve_ad);
}

/* MACHPHYS_UPDATE: the guest says which pfn its frame mfn backs. */
static int machphys_update(struct domain *d, mfn_t mfn, uint64_t val)
{
    if (!get_page(mfn, d))
        return refuse(d, -EPERM, "mmu_update: M2P update of frame 0x%lx it does not own",
                      (unsigned long)mfn);
    machine_to_phys[mfn] = (uint32_t)val;
    put_page(mfn);
    return 0;
}

/* mmu_update_one: see mm.h. */
int mmu_update_one(struct domain *d, uint64_t ptr, uint64_t val)
{
    unsigned int cmd = ptr & (PTE_SIZE - 1);
    switch (cmd) {
    case MMU_NORMAL_PT_UPDATE:
        return update_entry(d, ptr, val, false);
    case MMU_PT_UPDATE_PRESERVE_AD:
        return update_entry(d, ptr - cmd, val, true);
    case MMU_MACHPHYS_UPDATE:
        return machphys_update(d, ptr >> PAGE_SHIFT, val);
    default:
        return refuse(d, -ENOSYS, "mmu_update: unknown command %u", cmd);
    }
}

/* ---- mmuext_op ---- */

/* Take a general reference on a frame d names by mfn, or say why not. */
static int get_owned(struct domain *d, mfn_t mfn, const char *op)
{
    if (get_page(mfn, d))
        return 0;
    if (!mfn_valid(mfn))
        return refuse(d, -EINVAL, "mmuext_op %s: frame 0x%lx does not exist",
                      op, (unsigned long)mfn);
    char name[OWNER_NAME_LEN];
    return refuse(d, -EPERM, "mmuext_op %s: frame 0x%lx is owned by %s",
                  op, (unsigned long)mfn, owner_name(mfn_to_page(mfn)->owner, name));
}

/* Pin: hold a type reference (and a general one) until unpinned, so the
 * table stays validated even while nothing points to it. */
static int pin_table(struct domain *d, mfn_t mfn, enum page_type t)
{
    int rc = get_owned(d, mfn, "pin");
    if (rc)
        return rc;
    struct page_info *pg = mfn_to_page(mfn);
    if (pg->flags & PGF_pinned) {
        put_page(mfn);
        return refuse(d, -EINVAL, "mmuext_op pin: frame 0x%lx is already pinned",
                      (unsigned long)mfn);
    }
    rc = get_page_type(mfn, t);
    if (rc) {
        put_page(mfn);
        return rc;
    }
    pg->flags |= PGF_pinned;
    return 0;
}

static int unpin_table(struct domain *d, mfn_t mfn)
{
    int rc = get_owned(d, mfn, "unpin");
    if (rc)
        return rc;
    struct page_info *pg = mfn_to_page(mfn);
    if (!(pg->flags & PGF_pinned)) {
        put_page(mfn);
        return refuse(d, -EINVAL, "mmuext_op unpin: frame 0x%lx is not pinned",
                      (unsigned long)mfn);
    }
    pg->flags &= (uint8_t)~PGF_pinned;
    put_page_and_type(mfn);
    put_page(mfn);
    return 0;
}

/* Switch v to a new L3: reference it, make the hardware use it, then
 * let go of the old one (which may devalidate it). A process switch names
 * an L3 already in use (pinned): its references are taken inline. */
static int new_baseptr(struct vcpu *v, mfn_t mfn)
{
    struct domain *d = v->domain;
    if (!get_page_and_type_in_use(mfn, d->domain_id, PGT_l3)) {
        int rc = get_owned(d, mfn, "new_baseptr");
        if (rc)
            return rc;
        rc = get_page_type(mfn, PGT_l3);
        if (rc) {
            put_page(mfn);
            return rc;
        }
    }
    mfn_t old = v->guest_table;
    v->guest_table = mfn;
    arch_guest_table_changed(v);
    if (old != INVALID_MFN)
        put_page_and_type_inline(old);
    return 0;
}

/* SET_LDT: a page-aligned linear address whose entries lie below the
 * hypervisor hole; no entries means no LDT. */
static int set_ldt(struct vcpu *v, guest_va_t base, uint32_t nr_ents)
{
    if (nr_ents == 0)
        base = 0;
    if ((base & (PAGE_SIZE - 1)) || nr_ents > LDT_MAX_ENTRIES ||
        (uint64_t)base + (uint64_t)nr_ents * LDT_ENTRY_SIZE > HYPERVISOR_VIRT_START_32)
        return refuse(v->domain, -EINVAL, "mmuext_op set_ldt: bad base 0x%x / %u entries",
                      base, nr_ents);
    return arch_set_ldt(v, base, nr_ents);
}

/* Take the frame as writable for a hypervisor write (CLEAR/COPY_PAGE). */
static int get_writable(struct domain *d, mfn_t mfn, const char *op)
{
    int rc = get_owned(d, mfn, op);
    if (rc)
        return rc;
    if (get_page_type(mfn, PGT_writable)) {
        put_page(mfn);
        return refuse(d, -EINVAL, "mmuext_op %s: frame 0x%lx is not writable",
                      op, (unsigned long)mfn);
    }
    return 0;
}

static int clear_page(struct domain *d, mfn_t mfn)
{
    int rc = get_writable(d, mfn, "clear_page");
    if (rc)
        return rc;
    memset(arch_mfn_to_virt(mfn), 0, PAGE_SIZE);
    put_page_and_type(mfn);
    return 0;
}

static int copy_page(struct domain *d, mfn_t dst, mfn_t src)
{
    int rc = get_owned(d, src, "copy_page");
    if (rc)
        return rc;
    rc = get_writable(d, dst, "copy_page");
    if (rc) {
        put_page(src);
        return rc;
    }
    memmove(arch_mfn_to_virt(dst), arch_mfn_to_virt(src), PAGE_SIZE);
    put_page_and_type(dst);
    put_page(src);
    return 0;
}

/* FLUSH_CACHE: only for domains with I/O privilege (Xen's
 * cache_flush_permitted). With one CPU and no arch hook for wbinvd yet,
 * nothing else needs doing. */
static int flush_cache(struct domain *d)
{
    if (!d->has_io_privilege)
        return refuse(d, -EACCES, "mmuext_op flush_cache: no I/O privilege");
    return 0;
}

/* mmuext_op_one: see mm.h. One vCPU: the MULTI/ALL flushes are local ones
 * (the vCPU mask in arg2 needs no reading). */
int mmuext_op_one(struct vcpu *v, unsigned int cmd, uint32_t arg1, uint32_t arg2)
{
    struct domain *d = v->domain;
    if (cmd == MMUEXT_NEW_BASEPTR)      /* every process switch: ahead of the switch's tests */
        return new_baseptr(v, arg1);
    switch (cmd) {
    case MMUEXT_PIN_L1_TABLE: return pin_table(d, arg1, PGT_l1);
    case MMUEXT_PIN_L2_TABLE: return pin_table(d, arg1, PGT_l2);
    case MMUEXT_PIN_L3_TABLE: return pin_table(d, arg1, PGT_l3);
    case MMUEXT_PIN_L4_TABLE:
        return refuse(d, -EINVAL, "mmuext_op: PAE guests have no L4 to pin");
    case MMUEXT_UNPIN_TABLE: return unpin_table(d, arg1);
    case MMUEXT_NEW_USER_BASEPTR:
        return refuse(d, -EINVAL, "mmuext_op: new_user_baseptr is for 64-bit guests");
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        arch_flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        arch_invlpg_local(arg1);
        return 0;
    case MMUEXT_FLUSH_CACHE: return flush_cache(d);
    case MMUEXT_SET_LDT: return set_ldt(v, arg1, arg2);
    case MMUEXT_CLEAR_PAGE: return clear_page(d, arg1);
    case MMUEXT_COPY_PAGE: return copy_page(d, arg1, arg2);
    default:
        return refuse(d, -ENOSYS, "mmuext_op: unknown command %u", cmd);
    }
}

/* ---- update_va_mapping ---- */

/* Walk v's tables for va to its L1 entry's machine address, as
 * guest_va_to_l1e_maddr (mm.h) says. The tables are validated (they hang
 * off the referenced base table), but each frame number is still checked.
 * Inline in update_va_mapping (every page fault's). */
static inline __attribute__((always_inline))
int walk_to_l1e(struct vcpu *v, guest_va_t va, paddr_t *pte_maddr)
{
    if (v->guest_table == INVALID_MFN)
        return -EINVAL;
    intpte_t l3e = *entry_at(v->guest_table, va >> 30);
    if (!pte_present(l3e) || !mfn_valid(pte_mfn(l3e)))
        return -EINVAL;
    intpte_t l2e = *entry_at(pte_mfn(l3e), (va >> 21) & (L2_ENTRIES - 1));
    if (!pte_present(l2e) || !mfn_valid(pte_mfn(l2e)))
        return -EINVAL;
    *pte_maddr = (pte_mfn(l2e) << PAGE_SHIFT) + ((va >> PAGE_SHIFT) & (L1_ENTRIES - 1)) * PTE_SIZE;
    return 0;
}

/* guest_va_to_l1e_maddr: see mm.h. */
int guest_va_to_l1e_maddr(struct vcpu *v, guest_va_t va, paddr_t *pte_maddr)
{
    return walk_to_l1e(v, va, pte_maddr);
}

/* update_va_mapping: see mm.h. Flags are checked first so that a bad
 * request changes nothing. */
int update_va_mapping(struct vcpu *v, guest_va_t va, intpte_t val, unsigned int flags)
{
    struct domain *d = v->domain;
    unsigned int flush = flags & UVMF_FLUSHTYPE_MASK;
    if (va >= HYPERVISOR_VIRT_START_32)
        return refuse(d, -EINVAL, "update_va_mapping: va 0x%x is in the hypervisor hole", va);
    if (flush == UVMF_FLUSHTYPE_MASK)
        return refuse(d, -EINVAL, "update_va_mapping: bad flags 0x%x", flags);
    paddr_t maddr;
    if (walk_to_l1e(v, va, &maddr))
        return refuse(d, -EINVAL, "update_va_mapping: no L1 table covers va 0x%x", va);
    /* The L1 hangs off the validated base table, so it is a live L1 of
     * d (checked all the same) and needs no reference of its own (see the
     * comment at the top). */
    mfn_t l1 = maddr >> PAGE_SHIFT;
    const struct page_info *pg = mfn_to_page(l1);
    if (pg->owner != d->domain_id || pg->type != PGT_l1 || pg->type_count == 0)
        return refuse(d, -EINVAL, "update_va_mapping: frame 0x%lx is not an L1 of the domain",
                      (unsigned long)l1);
    int rc = mod_l1_entry(d, entry_at(l1, (maddr & (PAGE_SIZE - 1)) / PTE_SIZE), val, false);
    if (rc)
        return rc;
    if (flush == UVMF_TLB_FLUSH)
        arch_flush_tlb_local();
    else if (flush == UVMF_INVLPG)
        arch_invlpg_local(va);
    return 0;
}
