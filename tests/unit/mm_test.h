/*
 * pvx host tests: helpers shared by page_type_test.c and mmu_test.c.
 */
#ifndef PVX_MM_TEST_H
#define PVX_MM_TEST_H

#include <CUnit/Basic.h>
#include "sim.h"

/* The invariants hold right now. */
#define CHECK_INVARIANTS() CU_ASSERT_EQUAL(sim_check(), 0)

/* expr is refused with err, prints a message containing msg, changes
 * nothing at all, and the invariants still hold. */
#define EXPECT_REFUSED(expr, err, msg) do {                        \
        struct sim_snapshot *snap_ = sim_snapshot_take();          \
        sim_console_clear();                                       \
        CU_ASSERT_EQUAL((expr), (err));                            \
        CU_ASSERT(sim_snapshot_same(snap_));                       \
        if (!sim_console_has(msg))                                 \
            printf("\nexpected message '%s', console: %s\n", (msg), \
                   sim_console_text());                            \
        CU_ASSERT(sim_console_has(msg));                           \
        CHECK_INVARIANTS();                                        \
    } while (0)

#define PAGE_OF(mfn) mfn_to_page(mfn)

struct mm_test {
    const char *name;
    void (*fn)(void);
};

/* Run one suite of tests; the exit status for main(). */
static inline int run_mm_suite(const char *suite_name, const struct mm_test *tests,
                               unsigned int n)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    CU_pSuite suite = CU_add_suite(suite_name, NULL, NULL);
    for (unsigned int i = 0; i < n; i++)
        CU_add_test(suite, tests[i].name, tests[i].fn);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures != 0;
}

#endif
