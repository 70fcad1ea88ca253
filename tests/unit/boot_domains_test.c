/*
 * Host tests for hypervisor/common/boot_domains.c: boot-time domain lines
 * ("domain name=ping mem=8M weight=256 cap=25 args...") as GRUB module
 * command lines give them. A malformed option must refuse the domain with
 * a reason (never half-apply), and every word pvx does not know goes to the
 * guest's own command line. Then which module is whose: a "ramdisk"
 * module belongs to the kernel right before it, module 1 is dom0's
 * ramdisk unless it is a domain, and anything else is unused.
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
    CU_ASSERT_EQUAL(o.maxmem_bytes, 8ull << 20);        /* maxmem defaults to mem */
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

static void test_maxmem(void)
{
    CU_ASSERT(parse("domain mem=8M maxmem=32M"));
    CU_ASSERT_EQUAL(o.mem_bytes, 8ull << 20);
    CU_ASSERT_EQUAL(o.maxmem_bytes, 32ull << 20);
    CU_ASSERT(parse("domain maxmem=64M"));              /* mem keeps its default */
    CU_ASSERT_EQUAL(o.mem_bytes, DOMU_DEFAULT_MEM);
    CU_ASSERT_EQUAL(o.maxmem_bytes, 64ull << 20);
    CU_ASSERT(parse("domain mem=8M maxmem=8M"));
    CU_ASSERT_EQUAL(o.maxmem_bytes, 8ull << 20);
}

static void test_bad_values(void)
{
    static const char *const bad[] = {
        "domain mem=", "domain mem=12X", "domain mem=100K", "domain weight=0",
        "domain mem=8M maxmem=4M", "domain maxmem=", "domain maxmem=100K",
        "domain weight=70000", "domain weight=abc", "domain cap=101", "domain cap=-1",
        "domain name=", "domain name=0123456789012345678901234567890123", "notadomain",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CU_ASSERT_FALSE(parse(bad[i]));
        CU_ASSERT(err[0] != '\0');
    }
}

static void test_is_ramdisk(void)
{
    CU_ASSERT(is_ramdisk_module("ramdisk"));
    CU_ASSERT(is_ramdisk_module("  ramdisk extra words"));
    CU_ASSERT(!is_ramdisk_module("ramdisks"));
    CU_ASSERT(!is_ramdisk_module("domain ramdisk"));
    CU_ASSERT(!is_ramdisk_module(""));
}

#define MAX_MODS 8
static enum boot_module_kind kind[MAX_MODS];
static unsigned int rd[MAX_MODS];

/* Classify lines (NULL-terminated) and compare with the expected kinds
 * ("K" kernel, "R" ramdisk, "U" unused, one letter per module) and the
 * expected ramdisk index of each module. */
static void expect_classes(const char *const *lines, const char *kinds, const unsigned int *ramdisks)
{
    unsigned int n = 0;
    while (lines[n])
        n++;
    CU_ASSERT_EQUAL_FATAL(strlen(kinds), n);
    for (unsigned int i = 0; i < MAX_MODS; i++)
        kind[i] = (enum boot_module_kind)99, rd[i] = 99;
    classify_boot_modules(lines, n, kind, rd);
    for (unsigned int i = 0; i < n; i++) {
        enum boot_module_kind want = kinds[i] == 'K' ? BOOT_MODULE_KERNEL
                                   : kinds[i] == 'R' ? BOOT_MODULE_RAMDISK : BOOT_MODULE_UNUSED;
        CU_ASSERT_EQUAL(kind[i], want);
        CU_ASSERT_EQUAL(rd[i], ramdisks[i]);
    }
    CU_ASSERT_EQUAL(kind[n], (enum boot_module_kind)99);    /* nothing written past n */
}

static void test_classify_dom0(void)
{
    /* dom0 alone; with a ramdisk of any name; with a "ramdisk" line */
    expect_classes((const char *const[]){ "init=/bin/sh", NULL }, "K", (const unsigned int[]){ 0 });
    expect_classes((const char *const[]){ "", "initrd.tar", NULL }, "KR", (const unsigned int[]){ 1, 0 });
    expect_classes((const char *const[]){ "", "", NULL }, "KR", (const unsigned int[]){ 1, 0 });
    expect_classes((const char *const[]){ "", "ramdisk", NULL }, "KR", (const unsigned int[]){ 1, 0 });
    /* module 1 as a domain: dom0 has no ramdisk */
    expect_classes((const char *const[]){ "", "domain name=a", NULL }, "KK", (const unsigned int[]){ 0, 0 });
}

static void test_classify_domus(void)
{
    /* dom0 + ramdisk, a domU with its ramdisk, a domU without, a domU with */
    expect_classes((const char *const[]){ "", "x", "domain name=a", "ramdisk", "domain name=b",
                                          "domain name=c", "ramdisk", NULL },
                   "KRKRKKR", (const unsigned int[]){ 1, 0, 3, 0, 0, 6, 0 });
    /* a domU right after dom0, its ramdisk next */
    expect_classes((const char *const[]){ "", "domain", "ramdisk", NULL }, "KKR",
                   (const unsigned int[]){ 0, 2, 0 });
}

static void test_classify_unused(void)
{
    /* a second ramdisk, a ramdisk after dom0's ramdisk, unknown lines */
    expect_classes((const char *const[]){ "", "domain", "ramdisk", "ramdisk", NULL }, "KKRU",
                   (const unsigned int[]){ 0, 2, 0, 0 });
    expect_classes((const char *const[]){ "", "initrd", "ramdisk", NULL }, "KRU",
                   (const unsigned int[]){ 1, 0, 0 });
    expect_classes((const char *const[]){ "", "domain", "initrd.tar", "ramdisks", NULL }, "KKUU",
                   (const unsigned int[]){ 0, 0, 0, 0 });
    /* an unused module in between: the ramdisk after it belongs to no one */
    expect_classes((const char *const[]){ "", "domain", "junk", "ramdisk", NULL }, "KKUU",
                   (const unsigned int[]){ 0, 0, 0, 0 });
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
    CU_add_test(suite, "maxmem", test_maxmem);
    CU_add_test(suite, "malformed options refused", test_bad_values);
    CU_add_test(suite, "is_ramdisk_module", test_is_ramdisk);
    CU_add_test(suite, "modules: dom0 and its ramdisk", test_classify_dom0);
    CU_add_test(suite, "modules: domUs and their ramdisks", test_classify_domus);
    CU_add_test(suite, "modules: unused ones", test_classify_unused);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
