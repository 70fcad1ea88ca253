/* pvx: basic types shared by all hypervisor code (common and arch). */
#ifndef PVX_TYPES_H
#define PVX_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t mfn_t;    /* machine frame number (hypervisor's frames) */
typedef uint32_t pfn_t;    /* guest pseudo-physical frame number */
typedef uint64_t paddr_t;  /* machine physical address */
typedef uint32_t guest_va_t; /* 32-bit guest linear address */
typedef uint64_t intpte_t; /* one PAE page-table entry */
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096u
#define PAGE_MASK  (~(uint64_t)(PAGE_SIZE - 1))
#define INVALID_MFN (~(mfn_t)0)
#define INVALID_PFN (~(pfn_t)0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((typeof(x))(a) - 1))

#endif
