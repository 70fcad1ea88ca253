/*
 * Host tests for hypervisor/common/elf_loader.c.
 *
 * The loader is the first hypervisor code to read a guest-supplied blob, so it must accept
 * what real Xen PV kernels look like and refuse everything else with a message naming the
 * problem. Each test builds an ELF32 image in memory with a small builder (ELF header,
 * program headers, a .note.Xen section holding chosen notes, section headers), so the tests
 * need no toolchain for 32-bit x86 and every field is under the test's control. Covered:
 * a good image (every parsed field, load VAs from VIRT_BASE/PADDR_OFFSET, entry from the
 * ENTRY note or e_entry, two PT_LOADs, bss zeroed through the zero callback), one test per
 * rejection rule (return value and a keyword of the message), and garbage and mutated
 * images, which must never crash or load outside [image_start, image_end).
 */
#include <CUnit/Basic.h>
#include <pvx/types.h>
#include <pvx/lib.h>
#include <pvx/errno.h>
#include <pvx/elf_loader.h>
#include <stdio.h>
#include <string.h>

/* ---- the image builder ---- */

#define IMG_CAP         0x40000
#define MAX_SPEC_SEGS   20
#define MAX_SPEC_NOTES  16
#define NOTE_DESC_CAP   320

#define PT_LOAD  1
#define PT_NOTE  4
#define SHT_NOTE 7

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

struct seg_spec {
    uint32_t type, paddr, filesz, memsz;
};

struct note_spec {
    const char *name;  /* note owner, "Xen" for ours */
    uint32_t type, descsz;
    uint8_t desc[NOTE_DESC_CAP];
};

/* Everything the builder puts in an image. */
struct img_spec {
    uint8_t ei_class, ei_data, ei_version;
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry;
    unsigned int nr_segs;
    struct seg_spec seg[MAX_SPEC_SEGS];
    unsigned int nr_notes;
    struct note_spec note[MAX_SPEC_NOTES];
    bool pt_note;      /* add a PT_NOTE program header (after the PT_LOADs) for the notes */
    bool no_sections;  /* leave out the section header table */
};

/* Where the builder put things, for tests that corrupt them afterwards. */
struct img_layout {
    size_t size;
    uint32_t phoff, shoff, notes_off, notes_size;
    uint32_t seg_off[MAX_SPEC_SEGS];
};

static uint8_t img[IMG_CAP];

/* Store v little-endian at p. */
static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Store v little-endian at p. */
static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)v);
    wr16(p + 2, (uint16_t)(v >> 16));
}

/* The byte the builder puts at offset j of segment k's file data. */
static uint8_t seg_byte(unsigned int k, uint32_t j)
{
    return (uint8_t)(0x11 * (k + 1) + j * 7);
}

/* Index of note `type` in s, or -1. */
static int spec_find(const struct img_spec *s, uint32_t type)
{
    for (unsigned int i = 0; i < s->nr_notes; i++)
        if (s->note[i].type == type && strcmp(s->note[i].name, "Xen") == 0)
            return (int)i;
    return -1;
}

/* Set (replace or add) Xen note `type` to the given raw bytes. */
static void spec_set_raw(struct img_spec *s, uint32_t type, const void *desc, uint32_t descsz)
{
    int i = spec_find(s, type);

    if (i < 0) {
        CU_ASSERT_FATAL(s->nr_notes < MAX_SPEC_NOTES);
        i = (int)s->nr_notes++;
    }
    CU_ASSERT_FATAL(descsz <= NOTE_DESC_CAP);
    s->note[i].name = "Xen";
    s->note[i].type = type;
    s->note[i].descsz = descsz;
    memcpy(s->note[i].desc, desc, descsz);
}

/* Set Xen note `type` to a NUL-terminated string. */
static void spec_set_str(struct img_spec *s, uint32_t type, const char *str)
{
    spec_set_raw(s, type, str, (uint32_t)strlen(str) + 1);
}

/* Set Xen note `type` to a 4-byte number. */
static void spec_set_u32(struct img_spec *s, uint32_t type, uint32_t v)
{
    uint8_t b[4];

    wr32(b, v);
    spec_set_raw(s, type, b, 4);
}

/* Set Xen note `type` to an 8-byte number. */
static void spec_set_u64(struct img_spec *s, uint32_t type, uint64_t v)
{
    uint8_t b[8];

    wr32(b, (uint32_t)v);
    wr32(b + 4, (uint32_t)(v >> 32));
    spec_set_raw(s, type, b, 8);
}

/* Remove Xen note `type` if present. */
static void spec_del(struct img_spec *s, uint32_t type)
{
    int i = spec_find(s, type);

    if (i < 0)
        return;
    memmove(&s->note[i], &s->note[i + 1], (s->nr_notes - (unsigned int)i - 1) * sizeof(s->note[0]));
    s->nr_notes--;
}

/* Append a program header of the given type. */
static void spec_add_seg(struct img_spec *s, uint32_t type, uint32_t paddr, uint32_t filesz,
                         uint32_t memsz)
{
    CU_ASSERT_FATAL(s->nr_segs < MAX_SPEC_SEGS);
    s->seg[s->nr_segs++] = (struct seg_spec){ type, paddr, filesz, memsz };
}

