/*
 * Host tests for hypervisor/common/cmdline.c, the hypervisor command line.
 *
 * pvx takes Xen's option names so that a Xen command line boots it, and an
 * option pvx does not know, or a value it cannot use, must never stop the
 * boot: it is reported on the console (captured by sim_console.c) and the
 * default stays. Covered: parse_size (plain, K/M/G in either case, only the
 * given length read, the exact 64-bit overflow boundaries, garbage, empty);
 * cmdline_parse of a full Xen-style line; every option's bad values
 * (ignored, named in a message); unknown options (reported, not fatal, the
 * options around them still applied); spacing, repeats, an empty line and
 * a line longer than the saved copy.
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/cmdline.h>
#include <stdio.h>
#include <string.h>
#include "sim.h"

/* ---- parse_size ---- */

/* parse_size of the whole string s; *ok says whether it accepted it. */
static uint64_t size_of(const char *s, bool *ok)
{
    uint64_t bytes = 0xDEADBEEF;
    *ok = parse_size(s, strlen(s), &bytes);
    return bytes;
}

#define CHECK_SIZE(s, want)                        \
    do {                                           \
        bool ok_;                                  \
        uint64_t got_ = size_of(s, &ok_);          \
        CU_ASSERT_TRUE(ok_);                       \
        CU_ASSERT_EQUAL(got_, (uint64_t)(want));   \
    } while (0)

/* A refused string leaves *bytes alone. */
#define CHECK_BAD_SIZE(s)                          \
    do {                                           \
        bool ok_;                                  \
        uint64_t got_ = size_of(s, &ok_);          \
        CU_ASSERT_FALSE(ok_);                      \
        CU_ASSERT_EQUAL(got_, 0xDEADBEEF);         \
    } while (0)

static void test_size_plain(void)
{
    CHECK_SIZE("0", 0);
    CHECK_SIZE("1", 1);
    CHECK_SIZE("1048576", 1048576);
    CHECK_SIZE("007", 7);
}

static void test_size_suffixes(void)
{
    CHECK_SIZE("4096K", 4096ull << 10);
    CHECK_SIZE("4096k", 4096ull << 10);
    CHECK_SIZE("64M", 64ull << 20);
    CHECK_SIZE("64m", 64ull << 20);
    CHECK_SIZE("1G", 1ull << 30);
    CHECK_SIZE("3g", 3ull << 30);
    CHECK_SIZE("0M", 0);
}

/* Only len bytes are looked at (options are not NUL-terminated). */
static void test_size_length(void)
{
    uint64_t bytes = 0;
    CU_ASSERT_TRUE(parse_size("64Mxyz", 3, &bytes));
    CU_ASSERT_EQUAL(bytes, 64ull << 20);
    CU_ASSERT_TRUE(parse_size("1234", 2, &bytes));
    CU_ASSERT_EQUAL(bytes, 12);
    CU_ASSERT_TRUE(parse_size("16 dom0_mem=1G", 2, &bytes));
    CU_ASSERT_EQUAL(bytes, 16);
    bytes = 99;
    CU_ASSERT_FALSE(parse_size("64M", 0, &bytes));
    CU_ASSERT_EQUAL(bytes, 99);
}

/* The largest representable values are accepted, one more is refused. */
static void test_size_overflow(void)
{
    CHECK_SIZE("18446744073709551615", UINT64_MAX);
    CHECK_SIZE("18446744073709551610", UINT64_MAX - 5);
    CHECK_SIZE("18446744073709551609", UINT64_MAX - 6);
    CHECK_BAD_SIZE("18446744073709551616");
    CHECK_BAD_SIZE("18446744073709551620");
    CHECK_BAD_SIZE("99999999999999999999");
    CHECK_BAD_SIZE("184467440737095516150");
    CHECK_BAD_SIZE("100000000000000000000000000000");
    CHECK_SIZE("18014398509481983K", UINT64_MAX - 1023);     /* (2^54 - 1) << 10 */
    CHECK_BAD_SIZE("18014398509481984K");
    CHECK_SIZE("17592186044415M", UINT64_MAX - 0xFFFFF);     /* (2^44 - 1) << 20 */
    CHECK_BAD_SIZE("17592186044416M");
    CHECK_SIZE("17179869183G", UINT64_MAX - 0x3FFFFFFF);     /* (2^34 - 1) << 30 */
    CHECK_BAD_SIZE("17179869184G");
    CHECK_BAD_SIZE("18446744073709551615K");
}

