/*
 * pvx public ABI: the x86_32 PAE paravirtual guest's architecture part
 * (selectors, address layout, guest handles, trap table, register frames).
 *
 * Every structure here has the 32-bit guest's layout whether it is compiled
 * by the guest (-m32, __i386__) or by the 64-bit hypervisor (__x86_64__):
 *  - the guest's "unsigned long" is written uint32_t (xen_ulong_t);
 *  - a guest pointer is a guest handle: a real pointer for the guest, a
 *    32-bit guest linear address (uint32_t) for the hypervisor;
 *  - a 64-bit field is uint64_align4_t, which is 4-byte aligned inside a
 *    struct exactly as the i386 SysV ABI aligns a plain uint64_t.
 * tests/abi/ checks all of this against Xen's own headers.
 */
#include "xen.h"    /* users may include this header first: pull in the rest */

#ifndef PVX_PUBLIC_ARCH_X86_32_H
#define PVX_PUBLIC_ARCH_X86_32_H

#if !defined(__i386__) && !defined(__x86_64__)
#error "pvx public headers describe the x86_32 guest ABI: build for i386 or x86_64"
#endif

/*
 * Guest handles. DEFINE_XEN_GUEST_HANDLE(name) declares the handle types
 * XEN_GUEST_HANDLE(name) and XEN_GUEST_HANDLE(const_name); the argument is
 * a handle name, as in Xen (e.g. XEN_GUEST_HANDLE(const_void)).
 */
#ifdef __i386__
/* The guest: a handle is an ordinary pointer. */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef type *__guest_handle_ ## name
#define set_xen_guest_handle_raw(hnd, val)  do { (hnd) = (val); } while (0)
#else
/* The hypervisor: a handle is the guest's 32-bit linear address. */
#define ___DEFINE_XEN_GUEST_HANDLE(name, type) \
    typedef uint32_t __guest_handle_ ## name
#define set_xen_guest_handle_raw(hnd, val) \
    do { (hnd) = (uint32_t)(uintptr_t)(val); } while (0)
#endif
#define __DEFINE_XEN_GUEST_HANDLE(name, type)  \
    ___DEFINE_XEN_GUEST_HANDLE(name, type);    \
    ___DEFINE_XEN_GUEST_HANDLE(const_ ## name, const type)
#define DEFINE_XEN_GUEST_HANDLE(name)   __DEFINE_XEN_GUEST_HANDLE(name, name)
#define __XEN_GUEST_HANDLE(name)        __guest_handle_ ## name
#define XEN_GUEST_HANDLE(name)          __XEN_GUEST_HANDLE(name)
#define XEN_GUEST_HANDLE_PARAM(name)    XEN_GUEST_HANDLE(name)
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)

/*
 * Flat segments in the reserved top of every GDT. Ring-1 selectors carry
 * RPL 1: the guest kernel runs in ring 1.
 */
#define FLAT_RING1_CS 0xe019    /* GDT index 259 */
#define FLAT_RING1_DS 0xe021    /* GDT index 260 */
#define FLAT_RING1_SS 0xe021    /* GDT index 260 */
#define FLAT_RING3_CS 0xe02b    /* GDT index 261 */
#define FLAT_RING3_DS 0xe033    /* GDT index 262 */
#define FLAT_RING3_SS 0xe033    /* GDT index 262 */
#define FLAT_KERNEL_CS FLAT_RING1_CS
#define FLAT_KERNEL_DS FLAT_RING1_DS
#define FLAT_KERNEL_SS FLAT_RING1_SS
#define FLAT_USER_CS   FLAT_RING3_CS
#define FLAT_USER_DS   FLAT_RING3_DS
#define FLAT_USER_SS   FLAT_RING3_SS

/*
 * Guest GDTs may use frames below this one. (ENTRY is BYTE / 8, written as
 * a literal to match the copy in hypervisor/arch/x86/include/asm/desc.h.)
 */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY 7168

/*
 * The guest keeps out of [HYPERVISOR_VIRT_START, 4 GiB). Its bottom holds
 * the read-only machine-to-physical table: one 32-bit pfn per machine frame.
 */
