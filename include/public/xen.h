/*
 * pvx public ABI: the core guest interface (hypercall numbers, MMU requests,
 * multicall, start_info, shared_info and vcpu_info).
 *
 * Names and layouts are Xen's x86_32 PAE PV interface, so a guest written
 * against Xen's public headers builds against these. Layout rules (handles,
 * 64-bit alignment) are explained in arch-x86_32.h. Error numbers are in
 * errno.h, not here.
 */
#ifndef PVX_PUBLIC_XEN_H
#define PVX_PUBLIC_XEN_H

/*
 * pvx implements one interface, the current one; guests that test the
 * version they asked for see the answer they expect.
 */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

/*
 * Number suffixes. xen_mk_ulong() is the guest's unsigned long: 32 bits in
 * both the guest and the hypervisor build.
 */
#ifndef __ASSEMBLY__
#include <stdint.h>
#define __xen_mk_uint(x)  x ## U
#ifdef __i386__
#define __xen_mk_ulong(x) x ## UL
#else
#define __xen_mk_ulong(x) x ## U
#endif
#define __xen_mk_ullong(x) x ## ULL
#define xen_mk_uint(x)    __xen_mk_uint(x)
#define xen_mk_ulong(x)   __xen_mk_ulong(x)
#define xen_mk_ullong(x)  __xen_mk_ullong(x)
#else
#define xen_mk_uint(x)    x
#define xen_mk_ulong(x)   x
#define xen_mk_ullong(x)  x
#endif

#include "arch-x86_32.h"

#ifndef __ASSEMBLY__
/* Guest handles for primitive types. */
DEFINE_XEN_GUEST_HANDLE(char);
__DEFINE_XEN_GUEST_HANDLE(uchar, unsigned char);
DEFINE_XEN_GUEST_HANDLE(int);
__DEFINE_XEN_GUEST_HANDLE(uint, unsigned int);
DEFINE_XEN_GUEST_HANDLE(void);
DEFINE_XEN_GUEST_HANDLE(uint64_t);
DEFINE_XEN_GUEST_HANDLE(xen_pfn_t);
DEFINE_XEN_GUEST_HANDLE(xen_ulong_t);
__DEFINE_XEN_GUEST_HANDLE(uint8, uint8_t);
__DEFINE_XEN_GUEST_HANDLE(uint16, uint16_t);
__DEFINE_XEN_GUEST_HANDLE(uint32, uint32_t);
__DEFINE_XEN_GUEST_HANDLE(uint64, uint64_t);

/* A trailing variable-length array. */
#define XEN_FLEX_ARRAY_DIM
#endif

/*
 * Hypercall numbers. The guest calls hypercall_page + nr * 32; arguments
 * in ebx, ecx, edx, esi, edi (ebp); result in eax (negative errno on error).
 */
#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6  /* old form of sched_op */
#define __HYPERVISOR_platform_op           7
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
#define __HYPERVISOR_memory_op            12
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16 /* old form of event_channel_op */
#define __HYPERVISOR_xen_version          17
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19 /* old form of physdev_op */
#define __HYPERVISOR_grant_table_op       20
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23 /* guests jump to it: no return */
#define __HYPERVISOR_vcpu_op              24
#define __HYPERVISOR_set_segment_base     25 /* 64-bit guests only */
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28
#define __HYPERVISOR_sched_op             29
#define __HYPERVISOR_callback_op          30
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32
#define __HYPERVISOR_physdev_op           33
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36
#define __HYPERVISOR_kexec_op             37
#define __HYPERVISOR_tmem_op              38
#define __HYPERVISOR_argo_op              39
#define __HYPERVISOR_xenpmu_op            40
#define __HYPERVISOR_dm_op                41
#define __HYPERVISOR_hypfs_op             42
/* Numbers 48-55 are for architecture-specific hypercalls. */
#define __HYPERVISOR_arch_0               48
#define __HYPERVISOR_arch_1               49
#define __HYPERVISOR_arch_2               50
#define __HYPERVISOR_arch_3               51
#define __HYPERVISOR_arch_4               52
#define __HYPERVISOR_arch_5               53
#define __HYPERVISOR_arch_6               54
#define __HYPERVISOR_arch_7               55

/*
 * Virtual interrupts, bound to ports with EVTCHNOP_bind_virq.
 * V = per vCPU, G = global (bind on vCPU 0).
 */
