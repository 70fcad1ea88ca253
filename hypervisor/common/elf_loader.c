/*
 * pvx: ELF loader for Xen-style 32-bit PAE paravirtual kernels.
 *
 * The image comes from outside the hypervisor and is untrusted. Every field is read byte by
 * byte (the buffer may be unaligned, and the host may not be little-endian), every
 * offset + size is checked against the file in 64-bit arithmetic before anything is read
 * there, and the guest is written only through the domain builder's callbacks.
 *
 * elf_parse() accepts an image only if all of this holds; elf_load() and the domain builder
 * rely on it:
 *   - ELFCLASS32, little-endian, version 1, EM_386, ET_EXEC; the ELF header, the program
 *     header table and the section header table lie inside the file.
 *   - The Xen notes (SHT_NOTE sections, note name "Xen"; PT_NOTE segments if the sections
 *     hold no Xen note) say LOADER "generic", XEN_VERSION "xen-3.0" and PAE_MODE "yes",
 *     "yes[extended-cr3]" or "bimodal". Numeric notes are 4 or 8 bytes and fit in 32 bits.
 *   - 1..16 PT_LOAD segments of nonzero memsz (zero-memsz ones are ignored), each with
 *     filesz <= memsz and its file data inside the file, loaded at
 *     p_paddr - PADDR_OFFSET + VIRT_BASE (Xen's rule), at or above VIRT_BASE and ending at or
 *     below HYPERVISOR_VIRT_START (0xF5800000), no two overlapping, the page-rounded span
 *     image_end - image_start at most 1 GiB.
 *   - The entry point, and the hypercall page (page-aligned) if there is one, lie inside a
 *     loaded segment.
 * Error messages start with "ELF: " and name the program header or section at fault by its
 * index in the file (so they match readelf's numbering).
 */
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/guest_access.h>
#include <pvx/elf_loader.h>
#include <stdarg.h>

/* ELF32 layout: byte offsets of the fields read. */
#define EHDR_SIZE     52
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define EH_TYPE       16
#define EH_MACHINE    18
#define EH_VERSION    20
#define EH_ENTRY      24
#define EH_PHOFF      28
#define EH_SHOFF      32
#define EH_PHENTSIZE  42
#define EH_PHNUM      44
#define EH_SHENTSIZE  46
#define EH_SHNUM      48

#define PHDR_SIZE     32
#define PH_TYPE       0
#define PH_OFFSET     4
#define PH_PADDR      12
#define PH_FILESZ     16
#define PH_MEMSZ      20

#define SHDR_SIZE     40
#define SH_TYPE       4
#define SH_OFFSET     16
#define SH_SIZE       20

#define NOTE_HDR_SIZE 12

#define ELFCLASS32    1
#define ELFDATA2LSB   1
#define ET_EXEC       2
#define EM_386        3
#define PT_LOAD       1
#define PT_NOTE       4
#define SHT_NOTE      7

/* Xen ELF note types (xen/include/public/elfnote.h). */
#define XEN_ELFNOTE_ENTRY          1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE      3
#define XEN_ELFNOTE_PADDR_OFFSET   4
#define XEN_ELFNOTE_XEN_VERSION    5
#define XEN_ELFNOTE_GUEST_OS       6
#define XEN_ELFNOTE_GUEST_VERSION  7
#define XEN_ELFNOTE_LOADER         8
#define XEN_ELFNOTE_PAE_MODE       9
#define XEN_ELFNOTE_FEATURES       10

#define ALIGN4(x) (((uint64_t)(x) + 3) & ~(uint64_t)3)

/* The image being parsed and where to report why it is rejected. */
struct elf_reader {
    const uint8_t *img;
    size_t size;
    char *err;
    size_t err_len;
};

/* The ELF header fields used after check_header(). */
struct elf_header {
    uint32_t entry, phoff, shoff;
    unsigned int phnum, shnum;
};

