/*
 * Host tests of guest-os's ELF loader (guest-os/kernel/elf.c), compiled
 * for the host by guest-os/guest-os.mk. This file supplies the page
 * allocator (with a limit, to reach ENOMEM) and a fake arch_map_user_page
 * that records every mapping. Checks: a valid two-segment image is mapped
 * page by page with its file bytes copied and its bss zero; and elf_load
 * refuses, with -EINVAL and before mapping anything, truncated headers,
 * bad magic, class, byte order, type, machine and header size, segments
 * outside user space (below, across the end, wholly above, wrapping),
 * unaligned segments, file parts outside the image or larger than the
 * segment, overlapping segments, images with nothing to load and entry
 * points outside user space; an oversized segment ends in -ENOMEM, a
 * failed mapping's error is returned and its page given back.
 */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
/* The kernel's error numbers (newlib's): two differ from the host's. */
#undef ENOSYS
#undef ENAMETOOLONG
#undef ENOTEMPTY
#undef ETIMEDOUT
#undef EMSGSIZE
#include "errno.h"
#include "kernel.h"

/* ---- the kernel services elf.c uses ---- */
#define MAX_MAPS 64
static struct mapping { uint32_t va; unsigned char *page; } maps[MAX_MAPS];
static int nmaps, pages_out, page_limit, map_error;
static struct aspace *const the_as = (struct aspace *)0x1234;

/* A zeroed page, or NULL past page_limit pages. */
void *page_alloc(void)
{
    if (pages_out >= page_limit)
        return NULL;
    void *p = aligned_alloc(4096, 4096);
    memset(p, 0, 4096);
    pages_out++;
    return p;
}

/* Give back a page_alloc page. */
void page_free(void *page)
{
    free(page);
    pages_out--;
}

/* Record the mapping (or fail with map_error once MAX_MAPS/2 are made). */
int arch_map_user_page(struct aspace *as, uint32_t va, void *kpage)
{
    CU_ASSERT_PTR_EQUAL(as, the_as);
    if (map_error && nmaps >= MAX_MAPS / 2)
        return map_error;
    CU_ASSERT_FATAL(nmaps < MAX_MAPS);
    maps[nmaps++] = (struct mapping){ va, kpage };
    return 0;
}

/* ---- building images ---- */
struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr { uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align; };

#define IMAGE_SIZE 0x3000
static unsigned char image[IMAGE_SIZE];
static struct ehdr *eh = (struct ehdr *)image;
static struct phdr *ph = (struct phdr *)(image + sizeof(struct ehdr));

/* Forget every mapping and page from the last test. */
static void reset(void)
{
    for (int i = 0; i < nmaps; i++)
        page_free(maps[i].page);
    nmaps = 0;
    map_error = 0;
    page_limit = 1 << 20;
    CU_ASSERT_EQUAL(pages_out, 0);
}

/* A valid image: text (file offset 0, 0x1800 bytes at 0x40000000, entry
 * 0x40000100) and data (0x10 bytes from offset 0x2000 at 0x40002000,
 * 0x3000 in memory: the rest is bss); the file bytes are a pattern. */
static void make_valid(void)
{
    reset();
    for (int i = 0; i < IMAGE_SIZE; i++)
        image[i] = (unsigned char)(i * 7 + 3);
    memset(image, 0, sizeof(struct ehdr) + 3 * sizeof(struct phdr));
    memcpy(eh->ident, "\177ELF\1\1\1", 7);
    eh->type = 2;
    eh->machine = 3;
    eh->version = 1;
    eh->entry = 0x40000100;
    eh->phoff = sizeof(struct ehdr);
    eh->ehsize = sizeof(struct ehdr);
    eh->phentsize = sizeof(struct phdr);
    eh->phnum = 3;
    ph[0] = (struct phdr){ .type = 1, .offset = 0, .vaddr = 0x40000000, .filesz = 0x1800, .memsz = 0x1800 };
    ph[1] = (struct phdr){ .type = 1, .offset = 0x2000, .vaddr = 0x40002000, .filesz = 0x10, .memsz = 0x3000 };
    ph[2] = (struct phdr){ .type = 4, .offset = 0xffffffff, .vaddr = 0x10, .filesz = 0xffffffff }; /* PT_NOTE: ignored */
}

static uint32_t entry, end;
/* elf_load on the image's first `size` bytes. */
static int load(size_t size)
{
    entry = end = 0;
    return elf_load(the_as, image, size, &entry, &end);
}

