/*
 * Test guest "loglvl_quiet": with loglvl=error on the hypervisor command
 * line (xen-cmdline), a refused guest request still gets its errno but no
 * console message (refusals are warnings); `expect` checks that no
 * "(pvx) d0: ..." line appears. The default (warning) shows them: every
 * adversarial test's expect file relies on that.
 */
#include "guest.h"

void test_main(void)
{
    /* Map machine frame 0 (the hypervisor's) at a free address. */
    unsigned long va = (unsigned long)alloc_page();
    uint64_t before = pte_of(va);
    CHECK_EQ(HYPERVISOR_update_va_mapping(va, 0x00000003, 0, UVMF_INVLPG), -XEN_EPERM);
    CHECK_EQ(pte_of(va), before);
}
