/*
 * The demo dom0 that `make run` boots until guest-os exists: prints a
 * banner with what the hypervisor told it, then powers off.
 */
#include "guest.h"

void test_main(void)
{
    char extra[16];
    long ver = HYPERVISOR_xen_version(XENVER_version, 0);
    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    guest_printf("\nHello from dom0, a 32-bit PV guest in ring 1 on pvx (Xen %ld.%ld%s interface).\n",
                 ver >> 16, ver & 0xffff, extra);
    guest_printf("  %u pages of memory, page tables at %x (%u frames), command line '%s'\n\n",
                 (unsigned)start_info->nr_pages, (unsigned)start_info->pt_base,
                 (unsigned)start_info->nr_pt_frames, (const char *)start_info->cmd_line);
    CHECK(ver > 0);
}
