/* guest-os user programs: opendir/readdir/closedir over getdents. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct DIR {
    int fd;
    int pos, len;                     /* the records in buf[pos, len) are unread */
    struct dirent entry;
    char buf[512];
};

DIR *opendir(const char *path)
{
    DIR *d = malloc(sizeof(*d));
    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    struct stat st;
    if ((d->fd = open(path, O_RDONLY)) < 0 || fstat(d->fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
        int err = d->fd < 0 ? errno : S_ISDIR(st.st_mode) ? errno : ENOTDIR;
        if (d->fd >= 0)
            close(d->fd);
        free(d);
        errno = err;
        return NULL;
    }
    d->pos = d->len = 0;
    return d;
}

struct dirent *readdir(DIR *d)
{
    if (d->pos >= d->len) {
        int n = getdents(d->fd, d->buf, sizeof(d->buf));
        if (n <= 0)
            return NULL;                /* the end (errno unchanged), or an error */
        d->pos = 0;
        d->len = n;
    }
    struct fs_dirent rec;
    memcpy(&rec, d->buf + d->pos, sizeof(rec));
    d->entry.d_ino = (ino_t)rec.ino;
    d->entry.d_type = rec.type;
    memcpy(d->entry.d_name, d->buf + d->pos + sizeof(rec), rec.namelen);
    d->entry.d_name[rec.namelen] = 0;
    d->pos += rec.reclen;
    return &d->entry;
}

int closedir(DIR *d)
{
    int rc = close(d->fd);
    free(d);
    return rc;
}
