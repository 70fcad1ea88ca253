/* guest-os: kprintf and panic, on the arch console. */
#include "kernel.h"

struct out { char *buf; size_t size, len; };

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned base, int width, char pad, int neg)
{
    char d[24];
    int n = 0;
    do { d[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg)
        d[n++] = '-';
    while (width-- > n)
        put(o, pad);
    while (n)
        put(o, d[--n]);
}

/* Formats %d %u %x %s %c %p with l/ll, a width and 0-padding. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { longs++; fmt++; }
        long long sv;
        unsigned long long uv;
        switch (*fmt) {
        case 'd':
            sv = longs >= 2 ? va_arg(ap, long long) : longs ? va_arg(ap, long) : va_arg(ap, int);
            put_num(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv, 10, width, pad, sv < 0);
            break;
        case 'u': case 'x':
            uv = longs >= 2 ? va_arg(ap, unsigned long long)
               : longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            put_num(&o, uv, *fmt == 'u' ? 10 : 16, width, pad, 0);
            break;
        case 'p':
            put(&o, '0'); put(&o, 'x');
            put_num(&o, (unsigned long)va_arg(ap, void *), 16, 8, '0', 0);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(&o, *s);
            break;
        }
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void kprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    arch_console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    kprintf("panic: %s\n", buf);
    arch_shutdown(1);
}
