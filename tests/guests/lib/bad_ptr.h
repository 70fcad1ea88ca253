/*
 * pvx test guests: guest addresses a hypercall must refuse with -EFAULT.
 *
 * Every hypercall that takes a pointer copies through the checked guest
 * access helpers, so each of these must give -EFAULT (never a hypervisor
 * fault, never a write): an unmapped page, a buffer whose tail runs into
 * that unmapped page, the read-only M2P as an output buffer, and addresses
 * in the hypervisor area above HYPERVISOR_VIRT_START (including one whose
 * range wraps past 4 GiB).
 */
#ifndef GUEST_BAD_PTR_H
#define GUEST_BAD_PTR_H

#include "guest.h"

/* The first page after the bootstrap mapping: nothing maps it. */
static inline unsigned long unmapped_va(void)
{
    return free_va_start();
}

/* A buffer of which only the first `mapped` bytes lie in a mapped (and
 * writable) page; the rest runs into unmapped_va(). */
static inline unsigned long straddling_va(unsigned long mapped)
{
    return unmapped_va() - mapped;
}

/* Addresses in the hypervisor's part of the 32-bit address space, above
 * the part of the M2P that is mapped (2 MiB of it with pvx-run's 256 MiB):
 * neither readable nor writable. The last one's range wraps past 4 GiB. */
static const unsigned long hypervisor_area_vas[] = {
    0xF6000000ul, 0xF6800000ul, 0xFC000000ul, 0xFFFFF000ul, 0xFFFFFFF8ul,
};
#define NR_HYPERVISOR_AREA_VAS (sizeof(hypervisor_area_vas) / sizeof(hypervisor_area_vas[0]))

/* The tests above rely on this layout; check it so a layout change shows
 * up as a failed precondition rather than as a wrong verdict. */
static inline void check_bad_ptr_layout(void)
{
    CHECK_EQ(pte_of(unmapped_va()) & 1, 0);
    CHECK_EQ(pte_of(unmapped_va() - GUEST_PAGE_SIZE) & 3, 3);   /* P|RW */
}

#endif
