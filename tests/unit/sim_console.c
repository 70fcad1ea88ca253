/*
 * pvx host tests: printk/panic and the console for host builds
 * (common/printk.c is the hypervisor's). Output is captured so tests can
 * assert on messages; it also goes to stdout when PVX_SIM_VERBOSE is set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <pvx/lib.h>
#include <pvx/arch.h>
#include "sim.h"

#define CAPTURE_SIZE 65536

static char captured[CAPTURE_SIZE];
static size_t captured_len;
static bool at_line_start = true;

/* Keep the most recent output: when full, start over. */
void arch_console_write(const char *s, size_t len)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("PVX_SIM_VERBOSE") != NULL;
    if (verbose)
        fwrite(s, 1, len, stdout);
    if (len >= CAPTURE_SIZE)
        return;
    if (captured_len + len >= CAPTURE_SIZE)
        captured_len = 0;
    memcpy(captured + captured_len, s, len);
    captured_len += len;
    captured[captured_len] = '\0';
}

static void vprintk(const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n > (int)sizeof(line) - 1)
        n = sizeof(line) - 1;
    for (const char *p = line, *end = line + n; p < end;) {
        if (at_line_start)
            arch_console_write("(pvx) ", 6);
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        arch_console_write(p, (size_t)(stop - p));
        at_line_start = nl != NULL;
        p = stop;
    }
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "*** PANIC: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    arch_panic_halt();
}

void sim_console_clear(void)
{
    captured_len = 0;
    captured[0] = '\0';
}

bool sim_console_has(const char *needle)
{
    return strstr(captured, needle) != NULL;
}

const char *sim_console_text(void)
{
    return captured;
}
