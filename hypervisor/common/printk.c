/* pvx: formatted output and the hypervisor console's line discipline.
 * (Host builds use libc's printf family and tests/unit/sim_console.c.) */
#ifndef PVX_HOST_BUILD
#include <pvx/lib.h>
#include <pvx/arch.h>

struct fmt_out { char *buf; size_t size, len; };

/* Append one character, counting it even when the buffer is full. */
static void out_char(struct fmt_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* Append an unsigned number in base 10 or 16, padded to width. */
static void out_number(struct fmt_out *o, unsigned long long v, unsigned base,
                       int width, char pad, bool negative)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        digits[n++] = '-';
    while (width-- > n)
        out_char(o, pad);
    while (n)
        out_char(o, digits[--n]);
}

/* Minimal vsnprintf: %d %i %u %x %p %s %c %%, l/ll/z modifiers, width, 0 pad, %-Ns, %.Ns / %.*s. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        bool left = false;              /* '-': pad on the right (strings) */
        if (*fmt == '-')
            left = true, fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int precision = -1;             /* only for %s: at most this many chars */
        if (*fmt == '.') {
            fmt++;
            precision = 0;
            if (*fmt == '*') {
                precision = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                precision = precision * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z')
            longs++, fmt++;
        unsigned long long uv;
        long long sv;
        switch (*fmt) {
        case 'd': case 'i':
            sv = longs ? va_arg(ap, long long) : va_arg(ap, int);
            out_number(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv,
                       10, width, pad, sv < 0);
            break;
        case 'u': case 'x':
            uv = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            out_number(&o, uv, *fmt == 'u' ? 10 : 16, width, pad, false);
            break;
        case 'p':
            out_char(&o, '0'), out_char(&o, 'x');
            out_number(&o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, 0, ' ', false);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len] && (precision < 0 || len < precision))
                len++;
            while (!left && width-- > len)
                out_char(&o, ' ');
            for (int i = 0; i < len; i++)
                out_char(&o, s[i]);
            while (left && width-- > len)
                out_char(&o, ' ');
            break;
        }
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case '%':
            out_char(&o, '%');
            break;
        default:
            out_char(&o, '%');
            if (*fmt)
                out_char(&o, *fmt);
            else
                fmt--;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

/* snprintf over vsnprintf. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* Print one console message, "(pvx) " in front of every line. */
static void vprintk(const char *fmt, va_list ap)
{
    static bool at_line_start = true;
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (n > (int)sizeof(line) - 1)
        n = sizeof(line) - 1;
    const char *p = line, *end = line + n;
    while (p < end) {
        if (at_line_start)
            arch_console_write("(pvx) ", 6);
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl + 1 : end;
        arch_console_write(p, (size_t)(stop - p));
        at_line_start = nl != NULL;
        p = stop;
    }
}

/* printk: see lib.h. */
void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

/* panic: print the reason and stop the machine. */
void panic(const char *fmt, ...)
{
    va_list ap;
    printk("*** PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    arch_panic_halt();
}
#endif