/* A valid ELF32 i386 header and the three required notes, no segments. */
static void spec_minimal(struct img_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->ei_class = 1;
    s->ei_data = 1;
    s->ei_version = 1;
    s->e_type = 2;
    s->e_machine = 3;
    s->e_version = 1;
    spec_set_str(s, XEN_ELFNOTE_LOADER, "generic");
    spec_set_str(s, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    spec_set_str(s, XEN_ELFNOTE_PAE_MODE, "yes");
}

/*
 * The reference good image: VIRT_BASE 0xC0000000, PADDR_OFFSET 0x100000, so
 *   seg 0: p_paddr 0x100000, 0x1800 bytes          -> VA [0xC0000000, 0xC0001800)
 *   seg 1: p_paddr 0x103000, 0x200 file, 0x2400 mem -> VA [0xC0003000, 0xC0005400), bss from 0xC0003200
 * ENTRY note 0xC0000010 (e_entry 0xC0000100), hypercall page 0xC0001000, and a GNU note first
 * in the note section, which the loader must skip.
 */
static void spec_good(struct img_spec *s)
{
    spec_minimal(s);
    s->e_entry = 0xC0000100;
    s->note[s->nr_notes].name = "GNU";
    s->note[s->nr_notes].type = 3;
    s->note[s->nr_notes].descsz = 8;
    memcpy(s->note[s->nr_notes].desc, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    s->nr_notes++;
    spec_set_str(s, XEN_ELFNOTE_GUEST_OS, "linux");
    spec_set_str(s, XEN_ELFNOTE_GUEST_VERSION, "2.6");
    spec_set_str(s, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    spec_set_u32(s, XEN_ELFNOTE_VIRT_BASE, 0xC0000000);
    spec_set_u32(s, XEN_ELFNOTE_PADDR_OFFSET, 0x100000);
    spec_set_u32(s, XEN_ELFNOTE_ENTRY, 0xC0000010);
    spec_set_u32(s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0001000);
    spec_add_seg(s, PT_LOAD, 0x100000, 0x1800, 0x1800);
    spec_add_seg(s, PT_LOAD, 0x103000, 0x200, 0x2400);
}

/* An image with VA = p_paddr (no VIRT_BASE/PADDR_OFFSET), one segment, entry at its start. */
static void spec_flat(struct img_spec *s, uint32_t va, uint32_t filesz, uint32_t memsz)
{
    spec_minimal(s);
    s->e_entry = va;
    spec_add_seg(s, PT_LOAD, va, filesz, memsz);
}

/* Append the encoded notes of s at out[off]; returns the new offset. */
static size_t emit_notes(const struct img_spec *s, uint8_t *out, size_t off)
{
    for (unsigned int i = 0; i < s->nr_notes; i++) {
        const struct note_spec *n = &s->note[i];
        uint32_t namesz = (uint32_t)strlen(n->name) + 1;

        wr32(out + off, namesz);
        wr32(out + off + 4, n->descsz);
        wr32(out + off + 8, n->type);
        off += 12;
        memset(out + off, 0, ALIGN_UP(namesz, 4));
        memcpy(out + off, n->name, namesz);
        off += ALIGN_UP(namesz, 4);
        memset(out + off, 0, ALIGN_UP(n->descsz, 4));
        memcpy(out + off, n->desc, n->descsz);
        off += ALIGN_UP(n->descsz, 4);
    }
    return off;
}

/* Write one program header at p. */
static void emit_phdr(uint8_t *p, uint32_t type, uint32_t offset, uint32_t paddr, uint32_t filesz,
                      uint32_t memsz)
{
    wr32(p, type);
    wr32(p + 4, offset);
    wr32(p + 8, paddr);   /* p_vaddr: ignored by the loader, Xen's rule uses p_paddr */
    wr32(p + 12, paddr);
    wr32(p + 16, filesz);
    wr32(p + 20, memsz);
    wr32(p + 24, 7);
    wr32(p + 28, 4);
}

/* Write one section header at p. */
static void emit_shdr(uint8_t *p, uint32_t name, uint32_t type, uint32_t offset, uint32_t size)
{
    memset(p, 0, 40);
    wr32(p, name);
    wr32(p + 4, type);
    wr32(p + 16, offset);
    wr32(p + 20, size);
    wr32(p + 32, 4);
}

/* Assemble the image described by s into out: ehdr, phdrs, notes, segment data, shstrtab, shdrs. */
static struct img_layout build(const struct img_spec *s, uint8_t *out)
{
    static const char shstrtab[] = "\0.note.Xen\0.shstrtab"; /* names at 1 and 11 */
    struct img_layout l = { 0 };
    unsigned int nr_phdrs = s->nr_segs + (s->pt_note ? 1 : 0);
    size_t off;

    memset(out, 0, IMG_CAP);
    l.phoff = 52;
    l.notes_off = (uint32_t)(l.phoff + nr_phdrs * 32);
    off = emit_notes(s, out, l.notes_off);
    l.notes_size = (uint32_t)(off - l.notes_off);
    for (unsigned int k = 0; k < s->nr_segs; k++) {
        off = ALIGN_UP(off, 16);
        l.seg_off[k] = (uint32_t)off;
        CU_ASSERT_FATAL(off + s->seg[k].filesz <= IMG_CAP - 0x100);
        for (uint32_t j = 0; j < s->seg[k].filesz; j++)
            out[off + j] = seg_byte(k, j);
        off += s->seg[k].filesz;
        emit_phdr(out + l.phoff + k * 32, s->seg[k].type, l.seg_off[k], s->seg[k].paddr,
                  s->seg[k].filesz, s->seg[k].memsz);
    }
    if (s->pt_note)
        emit_phdr(out + l.phoff + s->nr_segs * 32, PT_NOTE, l.notes_off, 0, l.notes_size, 0);
    if (!s->no_sections) {
        uint32_t strtab_off = (uint32_t)off;

        memcpy(out + off, shstrtab, sizeof(shstrtab));
        off = ALIGN_UP(off + sizeof(shstrtab), 4);
        l.shoff = (uint32_t)off;
        emit_shdr(out + off, 0, 0, 0, 0);
        emit_shdr(out + off + 40, 1, SHT_NOTE, l.notes_off, l.notes_size);
        emit_shdr(out + off + 80, 11, 3, strtab_off, sizeof(shstrtab));
        off += 3 * 40;
    }

    memcpy(out, "\177ELF", 4);
    out[4] = s->ei_class;
    out[5] = s->ei_data;
    out[6] = s->ei_version;
    wr16(out + 16, s->e_type);
    wr16(out + 18, s->e_machine);
    wr32(out + 20, s->e_version);
    wr32(out + 24, s->e_entry);
    wr32(out + 28, nr_phdrs ? l.phoff : 0);
    wr32(out + 32, l.shoff);
    wr16(out + 40, 52);
    wr16(out + 42, 32);
    wr16(out + 44, (uint16_t)nr_phdrs);
    wr16(out + 46, 40);
    wr16(out + 48, s->no_sections ? 0 : 3);
    wr16(out + 50, s->no_sections ? 0 : 2);
    l.size = off;
    return l;
}

/* ---- a bounded guest memory for elf_load ---- */

#define GUEST_CAP 0x20000

/* The guest as elf_load sees it: [base, base + span) with the first GUEST_CAP bytes backed. */
struct guest_mem {
    uint32_t base, span;
    unsigned int writes, zeros, out_of_range;
    uint32_t zero_va[ELF_MAX_SEGMENTS], zero_len[ELF_MAX_SEGMENTS];
    uint8_t mem[GUEST_CAP];
};

/* Count callback ranges outside the image; return false for them. */
static bool guest_check(struct guest_mem *g, uint32_t va, uint32_t len)
{
    if (va < g->base || va - g->base > g->span || len > g->span - (va - g->base)) {
        g->out_of_range++;
        return false;
    }
    return true;
}

/* elf_load write callback: copy into the backed part of the guest. */
static void guest_write(void *ctx, uint32_t va, const void *src, uint32_t len)
{
    struct guest_mem *g = ctx;
    uint32_t at;

    g->writes++;
    if (!guest_check(g, va, len))
        return;
    at = va - g->base;
    if (at < GUEST_CAP)
        memcpy(g->mem + at, src, len < GUEST_CAP - at ? len : GUEST_CAP - at);
}

/* elf_load zero callback: clear the backed part of the range and record it. */
static void guest_zero(void *ctx, uint32_t va, uint32_t len)
{
    struct guest_mem *g = ctx;
    uint32_t at;

    if (g->zeros < ELF_MAX_SEGMENTS) {
        g->zero_va[g->zeros] = va;
        g->zero_len[g->zeros] = len;
    }
    g->zeros++;
    if (!guest_check(g, va, len))
        return;
    at = va - g->base;
    if (at < GUEST_CAP)
        memset(g->mem + at, 0, len < GUEST_CAP - at ? len : GUEST_CAP - at);
}

/* Prepare g for an image described by info, its memory filled with 0xAA. */
static void guest_init(struct guest_mem *g, const struct elf_image_info *info)
{
    memset(g, 0, sizeof(*g));
    memset(g->mem, 0xAA, sizeof(g->mem));
    g->base = info->image_start;
    g->span = info->image_end - info->image_start;
}

/* ---- helpers for the tests ---- */

static char err[256];
static struct elf_image_info info;

/* Build s and parse it. */
static int parse_spec(const struct img_spec *s)
{
    struct img_layout l = build(s, img);

    return elf_parse(img, l.size, &info, err, sizeof(err));
}

/* Assert that the last parse failed with -EINVAL and a message containing keyword. */
static void expect_rejected_at(int rc, const char *keyword, unsigned int line)
{
    bool ok = rc == -EINVAL && strncmp(err, "ELF: ", 5) == 0 && strstr(err, keyword) != NULL;

    if (!ok)
        printf("\n  line %u: rc %d, message \"%s\", wanted -EINVAL and \"%s\"\n", line, rc, err,
               keyword);
    CU_assertImplementation(ok, line, "rejected with keyword", __FILE__, "", CU_FALSE);
}
#define EXPECT_REJECTED(rc, keyword) expect_rejected_at((rc), (keyword), __LINE__)

/* Assert that the last parse succeeded. */
static void expect_accepted_at(int rc, unsigned int line)
{
    if (rc != 0)
        printf("\n  line %u: rc %d, message \"%s\", wanted success\n", line, rc, err);
    CU_assertImplementation(rc == 0 && err[0] == '\0', line, "accepted", __FILE__, "", CU_FALSE);
}
#define EXPECT_ACCEPTED(rc) expect_accepted_at((rc), __LINE__)

/* Check the fields of the reference good image (spec_good) in info. */
static void check_good_info(const struct elf_image_info *i)
{
    CU_ASSERT_STRING_EQUAL(i->guest_os, "linux");
    CU_ASSERT_STRING_EQUAL(i->guest_version, "2.6");
    CU_ASSERT_STRING_EQUAL(i->loader, "generic");
    CU_ASSERT_STRING_EQUAL(i->xen_version, "xen-3.0");
    CU_ASSERT_STRING_EQUAL(i->features, "!writable_page_tables|pae_pgdir_above_4gb");
    CU_ASSERT_TRUE(i->pae);
    CU_ASSERT_TRUE(i->has_hypercall_page);
    CU_ASSERT_EQUAL(i->hypercall_page_va, 0xC0001000);
    CU_ASSERT_EQUAL(i->virt_base, 0xC0000000);
    CU_ASSERT_EQUAL(i->paddr_offset, 0x100000);
    CU_ASSERT_EQUAL(i->entry, 0xC0000010);
    CU_ASSERT_EQUAL(i->image_start, 0xC0000000);
    CU_ASSERT_EQUAL(i->image_end, 0xC0006000);
    CU_ASSERT_EQUAL_FATAL(i->nr_segments, 2);
    CU_ASSERT_EQUAL(i->seg[0].load_va, 0xC0000000);
    CU_ASSERT_EQUAL(i->seg[0].filesz, 0x1800);
    CU_ASSERT_EQUAL(i->seg[0].memsz, 0x1800);
    CU_ASSERT_EQUAL(i->seg[1].load_va, 0xC0003000);
    CU_ASSERT_EQUAL(i->seg[1].filesz, 0x200);
    CU_ASSERT_EQUAL(i->seg[1].memsz, 0x2400);
}

/* ---- a good image ---- */

/* The reference image parses and every field is as the notes and headers say. */
static void test_good_image_fields(void)
{
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    l = build(&s, img);
    EXPECT_ACCEPTED(elf_parse(img, l.size, &info, err, sizeof(err)));
    check_good_info(&info);
    CU_ASSERT_EQUAL(info.seg[0].file_offset, l.seg_off[0]);
    CU_ASSERT_EQUAL(info.seg[1].file_offset, l.seg_off[1]);
}

/* elf_load copies each segment's bytes to its VA, zeroes exactly the bss, and touches nothing else. */
static void test_good_image_load(void)
{
    static struct guest_mem g;
    struct img_spec s;
    struct img_layout l;
    uint32_t va;

    spec_good(&s);
    l = build(&s, img);
    EXPECT_ACCEPTED(elf_parse(img, l.size, &info, err, sizeof(err)));
    guest_init(&g, &info);
    CU_ASSERT_EQUAL(elf_load(img, l.size, &info, guest_write, guest_zero, &g), 0);
    CU_ASSERT_EQUAL(g.out_of_range, 0);
    CU_ASSERT_EQUAL(g.writes, 2);
    CU_ASSERT_EQUAL_FATAL(g.zeros, 1);
    CU_ASSERT_EQUAL(g.zero_va[0], 0xC0003200);
    CU_ASSERT_EQUAL(g.zero_len[0], 0x2200);

    for (va = 0xC0000000; va < 0xC0006000; va++) {
        uint8_t want = 0xAA; /* gaps and the tail of the last page stay untouched */

        if (va < 0xC0001800)
            want = seg_byte(0, va - 0xC0000000);
        else if (va >= 0xC0003000 && va < 0xC0003200)
            want = seg_byte(1, va - 0xC0003000);
        else if (va >= 0xC0003200 && va < 0xC0005400)
            want = 0;
        if (g.mem[va - g.base] != want) {
            CU_FAIL("guest byte differs");
            printf("\n  va 0x%x: 0x%02x, want 0x%02x\n", va, g.mem[va - g.base], want);
            break;
        }
    }
}

/* Without an ENTRY note the entry point is e_entry. */
static void test_entry_from_e_entry(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_del(&s, XEN_ELFNOTE_ENTRY);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.entry, 0xC0000100);
}

/* Without VIRT_BASE and PADDR_OFFSET both are 0 and a segment loads at its p_paddr. */
static void test_no_virt_base_loads_at_paddr(void)
{
    struct img_spec s;

    spec_flat(&s, 0x400000, 0x100, 0x3000);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.virt_base, 0);
    CU_ASSERT_EQUAL(info.paddr_offset, 0);
    CU_ASSERT_EQUAL(info.seg[0].load_va, 0x400000);
    CU_ASSERT_EQUAL(info.image_start, 0x400000);
    CU_ASSERT_EQUAL(info.image_end, 0x403000);
    CU_ASSERT_EQUAL(info.entry, 0x400000);
    CU_ASSERT_FALSE(info.has_hypercall_page);
    CU_ASSERT_STRING_EQUAL(info.guest_os, "");
}

/* Linux's layout: VIRT_BASE 0xC0000000 and no PADDR_OFFSET puts p_paddr 0x1000000 at 0xC1000000. */
static void test_virt_base_without_paddr_offset(void)
{
    struct img_spec s;

    spec_flat(&s, 0x1000000, 0x10, 0x1000);
    spec_set_u32(&s, XEN_ELFNOTE_VIRT_BASE, 0xC0000000);
    spec_set_u32(&s, XEN_ELFNOTE_ENTRY, 0xC1000000);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.seg[0].load_va, 0xC1000000);
    CU_ASSERT_EQUAL(info.image_start, 0xC1000000);
    CU_ASSERT_EQUAL(info.entry, 0xC1000000);
}

