/*
 * guest-os: loading an ELF32 i386 executable into user space.
 * Every PT_LOAD segment must lie inside user space and start on its own
 * page (guest-os/lib/user.ld links programs that way); each page is filled
 * through the kernel's mapping of a fresh page, then mapped for ring 3.
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
static int user_range_ok(uint32_t va, uint32_t len)
{
    return va >= USER_BASE && len <= USER_END - va;
}

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
        if (rc)
            return rc;
    }
    return 0;
}

int elf_load(struct aspace *as, const void *image, size_t size, uint32_t *entry, uint32_t *end)
{
    const struct elf32_ehdr *eh = image;
    if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF\1\1", 6) || eh->type != ET_EXEC ||
        eh->machine != EM_386 || eh->phentsize != sizeof(struct elf32_phdr) ||
        eh->phoff > size || eh->phnum > (size - eh->phoff) / sizeof(struct elf32_phdr))
        return -EINVAL;
    const struct elf32_phdr *ph = (const void *)((const char *)image + eh->phoff);
    uint32_t top = 0;
    for (unsigned int i = 0; i < eh->phnum; i++, ph++) {
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        if (!user_range_ok(ph->vaddr, ph->memsz) || ph->filesz > ph->memsz ||
            ph->offset > size || ph->filesz > size - ph->offset || (ph->vaddr & (PAGE_SIZE - 1)))
            return -EINVAL;
        int rc = load_segment(as, image, ph);
        if (rc)
            return rc;
        if (ph->vaddr + ph->memsz > top)
            top = ph->vaddr + ph->memsz;
    }
    if (!top || !user_range_ok(eh->entry, 1))
        return -EINVAL;
    *entry = eh->entry;
    *end = top;
    return 0;
}
