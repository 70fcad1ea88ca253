/*
 * pvx public ABI: domctl (hypercall 36), the toolstack's control of other
 * domains. pvx answers the part a toolstack needs first: pausing and
 * unpausing, getdomaininfo, destroydomain and max_mem (docs/abi.md).
 *
 * Unlike the guest interfaces, struct xen_domctl has one layout for 32- and
 * 64-bit callers: its 64-bit fields are uint64_aligned_t, so the union
 * starts at offset 16 and the whole is 144 bytes, 8-byte aligned, in both.
 * Every call carries XEN_DOMCTL_INTERFACE_VERSION; another version is
 * refused (-EACCES). Xen's header compiles only for its toolstack
 * (__XEN_TOOLS__); this one compiles anywhere, since pvx's test guests are
 * their own toolstack.
 */
#ifndef PVX_PUBLIC_DOMCTL_H
#define PVX_PUBLIC_DOMCTL_H

#include "xen.h"

/* Xen 4.17's domctl interface. */
#define XEN_DOMCTL_INTERFACE_VERSION 0x00000015

/* xen_domctl.cmd. pvx implements 2-5 and 11; every other is -ENOSYS. */
#define XEN_DOMCTL_createdomain    1
#define XEN_DOMCTL_destroydomain   2
#define XEN_DOMCTL_pausedomain     3
#define XEN_DOMCTL_unpausedomain   4
#define XEN_DOMCTL_getdomaininfo   5
#define XEN_DOMCTL_max_mem        11

/* xen_domctl_getdomaininfo.flags */
#define _XEN_DOMINF_dying      0
#define XEN_DOMINF_dying       (1U << _XEN_DOMINF_dying)      /* being destroyed */
#define _XEN_DOMINF_hvm_guest  1
#define XEN_DOMINF_hvm_guest   (1U << _XEN_DOMINF_hvm_guest)  /* HVM, not PV */
#define _XEN_DOMINF_shutdown   2
#define XEN_DOMINF_shutdown    (1U << _XEN_DOMINF_shutdown)   /* the guest shut down */
#define _XEN_DOMINF_paused     3
#define XEN_DOMINF_paused      (1U << _XEN_DOMINF_paused)     /* paused by the toolstack */
#define _XEN_DOMINF_blocked    4
#define XEN_DOMINF_blocked     (1U << _XEN_DOMINF_blocked)    /* every vCPU waits for an event */
#define _XEN_DOMINF_running    5
#define XEN_DOMINF_running     (1U << _XEN_DOMINF_running)    /* a vCPU is on a CPU now */
#define _XEN_DOMINF_debugged   6
#define XEN_DOMINF_debugged    (1U << _XEN_DOMINF_debugged)   /* a debugger is attached */
#define _XEN_DOMINF_xs_domain  7
#define XEN_DOMINF_xs_domain   (1U << _XEN_DOMINF_xs_domain)  /* the xenstore domain */
#define _XEN_DOMINF_hap        8
#define XEN_DOMINF_hap         (1U << _XEN_DOMINF_hap)        /* hardware-assisted paging */
/* Bits 16-23: the SHUTDOWN_* code when XEN_DOMINF_shutdown is set. */
#define XEN_DOMINF_shutdownmask  255
#define XEN_DOMINF_shutdownshift 16

/* max_vcpu_id of a domain without vCPUs. */
#define XEN_INVALID_MAX_VCPU_ID (~0U)

#ifndef __ASSEMBLY__

/* x86 domain configuration (devices Xen emulates; MSR policy). */
struct xen_arch_domainconfig {
    uint32_t emulation_flags;
    uint32_t misc_flags;
};

/* XEN_DOMCTL_getdomaininfo: all OUT. */
struct xen_domctl_getdomaininfo {
    domid_t  domain;                     /* also written to xen_domctl.domain */
    uint16_t pad1;
    uint32_t flags;                      /* XEN_DOMINF_* */
    uint64_aligned_t tot_pages;          /* frames the domain owns */
    uint64_aligned_t max_pages;          /* the most it may own */
    uint64_aligned_t outstanding_pages;  /* claimed, not yet allocated */
    uint64_aligned_t shr_pages;          /* shared with other domains */
    uint64_aligned_t paged_pages;        /* paged out */
    uint64_aligned_t shared_info_frame;  /* machine frame of shared_info */
    uint64_aligned_t cpu_time;           /* ns run, all vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;                /* highest vCPU id in use */
    uint32_t ssidref;                    /* security label (XSM) */
    xen_domain_handle_t handle;          /* the toolstack's UUID */
    uint32_t cpupool;
    uint8_t  gpaddr_bits;                /* guest physical address width */
    uint8_t  pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_getdomaininfo_t);

/* XEN_DOMCTL_max_mem: IN. */
struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;          /* new max_pages = max_memkb / 4 */
};
typedef struct xen_domctl_max_mem xen_domctl_max_mem_t;

/* The argument of every domctl: copied in whole, and back out by the
 * commands that answer (getdomaininfo). */
struct xen_domctl {
    uint32_t cmd;                        /* XEN_DOMCTL_* */
    uint32_t interface_version;          /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;                     /* the target */
    uint16_t _pad[3];
    union {
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem       max_mem;
        uint8_t                         pad[128];  /* Xen's size for every command */
    } u;
};
typedef struct xen_domctl xen_domctl_t;
DEFINE_XEN_GUEST_HANDLE(xen_domctl_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_DOMCTL_H */