/* Numeric notes may be 8 bytes wide. */
static void test_numeric_notes_8_bytes(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_u64(&s, XEN_ELFNOTE_VIRT_BASE, 0xC0000000);
    spec_set_u64(&s, XEN_ELFNOTE_PADDR_OFFSET, 0x100000);
    spec_set_u64(&s, XEN_ELFNOTE_ENTRY, 0xC0000010);
    spec_set_u64(&s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0001000);
    EXPECT_ACCEPTED(parse_spec(&s));
    check_good_info(&info);
}

/* A numeric note of another width, or an 8-byte value above 4 GiB, is refused. */
static void test_reject_bad_numeric_note(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_raw(&s, XEN_ELFNOTE_VIRT_BASE, "\0\0\0", 3);
    EXPECT_REJECTED(parse_spec(&s), "VIRT_BASE has a 3-byte value");
    spec_good(&s);
    spec_set_u64(&s, XEN_ELFNOTE_ENTRY, 0x1C0000010ull);
    EXPECT_REJECTED(parse_spec(&s), "ENTRY value 0x1c0000010 does not fit in 32 bits");
}

/* The buffer may start at any alignment. */
static void test_unaligned_buffer(void)
{
    static uint8_t shifted[IMG_CAP + 8];
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    l = build(&s, img);
    for (unsigned int shift = 1; shift < 8; shift++) {
        memcpy(shifted + shift, img, l.size);
        EXPECT_ACCEPTED(elf_parse(shifted + shift, l.size, &info, err, sizeof(err)));
        check_good_info(&info);
    }
}