/* elf_load refuses the image with -EINVAL and maps and keeps nothing. */
static void refused(size_t size)
{
    CU_ASSERT_EQUAL(load(size), -EINVAL);
    CU_ASSERT_EQUAL(nmaps, 0);
    CU_ASSERT_EQUAL(pages_out, 0);
}

/* The page mapped at va, or NULL. */
static unsigned char *mapped(uint32_t va)
{
    for (int i = 0; i < nmaps; i++)
        if (maps[i].va == va)
            return maps[i].page;
    return NULL;
}

/* ---- the tests ---- */
static void test_valid_image(void)
{
    make_valid();
    CU_ASSERT_EQUAL_FATAL(load(IMAGE_SIZE), 0);
    CU_ASSERT_EQUAL(entry, 0x40000100);
    CU_ASSERT_EQUAL(end, 0x40005000);
    CU_ASSERT_EQUAL(nmaps, 5);
    unsigned char *text0 = mapped(0x40000000), *text1 = mapped(0x40001000), *data = mapped(0x40002000);
    CU_ASSERT_FATAL(text0 && text1 && data && mapped(0x40003000) && mapped(0x40004000));
    CU_ASSERT_PTR_NULL(mapped(0x40005000));
    CU_ASSERT(memcmp(text0, image, 0x1000) == 0);
    CU_ASSERT(memcmp(text1, image + 0x1000, 0x800) == 0);
    int zero_tail = 1;
    for (int i = 0x800; i < 0x1000; i++)
        zero_tail &= text1[i] == 0;
    CU_ASSERT(zero_tail);                       /* past the segment's file part */
    CU_ASSERT(memcmp(data, image + 0x2000, 0x10) == 0);
    CU_ASSERT_EQUAL(data[0x10], 0);             /* bss */
    CU_ASSERT_EQUAL(mapped(0x40004000)[0xfff], 0);
    reset();
}

static void test_truncated_headers(void)
{
    make_valid();
    refused(sizeof(struct ehdr) - 1);                              /* no whole ELF header */
    refused(sizeof(struct ehdr) + 3 * sizeof(struct phdr) - 1);    /* the last program header cut */
    make_valid();
    eh->phoff = IMAGE_SIZE + 1;                                    /* program headers past the end */
    refused(IMAGE_SIZE);
    make_valid();
    eh->phnum = 0xffff;                                            /* more headers than fit */
    refused(IMAGE_SIZE);
    make_valid();
    eh->phoff = 0xfffffff0;                                        /* phoff + headers wraps */
    refused(IMAGE_SIZE);
}

static void test_bad_identity(void)
{
    make_valid();
    image[0] = 0x7e;                /* magic */
    refused(IMAGE_SIZE);
    make_valid();
    image[3] = 'f';
    refused(IMAGE_SIZE);
    make_valid();
    image[4] = 2;                   /* ELFCLASS64 */
    refused(IMAGE_SIZE);
    make_valid();
    image[5] = 2;                   /* big-endian */
    refused(IMAGE_SIZE);
    make_valid();
    eh->type = 3;                   /* ET_DYN */
    refused(IMAGE_SIZE);
    make_valid();
    eh->machine = 62;               /* EM_X86_64 */
    refused(IMAGE_SIZE);
    make_valid();
    eh->phentsize = 56;             /* ELF64 program headers */
    refused(IMAGE_SIZE);
}

static void test_segment_outside_user_space(void)
{
    static const struct { uint32_t vaddr, memsz; } bad[] = {
        { 0x00001000, 0x1000 },     /* in the kernel's low 1 GiB */
        { 0x3ffff000, 0x2000 },     /* starts just below user space */
        { 0x7ffff000, 0x2000 },     /* runs past USER_END */
        { 0x80000000, 0x1000 },     /* wholly above user space */
        { 0xc0000000, 0x1000 },
        { 0xfffff000, 0x2000 },     /* vaddr + memsz wraps */
        { 0x40000000, 0xffffffff }, /* larger than user space */
    };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        make_valid();
        ph[1].vaddr = bad[i].vaddr;
        ph[1].memsz = bad[i].memsz;
        refused(IMAGE_SIZE);
    }
    make_valid();                   /* the last page of user space is fine */
    ph[1].vaddr = 0x7ffff000;
    ph[1].memsz = 0x1000;
    CU_ASSERT_EQUAL(load(IMAGE_SIZE), 0);
    CU_ASSERT_EQUAL(end, 0x80000000);
    reset();
}