static void test_size_garbage(void)
{
    CHECK_BAD_SIZE("");
    CHECK_BAD_SIZE("M");
    CHECK_BAD_SIZE("abc");
    CHECK_BAD_SIZE("12X");
    CHECK_BAD_SIZE("12MB");
    CHECK_BAD_SIZE("12MM");
    CHECK_BAD_SIZE("1.5G");
    CHECK_BAD_SIZE(" 12");
    CHECK_BAD_SIZE("12 ");
    CHECK_BAD_SIZE("-1");
    CHECK_BAD_SIZE("+1");
    CHECK_BAD_SIZE("0x10");
    CHECK_BAD_SIZE("64M\n");
}

/* ---- cmdline_parse ---- */

/* Back to the hypervisor's defaults and an empty console. */
static void reset(void)
{
    memset(&hv_options, 0, sizeof(hv_options));
    hv_options.loglvl = 2;
    memset(hv_command_line, 'X', sizeof(hv_command_line));
    sim_console_clear();
}

#define MiB (1ull << 20)

/* The line the README documents, plus the test runner's option. */
static void test_full_line(void)
{
    static const char line[] =
        "console=com1 com1=115200 dom0_mem=64M loglvl=all noreboot dom0_io_privilege=off";
    reset();
    cmdline_parse(line);
    CU_ASSERT_EQUAL(hv_options.com1_baud, 115200);
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 64 * MiB);
    CU_ASSERT_EQUAL(hv_options.loglvl, 4);
    CU_ASSERT_TRUE(hv_options.noreboot);
    CU_ASSERT_TRUE(hv_options.dom0_no_io_privilege);
    CU_ASSERT_STRING_EQUAL(hv_command_line, line);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");     /* nothing to complain about */
}

static void test_defaults_kept(void)
{
    reset();
    cmdline_parse("console=com1");
    CU_ASSERT_EQUAL(hv_options.com1_baud, 0);
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 0);
    CU_ASSERT_EQUAL(hv_options.loglvl, 2);
    CU_ASSERT_FALSE(hv_options.noreboot);
    CU_ASSERT_FALSE(hv_options.dom0_no_io_privilege);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
}

static void test_empty_line(void)
{
    reset();
    cmdline_parse("");
    CU_ASSERT_STRING_EQUAL(hv_command_line, "");
    CU_ASSERT_EQUAL(hv_options.loglvl, 2);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
    reset();
    cmdline_parse("     ");
    CU_ASSERT_STRING_EQUAL(hv_command_line, "     ");
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
}

/* Unknown options are named on the console; the others still apply. */
static void test_unknown_options(void)
{
    reset();
    cmdline_parse("foo dom0_mem=32M bar=1 dom0_memory=1G noreboot com2=9600 Noreboot");
    CU_ASSERT_TRUE(sim_console_has("(pvx) unknown option 'foo' ignored\n"));
    CU_ASSERT_TRUE(sim_console_has("(pvx) unknown option 'bar=1' ignored\n"));
    CU_ASSERT_TRUE(sim_console_has("(pvx) unknown option 'dom0_memory=1G' ignored\n"));
    CU_ASSERT_TRUE(sim_console_has("(pvx) unknown option 'com2=9600' ignored\n"));
    CU_ASSERT_TRUE(sim_console_has("(pvx) unknown option 'Noreboot' ignored\n"));
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 32 * MiB);
    CU_ASSERT_TRUE(hv_options.noreboot);
}