#define VIRQ_TIMER      0  /* V: timer tick or requested timeout */
#define VIRQ_DEBUG      1  /* V: dump debug state */
#define VIRQ_CONSOLE    2  /* G: (dom0) bytes on the emergency console */
#define VIRQ_DOM_EXC    3  /* G: (dom0) some domain needs attention */
#define VIRQ_TBUF       4  /* G: (dom0) trace buffer has records */
#define VIRQ_DEBUGGER   6  /* G: (dom0) a domain paused for debugging */
#define VIRQ_XENOPROF   7  /* V: profiling sample */
#define VIRQ_CON_RING   8  /* G: (dom0) bytes in the console ring */
#define VIRQ_PCPU_STATE 9  /* G: (dom0) physical CPU state changed */
#define VIRQ_MEM_EVENT  10 /* G: (dom0) memory event */
#define VIRQ_ARGO       11 /* G: Argo message */
#define VIRQ_ENOMEM     12 /* G: (dom0) hypervisor heap low */
#define VIRQ_XENPMU     13 /* V: PMC interrupt */
#define VIRQ_ARCH_0     16
#define VIRQ_ARCH_1     17
#define VIRQ_ARCH_2     18
#define VIRQ_ARCH_3     19
#define VIRQ_ARCH_4     20
#define VIRQ_ARCH_5     21
#define VIRQ_ARCH_6     22
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/*
 * mmu_update: the command is in the low bits of mmu_update.ptr (page-table
 * entries are 8-aligned, so those bits are free).
 */
#define MMU_NORMAL_PT_UPDATE       0 /* checked *ptr = val; ptr is a machine address */
#define MMU_MACHPHYS_UPDATE        1 /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD  2 /* as NORMAL, keeping the entry's A and D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, val never translated */

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE      0  /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE      1
#define MMUEXT_PIN_L3_TABLE      2
#define MMUEXT_PIN_L4_TABLE      3
#define MMUEXT_UNPIN_TABLE       4
#define MMUEXT_NEW_BASEPTR       5  /* arg1.mfn: load a new (pinned-or-valid) L3 */
#define MMUEXT_TLB_FLUSH_LOCAL   6
#define MMUEXT_INVLPG_LOCAL      7  /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI   8  /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI      9  /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11  /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE      12
#define MMUEXT_SET_LDT          13  /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR 15  /* 64-bit guests only */
#define MMUEXT_CLEAR_PAGE       16  /* arg1.mfn */
#define MMUEXT_COPY_PAGE        17  /* arg1.mfn, arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER       19
#define MMUEXT_UNMARK_SUPER     20

/* update_va_mapping flags: a flush type ORed with a scope. */
#define UVMF_NONE           (xen_mk_ulong(0) << 0) /* no flush */
#define UVMF_TLB_FLUSH      (xen_mk_ulong(1) << 0) /* flush whole TLB(s) */
#define UVMF_INVLPG         (xen_mk_ulong(2) << 0) /* flush this va only */
#define UVMF_FLUSHTYPE_MASK (xen_mk_ulong(3) << 0)
#define UVMF_MULTI          (xen_mk_ulong(0) << 2) /* ORed with a vCPU bitmap pointer */
#define UVMF_LOCAL          (xen_mk_ulong(0) << 2) /* this vCPU only */
#define UVMF_ALL            (xen_mk_ulong(1) << 2) /* every vCPU of the domain */

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* vm_assist commands and types. */
#define VMASST_CMD_enable                0
#define VMASST_CMD_disable               1
#define VMASST_TYPE_4gb_segments         0 /* emulate full 4 GiB segment limits */
#define VMASST_TYPE_4gb_segments_notify  1 /* trap (vector 15) when that happens */
#define VMASST_TYPE_writable_pagetables  2 /* trap-and-emulate PTE writes */
#define VMASST_TYPE_pae_extended_cr3     3 /* L3 tables may live above 4 GiB */
#define VMASST_TYPE_architectural_iopl   4 /* virtual IOPL acts as on hardware */
#define VMASST_TYPE_runstate_update_flag 5 /* XEN_RUNSTATE_UPDATE in runstate areas */
#define VMASST_TYPE_m2p_strict           32 /* 64-bit guests only */

/*
 * Domain ids. Ids >= DOMID_FIRST_RESERVED never name an ordinary domain.
 * (Xen writes it 0x7FF0U; the plain spelling matches the copy in
 * hypervisor/include/pvx/domain.h so both headers can be included.)
 */
#define DOMID_FIRST_RESERVED 0x7FF0
#define DOMID_SELF           xen_mk_uint(0x7FF0) /* the calling domain */
#define DOMID_IO             xen_mk_uint(0x7FF1) /* owner of I/O memory */
#define DOMID_XEN            xen_mk_uint(0x7FF2) /* the hypervisor */
#define DOMID_COW            xen_mk_uint(0x7FF3) /* owner of shared (copy-on-write) pages */
#define DOMID_INVALID        xen_mk_uint(0x7FF4) /* unknown owner */
#define DOMID_IDLE           xen_mk_uint(0x7FFF)
#define DOMID_MASK           xen_mk_uint(0x7FFF)

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)  /* the domain is privileged */
#define SIF_INITDOMAIN      (1 << 1)  /* the initial control domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)  /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3)  /* mod_start is a pfn, not a va */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)  /* tools understand a virtually mapped p2m */
#define SIF_PM_MASK         (0xFF << 8) /* reserved for power management */