/* Without section headers the notes come from PT_NOTE segments. */
static void test_notes_from_pt_note(void)
{
    struct img_spec s;

    spec_good(&s);
    s.no_sections = true;
    s.pt_note = true;
    EXPECT_ACCEPTED(parse_spec(&s));
    check_good_info(&info);
}

/* Notes read from sections take precedence; a broken PT_NOTE is then never read. */
static void test_section_notes_preferred(void)
{
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    s.pt_note = true;
    l = build(&s, img);
    wr32(img + l.phoff + 2 * 32 + 4, 0xFFFFFF00); /* PT_NOTE p_offset far outside the file */
    EXPECT_ACCEPTED(elf_parse(img, l.size, &info, err, sizeof(err)));
    check_good_info(&info);
}

/* Every PAE_MODE Xen accepts for a PAE guest is accepted. */
static void test_pae_modes_accepted(void)
{
    static const char *const modes[] = { "yes", "yes[extended-cr3]", "bimodal" };
    struct img_spec s;

    for (unsigned int i = 0; i < ARRAY_SIZE(modes); i++) {
        spec_good(&s);
        spec_set_str(&s, XEN_ELFNOTE_PAE_MODE, modes[i]);
        EXPECT_ACCEPTED(parse_spec(&s));
        CU_ASSERT_TRUE(info.pae);
    }
}