/* dom0_mem=SIZE,max:SIZE in either order; max alone keeps the default size. */
static void test_dom0_max(void)
{
    reset();
    cmdline_parse("dom0_mem=64M,max:256M");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 64 * MiB);
    CU_ASSERT_EQUAL(hv_options.dom0_max_bytes, 256 * MiB);
    reset();
    cmdline_parse("dom0_mem=max:128M,32M");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 32 * MiB);
    CU_ASSERT_EQUAL(hv_options.dom0_max_bytes, 128 * MiB);
    reset();
    cmdline_parse("dom0_mem=max:128M");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 0);
    CU_ASSERT_EQUAL(hv_options.dom0_max_bytes, 128 * MiB);
    reset();
    cmdline_parse("dom0_mem=48M");
    CU_ASSERT_EQUAL(hv_options.dom0_max_bytes, 0);
}

/* One bad value: ignored (the option keeps its earlier value), reported. */
static void check_bad_value(const char *line, const char *message)
{
    reset();
    hv_options.com1_baud = 38400;
    hv_options.dom0_mem_bytes = 16 * MiB;
    hv_options.loglvl = 3;
    hv_options.dom0_no_io_privilege = true;
    cmdline_parse(line);
    CU_ASSERT_EQUAL(hv_options.com1_baud, 38400);
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 16 * MiB);
    CU_ASSERT_EQUAL(hv_options.loglvl, 3);
    CU_ASSERT_TRUE(hv_options.dom0_no_io_privilege);
    if (!sim_console_has(message))
        printf("\n  '%s': no message '%s' in '%s'\n", line, message, sim_console_text());
    CU_ASSERT_TRUE(sim_console_has(message));
}

static void test_bad_values(void)
{
    check_bad_value("dom0_mem=abc", "dom0_mem=abc: bad size, ignored");
    check_bad_value("dom0_mem=", "dom0_mem=: bad size, ignored");
    check_bad_value("dom0_mem", "dom0_mem=: bad size, ignored");
    check_bad_value("dom0_mem=512K", "dom0_mem=512K: bad size, ignored");       /* below 1 MiB */
    check_bad_value("dom0_mem=99999999999999999999", "bad size, ignored");
    check_bad_value("dom0_mem=64MB", "dom0_mem=64MB: bad size, ignored");
    check_bad_value("dom0_mem=64M,max:abc", "dom0_mem=64M,max:abc: bad size, ignored");
    check_bad_value("dom0_mem=64M,max:32M", "dom0_mem=64M,max:32M: max is below the size, ignored");
    check_bad_value("dom0_mem=64M,", "dom0_mem=64M,: bad size, ignored");
    check_bad_value("dom0_mem=min:8M,64M", "bad size, ignored");                 /* min: is not offered */
    check_bad_value("com1=fast", "com1=fast: bad baud rate, ignored");
    check_bad_value("com1=", "com1=: bad baud rate, ignored");
    check_bad_value("com1=10", "com1=10: bad baud rate, ignored");             /* below 50 */
    check_bad_value("com1=230400", "com1=230400: bad baud rate, ignored");     /* above 115200 */
    check_bad_value("com1=99999999999999999999999", "bad baud rate, ignored");
    check_bad_value("loglvl=verbose", "loglvl=verbose: unknown level, ignored");
    check_bad_value("loglvl=", "loglvl=: unknown level, ignored");
    check_bad_value("loglvl=ALL", "loglvl=ALL: unknown level, ignored");
    check_bad_value("dom0_io_privilege=maybe", "dom0_io_privilege=maybe: expected on or off, ignored");
    check_bad_value("dom0_io_privilege", "dom0_io_privilege=: expected on or off, ignored");
}

/* console= anything but com1 is reported and com1 used; the rest applies. */
static void test_console(void)
{
    static const char *const fine[] = { "console=com1", "console=vga,com1", "console=com1,vga" };
    for (size_t i = 0; i < ARRAY_SIZE(fine); i++) {
        reset();
        cmdline_parse(fine[i]);
        CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
    }
    reset();
    cmdline_parse("console=vga noreboot");
    CU_ASSERT_TRUE(sim_console_has("console=vga: only com1 is supported; using com1"));
    CU_ASSERT_TRUE(hv_options.noreboot);
}