#define __HYPERVISOR_VIRT_START_PAE 0xF5800000
#define __MACH2PHYS_VIRT_START_PAE  0xF5800000
#define __MACH2PHYS_VIRT_END_PAE    0xF6800000
#define HYPERVISOR_VIRT_START_PAE   xen_mk_ulong(__HYPERVISOR_VIRT_START_PAE)
#define MACH2PHYS_VIRT_START_PAE    xen_mk_ulong(__MACH2PHYS_VIRT_START_PAE)
#define MACH2PHYS_VIRT_END_PAE      xen_mk_ulong(__MACH2PHYS_VIRT_END_PAE)

#define __HYPERVISOR_VIRT_START __HYPERVISOR_VIRT_START_PAE
#define __MACH2PHYS_VIRT_START  __MACH2PHYS_VIRT_START_PAE
#define __MACH2PHYS_VIRT_END    __MACH2PHYS_VIRT_END_PAE
#ifndef HYPERVISOR_VIRT_START
#define HYPERVISOR_VIRT_START   xen_mk_ulong(__HYPERVISOR_VIRT_START)
#endif
#define MACH2PHYS_VIRT_START    xen_mk_ulong(__MACH2PHYS_VIRT_START)
#define MACH2PHYS_VIRT_END      xen_mk_ulong(__MACH2PHYS_VIRT_END)
#define MACH2PHYS_NR_ENTRIES    ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 2)
#if defined(__i386__) && !defined(machine_to_phys_mapping)
/* Only the guest can dereference this address. */
#define machine_to_phys_mapping ((xen_pfn_t *)MACH2PHYS_VIRT_START)
#endif

/* Maximum number of vCPUs in shared_info's vcpu_info array. */
#define XEN_LEGACY_MAX_VCPUS 32

/* This interface has PV start of day and a per-vCPU upcall mask. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * Forced-emulation prefix: ud2a; .ascii "xen". A PV guest puts it before
 * cpuid to get the hypervisor's (filtered) cpuid instead of the hardware's.
 */
#ifdef __ASSEMBLY__
#define XEN_EMULATE_PREFIX .byte 0x0f,0x0b,0x78,0x65,0x6e ;
#define XEN_CPUID          XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID          XEN_EMULATE_PREFIX "cpuid"
#endif

#ifndef __ASSEMBLY__

/* The guest's unsigned long and its (machine or pseudo-physical) frame numbers. */
typedef uint32_t xen_ulong_t;
typedef uint32_t xen_pfn_t;
#define PRI_xen_ulong "x"
#define PRI_xen_pfn   "x"
#define PRIu_xen_pfn  "u"

/*
 * 64-bit fields as i386 lays them out in a struct: 4-byte aligned. (On
 * x86-64 a plain uint64_t is 8-aligned, which would move fields and pad
 * structs; GCC lets a typedef lower the alignment.)
 */
typedef uint64_t uint64_align4_t __attribute__((aligned(4)));
typedef int64_t  int64_align4_t  __attribute__((aligned(4)));
/*
 * The control interfaces (domctl, sysctl) instead have one layout for 32-
 * and 64-bit callers: their 64-bit fields are 8-byte aligned in both, as
 * Xen's uint64_aligned_t makes them.
 */
typedef uint64_t uint64_aligned_t __attribute__((aligned(8)));
typedef int64_t  int64_aligned_t  __attribute__((aligned(8)));

typedef uint64_t tsc_timestamp_t; /* an RDTSC value */

/*
 * One entry of the virtual IDT (set_trap_table). An array of these ends
 * with an entry whose address is 0.
 */
#define TI_GET_DPL(_ti)      ((_ti)->flags & 3)
#define TI_GET_IF(_ti)       ((_ti)->flags & 4)
#define TI_SET_DPL(_ti, _dpl) ((_ti)->flags |= (_dpl))
#define TI_SET_IF(_ti, _if)  ((_ti)->flags |= ((!!(_if)) << 2))
struct trap_info {
    uint8_t     vector;  /* exception vector */
    uint8_t     flags;   /* bits 0-1: lowest DPL allowed to "int n"; bit 2: mask events */
    uint16_t    cs;      /* code selector (RPL 0 is raised to 1) */
    xen_ulong_t address; /* code offset */
};
typedef struct trap_info trap_info_t;
DEFINE_XEN_GUEST_HANDLE(trap_info_t);