/* Segments exactly adjacent do not overlap; zero-memsz PT_LOADs and other types are ignored. */
static void test_adjacent_and_ignored_segments(void)
{
    struct img_spec s;

    spec_flat(&s, 0x10000, 0x1000, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x11000, 0x10, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x10800, 0, 0);     /* zero memsz, inside seg 0: skipped */
    spec_add_seg(&s, 0x6474e551, 0x10000, 0, 0x100); /* PT_GNU_STACK */
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.nr_segments, 2);
    CU_ASSERT_EQUAL(info.image_end, 0x12000);
}

/* Entry points inside the bss count as inside the image. */
static void test_entry_in_bss(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_u32(&s, XEN_ELFNOTE_ENTRY, 0xC00053FF);
    EXPECT_ACCEPTED(parse_spec(&s));
}

/* Sixteen segments are allowed, and zero-memsz ones do not count towards the limit. */
static void test_sixteen_segments(void)
{
    struct img_spec s;

    spec_flat(&s, 0x100000, 0x10, 0x1000);
    for (uint32_t k = 1; k < ELF_MAX_SEGMENTS; k++)
        spec_add_seg(&s, PT_LOAD, 0x100000 + k * 0x1000, 0x10, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x200000, 0, 0);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.nr_segments, ELF_MAX_SEGMENTS);
    CU_ASSERT_EQUAL(info.seg[15].load_va, 0x10F000);
}

/* An image may end exactly where the hypervisor area starts. */
static void test_image_up_to_hypervisor_area(void)
{
    struct img_spec s;

    spec_flat(&s, 0xF57FF000, 0x10, 0x1000);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.image_end, 0xF5800000);
}

/* A span of exactly 1 GiB is allowed. */
static void test_span_exactly_1g(void)
{
    struct img_spec s;

    spec_flat(&s, 0, 0x10, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x3FFFF000, 0x10, 0x1000);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(info.image_end - info.image_start, ELF_MAX_IMAGE_SPAN);
}

/* Informational strings that are too long are cut; unprintable bytes become '?'. */
static void test_long_and_odd_strings(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_str(&s, XEN_ELFNOTE_GUEST_OS, "an-operating-system-with-a-very-long-name");
    spec_set_raw(&s, XEN_ELFNOTE_GUEST_VERSION, "1\n\x80", 3); /* no NUL either */
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_STRING_EQUAL(info.guest_os, "an-operating-system-with-a-very");
    CU_ASSERT_STRING_EQUAL(info.guest_version, "1??");
}

/* A FEATURES string of 255 bytes fits; one of 256 is refused rather than cut. */
static void test_features_length(void)
{
    char features[257];
    struct img_spec s;

    memset(features, 'f', sizeof(features));
    features[255] = '\0';
    spec_good(&s);
    spec_set_str(&s, XEN_ELFNOTE_FEATURES, features);
    EXPECT_ACCEPTED(parse_spec(&s));
    CU_ASSERT_EQUAL(strlen(info.features), 255);
    features[255] = 'f';
    features[256] = '\0';
    spec_set_str(&s, XEN_ELFNOTE_FEATURES, features);
    EXPECT_REJECTED(parse_spec(&s), "FEATURES note is longer than 255 bytes");
}

/* ---- one test per rejection rule ---- */

/* LOADER must be present and "generic". */
static void test_reject_loader(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_del(&s, XEN_ELFNOTE_LOADER);
    EXPECT_REJECTED(parse_spec(&s), "missing LOADER");
    spec_set_str(&s, XEN_ELFNOTE_LOADER, "elfbsd");
    EXPECT_REJECTED(parse_spec(&s), "LOADER note is \"elfbsd\", need \"generic\"");
    spec_set_str(&s, XEN_ELFNOTE_LOADER, "generic-x");
    EXPECT_REJECTED(parse_spec(&s), "LOADER");
}