/* What the notes said, beyond what elf_image_info records. */
struct note_state {
    unsigned int nr_xen_notes;
    bool have_loader, loader_ok;
    bool have_xen_version, xen_version_ok;
    bool have_pae_mode;
    char pae_mode[32];
    bool have_entry;
    uint32_t entry;
};

/* Little-endian 16-bit field at p (any alignment). */
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Little-endian 32-bit field at p (any alignment). */
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* True if [off, off + len) lies inside a file of `size` bytes; no sum can overflow. */
static bool range_in_file(size_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

static int fail(struct elf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Put "ELF: <reason>" in the caller's error buffer (if any); always returns -EINVAL. */
static int fail(struct elf_reader *r, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!r->err || r->err_len == 0)
        return -EINVAL;
    n = snprintf(r->err, r->err_len, "ELF: ");
    if (n >= 0 && (size_t)n < r->err_len) {
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* Check identification, type and machine, and that both header tables lie in the file. */
static int check_header(struct elf_reader *r, struct elf_header *h)
{
    const uint8_t *e = r->img;
    unsigned int phentsize, shentsize;

    if (r->size < EHDR_SIZE)
        return fail(r, "truncated: %u-byte file is smaller than the 52-byte ELF header",
                    (unsigned int)r->size);
    if (memcmp(e, "\177ELF", 4) != 0)
        return fail(r, "bad magic: not an ELF file");
    if (e[EI_CLASS] != ELFCLASS32)
        return fail(r, "wrong class %u: need ELFCLASS32 (a 32-bit image)", e[EI_CLASS]);
    if (e[EI_DATA] != ELFDATA2LSB)
        return fail(r, "wrong data encoding %u: need little-endian (ELFDATA2LSB)", e[EI_DATA]);
    if (e[EI_VERSION] != 1 || rd32(e + EH_VERSION) != 1)
        return fail(r, "wrong ELF version: need 1");
    if (rd16(e + EH_MACHINE) != EM_386)
        return fail(r, "wrong machine %u: need EM_386 (3)", rd16(e + EH_MACHINE));
    if (rd16(e + EH_TYPE) != ET_EXEC)
        return fail(r, "wrong type %u: need ET_EXEC (2)", rd16(e + EH_TYPE));

    h->entry = rd32(e + EH_ENTRY);
    h->phoff = rd32(e + EH_PHOFF);
    h->phnum = rd16(e + EH_PHNUM);
    h->shoff = rd32(e + EH_SHOFF);
    h->shnum = h->shoff ? rd16(e + EH_SHNUM) : 0; /* e_shoff 0 means no section headers */
    phentsize = rd16(e + EH_PHENTSIZE);
    shentsize = rd16(e + EH_SHENTSIZE);

    if (h->phnum && phentsize != PHDR_SIZE)
        return fail(r, "program header entry size %u, need %u", phentsize, PHDR_SIZE);
    if (!range_in_file(r->size, h->phoff, (uint64_t)h->phnum * PHDR_SIZE))
        return fail(r, "truncated: %u program headers at 0x%x run past the end of the 0x%lx-byte file",
                    h->phnum, h->phoff, (unsigned long)r->size);
    if (h->shnum && shentsize != SHDR_SIZE)
        return fail(r, "section header entry size %u, need %u", shentsize, SHDR_SIZE);
    if (!range_in_file(r->size, h->shoff, (uint64_t)h->shnum * SHDR_SIZE))
        return fail(r, "truncated: %u section headers at 0x%x run past the end of the 0x%lx-byte file",
                    h->shnum, h->shoff, (unsigned long)r->size);
    return 0;
}

/* Length of a note's string: up to its first NUL, or all descsz bytes if it has none. */
static uint32_t note_strlen(const uint8_t *desc, uint32_t descsz)
{
    uint32_t n = 0;

    while (n < descsz && desc[n] != '\0')
        n++;
    return n;
}

/* True if the note's string is exactly s. */
static bool note_str_is(const uint8_t *desc, uint32_t descsz, const char *s)
{
    uint32_t n = note_strlen(desc, descsz);

    return n == strlen(s) && memcmp(desc, s, n) == 0;
}

/* Copy the note's string into dst (dst_len >= 1), unprintable bytes as '?'; false if cut short. */
static bool note_str_copy(char *dst, size_t dst_len, const uint8_t *desc, uint32_t descsz)
{
    uint32_t n = note_strlen(desc, descsz);
    size_t i;

    for (i = 0; i < n && i < dst_len - 1; i++)
        dst[i] = (desc[i] >= 0x20 && desc[i] < 0x7f) ? (char)desc[i] : '?';
    dst[i] = '\0';
    return n < dst_len;
}

/* Read a 4- or 8-byte numeric note into *val; it must fit in 32 bits. */
static int note_number(struct elf_reader *r, const char *name, const uint8_t *desc,
                       uint32_t descsz, uint32_t *val)
{
    if (descsz != 4 && descsz != 8)
        return fail(r, "note %s has a %u-byte value, need 4 or 8", name, descsz);
    if (descsz == 8 && rd32(desc + 4) != 0)
        return fail(r, "note %s value 0x%x%08x does not fit in 32 bits", name,
                    rd32(desc + 4), rd32(desc));
    *val = rd32(desc);
    return 0;
}

/* Record one Xen note; a repeated note overrides the earlier one, unknown types are ignored. */
static int apply_note(struct elf_reader *r, uint32_t type, const uint8_t *desc, uint32_t descsz,
                      struct elf_image_info *info, struct note_state *ns)
{
    switch (type) {
    case XEN_ELFNOTE_ENTRY:
        ns->have_entry = true;
        return note_number(r, "ENTRY", desc, descsz, &ns->entry);
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        info->has_hypercall_page = true;
        return note_number(r, "HYPERCALL_PAGE", desc, descsz, &info->hypercall_page_va);
    case XEN_ELFNOTE_VIRT_BASE:
        return note_number(r, "VIRT_BASE", desc, descsz, &info->virt_base);
    case XEN_ELFNOTE_PADDR_OFFSET:
        return note_number(r, "PADDR_OFFSET", desc, descsz, &info->paddr_offset);
    case XEN_ELFNOTE_XEN_VERSION:
        ns->have_xen_version = true;
        ns->xen_version_ok = note_str_is(desc, descsz, "xen-3.0");
        note_str_copy(info->xen_version, sizeof(info->xen_version), desc, descsz);
        return 0;
    case XEN_ELFNOTE_GUEST_OS:
        note_str_copy(info->guest_os, sizeof(info->guest_os), desc, descsz);
        return 0;
    case XEN_ELFNOTE_GUEST_VERSION:
        note_str_copy(info->guest_version, sizeof(info->guest_version), desc, descsz);
        return 0;
    case XEN_ELFNOTE_LOADER:
        ns->have_loader = true;
        ns->loader_ok = note_str_is(desc, descsz, "generic");
        note_str_copy(info->loader, sizeof(info->loader), desc, descsz);
        return 0;
    case XEN_ELFNOTE_PAE_MODE:
        ns->have_pae_mode = true;
        info->pae = note_str_is(desc, descsz, "yes") ||
                    note_str_is(desc, descsz, "yes[extended-cr3]") ||
                    note_str_is(desc, descsz, "bimodal");
        note_str_copy(ns->pae_mode, sizeof(ns->pae_mode), desc, descsz);
        return 0;
    case XEN_ELFNOTE_FEATURES:
        /* Truncating could drop a required ("!") feature, so refuse instead. */
        if (!note_str_copy(info->features, sizeof(info->features), desc, descsz))
            return fail(r, "FEATURES note is longer than %u bytes",
                        (unsigned int)sizeof(info->features) - 1);
        return 0;
    default:
        return 0; /* BSD_SYMTAB and others pvx does not use */
    }
}

/* Apply every "Xen" note in the file range [off, off + len) of section/segment `idx`. */
static int walk_notes(struct elf_reader *r, uint32_t off, uint32_t len, const char *what,
                      unsigned int idx, struct elf_image_info *info, struct note_state *ns)
{
    uint64_t pos = 0;

    if (!range_in_file(r->size, off, len))
        return fail(r, "truncated: %s %u (offset 0x%x size 0x%x) runs past the end of the file",
                    what, idx, off, len);
    while (pos < len) {
        const uint8_t *note = r->img + off + pos;
        uint32_t namesz, descsz, type;
        uint64_t desc_at;
        int rc;

        if (len - pos < NOTE_HDR_SIZE)
            return fail(r, "malformed note in %s %u: %u stray bytes at its end", what, idx,
                        (unsigned int)(len - pos));
        namesz = rd32(note);
        descsz = rd32(note + 4);
        type = rd32(note + 8);
        desc_at = NOTE_HDR_SIZE + ALIGN4(namesz);
        if (desc_at + descsz > len - pos)
            return fail(r, "malformed note in %s %u: name size 0x%x / desc size 0x%x run past its end",
                        what, idx, namesz, descsz);
        if (namesz == 4 && memcmp(note + NOTE_HDR_SIZE, "Xen", 4) == 0) {
            ns->nr_xen_notes++;
            rc = apply_note(r, type, note + desc_at, descsz, info, ns);
            if (rc)
                return rc;
        }
        pos += desc_at + ALIGN4(descsz);
    }
    return 0;
}

/* Read the Xen notes from SHT_NOTE sections, or from PT_NOTE segments if those hold none. */
static int read_notes(struct elf_reader *r, const struct elf_header *h,
                      struct elf_image_info *info, struct note_state *ns)
{
    unsigned int i;
    int rc;

    for (i = 0; i < h->shnum; i++) {
        const uint8_t *sh = r->img + h->shoff + (size_t)i * SHDR_SIZE;

        if (rd32(sh + SH_TYPE) != SHT_NOTE)
            continue;
        rc = walk_notes(r, rd32(sh + SH_OFFSET), rd32(sh + SH_SIZE), "note section", i, info, ns);
        if (rc)
            return rc;
    }
    if (ns->nr_xen_notes)
        return 0;
    for (i = 0; i < h->phnum; i++) {
        const uint8_t *ph = r->img + h->phoff + (size_t)i * PHDR_SIZE;

        if (rd32(ph + PH_TYPE) != PT_NOTE)
            continue;
        rc = walk_notes(r, rd32(ph + PH_OFFSET), rd32(ph + PH_FILESZ), "PT_NOTE segment", i,
                        info, ns);
        if (rc)
            return rc;
    }
    return 0;
}

/* Insist on the notes pvx needs: LOADER "generic", XEN_VERSION "xen-3.0", a PAE PAE_MODE. */
static int check_notes(struct elf_reader *r, const struct elf_image_info *info,
                       const struct note_state *ns)
{
    if (!ns->nr_xen_notes)
        return fail(r, "no Xen ELF notes found (need LOADER, XEN_VERSION and PAE_MODE)");
    if (!ns->have_loader)
        return fail(r, "missing LOADER note (need \"generic\")");
    if (!ns->loader_ok)
        return fail(r, "LOADER note is \"%s\", need \"generic\"", info->loader);
    if (!ns->have_xen_version)
        return fail(r, "missing XEN_VERSION note (need \"xen-3.0\")");
    if (!ns->xen_version_ok)
        return fail(r, "XEN_VERSION note is \"%s\", need \"xen-3.0\"", info->xen_version);
    if (!ns->have_pae_mode)
        return fail(r, "missing PAE_MODE note: pvx runs only PAE guests");
    if (!info->pae)
        return fail(r, "PAE_MODE note is \"%s\": pvx runs only PAE guests "
                    "(need yes, yes[extended-cr3] or bimodal)", ns->pae_mode);
    return 0;
}

/* Record program header i as a segment after checking it on its own. */
static int add_segment(struct elf_reader *r, unsigned int i, const uint8_t *ph,
                       struct elf_image_info *info, uint16_t *phdr_idx)
{
    uint32_t offset = rd32(ph + PH_OFFSET), paddr = rd32(ph + PH_PADDR);
    uint32_t filesz = rd32(ph + PH_FILESZ), memsz = rd32(ph + PH_MEMSZ);
    int64_t va;
    uint64_t end;
    struct elf_segment *seg;

    if (filesz > memsz)
        return fail(r, "segment %u filesz 0x%x > memsz 0x%x", i, filesz, memsz);
    if (memsz == 0)
        return 0;
    if (filesz && !range_in_file(r->size, offset, filesz))
        return fail(r, "truncated: segment %u data (offset 0x%x size 0x%x) runs past the end of the 0x%lx-byte file",
                    i, offset, filesz, (unsigned long)r->size);
    va = (int64_t)paddr - info->paddr_offset + info->virt_base;
    if (va < info->virt_base)
        return fail(r, "segment %u loads below VIRT_BASE 0x%x (p_paddr 0x%x, PADDR_OFFSET 0x%x)",
                    i, info->virt_base, paddr, info->paddr_offset);
    end = (uint64_t)va + memsz;
    if (end > ((uint64_t)1 << 32))
        return fail(r, "segment %u (load address 0x%llx, size 0x%x) wraps past 4 GiB",
                    i, (unsigned long long)va, memsz);
    if (end > HYPERVISOR_VIRT_START_32)
        return fail(r, "segment %u [0x%llx, 0x%llx) reaches the hypervisor area at 0x%x",
                    i, (unsigned long long)va, (unsigned long long)end, HYPERVISOR_VIRT_START_32);
    if (info->nr_segments == ELF_MAX_SEGMENTS)
        return fail(r, "too many PT_LOAD segments (more than %u)", ELF_MAX_SEGMENTS);

    phdr_idx[info->nr_segments] = (uint16_t)i;
    seg = &info->seg[info->nr_segments++];
    seg->load_va = (uint32_t)va;
    seg->file_offset = offset;
    seg->filesz = filesz;
    seg->memsz = memsz;
    return 0;
}

/* Collect and individually check the PT_LOAD segments; phdr_idx[k] = header index of seg[k]. */
static int read_segments(struct elf_reader *r, const struct elf_header *h,
                         struct elf_image_info *info, uint16_t *phdr_idx)
{
    unsigned int i;
    int rc;

    for (i = 0; i < h->phnum; i++) {
        const uint8_t *ph = r->img + h->phoff + (size_t)i * PHDR_SIZE;

        if (rd32(ph + PH_TYPE) != PT_LOAD)
            continue;
        rc = add_segment(r, i, ph, info, phdr_idx);
        if (rc)
            return rc;
    }
    if (info->nr_segments == 0)
        return fail(r, "no PT_LOAD segment with nonzero memsz");
    return 0;
}

/* True if va lies inside one of the loaded segments (their bss included). */
static bool in_segments(const struct elf_image_info *info, uint32_t va)
{
    unsigned int k;

    for (k = 0; k < info->nr_segments; k++)
        if (va >= info->seg[k].load_va && va - info->seg[k].load_va < info->seg[k].memsz)
            return true;
    return false;
}

/* Check the segments against each other, compute the image bounds, place entry and hypercall page. */
static int check_layout(struct elf_reader *r, const struct elf_header *h,
                        const struct note_state *ns, struct elf_image_info *info,
                        const uint16_t *phdr_idx)
{
    uint32_t start = UINT32_MAX, end = 0;
    unsigned int i, j;

    /* Segment ends are at most 0xF5800000 (add_segment), so these sums cannot wrap. */
    for (i = 0; i < info->nr_segments; i++) {
        const struct elf_segment *a = &info->seg[i];

        for (j = 0; j < i; j++) {
            const struct elf_segment *b = &info->seg[j];

            if (a->load_va < b->load_va + b->memsz && b->load_va < a->load_va + a->memsz)
                return fail(r, "segment %u overlaps segment %u", phdr_idx[i], phdr_idx[j]);
        }
        if (a->load_va < start)
            start = a->load_va;
        if (a->load_va + a->memsz > end)
            end = a->load_va + a->memsz;
    }
    info->image_start = start;
    info->image_end = ALIGN_UP(end, PAGE_SIZE);
    if (info->image_end - info->image_start > ELF_MAX_IMAGE_SPAN)
        return fail(r, "image [0x%x, 0x%x) spans more than 1 GiB", info->image_start,
                    info->image_end);

    info->entry = ns->have_entry ? ns->entry : h->entry;
    if (!in_segments(info, info->entry))
        return fail(r, "entry point 0x%x (from %s) is outside the loaded segments", info->entry,
                    ns->have_entry ? "ENTRY note" : "e_entry");

    if (info->has_hypercall_page) {
        if (info->hypercall_page_va & (PAGE_SIZE - 1))
            return fail(r, "hypercall page 0x%x is not page-aligned", info->hypercall_page_va);
        if (!in_segments(info, info->hypercall_page_va))
            return fail(r, "hypercall page 0x%x is outside the loaded segments",
                        info->hypercall_page_va);
    }
    return 0;
}

/* Parse and validate an untrusted image; 0, or -EINVAL with the reason in err. */
int elf_parse(const void *image, size_t size, struct elf_image_info *info, char *err, size_t err_len)
{
    struct elf_reader r = { .img = image, .size = size, .err = err, .err_len = err_len };
    struct elf_header h = { 0 };
    struct note_state ns;
    uint16_t phdr_idx[ELF_MAX_SEGMENTS];
    int rc;

    if (err && err_len)
        err[0] = '\0';
    if (!info)
        return fail(&r, "no image info to fill");
    memset(info, 0, sizeof(*info));
    if (!image)
        return fail(&r, "no image");
    memset(&ns, 0, sizeof(ns));

    rc = check_header(&r, &h);
    if (!rc)
        rc = read_notes(&r, &h, info, &ns);
    if (!rc)
        rc = check_notes(&r, info, &ns);
    if (!rc)
        rc = read_segments(&r, &h, info, phdr_idx);
    if (!rc)
        rc = check_layout(&r, &h, &ns, info, phdr_idx);
    return rc;
}

/* Copy each segment's file data to its load VA and zero the rest of its memsz (its bss). */
int elf_load(const void *image, size_t size, const struct elf_image_info *info,
             void (*write)(void *ctx, uint32_t va, const void *src, uint32_t len),
             void (*zero)(void *ctx, uint32_t va, uint32_t len), void *ctx)
{
    const uint8_t *img = image;
    unsigned int k;

    /* info should come from elf_parse() of this image; recheck what guards our own reads. */
    if (!image || !info || !write || !zero || info->nr_segments > ELF_MAX_SEGMENTS)
        return -EINVAL;
    for (k = 0; k < info->nr_segments; k++) {
        const struct elf_segment *s = &info->seg[k];

        if (s->filesz > s->memsz ||
            (s->filesz && !range_in_file(size, s->file_offset, s->filesz)))
            return -EINVAL;
    }

    for (k = 0; k < info->nr_segments; k++) {
        const struct elf_segment *s = &info->seg[k];

        if (s->filesz)
            write(ctx, s->load_va, img + s->file_offset, s->filesz);
        if (s->memsz > s->filesz)
            zero(ctx, s->load_va + s->filesz, s->memsz - s->filesz);
    }
    return 0;
}
