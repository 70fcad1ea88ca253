/*
 * pvx: reading the boot loader's information (Multiboot1 from QEMU -kernel,
 * Multiboot2 from GRUB) into struct boot_info. Strings are copied, so the
 * loader's structures may be overwritten afterwards.
 */
#include <pvx/lib.h>
#include <asm/setup.h>
#include <public/memory.h>

#define MB1_BOOT_MAGIC 0x2BADB002
#define MB2_BOOT_MAGIC 0x36d76289

struct boot_info boot_info;

/* Copy a NUL-terminated string at physical address pa into dst. */
static void copy_phys_string(char *dst, size_t size, paddr_t pa)
{
    const char *src = DIRECTMAP_VIRT(pa);
    size_t i = 0;
    for (; pa && i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

/* Record one memory map entry (drops entries past the table's end). */
static void add_mmap(paddr_t start, paddr_t len, uint32_t type)
{
    if (boot_info.nr_mmap < BOOT_MAX_MMAP)
        boot_info.mmap[boot_info.nr_mmap++] = (struct boot_mmap_entry){ start, len, type };
}

/* Record one module. */
static void add_module(paddr_t start, paddr_t end, paddr_t cmdline_pa)
{
    if (boot_info.nr_modules >= BOOT_MAX_MODULES)
        return;
    struct boot_module *m = &boot_info.module[boot_info.nr_modules++];
    m->start = start;
    m->end = end;
    copy_phys_string(m->cmdline, sizeof(m->cmdline), cmdline_pa);
}

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4], mmap_length, mmap_addr, drives_length, drives_addr;
    uint32_t config_table, boot_loader_name;
};
struct mb1_module { uint32_t start, end, string, reserved; };
struct __attribute__((packed)) mb1_mmap { uint32_t size; uint64_t base, len; uint32_t type; };

/* Multiboot1: flags say which fields are valid. */
static void parse_mb1(const struct mb1_info *mbi)
{
    if (mbi->flags & (1u << 2))
        copy_phys_string(boot_info.cmdline, sizeof(boot_info.cmdline), mbi->cmdline);
    if (mbi->flags & (1u << 9))
        copy_phys_string(boot_info.loader, sizeof(boot_info.loader), mbi->boot_loader_name);
    if (mbi->flags & (1u << 3)) {
        const struct mb1_module *mod = DIRECTMAP_VIRT(mbi->mods_addr);
        for (uint32_t i = 0; i < mbi->mods_count; i++)
            add_module(mod[i].start, mod[i].end, mod[i].string);
    }
    if (mbi->flags & (1u << 6)) {
        uint32_t off = 0;
        while (off + sizeof(struct mb1_mmap) <= mbi->mmap_length) {
            const struct mb1_mmap *e = DIRECTMAP_VIRT(mbi->mmap_addr + off);
            add_mmap(e->base, e->len, e->type);
            off += e->size + 4;
        }
    } else if (mbi->flags & 1u) {
        add_mmap(0, (paddr_t)mbi->mem_lower << 10, 1);
        add_mmap(0x100000, (paddr_t)mbi->mem_upper << 10, 1);
    }
}

struct mb2_tag { uint32_t type, size; };

/* Multiboot2: a list of 8-byte-aligned tags ending with type 0. */
static void parse_mb2(paddr_t info_pa)
{
    uint32_t total = *(const uint32_t *)DIRECTMAP_VIRT(info_pa);
    paddr_t pa = info_pa + 8, end = info_pa + total;
    while (pa + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *tag = DIRECTMAP_VIRT(pa);
        const uint32_t *body = (const uint32_t *)(tag + 1);
        if (tag->type == 0 || tag->size < 8)
            break;
        switch (tag->type) {
        case 1:
            copy_phys_string(boot_info.cmdline, sizeof(boot_info.cmdline), pa + 8);
            break;
        case 2:
            copy_phys_string(boot_info.loader, sizeof(boot_info.loader), pa + 8);
            break;
        case 3:
            add_module(body[0], body[1], pa + 16);
            break;
        case 6: {
            uint32_t entry_size = body[0];
            for (paddr_t e = pa + 16; entry_size && e + 24 <= pa + tag->size; e += entry_size) {
                const uint64_t *ent = DIRECTMAP_VIRT(e);
                add_mmap(ent[0], ent[1], (uint32_t)ent[2]);
            }
            break;
        }
        }
        pa += ALIGN_UP(tag->size, 8);
    }
}

/* Drop the image file name QEMU/GRUB put in front of a command line, so
 * "pvx.elf console=com1" becomes "console=com1" (only if the first word
 * looks like a path: it contains '/' or '.' and no '='). */
static void strip_file_name(char *cmdline)
{
    char *sp = strchr(cmdline, ' ');
    size_t first_len = sp ? (size_t)(sp - cmdline) : strlen(cmdline);
    bool path_like = false;
    for (size_t i = 0; i < first_len; i++) {
        if (cmdline[i] == '=')
            return;
        if (cmdline[i] == '/' || cmdline[i] == '.')
            path_like = true;
    }
    if (!path_like)
        return;
    const char *rest = sp ? sp + 1 : cmdline + first_len;
    memmove(cmdline, rest, strlen(rest) + 1);
}

/* multiboot_parse: see asm/setup.h. */
void multiboot_parse(uint32_t magic, paddr_t info_paddr)
{
    if (magic == MB1_BOOT_MAGIC)
        parse_mb1(DIRECTMAP_VIRT(info_paddr));
    else if (magic == MB2_BOOT_MAGIC)
        parse_mb2(info_paddr);
    else
        panic("not booted by a Multiboot loader (magic %x)", magic);
    strip_file_name(boot_info.cmdline);
    for (unsigned int i = 0; i < boot_info.nr_modules; i++)
        strip_file_name(boot_info.module[i].cmdline);
}

/* arch_machine_memory_map: see pvx/arch.h. The map recorded at boot. */
unsigned int arch_machine_memory_map(struct pvx_e820entry *map, unsigned int max)
{
    unsigned int n = 0;
    for (; n < boot_info.nr_mmap && n < max; n++)
        map[n] = (struct pvx_e820entry){ boot_info.mmap[n].start, boot_info.mmap[n].len,
                                         boot_info.mmap[n].type };
    return n;
}