/* XEN_VERSION must be present and "xen-3.0". */
static void test_reject_xen_version(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_del(&s, XEN_ELFNOTE_XEN_VERSION);
    EXPECT_REJECTED(parse_spec(&s), "missing XEN_VERSION");
    spec_set_str(&s, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
    EXPECT_REJECTED(parse_spec(&s), "XEN_VERSION note is \"xen-2.0\"");
}

/* PAE_MODE must be present and name a PAE mode. */
static void test_reject_not_pae(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_del(&s, XEN_ELFNOTE_PAE_MODE);
    EXPECT_REJECTED(parse_spec(&s), "missing PAE_MODE");
    spec_set_str(&s, XEN_ELFNOTE_PAE_MODE, "no");
    EXPECT_REJECTED(parse_spec(&s), "PAE_MODE note is \"no\"");
    spec_set_str(&s, XEN_ELFNOTE_PAE_MODE, "yes[");
    EXPECT_REJECTED(parse_spec(&s), "PAE_MODE");
}

/* An image with no Xen notes at all (only a GNU note) is refused. */
static void test_reject_no_xen_notes(void)
{
    struct img_spec s;

    spec_good(&s);
    s.note[0] = s.note[3]; /* keep only the GNU note (spec_good adds it fourth) */
    s.nr_notes = 1;
    CU_ASSERT_STRING_EQUAL_FATAL(s.note[0].name, "GNU");
    EXPECT_REJECTED(parse_spec(&s), "no Xen ELF notes");
}

/* Every truncation of a good image is refused as truncated (with and without section headers). */
static void test_reject_truncated(void)
{
    struct img_spec s;
    struct img_layout l;
    unsigned int bad = 0;

    for (int pass = 0; pass < 2; pass++) {
        spec_good(&s);
        s.no_sections = pass == 1;
        s.pt_note = pass == 1;
        l = build(&s, img);
        for (size_t len = 0; len < l.size; len++) {
            int rc = elf_parse(img, len, &info, err, sizeof(err));

            if (rc != -EINVAL || strstr(err, "truncated") == NULL) {
                if (!bad++)
                    printf("\n  pass %d len %zu: rc %d \"%s\"\n", pass, len, rc, err);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* Header tables or note data placed outside the file are refused, offsets near 4 GiB included. */
static void test_reject_tables_outside_file(void)
{
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    l = build(&s, img);
    wr32(img + 28, 0xFFFFFFF0);
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "truncated: 2 program headers");
    l = build(&s, img);
    wr16(img + 44, 0xFFFF);
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "program headers");
    l = build(&s, img);
    wr32(img + 32, 0xFFFFFFF0);
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "truncated: 3 section headers");
    l = build(&s, img);
    wr32(img + l.shoff + 40 + 16, 0xFFFFFFFF); /* .note.Xen sh_offset */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "note section 1");
    l = build(&s, img);
    wr32(img + l.shoff + 40 + 20, 0xFFFFFFFF); /* .note.Xen sh_size */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "note section 1");
    l = build(&s, img);
    wr32(img + l.phoff + 32 + 4, 0xFFFFFF00); /* segment 1 p_offset */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "truncated: segment 1 data");
    l = build(&s, img);
    wr16(img + 42, 56);
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "program header entry size");
    l = build(&s, img);
    wr16(img + 46, 64);
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "section header entry size");
}

/* Notes whose sizes run past their section are refused. */
static void test_reject_malformed_notes(void)
{
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    l = build(&s, img);
    wr32(img + l.notes_off, 0xFFFFFFFF); /* first namesz: ALIGN4 would wrap in 32 bits */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "malformed note");
    l = build(&s, img);
    wr32(img + l.notes_off + 4, 0xFFFFFFF0); /* first descsz */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "malformed note");
    l = build(&s, img);
    wr32(img + l.shoff + 40 + 20, l.notes_size + 4); /* 4 stray bytes after the last note */
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "stray bytes");
}

/* The ELF identification and header fields must say 32-bit little-endian i386 executable. */
static void test_reject_wrong_header(void)
{
    struct img_spec s;
    struct img_layout l;

    spec_good(&s);
    s.ei_class = 2;
    EXPECT_REJECTED(parse_spec(&s), "wrong class 2");
    spec_good(&s);
    s.ei_data = 2;
    EXPECT_REJECTED(parse_spec(&s), "little-endian");
    spec_good(&s);
    s.e_machine = 62;
    EXPECT_REJECTED(parse_spec(&s), "wrong machine 62");
    spec_good(&s);
    s.e_type = 3;
    EXPECT_REJECTED(parse_spec(&s), "wrong type 3: need ET_EXEC");
    spec_good(&s);
    s.e_version = 0;
    EXPECT_REJECTED(parse_spec(&s), "version");
    spec_good(&s);
    l = build(&s, img);
    img[1] = 'e';
    EXPECT_REJECTED(elf_parse(img, l.size, &info, err, sizeof(err)), "bad magic");
}

/* An image needs at least one PT_LOAD with nonzero memsz. */
static void test_reject_no_pt_load(void)
{
    struct img_spec s;

    spec_minimal(&s);
    EXPECT_REJECTED(parse_spec(&s), "no PT_LOAD");
    spec_add_seg(&s, PT_LOAD, 0x1000, 0, 0);
    spec_add_seg(&s, PT_NOTE, 0x2000, 0, 0x10);
    EXPECT_REJECTED(parse_spec(&s), "no PT_LOAD");
}

/* Seventeen loadable segments are too many. */
static void test_reject_too_many_segments(void)
{
    struct img_spec s;

    spec_flat(&s, 0x100000, 0x10, 0x1000);
    for (uint32_t k = 1; k <= ELF_MAX_SEGMENTS; k++)
        spec_add_seg(&s, PT_LOAD, 0x100000 + k * 0x1000, 0x10, 0x1000);
    EXPECT_REJECTED(parse_spec(&s), "too many PT_LOAD segments");
}

/* filesz may not exceed memsz. */
static void test_reject_filesz_above_memsz(void)
{
    struct img_spec s;

    spec_good(&s);
    s.seg[1].filesz = 0x2401;
    EXPECT_REJECTED(parse_spec(&s), "segment 1 filesz 0x2401 > memsz 0x2400");
}

