/*
 * guest-os: loading an ELF32 i386 executable into user space.
 * Every PT_LOAD segment must lie inside user space, start on its own
 * page (guest-os/lib/user.ld links programs that way), take its file part
 * from inside the image and share no page with another segment; all are
 * checked before anything is mapped. Each page is filled through the
 * kernel's mapping of a fresh page, then mapped for ring 3.
 */
#include "kernel.h"
#include "errno.h"

struct elf32_ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

#define PT_LOAD 1
#define ET_EXEC 2
#define EM_386 3

/* Is [va, va + len) inside user space? */
static int in_user_space(uint32_t va, uint32_t len)
{
    return va >= USER_BASE && va <= USER_END && len <= USER_END - va;
}

/* Is ph a segment to load (PT_LOAD, not empty)? */
static int loadable(const struct elf32_phdr *ph)
{
    return ph->type == PT_LOAD && ph->memsz != 0;
}

/* May loadable segment ph of an image of `size` bytes be loaded: inside
 * user space, page-aligned, its file part inside the image? */
static int segment_ok(const struct elf32_phdr *ph, size_t size)
{
    return in_user_space(ph->vaddr, ph->memsz) && ph->filesz <= ph->memsz &&
           ph->offset <= size && ph->filesz <= size - ph->offset && !(ph->vaddr & (PAGE_SIZE - 1));
}

/* Do two checked segments share a page? */
static int segments_overlap(const struct elf32_phdr *a, const struct elf32_phdr *b)
{
    return a->vaddr < PAGE_ROUND_UP(b->vaddr + b->memsz) && b->vaddr < PAGE_ROUND_UP(a->vaddr + a->memsz);
}

/* Fill and map the pages of checked segment ph: 0 or a negative errno
 * (the pages mapped so far stay in `as`, which the caller frees). */
static int load_segment(struct aspace *as, const unsigned char *image, const struct elf32_phdr *ph)
{
    for (uint32_t va = PAGE_ROUND_DOWN(ph->vaddr); va < ph->vaddr + ph->memsz; va += PAGE_SIZE) {
        unsigned char *page = page_alloc();
        if (!page)
            return -ENOMEM;
        /* The part of this page that comes from the file. */
        uint32_t lo = va < ph->vaddr ? ph->vaddr : va;
        uint32_t hi = va + PAGE_SIZE;
        if (hi > ph->vaddr + ph->filesz)
            hi = ph->vaddr + ph->filesz;
        if (lo < hi)
            memcpy(page + (lo - va), image + ph->offset + (lo - ph->vaddr), hi - lo);
        int rc = arch_map_user_page(as, va, page);
        if (rc) {
            page_free(page);
            return rc;
        }
    }
    return 0;
}

/* Check the image and every segment, then load them: 0 with *entry and
 * *end set, -EINVAL for a malformed or unloadable image (nothing mapped),
 * or the error of a failed allocation or mapping. */
int elf_load(struct aspace *as, const void *image, size_t size, uint32_t *entry, uint32_t *end)
{
    const struct elf32_ehdr *eh = image;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\1\1", 6) || eh->type != ET_EXEC ||
        eh->machine != EM_386 || eh->phentsize != sizeof(struct elf32_phdr) ||
        eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct elf32_phdr))
        return -EINVAL;
    const struct elf32_phdr *phs = (const void *)((const char *)image + eh->phoff);
    uint32_t top = 0;
    for (unsigned int i = 0; i < eh->phnum; i++) {
        if (!loadable(&phs[i]))
            continue;
        if (!segment_ok(&phs[i], size))
            return -EINVAL;
        for (unsigned int j = 0; j < i; j++)
            if (loadable(&phs[j]) && segments_overlap(&phs[i], &phs[j]))
                return -EINVAL;
        if (phs[i].vaddr + phs[i].memsz > top)
            top = phs[i].vaddr + phs[i].memsz;
    }
    if (!top || !in_user_space(eh->entry, 1))
        return -EINVAL;
    for (unsigned int i = 0; i < eh->phnum; i++) {
        int rc = loadable(&phs[i]) ? load_segment(as, image, &phs[i]) : 0;
        if (rc)
            return rc;
    }
    *entry = eh->entry;
    *end = top;
    return 0;
}
