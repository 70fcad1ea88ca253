/*
 * pvx public ABI: memory_op, growing and shrinking a domain's memory and
 * asking about the machine's memory layout.
 */
#ifndef PVX_PUBLIC_MEMORY_H
#define PVX_PUBLIC_MEMORY_H

#include "xen.h"

/* memory_op(cmd, arg) commands; arg is the struct named beside each. */
#define XENMEM_increase_reservation  0 /* xen_memory_reservation_t */
#define XENMEM_decrease_reservation  1 /* xen_memory_reservation_t */
#define XENMEM_maximum_ram_page      2 /* NULL; returns the highest mfn */
#define XENMEM_current_reservation   3 /* domid_t; returns pages */
#define XENMEM_maximum_reservation   4 /* domid_t; returns pages */
#define XENMEM_machphys_mfn_list     5 /* xen_machphys_mfn_list_t */
#define XENMEM_populate_physmap      6 /* xen_memory_reservation_t */
#define XENMEM_add_to_physmap        7 /* xen_add_to_physmap_t */
#define XENMEM_memory_map            9 /* xen_memory_map_t (this domain's e820) */
#define XENMEM_machine_memory_map   10 /* xen_memory_map_t (the machine's e820) */
#define XENMEM_exchange             11 /* xen_memory_exchange_t */
#define XENMEM_machphys_mapping     12 /* xen_machphys_mapping_t */
#define XENMEM_set_memory_map       13 /* tools */
#define XENMEM_maximum_gpfn         14 /* domid_t; returns the highest pfn */
#define XENMEM_remove_from_physmap  15 /* xen_remove_from_physmap_t */
#define XENMEM_set_pod_target       16
#define XENMEM_get_pod_target       17
#define XENMEM_get_sharing_freed_pages  18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op            20
#define XENMEM_access_op            21
#define XENMEM_sharing_op           22
#define XENMEM_add_to_physmap_batch 23
#define XENMEM_claim_pages          24
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo        26
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource     28

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x)     (x)         /* frames below 2^x bytes */
#define XENMEMF_get_address_bits(x) ((x) & 0xffu)
#define XENMEMF_node(x)             (((x) + 1) << 8)
#define XENMEMF_get_node(x)         ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand  (1 << 16)
#define XENMEMF_exact_node_request  (1 << 17)
#define XENMEMF_exact_node(n)       (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode               (1 << 18)

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info  0
#define XENMAPSPACE_grant_table  1
#define XENMAPSPACE_gmfn         2
#define XENMAPSPACE_gmfn_range   3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio     5
#define XENMAPIDX_grant_table_status 0x80000000

#ifndef __ASSEMBLY__

/*
 * increase/decrease_reservation, populate_physmap. For a PV guest
 * extent_start lists machine frames (decrease: IN; increase: OUT) or
 * pfns to populate (IN), overwritten with the new machine frames (OUT).
 */
struct xen_memory_reservation {
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    xen_ulong_t nr_extents;     /* number of extents */
    uint32_t extent_order;      /* each is 2^extent_order pages */
    uint32_t mem_flags;         /* XENMEMF_* */
    domid_t domid;              /* DOMID_SELF unless privileged */
};
typedef struct xen_memory_reservation xen_memory_reservation_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_reservation_t);

struct xen_memory_exchange {
    struct xen_memory_reservation in;   /* frames to give back */
    struct xen_memory_reservation out;  /* frames wanted instead */
    xen_ulong_t nr_exchanged;           /* OUT; must be 0 on entry */
};
typedef struct xen_memory_exchange xen_memory_exchange_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_exchange_t);

struct xen_memory_domain {
    domid_t domid;
};

/* The machine frames holding the M2P table, one per 2 MiB of it. */
struct xen_machphys_mfn_list {
    uint32_t max_extents;               /* IN: size of extent_start */
    XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
    uint32_t nr_extents;                /* OUT */
};
typedef struct xen_machphys_mfn_list xen_machphys_mfn_list_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mfn_list_t);

/* Where the guest sees the M2P table. */
struct xen_machphys_mapping {
    xen_ulong_t v_start, v_end; /* MACH2PHYS_VIRT_START / _END */
    xen_ulong_t max_mfn;        /* highest mfn that can be looked up */
};
typedef struct xen_machphys_mapping xen_machphys_mapping_t;
DEFINE_XEN_GUEST_HANDLE(xen_machphys_mapping_t);

struct xen_add_to_physmap {
    domid_t domid;
    uint16_t size;              /* pages, for XENMAPSPACE_gmfn_range */
    uint32_t space;             /* XENMAPSPACE_* */
    xen_ulong_t idx;            /* index within space */
    xen_pfn_t gpfn;             /* where it should appear */
};
typedef struct xen_add_to_physmap xen_add_to_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_add_to_physmap_t);

struct xen_remove_from_physmap {
    domid_t domid;
    xen_pfn_t gpfn;
};
typedef struct xen_remove_from_physmap xen_remove_from_physmap_t;
DEFINE_XEN_GUEST_HANDLE(xen_remove_from_physmap_t);

/* One entry of an e820-format memory map (the BIOS layout, 20 bytes). */
struct pvx_e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;              /* 1 RAM, 2 reserved, 3 ACPI, 4 NVS, 5 unusable */
} __attribute__((packed));
#define PVX_E820_RAM 1

/* An e820-format memory map: buffer holds struct pvx_e820entry records. */
struct xen_memory_map {
    uint32_t nr_entries;        /* IN: buffer capacity; OUT: entries stored */
    XEN_GUEST_HANDLE(void) buffer;
};
typedef struct xen_memory_map xen_memory_map_t;
DEFINE_XEN_GUEST_HANDLE(xen_memory_map_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_MEMORY_H */
