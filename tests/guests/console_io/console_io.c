/*
 * Test guest "console_io": CONSOLEIO_write and CONSOLEIO_read (docs/abi.md).
 * The console is the first thing a guest kernel uses and the only way this
 * test runtime reports anything, so its edge cases must hold:
 *  - a write returns 0 and the bytes appear on the console as written (the
 *    `expect` file looks for the marker line and for every line of a 3000-byte
 *    write that starts near the end of a page, so it spans the page boundary
 *    and the hypervisor's 128-byte copy chunks);
 *  - only `count` bytes are printed;
 *  - count 0 returns 0 without touching the buffer (even an unmapped one);
 *  - bad buffers (unmapped, running into an unmapped page, the hypervisor
 *    area, wrapping 4 GiB) give -EFAULT;
 *  - the calls that must print nothing are framed by "[" and "]" and
 *    `expect` wants "[]";
 *  - read as dom0 returns 0 when no input waits (QEMU's serial input is not
 *    driven by the test runner, so that is all that can be checked);
 *  - read with a count above INT_MAX is -E2BIG (Xen: the result could not
 *    be told apart from an error); unknown commands are -ENOSYS.
 */
#include "guest.h"
#include "bad_ptr.h"

#define LONG_LINES 50
#define LINE_LEN 60     /* including the newline */

/* Line i of the long write: "console_io long NN " and 41 characters that
 * depend on i, then a newline (expect lists all 50 lines). */
static void make_line(char *p, unsigned int i)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    guest_snprintf(p, 20, "console_io long %02u ", i);
    for (unsigned int j = 19; j < LINE_LEN - 1; j++)
        p[j] = alphabet[(i + j) % (sizeof(alphabet) - 1)];
    p[LINE_LEN - 1] = '\n';
}

static void check_long_write(void)
{
    char *pages = alloc_page();
    CHECK(alloc_page() == pages + GUEST_PAGE_SIZE);
    char *text = pages + GUEST_PAGE_SIZE - 1000;   /* spans into the second page */
    for (unsigned int i = 0; i < LONG_LINES; i++)
        make_line(text + i * LINE_LEN, i);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, LONG_LINES * LINE_LEN, text), 0);
}

/* Print s with the console (no checks: used to frame what the calls under
 * test print, so `expect` can see they printed nothing). */
static void put(const char *s)
{
    HYPERVISOR_console_io(CONSOLEIO_write, strlen(s), (char *)s);
}

/* Writes that must print nothing: count 0, and the -EFAULT cases. */
static void check_empty_writes(void)
{
    static char text[] = "must not be printed";
    check_bad_ptr_layout();
    put("console_io zero [");
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, text), 0);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, (char *)unmapped_va()), 0);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, (char *)0xFFFFFFFFul), 0);
    put("]\n");

    put("console_io efault [");
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, (char *)unmapped_va()), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 1, (char *)unmapped_va()), -XEN_EFAULT);
    /* The mapped head is shorter than one copy chunk, so nothing is printed. */
    char *tail = (char *)straddling_va(8);
    memcpy(tail, "straddle", 8);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 9, tail), -XEN_EFAULT);
    for (unsigned int i = 0; i < NR_HYPERVISOR_AREA_VAS; i++)
        CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 16, (char *)hypervisor_area_vas[i]), -XEN_EFAULT);
    /* A huge count from a good buffer runs into unmapped memory sooner or
     * later; start just before the unmapped page so that is at once. */
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0xFFFFFFFFu, (char *)straddling_va(4)), -XEN_EFAULT);
    put("]\n");
}

static void check_read(void)
{
    char *in = alloc_page();
    memset(in, 0xAA, 64);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 32, in), 0);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0, in), 0);
    CHECK_EQ((unsigned char)in[0], 0xAA);
    CHECK_EQ((unsigned char)in[31], 0xAA);
    /* Xen refuses counts whose byte count could not be returned as >= 0. */
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0x80000000u, in), -XEN_E2BIG);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, 0xFFFFFFFFu, in), -XEN_E2BIG);
}

void test_main(void)
{
    static char marker[] = "console_io marker 5b1e7c: written with CONSOLEIO_write\n";
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(marker) - 1, marker), 0);
    /* Only count bytes are printed: "EXTRA" would show on the same line. */
    static char partial[] = "console_io partial 9d04EXTRA\n";
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 23, partial), 0);
    put("\n");

    check_long_write();
    check_empty_writes();
    check_read();

    static const int unknown[] = { 2, 3, 100, 0x7FFFFFFF, -1 };
    put("console_io enosys [");
    for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        CHECK_EQ(HYPERVISOR_console_io(unknown[i], sizeof(marker) - 1, marker), -XEN_ENOSYS);
    put("]\n");
}