/*
 * The guest's register frame, as in vcpu_guest_context. error_code and
 * entry_vector are private to the hypervisor; saved_upcall_mask sits next
 * to CS as in the bounce frame.
 */
struct cpu_user_regs {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint16_t error_code;
    uint16_t entry_vector;
    uint32_t eip;
    uint16_t cs;
    uint8_t  saved_upcall_mask;
    uint8_t  _pad0;
    uint32_t eflags;        /* eflags.IF == !saved_upcall_mask */
    uint32_t esp;
    uint16_t ss, _pad1;
    uint16_t es, _pad2;
    uint16_t ds, _pad3;
    uint16_t fs, _pad4;
    uint16_t gs, _pad5;
};
typedef struct cpu_user_regs cpu_user_regs_t;
DEFINE_XEN_GUEST_HANDLE(cpu_user_regs_t);

/* A PAE guest's CR3 holds its pfn rotated so that frames above 4 GiB fit. */
#define xen_pfn_to_cr3(pfn) (((unsigned)(pfn) << 12) | ((unsigned)(pfn) >> 20))
#define xen_cr3_to_pfn(cr3) (((unsigned)(cr3) >> 12) | ((unsigned)(cr3) << 20))

/* Architecture part of vcpu_info: the virtual CR2 written before a #PF bounce. */
struct arch_vcpu_info {
    xen_ulong_t cr2;
    xen_ulong_t pad[5];     /* keeps sizeof(struct vcpu_info) == 64 */
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/* A callback address: code selector and offset. */
struct xen_callback {
    xen_ulong_t cs;
    xen_ulong_t eip;
};
typedef struct xen_callback xen_callback_t;

/* A vCPU's whole state, as given to VCPUOP_initialise. */
#define VGCF_I387_VALID                (1 << 0)
#define VGCF_IN_KERNEL                 (1 << 2)
#define _VGCF_i387_valid               0
#define VGCF_i387_valid                (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel                2
#define VGCF_in_kernel                 (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events  (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events  4
#define VGCF_syscall_disables_events   (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                   5
#define VGCF_online                    (1 << _VGCF_online)
struct vcpu_guest_context {
    struct { char x[512]; } fpu_ctxt;       /* FXSAVE image */
    xen_ulong_t flags;                      /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];        /* virtual IDT */
    xen_ulong_t ldt_base, ldt_ents;         /* LDT: linear address, entries */
    xen_ulong_t gdt_frames[16], gdt_ents;   /* GDT: machine frames, entries */
    xen_ulong_t kernel_ss, kernel_sp;       /* virtual TSS (SS1:ESP1 only) */
    xen_ulong_t ctrlreg[8];                 /* CR0-CR7 */
    xen_ulong_t debugreg[8];                /* DR0-DR7 */
    xen_ulong_t event_callback_cs;
    xen_ulong_t event_callback_eip;
    xen_ulong_t failsafe_callback_cs;
    xen_ulong_t failsafe_callback_eip;
    xen_ulong_t vm_assist;                  /* VMASST_TYPE_* bitmap */
};
typedef struct vcpu_guest_context vcpu_guest_context_t;
DEFINE_XEN_GUEST_HANDLE(vcpu_guest_context_t);

/* Architecture part of shared_info: where the guest publishes its p2m. */
struct arch_shared_info {
    xen_ulong_t max_pfn;            /* entries in the p2m */
    xen_pfn_t   pfn_to_mfn_frame_list_list; /* 3-level p2m tree root; 0 unset, ~0 invalid */
    xen_ulong_t nmi_reason;
    xen_ulong_t p2m_cr3;            /* address space holding the linear p2m (0: none) */
    xen_ulong_t p2m_vaddr;          /* its virtual address */
    xen_ulong_t p2m_generation;     /* odd while the guest updates the mapping */
    uint32_t    wc_sec_hi;          /* high word of shared_info.wc_sec (x86_32 only) */
};
typedef struct arch_shared_info arch_shared_info_t;

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_ARCH_X86_32_H */
