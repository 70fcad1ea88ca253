/*
 * Host tests for hypervisor/common/boot_domains.c: boot-time domain lines
 * ("domain name=ping mem=8M weight=256 cap=25 args...") as GRUB module
 * command lines give them. A malformed option must refuse the domain with
 * a reason (never half-apply), and every word pvx does not know goes to the
 * guest's own command line.
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/boot_domains.h>
#include <string.h>

static struct domain_options o;
static char err[128];

static bool parse(const char *line)
{
    err[0] = '\0';
    return parse_domain_options(line, &o, err, sizeof(err));
}

static void test_is_domain(void)
{
    CU_ASSERT(is_domain_module("domain name=x"));
    CU_ASSERT(is_domain_module("  domain"));
    CU_ASSERT(!is_domain_module("domains"));
    CU_ASSERT(!is_domain_module("root=/dev/ram0"));
    CU_ASSERT(!is_domain_module(""));
}

static void test_defaults(void)
{
    CU_ASSERT(parse("domain"));
    CU_ASSERT_EQUAL(o.mem_bytes, DOMU_DEFAULT_MEM);
    CU_ASSERT_EQUAL(o.weight, 256);
    CU_ASSERT_EQUAL(o.cap, 0);
    CU_ASSERT_STRING_EQUAL(o.name, "");
    CU_ASSERT_STRING_EQUAL(o.guest_cmdline, "");
}

static void test_all_options(void)
{
    CU_ASSERT(parse("domain name=ping mem=8M weight=512 cap=25 console=hvc0 quiet"));
    CU_ASSERT_STRING_EQUAL(o.name, "ping");
    CU_ASSERT_EQUAL(o.mem_bytes, 8ull << 20);
    CU_ASSERT_EQUAL(o.weight, 512);
    CU_ASSERT_EQUAL(o.cap, 25);
    CU_ASSERT_STRING_EQUAL(o.guest_cmdline, "console=hvc0 quiet");
}

static void test_double_dash(void)
{
    CU_ASSERT(parse("domain mem=4M -- name=guestname mem=1G"));
    CU_ASSERT_EQUAL(o.mem_bytes, 4ull << 20);
    CU_ASSERT_STRING_EQUAL(o.name, "");
    CU_ASSERT_STRING_EQUAL(o.guest_cmdline, "name=guestname mem=1G");
}

static void test_bad_values(void)
{
    static const char *const bad[] = {
        "domain mem=", "domain mem=12X", "domain mem=100K", "domain weight=0",
        "domain weight=70000", "domain weight=abc", "domain cap=101", "domain cap=-1",
        "domain name=", "domain name=0123456789012345678901234567890123", "notadomain",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_FALSE(parse(bad[i]));
        CU_ASSERT(err[0] != '\0');
    }
}

int main(void)
{
    CU_pSuite suite;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite("boot_domains", NULL, NULL);
    CU_add_test(suite, "is_domain_module", test_is_domain);
    CU_add_test(suite, "defaults", test_defaults);
    CU_add_test(suite, "all options", test_all_options);
    CU_add_test(suite, "-- ends the options", test_double_dash);
    CU_add_test(suite, "malformed options refused", test_bad_values);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