/* Segments may not overlap, whichever comes first in the file. */
static void test_reject_overlap(void)
{
    struct img_spec s;

    spec_good(&s);
    s.seg[1].paddr = 0x101000; /* VA 0xC0001000, inside segment 0 */
    EXPECT_REJECTED(parse_spec(&s), "segment 1 overlaps segment 0");
    spec_flat(&s, 0x20000, 0x10, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x10000, 0x10, 0x10001); /* ends one byte into segment 0 */
    EXPECT_REJECTED(parse_spec(&s), "segment 1 overlaps segment 0");
    spec_flat(&s, 0x20000, 0x10, 0x10);
    spec_add_seg(&s, PT_LOAD, 0x10000, 0x10, 0x20000); /* covers segment 0 entirely */
    EXPECT_REJECTED(parse_spec(&s), "overlaps");
}

/* No segment may reach into 0xF5800000 and above. */
static void test_reject_hypervisor_area(void)
{
    struct img_spec s;

    spec_flat(&s, 0xF57FF000, 0x10, 0x1001);
    EXPECT_REJECTED(parse_spec(&s), "reaches the hypervisor area");
    spec_flat(&s, 0xF6000000, 0x10, 0x10);
    EXPECT_REJECTED(parse_spec(&s), "hypervisor area");
}

/* No segment may wrap past 4 GiB, whether from its size or from VIRT_BASE arithmetic. */
static void test_reject_wrap(void)
{
    struct img_spec s;

    spec_flat(&s, 0xFFFFF000, 0x10, 0x2000);
    EXPECT_REJECTED(parse_spec(&s), "wraps past 4 GiB");
    spec_flat(&s, 0x40000000, 0x10, 0x1000);
    spec_set_u32(&s, XEN_ELFNOTE_VIRT_BASE, 0xC0000000); /* VA 0x100000000 */
    EXPECT_REJECTED(parse_spec(&s), "wraps past 4 GiB");
}

/* No segment may load below VIRT_BASE (so image_start >= virt_base). */
static void test_reject_below_virt_base(void)
{
    struct img_spec s;

    spec_good(&s);
    s.seg[1].paddr = 0x80000; /* 0x80000 - 0x100000 + 0xC0000000 = 0xBFF80000 */
    EXPECT_REJECTED(parse_spec(&s), "segment 1 loads below VIRT_BASE 0xc0000000");
    spec_flat(&s, 0x1000, 0x10, 0x1000);
    spec_set_u32(&s, XEN_ELFNOTE_PADDR_OFFSET, 0x2000); /* would be negative */
    EXPECT_REJECTED(parse_spec(&s), "below VIRT_BASE");
}

/* The entry point, from the ENTRY note or e_entry, must lie in a loaded segment. */
static void test_reject_entry_outside(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_u32(&s, XEN_ELFNOTE_ENTRY, 0xC0002000); /* the gap between the segments */
    EXPECT_REJECTED(parse_spec(&s), "entry point 0xc0002000 (from ENTRY note) is outside");
    spec_set_u32(&s, XEN_ELFNOTE_ENTRY, 0xC0005400); /* one past the bss */
    EXPECT_REJECTED(parse_spec(&s), "entry point");
    spec_del(&s, XEN_ELFNOTE_ENTRY);
    s.e_entry = 0x100010; /* a physical address: outside */
    EXPECT_REJECTED(parse_spec(&s), "(from e_entry) is outside");
}

/* The hypercall page must be page-aligned and inside a loaded segment. */
static void test_reject_hypercall_page(void)
{
    struct img_spec s;

    spec_good(&s);
    spec_set_u32(&s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0001004);
    EXPECT_REJECTED(parse_spec(&s), "hypercall page 0xc0001004 is not page-aligned");
    spec_set_u32(&s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0002000);
    EXPECT_REJECTED(parse_spec(&s), "hypercall page 0xc0002000 is outside the loaded segments");
    spec_set_u32(&s, XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0006000);
    EXPECT_REJECTED(parse_spec(&s), "outside");
}

/* The page-rounded image may span at most 1 GiB. */
static void test_reject_span_above_1g(void)
{
    struct img_spec s;

    spec_flat(&s, 0x1000, 0x10, 0x1000);
    spec_add_seg(&s, PT_LOAD, 0x40001000, 0x1, 0x1);
    EXPECT_REJECTED(parse_spec(&s), "spans more than 1 GiB");
}

/* ---- API edges and hostile input ---- */

/* A missing or short error buffer is fine; the message is cut and NUL-terminated. */
static void test_error_buffer_edges(void)
{
    struct img_spec s;
    struct img_layout l;
    char small[8];

    spec_good(&s);
    s.e_machine = 62;
    l = build(&s, img);
    CU_ASSERT_EQUAL(elf_parse(img, l.size, &info, NULL, 0), -EINVAL);
    CU_ASSERT_EQUAL(elf_parse(img, l.size, &info, small, 0), -EINVAL);
    CU_ASSERT_EQUAL(elf_parse(img, l.size, &info, small, sizeof(small)), -EINVAL);
    CU_ASSERT_STRING_EQUAL(small, "ELF: wr");
    CU_ASSERT_EQUAL(elf_parse(NULL, 100, &info, err, sizeof(err)), -EINVAL);
    CU_ASSERT_EQUAL(elf_parse(img, l.size, NULL, err, sizeof(err)), -EINVAL);
}

/* elf_load refuses an info whose segments would read outside the file, before any callback. */
static void test_load_rechecks_info(void)
{
    static struct guest_mem g;
    struct img_spec s;
    struct img_layout l;
    struct elf_image_info bad;

    spec_good(&s);
    l = build(&s, img);
    EXPECT_ACCEPTED(elf_parse(img, l.size, &info, err, sizeof(err)));
    guest_init(&g, &info);
    bad = info;
    bad.seg[1].file_offset = (uint32_t)l.size - 0x100;
    CU_ASSERT_EQUAL(elf_load(img, l.size, &bad, guest_write, guest_zero, &g), -EINVAL);
    bad = info;
    bad.seg[0].filesz = bad.seg[0].memsz + 1;
    CU_ASSERT_EQUAL(elf_load(img, l.size, &bad, guest_write, guest_zero, &g), -EINVAL);
    bad = info;
    bad.nr_segments = ELF_MAX_SEGMENTS + 1;
    CU_ASSERT_EQUAL(elf_load(img, l.size, &bad, guest_write, guest_zero, &g), -EINVAL);
    CU_ASSERT_EQUAL(g.writes + g.zeros, 0);
}