#define MAX_GUEST_CMDLINE 1024

/* vcpu_time_info.flags */
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

#ifndef __ASSEMBLY__

typedef uint16_t domid_t;
typedef uint8_t xen_domain_handle_t[16];

/* One mmu_update request (16 bytes). */
struct mmu_update {
    uint64_align4_t ptr;    /* machine address of the PTE | MMU_* command */
    uint64_align4_t val;    /* new PTE contents */
};
typedef struct mmu_update mmu_update_t;
DEFINE_XEN_GUEST_HANDLE(mmu_update_t);

/* One mmuext_op request (12 bytes). */
struct mmuext_op {
    uint32_t cmd;           /* MMUEXT_* */
    union {
        xen_pfn_t   mfn;            /* [UN]PIN_*, NEW_BASEPTR, CLEAR/COPY_PAGE */
        xen_ulong_t linear_addr;    /* INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;                       /* SET_LDT */
        XEN_GUEST_HANDLE(const_void) vcpumask;  /* *_MULTI */
        xen_pfn_t src_mfn;                      /* COPY_PAGE */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;
DEFINE_XEN_GUEST_HANDLE(mmuext_op_t);

/*
 * One call of a multicall batch: op is the hypercall number, result is
 * written back. An iret ends the batch.
 */
struct multicall_entry {
    xen_ulong_t op, result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;
DEFINE_XEN_GUEST_HANDLE(multicall_entry_t);

/*
 * Per-vCPU time. The hypervisor increments version before and after an
 * update, so an odd version means "being updated: read again". Now is
 *   system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_align4_t tsc_timestamp;  /* TSC at the last update */
    uint64_align4_t system_time;    /* ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;                 /* XEN_PVCLOCK_* */
    uint8_t  pad1[2];
};  /* 32 bytes */
typedef struct vcpu_time_info vcpu_time_info_t;

/*
 * Per-vCPU event state. The hypervisor sets evtchn_upcall_pending and a
 * bit in evtchn_pending_sel (one bit per word of shared_info.evtchn_pending);
 * the guest clears them. A non-zero evtchn_upcall_mask blocks upcalls: it
 * is the guest's virtual "interrupts disabled".
 */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    vcpu_time_info_t time;
};  /* 64 bytes */
typedef struct vcpu_info vcpu_info_t;

/*
 * The page shared by the hypervisor and the guest (its machine address is
 * start_info.shared_info). Port p is pending when bit p % 32 of
 * evtchn_pending[p / 32] is set; evtchn_mask is the guest's per-port mask.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    /* Wall-clock time at system time 0 (versioned like vcpu_time_info). */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    struct arch_shared_info arch;   /* on x86_32 it also holds wc_sec_hi */
};
typedef struct shared_info shared_info_t;
#define xen_wc_sec_hi arch.wc_sec_hi

/*
 * Start-of-day information; esi points at it on entry. Virtual addresses
 * are in the guest's bootstrap mapping.
 */
struct start_info {
    /* Filled in on boot and on resume. */
    char magic[32];             /* "xen-3.0-x86_32p" */
    xen_ulong_t nr_pages;       /* pages allocated to the domain */
    xen_ulong_t shared_info;    /* MACHINE address of shared_info */
    uint32_t flags;             /* SIF_* */
    xen_pfn_t store_mfn;        /* MACHINE frame of the xenstore page */
    uint32_t store_evtchn;      /* its event channel */
    union {
        struct {
            xen_pfn_t mfn;      /* MACHINE frame of the console ring */
            uint32_t  evtchn;   /* its event channel */
        } domU;
        struct {
            uint32_t info_off;  /* offset of dom0's console_info */
            uint32_t info_size;
        } dom0;
    } console;
    /* Filled in on boot only. */
    xen_ulong_t pt_base;        /* VIRTUAL address of the bootstrap L3 */
    xen_ulong_t nr_pt_frames;   /* bootstrap page-table frames */
    xen_ulong_t mfn_list;       /* VIRTUAL address of the p2m list */
    xen_ulong_t mod_start;      /* VIRTUAL address (or pfn, SIF_MOD_START_PFN) of the module */
    xen_ulong_t mod_len;        /* module size in bytes */
    int8_t cmd_line[MAX_GUEST_CMDLINE];
    xen_ulong_t first_p2m_pfn;  /* first pfn of the initial p2m frames */
    xen_ulong_t nr_p2m_frames;  /* number of them */
};
typedef struct start_info start_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_XEN_H */
