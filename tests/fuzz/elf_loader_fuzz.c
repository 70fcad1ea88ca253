/*
 * libFuzzer target for hypervisor/common/elf_loader.c.
 *
 * Kernel images are untrusted input. Whatever the bytes, elf_parse must not read outside the
 * buffer (ASan checks that) and must either refuse with an "ELF: " message or describe an
 * image whose invariants hold; elf_load of an accepted image must then only read inside the
 * buffer and only write inside [image_start, image_end). Build and run:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DPVX_HOST_BUILD -Ihypervisor/include \
 *     -Iinclude tests/fuzz/elf_loader_fuzz.c hypervisor/common/elf_loader.c -o build/fuzz/elf_loader_fuzz
 *   build/fuzz/elf_loader_fuzz -max_total_time=60 [corpus-dir]
 */
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/elf_loader.h>
#include <stdlib.h>
#include <string.h>

#define SCRATCH_SIZE (1u << 20) /* the backed part of the guest; the rest is only range-checked */

/* The guest as elf_load sees it: [base, base + span), the first SCRATCH_SIZE bytes backed. */
struct scratch {
    uint32_t base, span;
    uint8_t mem[SCRATCH_SIZE];
};

/* Stop the run if [va, va + len) is not inside the image. */
static uint32_t check_range(const struct scratch *s, uint32_t va, uint32_t len)
{
    if (va < s->base || va - s->base > s->span || len > s->span - (va - s->base))
        abort();
    return va - s->base;
}

/* elf_load write callback: read every source byte (so ASan sees over-reads), keep what fits. */
static void fuzz_write(void *ctx, uint32_t va, const void *src, uint32_t len)
{
    struct scratch *s = ctx;
    const volatile uint8_t *p = src;
    uint32_t at = check_range(s, va, len);
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum ^= p[i];
    if (at < SCRATCH_SIZE)
        memcpy(s->mem + at, src, len < SCRATCH_SIZE - at ? len : SCRATCH_SIZE - at);
    s->mem[0] ^= sum;
}

/* elf_load zero callback: clear what fits in the scratch buffer. */
static void fuzz_zero(void *ctx, uint32_t va, uint32_t len)
{
    struct scratch *s = ctx;
    uint32_t at = check_range(s, va, len);

    if (at < SCRATCH_SIZE)
        memset(s->mem + at, 0, len < SCRATCH_SIZE - at ? len : SCRATCH_SIZE - at);
}

/* Abort unless info describes an image elf_parse should accept. */
static void check_info(const struct elf_image_info *info, size_t size)
{
    if (info->nr_segments == 0 || info->nr_segments > ELF_MAX_SEGMENTS || !info->pae ||
        info->image_start < info->virt_base || info->image_end > 0xF5800000u ||
        info->image_end <= info->image_start || (info->image_end & (PAGE_SIZE - 1)) ||
        info->image_end - info->image_start > ELF_MAX_IMAGE_SPAN ||
        strcmp(info->loader, "generic") != 0 || strcmp(info->xen_version, "xen-3.0") != 0)
        abort();
    for (unsigned int k = 0; k < info->nr_segments; k++) {
        const struct elf_segment *s = &info->seg[k];

        if (s->memsz == 0 || s->filesz > s->memsz || s->load_va < info->image_start ||
            s->memsz > info->image_end - s->load_va ||
            (s->filesz && ((uint64_t)s->file_offset + s->filesz > size)))
            abort();
    }
    if (info->has_hypercall_page && (info->hypercall_page_va & (PAGE_SIZE - 1)))
        abort();
}

/* One fuzz input: parse it, and load it if accepted. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct scratch scratch;
    static struct elf_image_info info;
    char err[128];

    if (elf_parse(data, size, &info, err, sizeof(err)) != 0) {
        if (strncmp(err, "ELF: ", 5) != 0 || memchr(err, '\0', sizeof(err)) == NULL)
            abort();
        return 0;
    }
    check_info(&info, size);
    scratch.base = info.image_start;
    scratch.span = info.image_end - info.image_start;
    if (elf_load(data, size, &info, fuzz_write, fuzz_zero, &scratch) != 0)
        abort();
    return 0;
}