static uint32_t rng_state = 12345;

/* A small deterministic pseudo-random generator (xorshift32). */
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Parse buf; if accepted, check info's invariants and load it. Returns true if accepted. */
static bool parse_and_load_checked(const uint8_t *buf, size_t len, unsigned int *violations)
{
    static struct guest_mem g;

    if (elf_parse(buf, len, &info, err, sizeof(err)) != 0) {
        if (strncmp(err, "ELF: ", 5) != 0)
            (*violations)++;
        return false;
    }
    if (info.nr_segments == 0 || info.nr_segments > ELF_MAX_SEGMENTS ||
        info.image_end > 0xF5800000 || info.image_start < info.virt_base ||
        info.image_end - info.image_start > ELF_MAX_IMAGE_SPAN)
        (*violations)++;
    guest_init(&g, &info);
    if (elf_load(buf, len, &info, guest_write, guest_zero, &g) != 0 || g.out_of_range)
        (*violations)++;
    return true;
}

/* Random mutations of good images never crash, and anything accepted loads inside its bounds. */
static void test_mutated_images(void)
{
    struct img_spec s;
    struct img_layout l;
    unsigned int violations = 0, accepted = 0;

    for (unsigned int iter = 0; iter < 20000; iter++) {
        spec_good(&s);
        s.no_sections = s.pt_note = iter & 1;
        l = build(&s, img);
        for (unsigned int n = 1 + rng() % 4; n; n--) {
            size_t at = rng() % (iter & 2 ? 0x200 : l.size); /* favour the headers and notes */

            img[at] = (uint8_t)(rng() % 3 == 0 ? 0xFF : rng());
        }
        accepted += parse_and_load_checked(img, l.size - rng() % 2, &violations);
    }
    CU_ASSERT_EQUAL(violations, 0);
    CU_ASSERT(accepted > 0);
}

/* Random bytes, with and without a valid ELF identification, are refused cleanly. */
static void test_garbage(void)
{
    unsigned int violations = 0;

    for (unsigned int iter = 0; iter < 20000; iter++) {
        size_t len = rng() % 512;

        for (size_t i = 0; i < len; i++)
            img[i] = (uint8_t)rng();
        if (iter & 1 && len >= 52)
            memcpy(img, "\177ELF\1\1\1", 7);
        parse_and_load_checked(img, len, &violations);
    }
    CU_ASSERT_EQUAL(violations, 0);
}

/* Register and run the suite; non-zero exit if anything failed. */
int main(void)
{
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        { "good image: parsed fields", test_good_image_fields },
        { "good image: load and bss zeroing", test_good_image_load },
        { "entry from e_entry", test_entry_from_e_entry },
        { "no VIRT_BASE: load at p_paddr", test_no_virt_base_loads_at_paddr },
        { "VIRT_BASE without PADDR_OFFSET", test_virt_base_without_paddr_offset },
        { "8-byte numeric notes", test_numeric_notes_8_bytes },
        { "unaligned buffer", test_unaligned_buffer },
        { "notes from PT_NOTE", test_notes_from_pt_note },
        { "section notes preferred", test_section_notes_preferred },
        { "PAE modes accepted", test_pae_modes_accepted },
        { "adjacent and ignored segments", test_adjacent_and_ignored_segments },
        { "entry in bss", test_entry_in_bss },
        { "sixteen segments", test_sixteen_segments },
        { "image up to the hypervisor area", test_image_up_to_hypervisor_area },
        { "span of exactly 1 GiB", test_span_exactly_1g },
        { "long and odd strings", test_long_and_odd_strings },
        { "FEATURES length", test_features_length },
        { "reject: bad numeric note", test_reject_bad_numeric_note },
        { "reject: LOADER", test_reject_loader },
        { "reject: XEN_VERSION", test_reject_xen_version },
        { "reject: not PAE", test_reject_not_pae },
        { "reject: no Xen notes", test_reject_no_xen_notes },
        { "reject: truncated", test_reject_truncated },
        { "reject: tables outside the file", test_reject_tables_outside_file },
        { "reject: malformed notes", test_reject_malformed_notes },
        { "reject: wrong header", test_reject_wrong_header },
        { "reject: no PT_LOAD", test_reject_no_pt_load },
        { "reject: too many segments", test_reject_too_many_segments },
        { "reject: filesz > memsz", test_reject_filesz_above_memsz },
        { "reject: overlap", test_reject_overlap },
        { "reject: hypervisor area", test_reject_hypervisor_area },
        { "reject: wrap past 4 GiB", test_reject_wrap },
        { "reject: below VIRT_BASE", test_reject_below_virt_base },
        { "reject: entry outside", test_reject_entry_outside },
        { "reject: hypercall page", test_reject_hypercall_page },
        { "reject: span above 1 GiB", test_reject_span_above_1g },
        { "error buffer edges", test_error_buffer_edges },
        { "elf_load rechecks info", test_load_rechecks_info },
        { "mutated images", test_mutated_images },
        { "garbage", test_garbage },
    };
    CU_pSuite suite;
    unsigned int failures;

    if (CU_initialize_registry() != CUE_SUCCESS)
        return 2;
    suite = CU_add_suite("elf_loader", NULL, NULL);
    if (!suite)
        return 2;
    for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
        if (!CU_add_test(suite, tests[i].name, tests[i].fn))
            return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
