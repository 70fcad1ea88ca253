/*
 * pvx public ABI: xen_version, the hypervisor's version, build strings,
 * platform parameters and feature bits.
 */
#ifndef PVX_PUBLIC_VERSION_H
#define PVX_PUBLIC_VERSION_H

#include "xen.h"
#include "features.h"

/*
 * xen_version(cmd, arg) commands. All return 0 on success except
 * version and pagesize, which return the value itself.
 */
#define XENVER_version             0  /* arg NULL; returns major << 16 | minor */
#define XENVER_extraversion        1  /* xen_extraversion_t */
#define XENVER_compile_info        2  /* xen_compile_info_t */
#define XENVER_capabilities        3  /* xen_capabilities_info_t */
#define XENVER_changeset           4  /* xen_changeset_info_t */
#define XENVER_platform_parameters 5  /* xen_platform_parameters_t */
#define XENVER_get_features        6  /* xen_feature_info_t */
#define XENVER_pagesize            7  /* arg NULL; returns the page size */
#define XENVER_guest_handle        8  /* xen_domain_handle_t */
#define XENVER_commandline         9  /* xen_commandline_t */
#define XENVER_build_id           10  /* xen_build_id_t */

#ifndef __ASSEMBLY__

/* Strings are NUL-padded to their full size. */
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;

typedef char xen_capabilities_info_t[1024];     /* e.g. "xen-3.0-x86_32p" */
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

struct xen_platform_parameters {
    xen_ulong_t virt_start;     /* HYPERVISOR_VIRT_START */
};
typedef struct xen_platform_parameters xen_platform_parameters_t;

struct xen_feature_info {
    uint32_t submap_idx;        /* IN: which 32-bit submap */
    uint32_t submap;            /* OUT: its XENFEAT_* bits */
};
typedef struct xen_feature_info xen_feature_info_t;

typedef char xen_commandline_t[1024];

struct xen_build_id {
    uint32_t len;               /* IN: size of buf */
    unsigned char buf[XEN_FLEX_ARRAY_DIM]; /* OUT */
};
typedef struct xen_build_id xen_build_id_t;

#endif /* !__ASSEMBLY__ */

#endif /* PVX_PUBLIC_VERSION_H */
