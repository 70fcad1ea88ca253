/*
 * pvx: the only way hypervisor code touches guest memory by guest address.
 *
 * Guest pointers are 32-bit linear addresses in the current vCPU's address
 * space. These helpers check the range lies below HYPERVISOR_VIRT_START
 * (for writes) or below 4 GiB (for reads), and survive faults: an unmapped
 * page, or a write to a read-only page, gives -EFAULT rather than a
 * hypervisor crash. Copy in, check, act, copy out.
 */
#ifndef PVX_GUEST_ACCESS_H
#define PVX_GUEST_ACCESS_H

#include <pvx/types.h>

#define HYPERVISOR_VIRT_START_32 0xF5800000u

/* 0 on success, -EFAULT if any byte could not be read / written. */
int copy_from_guest(void *dst, guest_va_t src, size_t len);
int copy_to_guest(guest_va_t dst, const void *src, size_t len);

#endif
