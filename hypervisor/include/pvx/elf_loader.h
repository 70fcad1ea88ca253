/*
 * pvx: ELF loader for Xen-style 32-bit PAE paravirtual kernel images.
 *
 * elf_parse() validates an untrusted image and describes it; elf_load() then copies its
 * segments into the guest through callbacks supplied by the domain builder. Everything
 * elf_parse() accepts is safe to load: segments lie inside the file, do not overlap, sit
 * between VIRT_BASE and HYPERVISOR_VIRT_START, and span at most 1 GiB.
 */
#ifndef PVX_ELF_LOADER_H
#define PVX_ELF_LOADER_H

#include <pvx/types.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_IMAGE_SPAN (1u << 30) /* image_end - image_start may not exceed this */

/* One PT_LOAD segment: filesz bytes from file_offset go to load_va, the rest of memsz is zeroed. */
struct elf_segment {
    uint32_t load_va;
    uint32_t file_offset;
    uint32_t filesz;
    uint32_t memsz;
};

/* What the Xen notes and program headers say about an accepted image. */
struct elf_image_info {
    char guest_os[32], guest_version[32], loader[32], xen_version[32], features[256];
    bool has_hypercall_page;
    uint32_t hypercall_page_va;
    bool pae;                          /* PAE_MODE note says yes / yes[extended-cr3] / bimodal */
    uint32_t virt_base, paddr_offset, entry; /* entry: ENTRY note or e_entry */
    uint32_t image_start, image_end;   /* lowest load VA, end (exclusive, page-rounded up) incl. bss */
    unsigned int nr_segments;
    struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Parse and validate an image of `size` bytes (the buffer may be unaligned and
 * is untrusted). 0, or -EINVAL with a one-line reason in err (e.g. "ELF: segment 2 overlaps segment 1"). */
int elf_parse(const void *image, size_t size, struct elf_image_info *info, char *err, size_t err_len);

/* Copy the segments to the guest and zero their bss parts, through write(ctx, va, src, len)
 * and zero(ctx, va, len) callbacks supplied by the domain builder. */
int elf_load(const void *image, size_t size, const struct elf_image_info *info,
             void (*write)(void *ctx, uint32_t va, const void *src, uint32_t len),
             void (*zero)(void *ctx, uint32_t va, uint32_t len), void *ctx);

#endif
