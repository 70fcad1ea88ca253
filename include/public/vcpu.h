/*
 * pvx public ABI: vcpu_op, per-vCPU control (bring-up, runstate area,
 * periodic and single-shot timers).
 */
#ifndef PVX_PUBLIC_VCPU_H
#define PVX_PUBLIC_VCPU_H

#include "xen.h"

/* vcpu_op(cmd, vcpuid, arg) commands; arg is the struct named beside each. */
#define VCPUOP_initialise                     0 /* vcpu_guest_context_t */
#define VCPUOP_up                             1 /* NULL */
#define VCPUOP_down                           2 /* NULL */
#define VCPUOP_is_up                          3 /* NULL; returns 1 if up */
#define VCPUOP_get_runstate_info              4 /* vcpu_runstate_info_t */
#define VCPUOP_register_runstate_memory_area  5 /* vcpu_register_runstate_memory_area_t */
#define VCPUOP_set_periodic_timer             6 /* vcpu_set_periodic_timer_t */
#define VCPUOP_stop_periodic_timer            7 /* NULL */
#define VCPUOP_set_singleshot_timer           8 /* vcpu_set_singleshot_timer_t */
#define VCPUOP_stop_singleshot_timer          9 /* NULL */
#define VCPUOP_register_vcpu_info            10 /* vcpu_register_vcpu_info_t */
#define VCPUOP_send_nmi                      11 /* NULL */
#define VCPUOP_get_physid                    12 /* vcpu_get_physid_t */
#define VCPUOP_register_vcpu_time_memory_area 13 /* vcpu_register_time_memory_area_t */

/* vcpu_runstate_info.state */
#define RUNSTATE_running  0 /* on a physical CPU */
#define RUNSTATE_runnable 1 /* ready, waiting for a physical CPU */
#define RUNSTATE_blocked  2 /* waiting for an event */
#define RUNSTATE_offline  3 /* down, or preempted by the hypervisor */

/* Set in state_entry_time while the hypervisor updates a runstate area. */
#define XEN_RUNSTATE_UPDATE (xen_mk_ullong(1) << 63)

/* vcpu_set_singleshot_timer.flags */
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future) /* -ETIME if already passed */

#ifndef __ASSEMBLY__

/*
 * Note the layout: state_entry_time sits at offset 4 and the struct is
 * 44 bytes, because i386 aligns 64-bit fields to 4.
 */
struct vcpu_runstate_info {
    int32_t state;                  /* RUNSTATE_* */
    uint64_align4_t state_entry_time; /* system time (ns) the state began */
    uint64_align4_t time[4];        /* ns spent in each RUNSTATE_* */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_runstate_info_t);

/* Ask the hypervisor to keep a copy of the runstate at this guest address. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
#ifdef __i386__
        struct vcpu_runstate_info *v;
#endif
        uint64_align4_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area vcpu_register_runstate_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_runstate_memory_area_t);

struct vcpu_set_periodic_timer {
    uint64_align4_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_periodic_timer_t);

/* 12 bytes on x86_32 (16 if the 64-bit field were 8-aligned). */
struct vcpu_set_singleshot_timer {
    uint64_align4_t timeout_abs_ns; /* absolute system time in ns */
    uint32_t flags;                 /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_set_singleshot_timer_t);

/* Move this vCPU's vcpu_info out of shared_info into a guest frame. */
struct vcpu_register_vcpu_info {
    uint64_align4_t mfn;    /* frame to hold vcpu_info */
    uint32_t offset;        /* offset within it */
    uint32_t rsvd;
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_vcpu_info_t);

struct vcpu_get_physid {
    uint64_align4_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_get_physid_t);
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* Ask the hypervisor to keep a copy of vcpu_time_info at this guest address. */
DEFINE_XEN_GUEST_HANDLE(vcpu_time_info_t);
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
#ifdef __i386__
        struct vcpu_time_info *v;
#endif
        uint64_align4_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_register_time_memory_area_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_VCPU_H */
