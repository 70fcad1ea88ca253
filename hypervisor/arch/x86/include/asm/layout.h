/*
 * pvx: the hypervisor's 64-bit virtual address layout.
 *
 *   0x0000000000000000 - 0x00000000FFFFFFFF  guest (L4 slot 0 -> guest L3)
 *   0xFFFF800000000000 (L4 slot 256)         direct map of all machine memory
 *   0xFFFF810000000000 (L4 slot 258)         per-vCPU area: GDT, LDT mappings
 *   0xFFFFFFFF80000000 (L4 slot 511)         hypervisor image (-2 GiB)
 *
 * 32-bit guest code cannot form an address above 4 GiB, so everything the
 * hypervisor owns is out of its reach whatever its segments say.
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define HYPERVISOR_IMAGE_BASE 0xFFFFFFFF80000000
#define HYPERVISOR_LOAD_PADDR 0x00100000
#define DIRECTMAP_BASE        0xFFFF800000000000
#define DIRECTMAP_L4_SLOT     256
#define PERVCPU_BASE          0xFFFF810000000000
#define PERVCPU_L4_SLOT       258
#define IMAGE_L4_SLOT         511
/* In the per-vCPU area: 16 GDT pages (14 guest + 2 reserved), then 16 LDT pages. */
#define PERVCPU_GDT_VA        PERVCPU_BASE
#define PERVCPU_LDT_VA        (PERVCPU_BASE + 16 * 4096)
#define MAX_DIRECTMAP_GIB     16

#endif
