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
 * faults when loaded, so its contents do not matter.
 */
#include <pvx/mm.h>

#define DESC_PRESENT   (1ull << 47)
#define DESC_S         (1ull << 44)   /* code/data (1) or system/gate (0) */
#define DESC_CODE      (1ull << 43)   /* type bit 3: code segment */
#define DESC_LONG      (1ull << 53)   /* L: 64-bit code */
#define DESC_DPL_SHIFT 45

/* descriptor_is_safe: see mm.h. */
bool descriptor_is_safe(uint64_t desc)
{
    if (!(desc & DESC_PRESENT))
        return true;
    if (!(desc & DESC_S))
        return false;
    if (((desc >> DESC_DPL_SHIFT) & 3) == 0)
        return false;
    return !((desc & DESC_CODE) && (desc & DESC_LONG));
}
