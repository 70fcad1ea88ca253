/*
 * pvx public ABI: ELF note types in a guest image (notes named "Xen") that
 * tell the loader how to start it.
 */
#ifndef PVX_PUBLIC_ELFNOTE_H
#define PVX_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO           0  /* reserved */
#define XEN_ELFNOTE_ENTRY          1  /* entry point va (numeric); default e_entry */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2  /* va of the page to fill with hypercall stubs */
#define XEN_ELFNOTE_VIRT_BASE      3  /* va the image is mapped at (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET   4  /* va - paddr of the ELF segments (default 0) */
#define XEN_ELFNOTE_XEN_VERSION    5  /* string: "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS       6  /* string: guest OS name */
#define XEN_ELFNOTE_GUEST_VERSION  7  /* string: guest OS version */
#define XEN_ELFNOTE_LOADER         8  /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE       9  /* string: "yes" for a PAE guest */
#define XEN_ELFNOTE_FEATURES      10  /* string: XENFEAT names joined by '|', '!' = required */
#define XEN_ELFNOTE_BSD_SYMTAB    11  /* string: "yes" to load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW  12  /* lowest HYPERVISOR_VIRT_START the guest accepts */
#define XEN_ELFNOTE_L1_MFN_VALID  13  /* mask and value marking valid L1 mfns */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14 /* the guest supports suspend cancellation */
#define XEN_ELFNOTE_INIT_P2M      15  /* va for a linear p2m mapping (64-bit guests) */
#define XEN_ELFNOTE_MOD_START_PFN 16  /* 1: the guest accepts SIF_MOD_START_PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* XENFEAT bitmap the guest supports */
#define XEN_ELFNOTE_PHYS32_ENTRY  18  /* PVH entry point (not for PV guests) */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes in crash dumps, not in guest images. */
#define XEN_ELFNOTE_CRASH_INFO               0x1000001
#define XEN_ELFNOTE_CRASH_REGS               0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE            0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER          0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION     0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION  0x2000003

#endif /* PVX_PUBLIC_ELFNOTE_H */
