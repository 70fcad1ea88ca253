/*
 * pvx test guests: the small runtime every test guest links with.
 * A test guest defines test_main(); start.S calls it with start_info, then
 * the runtime prints "Test result: ..." and powers off.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/memory.h>
#include <public/callback.h>
#include <public/errno.h>
#include <pvx-guest/hypercall.h>

#define GUEST_PAGE_SIZE 4096u

extern start_info_t *start_info;
extern shared_info_t *shared_info;    /* mapped by the runtime at a free va */
extern uint32_t *p2m;                 /* start_info->mfn_list */

/* Written by each test. */
void test_main(void);

/* Console. */
void guest_puts(const char *s);
int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int guest_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void guest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks: each prints a line on failure and counts. */
extern unsigned int checks_passed, checks_failed;
void check_true(int cond, const char *what, const char *file, int line);
void check_eq(long long got, long long want, const char *what, const char *file, int line);
#define CHECK(cond) check_true(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_EQ(got, want) check_eq((long long)(got), (long long)(want), #got " == " #want, __FILE__, __LINE__)

/* End the test now: prints the result line and powers off. */
__attribute__((noreturn)) void test_finish(void);
/* Report a result other than pass/fail (e.g. "SKIP") with a reason, and power off. */
__attribute__((noreturn)) void test_exit(const char *result, const char *reason);

/* Memory helpers. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Page tables: machine address of the L1 entry that maps va (walks the
 * bootstrap tables through the guest's own read-only mappings), or 0 if
 * the covering L2 entry is not present. */
uint64_t pte_maddr_of(unsigned long va);
/* Current PTE value for va (0 if unmapped). */
uint64_t pte_of(unsigned long va);
/* Guest va of machine frame mfn within the bootstrap mapping, or 0. */
void *mfn_to_va(uint32_t mfn);
/* Allocate a free page from the pool after the bootstrap stack
 * (mapped read-write, zeroed); returns its va. */
void *alloc_page(void);
/* Machine frame of a va in the bootstrap mapping. */
uint32_t va_to_mfn(const void *va);
/* First free va after the bootstrap region (the guest may map things there). */
unsigned long free_va_start(void);

/* One mmu_update / mmuext_op request, returning the hypercall result. */
long mmu_update1(uint64_t ptr, uint64_t val);
long mmuext1(unsigned int cmd, uint32_t arg1, uint32_t arg2);

#endif
