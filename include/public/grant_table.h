/*
 * pvx public ABI: grant tables, version 1 (a domain's table of the frames
 * it lets other domains map, and grant_table_op to use them).
 */
#ifndef PVX_PUBLIC_GRANT_TABLE_H
#define PVX_PUBLIC_GRANT_TABLE_H

#include "xen.h"

/* grant_table_op(cmd, args, count) commands; args is an array of struct gnttab_<name>. */
#define GNTTABOP_map_grant_ref        0
#define GNTTABOP_unmap_grant_ref      1
#define GNTTABOP_setup_table          2
#define GNTTABOP_dump_table           3
#define GNTTABOP_transfer             4
#define GNTTABOP_copy                 5
#define GNTTABOP_query_size           6
#define GNTTABOP_unmap_and_replace    7
#define GNTTABOP_set_version          8
#define GNTTABOP_get_status_frames    9  /* v2 only */
#define GNTTABOP_get_version          10
#define GNTTABOP_swap_grant_ref       11
#define GNTTABOP_cache_flush          12

/* Entries kept across a guest's table reinitialisation. */
#define GNTTAB_NR_RESERVED_ENTRIES    8
#define GNTTAB_RESERVED_CONSOLE       0
#define GNTTAB_RESERVED_XENSTORE      1

/* grant_entry_v1.flags: a type in bits 0-1, then flags. */
#define GTF_invalid         (0U << 0)
#define GTF_permit_access   (1U << 0)  /* domid may map frame */
#define GTF_accept_transfer (2U << 0)  /* domid may transfer a frame into frame */
#define GTF_transitive      (3U << 0)  /* v2 only */
#define GTF_type_mask       (3U << 0)
#define _GTF_readonly       (2)
#define GTF_readonly        (1U << _GTF_readonly)   /* mapping must be read-only */
#define _GTF_reading        (3)
#define GTF_reading         (1U << _GTF_reading)    /* set by the hypervisor while mapped */
#define _GTF_writing        (4)
#define GTF_writing         (1U << _GTF_writing)    /* set by the hypervisor while mapped writable */
#define _GTF_PWT            (5)
#define GTF_PWT             (1U << _GTF_PWT)
#define _GTF_PCD            (6)
#define GTF_PCD             (1U << _GTF_PCD)
#define _GTF_PAT            (7)
#define GTF_PAT             (1U << _GTF_PAT)
#define _GTF_sub_page       (8)
#define GTF_sub_page        (1U << _GTF_sub_page)
/* For GTF_accept_transfer entries. */
#define _GTF_transfer_committed (2)
#define GTF_transfer_committed  (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed (3)
#define GTF_transfer_completed  (1U << _GTF_transfer_completed)

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map      (0)
#define GNTMAP_device_map       (1 << _GNTMAP_device_map)
#define _GNTMAP_host_map        (1)
#define GNTMAP_host_map         (1 << _GNTMAP_host_map)
#define _GNTMAP_readonly        (2)
#define GNTMAP_readonly         (1 << _GNTMAP_readonly)
#define _GNTMAP_application_map (3)
#define GNTMAP_application_map  (1 << _GNTMAP_application_map) /* user-accessible */
#define _GNTMAP_contains_pte    (4)
#define GNTMAP_contains_pte     (1 << _GNTMAP_contains_pte) /* host_addr is a PTE's machine address */
#define _GNTMAP_guest_avail0    (16)
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-operation status (the hypercall itself returns 0 or -errno). */
#define GNTST_okay              (0)
#define GNTST_general_error     (-1)
#define GNTST_bad_domain        (-2)
#define GNTST_bad_gntref        (-3)
#define GNTST_bad_handle        (-4)
#define GNTST_bad_virt_addr     (-5)
#define GNTST_bad_dev_addr      (-6)
#define GNTST_no_device_space   (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page          (-9)
#define GNTST_bad_copy_arg      (-10) /* copy crosses a page boundary */
#define GNTST_address_too_big   (-11)
#define GNTST_eagain            (-12)
#define GNTST_no_space          (-13)

#define GNTTABOP_error_msgs {                   \
    "okay",                                     \
    "undefined error",                          \
    "unrecognised domain id",                   \
    "invalid grant reference",                  \
    "invalid mapping handle",                   \
    "invalid virtual address",                  \
    "invalid device address",                   \
    "no spare translation slot in the I/O MMU", \
    "permission denied",                        \
    "bad page",                                 \
    "copy arguments cross page boundary",       \
    "page address size too large",              \
    "operation not done; try again",            \
    "out of space",                             \
}

