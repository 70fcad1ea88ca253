/* pvx: the little C library the hypervisor carries (common/lib.c, common/printk.c). */
#ifndef PVX_LIB_H
#define PVX_LIB_H

#include <pvx/types.h>
#include <stdarg.h>

#ifndef PVX_HOST_BUILD
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Format into buf (at most size bytes incl. NUL): %d %u %x %lx %llx %p %s %c %% with width/0-pad. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#else
#include <string.h>
#include <stdio.h>
#endif

/* Print a hypervisor console line; every line starts with "(pvx) ". */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print, then stop the machine. */
__attribute__((noreturn)) void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log levels (loglvl=): hv_options.loglvl is one of these. */
#define LOGLVL_NONE 0
#define LOGLVL_ERROR 1
#define LOGLVL_WARNING 2
#define LOGLVL_INFO 3
#define LOGLVL_ALL 4
/* Report a refused guest request as "d<domid>: <message>" (shown at
 * loglvl=warning and above) and return err: `return guest_refusal(...)`. */
int guest_refusal(unsigned int domid, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define BUG_ON(c) do { if (c) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

#endif
