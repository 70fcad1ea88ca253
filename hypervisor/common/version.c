/* pvx: xen_version. pvx implements Xen 4.17's x86_32 PV interface, so it
 * reports that version; extraversion says it is pvx. */
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/domain.h>
#include <pvx/guest_access.h>
#include <pvx/hypercall.h>
#include <pvx/cmdline.h>
#include <public/xen.h>
#include <public/version.h>
#include <public/features.h>

#define PVX_XEN_MAJOR 4
#define PVX_XEN_MINOR 17

/* Copy a string into a zeroed fixed-size buffer and out to the guest:
 * the guest sees the string NUL-padded, never stale bytes. */
static long copy_string_out(uint32_t arg, const char *s, size_t size)
{
    char buf[1024];
    if (size > sizeof(buf))
        return -EFAULT;
    memset(buf, 0, size);
    size_t n = strlen(s);
    memcpy(buf, s, n < size - 1 ? n : size - 1);
    return copy_to_guest(arg, buf, size);
}

/* The XENFEAT_* bits of submap 0 for domain d. */
static uint32_t feature_submap0(const struct domain *d)
{
    uint32_t bits = (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                    (1u << XENFEAT_highmem_assist);
    if (d->is_privileged)
        bits |= 1u << XENFEAT_dom0;
    return bits;
}

/* xen_version(cmd, arg): see docs/abi.md. */
long do_xen_version(uint32_t cmd, uint32_t arg)
{
    switch (cmd) {
    case XENVER_version:
        return (PVX_XEN_MAJOR << 16) | PVX_XEN_MINOR;
    case XENVER_extraversion:
        return copy_string_out(arg, ".0-pvx", sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        xen_compile_info_t info;
        memset(&info, 0, sizeof(info));
        memcpy(info.compiler, "gcc " __VERSION__, sizeof("gcc " __VERSION__) < 64 ? sizeof("gcc " __VERSION__) : 63);
        memcpy(info.compile_by, "pvx", 3);
        memcpy(info.compile_domain, "pvx.local", 9);
        memcpy(info.compile_date, __DATE__, sizeof(__DATE__));
        return copy_to_guest(arg, &info, sizeof(info));
    }
    case XENVER_capabilities:
        return copy_string_out(arg, "xen-3.0-x86_32p", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string_out(arg, "pvx", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        xen_platform_parameters_t pp = { .virt_start = HYPERVISOR_VIRT_START_PAE };
        return copy_to_guest(arg, &pp, sizeof(pp));
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;
        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -EFAULT;
        /* Xen 4.17 has one submap and answers -EINVAL for any other index
         * (Linux stops asking at the first error). */
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = feature_submap0(current->domain);
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        xen_domain_handle_t h;
        memset(h, 0, sizeof(h));
        return copy_to_guest(arg, h, sizeof(h));
    }
    case XENVER_commandline:
        if (!current->domain->is_privileged)
            return -EPERM;
        return copy_string_out(arg, hv_command_line, sizeof(xen_commandline_t));
    case XENVER_build_id:
        return -ENODATA;
    default:
        return -ENOSYS;
    }
}
