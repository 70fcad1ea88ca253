/* guest-os: reading a ustar archive in place (the initrd). */
#ifndef GUEST_OS_TAR_H
#define GUEST_OS_TAR_H

#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK 512

struct tar_entry {
    char path[256];               /* prefix "/" name, NUL-terminated */
    char type;                    /* TAR_FILE, TAR_DIR or another ustar type */
    uint32_t mode;                /* permission bits */
    const unsigned char *data;    /* inside the archive: not copied */
    uint32_t size;
};
#define TAR_FILE '0'              /* an old-style '\0' is reported as '0' */
#define TAR_DIR  '5'

/* The entry at *offset: fills *e and advances *offset past its data.
 * 1 = an entry, 0 = the end of the archive (two zero blocks, or no data
 * left), -EINVAL = a malformed header (bad checksum, magic, number, or data
 * running past len). */
int tar_next(const void *archive, size_t len, size_t *offset, struct tar_entry *e);

#endif
