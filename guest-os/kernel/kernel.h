/* guest-os: what the architecture-neutral kernel files share. */
#ifndef GUEST_OS_KERNEL_H
#define GUEST_OS_KERNEL_H

#include <stdarg.h>
#include "arch.h"

#define PAGE_SIZE 4096u
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

/* printk.c: formatted console output (%d %u %x %s %c %p, l/ll, width, 0). */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* page.c: the physical page allocator (pages of the arch's free range). */
void page_init(const struct mem_range *free);
/* A zeroed page, or NULL when memory is exhausted. */
void *page_alloc(void);
unsigned int page_free_count(void);

/* proc.c: the one user process of this first slice. */
struct proc {
    uint32_t brk;          /* current end of the heap */
    uint32_t brk_mapped;   /* heap pages are mapped up to here */
};
extern struct proc *current;
/* Map fresh zeroed user pages over [start, end). 0 or a negative errno. */
int user_map_range(uint32_t start, uint32_t end);

/* elf.c: load an ELF32 executable into user space; *entry and *end (the
 * highest loaded address) on success. 0 or a negative errno. */
int elf_load(const void *image, size_t size, uint32_t *entry, uint32_t *end);

/* syscall.c */
void syscall(struct trapframe *tf);

#endif
