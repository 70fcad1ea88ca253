/*
 * tests/abi: proves that pvx's public headers (include/public) give exactly
 * Xen's x86_32 PAE PV guest ABI, in the guest's view and the hypervisor's.
 *
 * Three tables of the same checks (checks.def) are compared entry by entry:
 *   xen_m32  Xen's headers compiled -m32 (the reference),
 *   pvx_m32  ours compiled -m32 (what a 32-bit guest sees),
 *   pvx_m64  ours compiled -m64 (what the 64-bit hypervisor sees).
 * A check passes when all three values agree. The toolstack's view
 * (checks_tools.def: domctl, with Xen's headers under __XEN_TOOLS__) is a
 * second set of three tables, xen_tools_m32, pvx_tools_m32, pvx_tools_m64,
 * compared the same way. Prints one line per mismatch (every check with
 * -v), then "N passed, N failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <string.h>

#include "abi_table.h"

extern const struct abi_entry xen_m32[], pvx_m32[], pvx_m64[];
extern const uint32_t xen_m32_count, pvx_m32_count, pvx_m64_count;
extern const struct abi_entry xen_tools_m32[], pvx_tools_m32[], pvx_tools_m64[];
extern const uint32_t xen_tools_m32_count, pvx_tools_m32_count, pvx_tools_m64_count;

/* One view: Xen's reference table and pvx's two. */
struct view {
    const char *name;
    const struct abi_entry *xen, *pvx32, *pvx64;
    uint32_t nr_xen, nr_pvx32, nr_pvx64;
};

/* The tables come from one list; anything else means a broken build. */
static int tables_agree_on_names(const struct view *v)
{
    if (v->nr_xen != v->nr_pvx32 || v->nr_pvx32 != v->nr_pvx64) {
        printf("abi_test: %s table sizes differ (xen -m32 %u, pvx -m32 %u, pvx -m64 %u)\n",
               v->name, v->nr_xen, v->nr_pvx32, v->nr_pvx64);
        return 0;
    }
    for (uint32_t i = 0; i < v->nr_xen; i++) {
        if (strcmp(v->xen[i].name, v->pvx32[i].name) || strcmp(v->pvx32[i].name, v->pvx64[i].name)) {
            printf("abi_test: %s tables out of step at entry %u (%s)\n", v->name, i, v->xen[i].name);
            return 0;
        }
    }
    return 1;
}

/* Compare every entry of a view, counting into *passed / *failed. */
static void check_view(const struct view *v, int verbose, unsigned int *passed, unsigned int *failed)
{
    for (uint32_t i = 0; i < v->nr_xen; i++) {
        uint64_t want = v->xen[i].value;
        uint64_t got32 = v->pvx32[i].value, got64 = v->pvx64[i].value;

        if (want == got32 && want == got64) {
            (*passed)++;
            if (verbose)
                printf("ok   %s = %lld\n", v->xen[i].name, (long long)want);
            continue;
        }
        (*failed)++;
        printf("FAIL %s: xen -m32 %lld, pvx -m32 %lld, pvx -m64 %lld\n", v->xen[i].name,
               (long long)want, (long long)got32, (long long)got64);
    }
}

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    unsigned int passed = 0, failed = 0;
    const struct view views[] = {
        { "guest", xen_m32, pvx_m32, pvx_m64, xen_m32_count, pvx_m32_count, pvx_m64_count },
        { "tools", xen_tools_m32, pvx_tools_m32, pvx_tools_m64,
          xen_tools_m32_count, pvx_tools_m32_count, pvx_tools_m64_count },
    };

    for (unsigned int i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        if (!tables_agree_on_names(&views[i]))
            return 2;
    for (unsigned int i = 0; i < sizeof(views) / sizeof(views[0]); i++)
        check_view(&views[i], verbose, &passed, &failed);
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
