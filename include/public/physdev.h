/*
 * pvx public ABI: physdev_op, physical device and I/O-privilege control
 * (op numbers, and the few structs an unprivileged PV guest uses).
 */
#ifndef PVX_PUBLIC_PHYSDEV_H
#define PVX_PUBLIC_PHYSDEV_H

#include "xen.h"

/* physdev_op(cmd, arg) commands. */
#define PHYSDEVOP_IRQ_UNMASK_NOTIFY   4
#define PHYSDEVOP_irq_status_query    5  /* struct physdev_irq_status_query */
#define PHYSDEVOP_set_iopl            6  /* struct physdev_set_iopl */
#define PHYSDEVOP_set_iobitmap        7  /* struct physdev_set_iobitmap */
#define PHYSDEVOP_apic_read           8
#define PHYSDEVOP_apic_write          9
#define PHYSDEVOP_alloc_irq_vector   10
#define PHYSDEVOP_free_irq_vector    11
#define PHYSDEVOP_eoi                12  /* struct physdev_eoi */
#define PHYSDEVOP_map_pirq           13
#define PHYSDEVOP_unmap_pirq         14
#define PHYSDEVOP_manage_pci_add     15
#define PHYSDEVOP_manage_pci_remove  16
#define PHYSDEVOP_pirq_eoi_gmfn_v1   17
#define PHYSDEVOP_restore_msi        19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi          21
#define PHYSDEVOP_get_free_pirq      23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add     25
#define PHYSDEVOP_pci_device_remove  26
#define PHYSDEVOP_restore_msi_ext    27
#define PHYSDEVOP_pirq_eoi_gmfn_v2   28
#define PHYSDEVOP_dbgp_op            29
#define PHYSDEVOP_prepare_msix       30
#define PHYSDEVOP_release_msix       31
#define PHYSDEVOP_pirq_eoi_gmfn      PHYSDEVOP_pirq_eoi_gmfn_v2

/* physdev_irq_status_query.flags */
#define _XENIRQSTAT_needs_eoi (0)
#define XENIRQSTAT_needs_eoi  (1U << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared    (1)
#define XENIRQSTAT_shared     (1U << _XENIRQSTAT_shared)

#ifndef __ASSEMBLY__

struct physdev_eoi {
    uint32_t irq;           /* IN */
};
typedef struct physdev_eoi physdev_eoi_t;
DEFINE_XEN_GUEST_HANDLE(physdev_eoi_t);

struct physdev_irq_status_query {
    uint32_t irq;           /* IN */
    uint32_t flags;         /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
DEFINE_XEN_GUEST_HANDLE(physdev_irq_status_query_t);

/* Set the guest kernel's virtual IOPL. */
struct physdev_set_iopl {
    uint32_t iopl;          /* IN: 0-3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iopl_t);

/* Set the guest's I/O permission bitmap (a set bit denies the port). */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap; /* IN */
    uint32_t nr_ports;              /* IN */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
DEFINE_XEN_GUEST_HANDLE(physdev_set_iobitmap_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_PHYSDEV_H */