/* gnttab_copy.flags */
#define _GNTCOPY_source_gref (0)
#define GNTCOPY_source_gref  (1 << _GNTCOPY_source_gref)
#define _GNTCOPY_dest_gref   (1)
#define GNTCOPY_dest_gref    (1 << _GNTCOPY_dest_gref)

#ifndef __ASSEMBLY__

typedef uint32_t grant_ref_t;       /* index into a grant table */
typedef uint32_t grant_handle_t;    /* names one mapping made by map_grant_ref */

/* One v1 grant table entry (8 bytes); the granting guest writes it. */
struct grant_entry_v1 {
    uint16_t flags;     /* GTF_* */
    domid_t  domid;     /* the domain being granted access */
    uint32_t frame;     /* the granted frame (a transferred frame's mfn on completion) */
};
typedef struct grant_entry_v1 grant_entry_v1_t;

struct gnttab_map_grant_ref {
    uint64_align4_t host_addr;      /* IN: va, or PTE address with GNTMAP_contains_pte */
    uint32_t flags;                 /* IN: GNTMAP_* */
    grant_ref_t ref;                /* IN */
    domid_t dom;                    /* IN: the granting domain */
    int16_t status;                 /* OUT: GNTST_* */
    grant_handle_t handle;          /* OUT */
    uint64_align4_t dev_bus_addr;   /* OUT */
};
typedef struct gnttab_map_grant_ref gnttab_map_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_map_grant_ref_t);

struct gnttab_unmap_grant_ref {
    uint64_align4_t host_addr;      /* IN */
    uint64_align4_t dev_bus_addr;   /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_grant_ref gnttab_unmap_grant_ref_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_grant_ref_t);

/* Size the table to nr_frames and return the frames that hold it. */
struct gnttab_setup_table {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* IN */
    int16_t status;                 /* OUT: GNTST_* */
    XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT: machine frames */
};
typedef struct gnttab_setup_table gnttab_setup_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_setup_table_t);

struct gnttab_dump_table {
    domid_t dom;                    /* IN */
    int16_t status;                 /* OUT: GNTST_* */
};
typedef struct gnttab_dump_table gnttab_dump_table_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_dump_table_t);

/* Give frame mfn to domid, which accepted it with grant ref. */
struct gnttab_transfer {
    xen_pfn_t mfn;                  /* IN */
    domid_t domid;                  /* IN */
    grant_ref_t ref;                /* IN */
    int16_t status;                 /* OUT: GNTST_* */
};
typedef struct gnttab_transfer gnttab_transfer_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_transfer_t);

/* Copy len bytes between two frames named by grant ref or by frame number. */
struct gnttab_copy {
    struct gnttab_copy_ptr {
        union {
            grant_ref_t ref;        /* with GNTCOPY_*_gref */
            xen_pfn_t   gmfn;       /* otherwise */
        } u;
        domid_t  domid;
        uint16_t offset;
    } source, dest;
    uint16_t len;
    uint16_t flags;                 /* GNTCOPY_* */
    int16_t  status;                /* OUT: GNTST_* */
};
typedef struct gnttab_copy gnttab_copy_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_copy_t);

struct gnttab_query_size {
    domid_t dom;                    /* IN */
    uint32_t nr_frames;             /* OUT */
    uint32_t max_nr_frames;         /* OUT */
    int16_t status;                 /* OUT: GNTST_* */
};
typedef struct gnttab_query_size gnttab_query_size_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_query_size_t);

struct gnttab_unmap_and_replace {
    uint64_align4_t host_addr;      /* IN */
    uint64_align4_t new_addr;       /* IN */
    grant_handle_t handle;          /* IN */
    int16_t status;                 /* OUT: GNTST_* */
};
typedef struct gnttab_unmap_and_replace gnttab_unmap_and_replace_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_unmap_and_replace_t);

/* Choose the table format; pvx supports version 1 only. */
struct gnttab_set_version {
    uint32_t version;               /* IN/OUT */
};
typedef struct gnttab_set_version gnttab_set_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_set_version_t);

struct gnttab_get_version {
    domid_t dom;                    /* IN */
    uint16_t pad;
    uint32_t version;               /* OUT */
};
typedef struct gnttab_get_version gnttab_get_version_t;
DEFINE_XEN_GUEST_HANDLE(gnttab_get_version_t);

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_GRANT_TABLE_H */
