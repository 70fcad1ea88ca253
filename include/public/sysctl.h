/*
 * pvx public ABI: sysctl (hypercall 35), the toolstack's view of the whole
 * machine. pvx answers XEN_SYSCTL_physinfo (what the automatic balloon
 * needs: total and free memory); every other command is -ENOSYS. The
 * layout is Xen 4.17's, one for 32- and 64-bit callers (uint64_aligned_t),
 * checked against libxen-dev by tests/abi.
 */
#ifndef PVX_PUBLIC_SYSCTL_H
#define PVX_PUBLIC_SYSCTL_H

#include "xen.h"

#define XEN_SYSCTL_INTERFACE_VERSION 0x00000015

#define XEN_SYSCTL_readconsole  1
#define XEN_SYSCTL_tbuf_op      2
#define XEN_SYSCTL_physinfo     3
#define XEN_SYSCTL_sched_id     4

/* xen_sysctl_physinfo.capabilities */
#define _XEN_SYSCTL_PHYSCAP_hvm      0
#define XEN_SYSCTL_PHYSCAP_hvm       (1u << _XEN_SYSCTL_PHYSCAP_hvm)
#define _XEN_SYSCTL_PHYSCAP_pv       1
#define XEN_SYSCTL_PHYSCAP_pv        (1u << _XEN_SYSCTL_PHYSCAP_pv)

#ifndef __ASSEMBLY__

/* XEN_SYSCTL_physinfo: all OUT. */
struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;                    /* CPUs online */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;                   /* NUMA nodes online */
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;               /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;        /* machine frames */
    uint64_aligned_t free_pages;         /* frames on the free list */
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;            /* the largest machine frame number */
    uint32_t hw_cap[8];
};
typedef struct xen_sysctl_physinfo xen_sysctl_physinfo_t;

struct xen_sysctl {
    uint32_t cmd;                        /* XEN_SYSCTL_* */
    uint32_t interface_version;          /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_physinfo physinfo;
        uint8_t                    pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_sysctl_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_SYSCTL_H */
