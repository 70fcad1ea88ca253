/*
 * pvx: which guest segment descriptors (GDT/LDT entries) may be loaded.
 *
 * The guest kernel runs in ring 1 and its descriptor frames are used by the
 * CPU directly, so a descriptor must not hand out more than ring 1 has: no
 * DPL 0 segment (that would be ring-0 code or data), no system segment or
 * gate (a call gate could lead into ring 0; a TSS/LDT descriptor is the
 * hypervisor's business) and no 64-bit code segment (the guest is a 32-bit
 * compatibility-mode guest; 64-bit mode would reach the hypervisor's
 * address space above 4 GiB). A descriptor that is not present always
 * faults when loaded, so its contents do not matter, and a system
 * descriptor of type 0 is invalid whatever it says (Xen allows it too: it is
 * the second half of a call gate).
 *
 * Like Xen's check_descriptor(), the hypervisor does not refuse a DPL-0
 * code or data segment but raises it to DPL 1 as it accepts it: a kernel
 * written for ring 0 (Linux i386 PV writes DPL-0 kernel segments) gets the
 * ring it actually runs in. descriptor_fixup() does that; descriptor_is_safe()
 * is the check that every accepted descriptor passes afterwards.
 */
#include <pvx/mm.h>

#define DESC_PRESENT   (1ull << 47)
#define DESC_S         (1ull << 44)   /* code/data (1) or system/gate (0) */
#define DESC_CODE      (1ull << 43)   /* type bit 3: code segment */
#define DESC_LONG      (1ull << 53)   /* L: 64-bit code */
#define DESC_DPL_SHIFT 45

#define DESC_TYPE_MASK (0xFull << 40)

/* descriptor_is_safe: see mm.h. */
bool descriptor_is_safe(uint64_t desc)
{
    if (!(desc & DESC_PRESENT))
        return true;
    if (!(desc & DESC_S))
        return (desc & DESC_TYPE_MASK) == 0;     /* only the invalid type 0 */
    if (((desc >> DESC_DPL_SHIFT) & 3) == 0)
        return false;
    return !((desc & DESC_CODE) && (desc & DESC_LONG));
}

/* descriptor_fixup: see mm.h. */
bool descriptor_fixup(uint64_t *desc)
{
    uint64_t d = *desc;
    if ((d & DESC_PRESENT) && (d & DESC_S) && ((d >> DESC_DPL_SHIFT) & 3) == 0)
        d |= 1ull << DESC_DPL_SHIFT;
    if (!descriptor_is_safe(d))
        return false;
    *desc = d;
    return true;
}
