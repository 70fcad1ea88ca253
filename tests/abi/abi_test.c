/*
 * tests/abi: proves that pvx's public headers (include/public) give exactly
 * Xen's x86_32 PAE PV guest ABI, in the guest's view and the hypervisor's.
 *
 * Three tables of the same checks (checks.def) are compared entry by entry:
 *   xen_m32  Xen's headers compiled -m32 (the reference),
 *   pvx_m32  ours compiled -m32 (what a 32-bit guest sees),
 *   pvx_m64  ours compiled -m64 (what the 64-bit hypervisor sees).
 * A check passes when all three values agree. Prints one line per mismatch
 * (every check with -v), then "N passed, N failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "abi_table.h"

extern const struct abi_entry xen_m32[], pvx_m32[], pvx_m64[];
extern const uint32_t xen_m32_count, pvx_m32_count, pvx_m64_count;

/* The tables come from one list; anything else means a broken build. */
static int tables_agree_on_names(void)
{
    if (xen_m32_count != pvx_m32_count || pvx_m32_count != pvx_m64_count) {
        printf("abi_test: table sizes differ (xen -m32 %u, pvx -m32 %u, pvx -m64 %u)\n",
               xen_m32_count, pvx_m32_count, pvx_m64_count);
        return 0;
    }
    for (uint32_t i = 0; i < xen_m32_count; i++) {
        if (strcmp(xen_m32[i].name, pvx_m32[i].name) || strcmp(pvx_m32[i].name, pvx_m64[i].name)) {
            printf("abi_test: tables out of step at entry %u (%s)\n", i, xen_m32[i].name);
            return 0;
        }
    }
    return 1;
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    unsigned int passed = 0, failed = 0;

    if (!tables_agree_on_names())
        return 2;

    for (uint32_t i = 0; i < xen_m32_count; i++) {
        uint64_t want = xen_m32[i].value;
        uint64_t got32 = pvx_m32[i].value, got64 = pvx_m64[i].value;

        if (want == got32 && want == got64) {
            passed++;
            if (verbose)
                printf("ok   %s = %lld\n", xen_m32[i].name, (long long)want);
            continue;
        }
        failed++;
        printf("FAIL %s: xen -m32 %lld, pvx -m32 %lld, pvx -m64 %lld\n", xen_m32[i].name,
               (long long)want, (long long)got32, (long long)got64);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