/* Each option's accepted values. */
static void test_good_values(void)
{
    static const char *const levels[] = { "none", "error", "warning", "info", "all" };
    for (int i = 0; i < 5; i++) {
        char line[32];
        reset();
        snprintf(line, sizeof(line), "loglvl=%s", levels[i]);
        cmdline_parse(line);
        CU_ASSERT_EQUAL(hv_options.loglvl, i);
    }
    reset();
    cmdline_parse("com1=9600,8n1");        /* Xen's baud[,DPS]: the baud is used */
    CU_ASSERT_EQUAL(hv_options.com1_baud, 9600);
    cmdline_parse("com1=50");
    CU_ASSERT_EQUAL(hv_options.com1_baud, 50);
    cmdline_parse("dom0_mem=1M");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, MiB);
    cmdline_parse("dom0_mem=1048576");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, MiB);
    cmdline_parse("dom0_mem=2g");
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 2048 * MiB);
    cmdline_parse("dom0_io_privilege=off");
    CU_ASSERT_TRUE(hv_options.dom0_no_io_privilege);
    cmdline_parse("dom0_io_privilege=on");
    CU_ASSERT_FALSE(hv_options.dom0_no_io_privilege);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
}

/* Any number of spaces between options; the last of a repeated option wins. */
static void test_spacing_and_repeats(void)
{
    reset();
    cmdline_parse("   loglvl=error    noreboot dom0_mem=32M  dom0_mem=128M   ");
    CU_ASSERT_EQUAL(hv_options.loglvl, 1);
    CU_ASSERT_TRUE(hv_options.noreboot);
    CU_ASSERT_EQUAL(hv_options.dom0_mem_bytes, 128 * MiB);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");
}

/* A line longer than the saved copy: the copy is cut at 1023 bytes, every
 * option is still parsed. */
static void test_long_line(void)
{
    static char line[1200];
    memset(line, 0, sizeof(line));
    for (size_t i = 0; i + 12 < 1100; i += 12)
        memcpy(line + i, "loglvl=info ", 12);
    strcat(line, "noreboot");
    reset();
    cmdline_parse(line);
    CU_ASSERT_EQUAL(strlen(hv_command_line), sizeof(hv_command_line) - 1);
    CU_ASSERT_EQUAL(memcmp(hv_command_line, line, sizeof(hv_command_line) - 1), 0);
    CU_ASSERT_TRUE(hv_options.noreboot);
    CU_ASSERT_EQUAL(hv_options.loglvl, 3);
    CU_ASSERT_STRING_EQUAL(sim_console_text(), "");

    /* Exactly 1023 bytes fit whole. */
    memset(line, 0, sizeof(line));
    memset(line, ' ', 1015);
    strcat(line, "noreboot");
    reset();
    cmdline_parse(line);
    CU_ASSERT_STRING_EQUAL(hv_command_line, line);
}

int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "parse_size: plain numbers", test_size_plain },
        { "parse_size: K/M/G suffixes", test_size_suffixes },
        { "parse_size: reads only len bytes", test_size_length },
        { "parse_size: 64-bit overflow boundaries", test_size_overflow },
        { "parse_size: garbage and empty", test_size_garbage },
        { "cmdline: full Xen-style line", test_full_line },
        { "cmdline: defaults kept", test_defaults_kept },
        { "cmdline: empty line", test_empty_line },
        { "cmdline: unknown options reported, not fatal", test_unknown_options },
        { "cmdline: bad values ignored and reported", test_bad_values },
        { "cmdline: dom0_mem=...,max:", test_dom0_max },
        { "cmdline: console=", test_console },
        { "cmdline: good values", test_good_values },
        { "cmdline: spacing and repeats", test_spacing_and_repeats },
        { "cmdline: long line", test_long_line },
    };
    CU_pSuite suite;
    unsigned int failures;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite("cmdline", NULL, NULL);
    if (!suite)
        return 2;
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
        if (!CU_add_test(suite, tests[i].name, tests[i].fn))
            return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
