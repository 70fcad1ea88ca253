/* pvx: string and memory functions for the freestanding hypervisor. */
#ifndef PVX_HOST_BUILD
#include <pvx/lib.h>

/* Fill n bytes at dst with c. Whole 8-byte words with rep stosq when
 * dst and n allow (zeroing a frame, which every allocation does, is 512
 * stores instead of 4096), the rest byte by byte. */
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    if ((((uintptr_t)d | n) & 7) == 0) {
        uint64_t word = 0x0101010101010101ull * (unsigned char)c;
        size_t words = n / 8;
        __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(word) : "memory");
        return dst;
    }
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

/* Copy n bytes; the ranges must not overlap. Whole words when both ends
 * and n are 8-byte aligned (page copies). */
void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
        size_t words = n / 8;
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
        return dst;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Copy n bytes; the ranges may overlap. */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

/* Compare n bytes: <0, 0, >0. */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

/* First byte equal to c in the n bytes at s, or NULL. */
void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (; n; n--, p++)
        if (*p == (unsigned char)c)
            return (void *)p;
    return NULL;
}

/* Length of a NUL-terminated string. */
size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Compare at most n characters of two strings. */
int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

/* Compare two strings. */
int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

/* First occurrence of c in s, or NULL. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
#endif
