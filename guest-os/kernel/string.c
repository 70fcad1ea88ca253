/* guest-os: the few string functions the kernel uses. */
#include "kernel.h"

/* Fill n bytes. Aligned whole words go with rep stosl (zeroing a page,
 * which every page allocation does, is 1024 stores, not 4096 byte
 * stores); anything else byte by byte. */
void *memset(void *dst, int c, size_t n)
{
    unsigned char *p = dst;
    if ((((uintptr_t)p | n) & 3) == 0) {
        uint32_t word = 0x01010101u * (unsigned char)c;
        size_t words = n / 4;
        __asm__ volatile("rep stosl" : "+D"(p), "+c"(words) : "a"(word) : "memory");
        return dst;
    }
    while (n--)
        *p++ = (unsigned char)c;
    return dst;
}

/* Copy n bytes (no overlap); aligned whole words with rep movsl (page
 * copies: copy-on-write, exec). */
void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s | n) & 3) == 0) {
        size_t words = n / 4;
        __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
        return dst;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
