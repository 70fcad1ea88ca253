/* pvx: building a PV domain's start-of-day memory from an ELF image. */
#ifndef PVX_DOMAIN_BUILD_H
#define PVX_DOMAIN_BUILD_H
#include <pvx/types.h>

struct domain;

struct domain_build_params {
    const void *kernel;        /* the ELF image (untrusted bytes) */
    size_t kernel_size;
    const void *initrd;        /* optional module, NULL if none */
    size_t initrd_size;
    const char *cmdline;       /* guest command line (truncated to 1023 bytes) */
    unsigned long nr_pages;    /* memory to give the domain */
    unsigned int console_port; /* domUs: event channels already allocated for */
    unsigned int store_port;   /* the console ring and the store (start_info) */
};

/* Where the vCPU starts (Xen's start-of-day registers). */
struct domain_start_state {
    uint32_t entry;            /* eip */
    uint32_t stack_top;        /* esp */
    uint32_t start_info_va;    /* esi */
};

/* The bootstrap layout, for tests and the boot log. */
struct domain_layout {
    uint32_t virt_base, kernel_start, kernel_end, initrd_start, p2m_start, start_info_va,
             store_va, console_va, pt_start, nr_pt_frames, stack_va, virt_end;
};

/* Build d (already created, with nr_pages of room) from the image: allocate
 * its memory, load the kernel and initrd, write the p2m, start_info, the
 * hypercall page and the bootstrap page tables, pin the L3 and make it the
 * vCPU's base. 0, or -errno with a one-line reason in err; on failure the
 * caller destroys d. */
int domain_build(struct domain *d, const struct domain_build_params *p,
                 struct domain_start_state *start, struct domain_layout *layout,
                 char *err, size_t err_len);

/* Make d's start-of-day console ring and store pages usable by the
 * hypervisor: they hold a writable type reference for the domain's life, so
 * the guest can never turn them into page tables. */
/* Fill a hypercall page (x86_32: mov $nr,%eax; int $0x82; ret; iret entry special). */
void hypercall_page_fill(uint8_t *page);

#endif