static void test_segment_file_part(void)
{
    make_valid();
    ph[1].vaddr = 0x40002800;       /* not page-aligned */
    refused(IMAGE_SIZE);
    make_valid();
    ph[1].filesz = 0x4000;          /* larger than in memory */
    refused(IMAGE_SIZE);
    make_valid();
    ph[1].filesz = 0x1001;          /* file part past the image's end */
    ph[1].memsz = 0x2000;
    refused(IMAGE_SIZE);
    make_valid();
    ph[1].offset = IMAGE_SIZE + 0x1000;
    ph[1].filesz = 0;               /* offset past the end, even with nothing to copy */
    refused(IMAGE_SIZE);
    make_valid();
    ph[1].offset = 0xfffff000;      /* offset + filesz wraps */
    ph[1].filesz = 0x2000;
    refused(IMAGE_SIZE);
}

static void test_overlapping_segments(void)
{
    make_valid();
    ph[1].vaddr = 0x40001000;       /* shares the text's second page */
    refused(IMAGE_SIZE);
    make_valid();
    ph[1].vaddr = 0x40000000;       /* the same page as the text's first */
    refused(IMAGE_SIZE);
    make_valid();                   /* the data wholly covering the text */
    ph[0] = (struct phdr){ .type = 1, .offset = 0x2000, .vaddr = 0x40003000, .filesz = 0x10, .memsz = 0x10 };
    ph[1] = (struct phdr){ .type = 1, .offset = 0, .vaddr = 0x40000000, .filesz = 0x1800, .memsz = 0x10000 };
    refused(IMAGE_SIZE);
    make_valid();                   /* adjacent pages are fine */
    ph[1].vaddr = 0x40002000;
    CU_ASSERT_EQUAL(load(IMAGE_SIZE), 0);
    reset();
}

static void test_nothing_to_load_or_bad_entry(void)
{
    make_valid();
    ph[0].type = ph[1].type = 6;    /* PT_PHDR: no PT_LOAD left */
    refused(IMAGE_SIZE);
    make_valid();
    ph[0].memsz = ph[1].memsz = 0;  /* empty segments are skipped */
    ph[0].filesz = ph[1].filesz = 0;
    refused(IMAGE_SIZE);
    make_valid();
    eh->entry = 0x1000;             /* entry in the kernel */
    refused(IMAGE_SIZE);
    make_valid();
    eh->entry = 0x80000000;
    refused(IMAGE_SIZE);
}

static void test_oversized_segment_runs_out_of_memory(void)
{
    make_valid();
    ph[1].memsz = 0x3ff00000;       /* inside user space, far more than memory */
    page_limit = 40;
    CU_ASSERT_EQUAL(load(IMAGE_SIZE), -ENOMEM);
    CU_ASSERT_EQUAL(pages_out, 40); /* every page allocated is mapped (the caller frees the space) */
    CU_ASSERT_EQUAL(nmaps, 40);
    reset();
}

static void test_mapping_error_returned(void)
{
    make_valid();
    ph[1].memsz = 0x40000;          /* more pages than MAX_MAPS / 2 */
    map_error = -ENOMEM;
    CU_ASSERT_EQUAL(load(IMAGE_SIZE), -ENOMEM);
    CU_ASSERT_EQUAL(nmaps, MAX_MAPS / 2);
    CU_ASSERT_EQUAL(pages_out, MAX_MAPS / 2);   /* the page that failed to map was freed */
    reset();
}

/* Run every test; exit status 1 if any failed. */
int main(void)
{
    CU_initialize_registry();
    CU_pSuite s = CU_add_suite("guest_elf", NULL, NULL);
    CU_add_test(s, "valid image mapped page by page", test_valid_image);
    CU_add_test(s, "truncated headers", test_truncated_headers);
    CU_add_test(s, "bad magic, class, byte order, type, machine", test_bad_identity);
    CU_add_test(s, "segments outside user space", test_segment_outside_user_space);
    CU_add_test(s, "segment alignment and file part", test_segment_file_part);
    CU_add_test(s, "overlapping segments", test_overlapping_segments);
    CU_add_test(s, "nothing to load, entry outside user space", test_nothing_to_load_or_bad_entry);
    CU_add_test(s, "oversized segment: ENOMEM", test_oversized_segment_runs_out_of_memory);
    CU_add_test(s, "mapping error returned, page freed", test_mapping_error_returned);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned int failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
