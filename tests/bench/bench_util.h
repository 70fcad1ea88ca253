/*
 * pvx bench guests: what the scheduling and event benches share (command
 * line arguments, sorting, the BENCH output lines tools/pvx-bench reads).
 * Not a folder, so bench.mk does not build it as a guest of its own.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include "guest.h"

/* Start of the value of "key=" in the guest's command line, or NULL. */
static inline const char *arg_str(const char *key)
{
    const char *cmd = (const char *)start_info->cmd_line;
    size_t klen = strlen(key);
    for (const char *s = cmd; *s; s++)
        if ((s == cmd || s[-1] == ' ') && memcmp(s, key, klen) == 0 && s[klen] == '=')
            return s + klen + 1;
    return NULL;
}

/* Decimal value of "key=", or def. */
static inline unsigned long arg_num(const char *key, unsigned long def)
{
    const char *s = arg_str(key);
    if (!s)
        return def;
    unsigned long v = 0;
    for (; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (unsigned long)(*s - '0');
    return v;
}

/* Copy the word value of "key=" into buf (def if absent). */
static inline void arg_word(const char *key, const char *def, char *buf, size_t size)
{
    const char *s = arg_str(key);
    if (!s)
        s = def;
    size_t n = 0;
    while (s[n] && s[n] != ' ' && n + 1 < size) {
        buf[n] = s[n];
        n++;
    }
    buf[n] = '\0';
}

/* Sort a[0..n) ascending (insertion sort: n is a few hundred). */
static inline void sort_u64(uint64_t *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++) {
        uint64_t x = a[i];
        unsigned int j = i;
        for (; j > 0 && a[j - 1] > x; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

/* "BENCH <name> <total / ops, one decimal> <ops>" */
static inline void bench_report(const char *name, uint64_t total, uint64_t ops)
{
    uint64_t tenths = (total * 10 + ops / 2) / ops;
    guest_printf("BENCH %s %llu.%llu %llu\n", name, tenths / 10, tenths % 10,
                 (unsigned long long)ops);
}

static inline void bench_error(const char *name, long rc)
{
    guest_printf("BENCH_ERROR %s %ld\n", name, rc);
    check_eq(rc, 0, name, __FILE__, __LINE__);
}

#endif
