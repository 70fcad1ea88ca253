/*
 * guest-os: ustar archives (POSIX.1-1988, `tar --format=ustar`), read in
 * place. A header is one 512-byte block; the file's data follows, padded to
 * a block; the archive ends with two zero blocks. Numbers are octal ASCII.
 * Nothing here trusts the archive: every field is checked before use.
 */
#include "tar.h"
#include "errno.h"

struct ustar_header {
    char name[100], mode[8], uid[8], gid[8], size[12], mtime[12], chksum[8];
    char typeflag, linkname[100], magic[6], version[2], uname[32], gname[32];
    char devmajor[8], devminor[8], prefix[155], pad[12];
};
_Static_assert(sizeof(struct ustar_header) == TAR_BLOCK, "ustar header is one block");

/* An octal field: digits, optionally led by spaces and ended by NUL or
 * space. -1 when malformed or over 32 bits. */
static int64_t octal(const char *field, size_t len)
{
    size_t i = 0;
    uint64_t v = 0;
    while (i < len && field[i] == ' ')
        i++;
    size_t first = i;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
        v = v * 8 + (uint64_t)(field[i] - '0');
        if (v > 0xffffffffu)
            return -1;
    }
    if (i == first || (i < len && field[i] != 0 && field[i] != ' '))
        return -1;
    return (int64_t)v;
}

static int zero_block(const unsigned char *b)
{
    for (int i = 0; i < TAR_BLOCK; i++)
        if (b[i])
            return 0;
    return 1;
}

/* The checksum: the sum of the header's bytes, the chksum field counted as spaces. */
static int checksum_ok(const struct ustar_header *h)
{
    const unsigned char *b = (const unsigned char *)h;
    uint32_t sum = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++)
        sum += i >= offsetof(struct ustar_header, chksum) &&
               i < offsetof(struct ustar_header, chksum) + sizeof(h->chksum) ? ' ' : b[i];
    return octal(h->chksum, sizeof(h->chksum)) == (int64_t)sum;
}

/* Copy a field that may fill its whole width without a NUL. */
static size_t copy_field(char *dst, const char *src, size_t width)
{
    size_t n = 0;
    while (n < width && src[n]) {
        dst[n] = src[n];
        n++;
    }
    return n;
}

int tar_next(const void *archive, size_t len, size_t *offset, struct tar_entry *e)
{
    const unsigned char *base = archive;
    size_t off = *offset;
    if (off > len || len - off < TAR_BLOCK || zero_block(base + off))
        return 0;
    const struct ustar_header *h = (const void *)(base + off);
    if (!checksum_ok(h) || h->magic[0] != 'u' || h->magic[1] != 's' || h->magic[2] != 't' ||
        h->magic[3] != 'a' || h->magic[4] != 'r')
        return -EINVAL;
    int64_t size = octal(h->size, sizeof(h->size)), mode = octal(h->mode, sizeof(h->mode));
    if (size < 0 || mode < 0 || (uint64_t)size > len - off - TAR_BLOCK)
        return -EINVAL;

    size_t n = copy_field(e->path, h->prefix, sizeof(h->prefix));
    if (n)
        e->path[n++] = '/';
    n += copy_field(e->path + n, h->name, sizeof(h->name));
    e->path[n] = 0;
    e->type = h->typeflag ? h->typeflag : TAR_FILE;
    e->mode = (uint32_t)mode & 07777;
    e->data = base + off + TAR_BLOCK;
    e->size = (uint32_t)size;
    /* Advance past the data, rounded up to a block (or to the end of a
     * truncated final padding). */
    size_t next = off + TAR_BLOCK + (((size_t)size + TAR_BLOCK - 1) & ~(size_t)(TAR_BLOCK - 1));
    *offset = next < len ? next : len;
    return 1;
}
