/*
 * guest-os: the RAM file system. A tree of nodes (directories, regular
 * files, the console device), loaded from the initrd's ustar archive and
 * changed at run time.
 *
 * Invariants:
 *  - A node is a name in exactly one directory (no hard links): nlink is 1
 *    while it is in the tree, 0 once unlinked. It is freed when it is out
 *    of the tree and no open file refers to it (nlink == 0 && nopen == 0),
 *    so an unlinked file stays readable through descriptors already open.
 *  - A regular file's bytes are in exactly one place: the initrd archive
 *    (initrd_data, read-only, never copied until written) or its pages
 *    (pages[i] holds bytes [i * PAGE_SIZE, (i + 1) * PAGE_SIZE); a NULL
 *    page is a hole and reads as zeros). The first write or truncation
 *    moves a file out of the archive.
 *  - size <= FILE_MAX_SIZE for files that live in pages.
 *  - An open file (struct file) is shared by every descriptor that refers
 *    to it (refs); descriptors of a process are its struct fd_table.
 *  - An open file refers to a node or to one end of a pipe (kernel/pipe.c),
 *    never both; its access mode says which end (O_RDONLY: the read end).
 * The code takes kernel pointers; kernel/sysfile.c checks user pointers
 * first. Nothing here depends on the architecture, and tests/unit/
 * guest_fs_test.c compiles it for the host.
 */
#include "kernel.h"
#include "errno.h"
#include "fs.h"
#include "tar.h"

#define FILE_PAGES_MAX 512u                       /* pages[] fills one page on any host */
#define FILE_MAX_SIZE (FILE_PAGES_MAX * PAGE_SIZE)  /* 2 MiB */
#define OFFSET_MAX 0x7fffffffu

struct node {
    struct node *parent, *children, *next;   /* children in creation order */
    uint32_t ino, mode, size;
    uint32_t nlink, nopen;
    const unsigned char *initrd_data;
    unsigned char **pages;
    char name[FS_NAME_MAX + 1];
};

struct file {
    struct node *node;        /* NULL for a pipe end */
    struct pipe *pipe;
    uint32_t offset;          /* bytes; for a directory, entries already read */
    int flags;                /* the open flags */
    int refs;                 /* descriptors referring to it; 0 = slot free */
};

static struct node *root, *free_nodes;
static struct file files[NFILE];
static uint32_t next_ino = 1;
static unsigned int pages_used;

static int is_dir(const struct node *n) { return (n->mode & FS_S_IFMT) == FS_S_IFDIR; }
static int is_reg(const struct node *n) { return (n->mode & FS_S_IFMT) == FS_S_IFREG; }
static int is_chr(const struct node *n) { return (n->mode & FS_S_IFMT) == FS_S_IFCHR; }

/* ---- memory: pages for data, nodes carved out of pages ---- */
static void *fs_page_alloc(void)
{
    void *p = page_alloc();
    if (p)
        pages_used++;
    return p;
}

static void fs_page_free(void *p)
{
    page_free(p);
    pages_used--;
}

unsigned int fs_pages_used(void) { return pages_used; }

static struct node *node_alloc(void)
{
    if (!free_nodes) {
        struct node *page = fs_page_alloc();
        if (!page)
            return NULL;
        for (size_t i = 0; i < PAGE_SIZE / sizeof(struct node); i++) {
            page[i].next = free_nodes;
            free_nodes = &page[i];
        }
    }
    struct node *n = free_nodes;
    free_nodes = n->next;
    memset(n, 0, sizeof(*n));
    return n;
}

/* Drop a regular file's contents (its pages, or its link to the archive). */
static void file_truncate(struct node *n)
{
    if (n->pages) {
        for (unsigned int i = 0; i < FILE_PAGES_MAX; i++)
            if (n->pages[i])
                fs_page_free(n->pages[i]);
        fs_page_free(n->pages);
        n->pages = NULL;
    }
    n->initrd_data = NULL;
    n->size = 0;
}

/* Free a node nothing refers to any more. */
static void node_put(struct node *n)
{
    if (n->nlink || n->nopen)
        return;
    file_truncate(n);
    n->next = free_nodes;
    free_nodes = n;
}

/* A new node `name` (len bytes) at the end of dir's list, or NULL. */
static struct node *node_create(struct node *dir, const char *name, size_t len, uint32_t mode)
{
    struct node *n = node_alloc();
    if (!n)
        return NULL;
    memcpy(n->name, name, len);
    n->name[len] = 0;
    n->ino = next_ino++;
    n->mode = mode;
    n->nlink = 1;
    n->parent = dir ? dir : n;
    if (dir) {
        struct node **link = &dir->children;
        while (*link)
            link = &(*link)->next;
        *link = n;
    }
    return n;
}

/* ---- paths: components separated by '/', "." and ".." understood; a
 * relative path starts at the root (there is no working directory yet) ---- */

/* The next component of *p (start in *name, length returned, 0 at the
 * end); *p moves past it. */
static size_t next_component(const char **p, const char **name)
{
    const char *s = *p;
    while (*s == '/')
        s++;
    size_t n = 0;
    while (s[n] && s[n] != '/')
        n++;
    *name = s;
    *p = s + n;
    return n;
}

static int is_last(const char *p)
{
    const char *unused;
    return next_component(&p, &unused) == 0;
}

static struct node *child(struct node *dir, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return dir;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return dir->parent;
    for (struct node *c = dir->children; c; c = c->next)
        if (!memcmp(c->name, name, len) && c->name[len] == 0)
            return c;
    return NULL;
}

/* Resolve all but the last component: *dir holds it, *name and *len name it
 * (len 0: the path is the root itself). */
static int walk_parent(const char *path, struct node **dir, const char **name, size_t *len)
{
    if (!*path)
        return -ENOENT;
    struct node *d = root;
    const char *p = path, *comp;
    size_t n = next_component(&p, &comp);
    for (;;) {
        if (n > FS_NAME_MAX)
            return -ENAMETOOLONG;
        if (is_last(p))
            break;
        struct node *c = child(d, comp, n);
        if (!c)
            return -ENOENT;
        if (!is_dir(c))
            return -ENOTDIR;
        d = c;
        n = next_component(&p, &comp);
    }
    *dir = d;
    *name = comp;
    *len = n;
    return 0;
}

static int lookup(const char *path, struct node **out)
{
    struct node *dir;
    const char *name;
    size_t len;
    int rc = walk_parent(path, &dir, &name, &len);
    if (rc)
        return rc;
    *out = len ? child(dir, name, len) : root;
    return *out ? 0 : -ENOENT;
}

/* ---- file contents ---- */

/* Move a file's bytes out of the archive into pages of its own. */
static int make_writable(struct node *n)
{
    if (!n->pages && !(n->pages = fs_page_alloc()))
        return -ENOSPC;
    if (!n->initrd_data)
        return 0;
    if (n->size > FILE_MAX_SIZE)
        return -EFBIG;
    for (uint32_t off = 0; off < n->size; off += PAGE_SIZE) {
        /* A page left by an earlier attempt that ran out of memory is reused. */
        unsigned char *page = n->pages[off / PAGE_SIZE] ? n->pages[off / PAGE_SIZE] : fs_page_alloc();
        if (!page)
            return -ENOSPC;     /* the archive still holds the bytes: consistent */
        uint32_t chunk = n->size - off < PAGE_SIZE ? n->size - off : PAGE_SIZE;
        memcpy(page, n->initrd_data + off, chunk);
        n->pages[off / PAGE_SIZE] = page;
    }
    n->initrd_data = NULL;
    return 0;
}

static size_t file_read(const struct node *n, uint32_t off, unsigned char *buf, size_t len)
{
    if (off >= n->size)
        return 0;
    if (len > n->size - off)
        len = n->size - off;
    if (n->initrd_data) {
        memcpy(buf, n->initrd_data + off, len);
        return len;
    }
    for (size_t done = 0; done < len;) {
        uint32_t pos = off + (uint32_t)done, in_page = pos % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page < len - done ? PAGE_SIZE - in_page : len - done;
        const unsigned char *page = n->pages ? n->pages[pos / PAGE_SIZE] : NULL;
        if (page)
            memcpy(buf + done, page + in_page, chunk);
        else
            memset(buf + done, 0, chunk);
        done += chunk;
    }
    return len;
}

/* Bytes written (short when memory runs out part way), or a negative errno. */
static long file_write(struct node *n, uint32_t off, const unsigned char *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (off >= FILE_MAX_SIZE)
        return -EFBIG;
    if (len > FILE_MAX_SIZE - off)
        len = FILE_MAX_SIZE - off;
    int rc = make_writable(n);
    if (rc)
        return rc;
    size_t done = 0;
    while (done < len) {
        uint32_t pos = off + (uint32_t)done, in_page = pos % PAGE_SIZE;
        size_t chunk = PAGE_SIZE - in_page < len - done ? PAGE_SIZE - in_page : len - done;
        unsigned char **page = &n->pages[pos / PAGE_SIZE];
        if (!*page && !(*page = fs_page_alloc()))
            break;
        memcpy(*page + in_page, buf + done, chunk);
        done += chunk;
    }
    if (off + done > n->size)
        n->size = off + (uint32_t)done;
    return done ? (long)done : -ENOSPC;
}

/* ---- the console device: a canonical line discipline ----
 * Typed bytes are echoed and collected into a line, which a read sees only
 * once it is complete (Enter, or Ctrl-D after some text): backspace/DEL
 * erases a byte, Ctrl-U the whole line, Ctrl-D at the start of a line is
 * end of file (one read returns 0). A read takes at most one line; what
 * does not fit in its buffer is left for the next read. There is no
 * console interrupt, so a reader with nothing to read polls once a tick,
 * taking every byte waiting each time, but none past the end of a line:
 * typed-ahead lines stay in the device (the UART, the hypervisor's ring)
 * and are echoed when read, so the echo of a command comes after the
 * output of the one before it, as on a terminal.
 * cons.buf[0, ready) is the complete line not yet read; [ready, len) the
 * line being edited. The device is shared by every reader in the system. */
#define CONSOLE_LINE_MAX 256
#define CTRL(c) ((c) & 0x1f)
static struct {
    unsigned char buf[CONSOLE_LINE_MAX];
    size_t ready, len;
    int eof;                      /* a Ctrl-D at the start of a line, unread */
} cons;

/* Erase the last byte of the line being edited (and on the screen). */
static void console_erase(void)
{
    if (cons.len > cons.ready) {
        cons.len--;
        arch_console_write("\b \b", 3);
    }
}

/* Edit the line with one typed byte. */
static void console_input(unsigned char c)
{
    switch (c) {
    case '\r':
    case '\n':
        cons.buf[cons.len++] = '\n';      /* the last byte is kept for it */
        cons.ready = cons.len;
        arch_console_write("\n", 1);
        return;
    case '\b':
    case 0x7f:
        console_erase();
        return;
    case CTRL('U'):
        while (cons.len > cons.ready)
            console_erase();
        return;
    case CTRL('D'):
        if (cons.len == cons.ready)
            cons.eof = 1;
        cons.ready = cons.len;             /* mid-line: the text so far, no newline */
        return;
    default:
        if (cons.len + 1 >= CONSOLE_LINE_MAX)
            return;                        /* the line is full: only Enter fits */
        cons.buf[cons.len++] = c;
        arch_console_write((const char *)&c, 1);
    }
}

/* Take the bytes waiting, up to the end of a line (or an end of file). */
static void console_poll(void)
{
    int c;
    while (!cons.ready && !cons.eof && (c = arch_console_read_byte()) >= 0)
        console_input((unsigned char)c);
}

static long console_read(unsigned char *buf, size_t len)
{
    if (len == 0)
        return 0;
    for (console_poll(); !cons.ready && !cons.eof; console_poll()) {
        if (signal_pending())
            return -EINTR;
        sleep_until(arch_time_ns() + TICK_NS);
    }
    if (!cons.ready) {
        cons.eof = 0;
        return 0;
    }
    size_t n = len < cons.ready ? len : cons.ready;
    memcpy(buf, cons.buf, n);
    for (size_t i = n; i < cons.len; i++)  /* the rest moves to the front */
        cons.buf[i - n] = cons.buf[i];
    cons.ready -= n;
    cons.len -= n;
    return (long)n;
}

/* ---- building the tree ---- */
void fs_init(void)
{
    root = node_create(NULL, "", 0, FS_S_IFDIR | 0755);
    struct node *dev = root ? node_create(root, "dev", 3, FS_S_IFDIR | 0755) : NULL;
    if (!dev || !node_create(dev, "console", 7, FS_S_IFCHR | 0666))
        panic("fs: no memory for the root directory");
}

/* Add one archive entry, creating the directories on its path. */
static int tar_add(const struct tar_entry *e)
{
    struct node *d = root;
    const char *p = e->path, *comp;
    size_t n;
    while ((n = next_component(&p, &comp))) {
        if (n > FS_NAME_MAX)
            return -ENAMETOOLONG;
        struct node *c = child(d, comp, n);
        if (is_last(p) && e->type == TAR_FILE) {
            if (c && !is_reg(c))
                return -EEXIST;
            if (!c && !(c = node_create(d, comp, n, FS_S_IFREG | e->mode)))
                return -ENOSPC;
            file_truncate(c);
            c->initrd_data = e->data;
            c->size = e->size;
            return 0;
        }
        if (!c && !(c = node_create(d, comp, n, FS_S_IFDIR | (is_last(p) ? e->mode : 0755))))
            return -ENOSPC;
        if (!is_dir(c))
            return -ENOTDIR;
        d = c;
    }
    return 0;
}

int fs_load_tar(const void *archive, size_t len)
{
    struct tar_entry e;
    size_t offset = 0;
    int added = 0, rc;
    while ((rc = tar_next(archive, len, &offset, &e)) > 0) {
        if (e.type != TAR_FILE && e.type != TAR_DIR)
            continue;           /* links, devices: not in this file system */
        if ((rc = tar_add(&e)) < 0)
            return rc;
        added++;
    }
    return rc < 0 ? rc : added;
}

/* ---- open files and descriptors ---- */
static struct file *get_file(struct fd_table *t, int fd)
{
    return fd >= 0 && fd < NOFILE ? t->fd[fd] : NULL;
}

/* Drop one descriptor's reference; the last one closes the file. */
static void file_put(struct file *f)
{
    if (--f->refs)
        return;
    if (f->pipe) {
        pipe_close(f->pipe, (f->flags & FS_O_ACCMODE) == FS_O_WRONLY);
        f->pipe = NULL;
        return;
    }
    f->node->nopen--;
    node_put(f->node);
}

/* The lowest free descriptor at or above `from`, or -EMFILE. */
static int fd_lowest_free(const struct fd_table *t, int from)
{
    for (int fd = from; fd < NOFILE; fd++)
        if (!t->fd[fd])
            return fd;
    return -EMFILE;
}

/* A free open-file slot, or NULL (the system-wide table is full). */
static struct file *file_slot(void)
{
    for (struct file *f = files; f < files + NFILE; f++)
        if (!f->refs)
            return f;
    return NULL;
}

/* Install an open file for n in the lowest free descriptor. */
static int fd_install(struct fd_table *t, struct node *n, int flags)
{
    int fd = fd_lowest_free(t, 0);
    if (fd < 0)
        return fd;
    struct file *f = file_slot();
    if (!f)
        return -ENFILE;
    *f = (struct file){ .node = n, .offset = 0, .flags = flags, .refs = 1 };
    n->nopen++;
    t->fd[fd] = f;
    return fd;
}

void fd_table_init_console(struct fd_table *t)
{
    memset(t, 0, sizeof(*t));
    int fd = fs_open(t, "/dev/console", FS_O_RDWR, 0);
    if (fd != 0)
        panic("fs: cannot open /dev/console (%d)", fd);
    t->fd[1] = t->fd[2] = t->fd[0];
    t->fd[0]->refs = 3;
}

void fd_table_copy(struct fd_table *dst, const struct fd_table *src)
{
    for (int fd = 0; fd < NOFILE; fd++)
        if ((dst->fd[fd] = src->fd[fd]))
            dst->fd[fd]->refs++;
}

void fd_table_close_all(struct fd_table *t)
{
    for (int fd = 0; fd < NOFILE; fd++)
        fs_close(t, fd);
}

/* ---- the system calls ---- */
int fs_open(struct fd_table *t, const char *path, int flags, uint32_t mode)
{
    int acc = flags & FS_O_ACCMODE;
    if (acc == FS_O_ACCMODE)
        return -EINVAL;
    struct node *dir, *n;
    const char *name;
    size_t len;
    int rc = walk_parent(path, &dir, &name, &len);
    if (rc)
        return rc;
    n = len ? child(dir, name, len) : root;
    if (n && (flags & FS_O_CREAT) && (flags & FS_O_EXCL))
        return -EEXIST;
    if (n && is_dir(n) && (acc != FS_O_RDONLY || (flags & FS_O_TRUNC)))
        return -EISDIR;
    int created = 0;
    if (!n) {
        if (!(flags & FS_O_CREAT))
            return -ENOENT;
        if (!(n = node_create(dir, name, len, FS_S_IFREG | (mode & 0777))))
            return -ENOSPC;
        created = 1;
    }
    int fd = fd_install(t, n, flags);
    if (fd < 0) {
        if (created)
            fs_unlink(path);
        return fd;
    }
    if ((flags & FS_O_TRUNC) && is_reg(n) && acc != FS_O_RDONLY)
        file_truncate(n);
    return fd;
}

int fs_close(struct fd_table *t, int fd)
{
    struct file *f = get_file(t, fd);
    if (!f)
        return -EBADF;
    t->fd[fd] = NULL;
    file_put(f);
    return 0;
}

long fs_read(struct fd_table *t, int fd, void *buf, size_t len)
{
    struct file *f = get_file(t, fd);
    if (!f || (f->flags & FS_O_ACCMODE) == FS_O_WRONLY)
        return -EBADF;
    if (f->pipe)
        return pipe_read(f->pipe, buf, len);
    if (is_dir(f->node))
        return -EISDIR;
    if (is_chr(f->node))
        return console_read(buf, len);
    size_t n = file_read(f->node, f->offset, buf, len);
    f->offset += (uint32_t)n;
    return (long)n;
}

long fs_write(struct fd_table *t, int fd, const void *buf, size_t len)
{
    struct file *f = get_file(t, fd);
    if (!f || (f->flags & FS_O_ACCMODE) == FS_O_RDONLY)
        return -EBADF;
    if (f->pipe)
        return pipe_write(f->pipe, buf, len);
    if (is_chr(f->node)) {
        arch_console_write(buf, len);
        return (long)len;
    }
    if (f->flags & FS_O_APPEND)
        f->offset = f->node->size;
    long n = file_write(f->node, f->offset, buf, len);
    if (n > 0)
        f->offset += (uint32_t)n;
    return n;
}

long fs_lseek(struct fd_table *t, int fd, long offset, int whence)
{
    struct file *f = get_file(t, fd);
    if (!f)
        return -EBADF;
    if (f->pipe || is_chr(f->node))
        return -ESPIPE;
    long long base;
    switch (whence) {
    case FS_SEEK_SET: base = 0; break;
    case FS_SEEK_CUR: base = f->offset; break;
    case FS_SEEK_END: base = f->node->size; break;
    default: return -EINVAL;
    }
    long long pos = base + offset;
    if (pos < 0 || pos > OFFSET_MAX)
        return -EINVAL;
    f->offset = (uint32_t)pos;
    return (long)pos;
}

int fs_fstat(struct fd_table *t, int fd, struct fs_stat *st)
{
    struct file *f = get_file(t, fd);
    if (!f)
        return -EBADF;
    if (f->pipe) {
        *st = (struct fs_stat){ .ino = 0, .mode = FS_S_IFIFO | 0600, .nlink = 1, .size = 0 };
        return 0;
    }
    *st = (struct fs_stat){ .ino = f->node->ino, .mode = f->node->mode,
                            .nlink = f->node->nlink, .size = f->node->size };
    return 0;
}

long fs_getdents(struct fd_table *t, int fd, void *buf, size_t len)
{
    struct file *f = get_file(t, fd);
    if (!f)
        return -EBADF;
    if (f->pipe || !is_dir(f->node))
        return -ENOTDIR;
    struct node *c = f->node->children;
    for (uint32_t i = 0; c && i < f->offset; i++)
        c = c->next;
    size_t filled = 0;
    for (; c; c = c->next) {
        size_t namelen = strlen(c->name);
        size_t reclen = (sizeof(struct fs_dirent) + namelen + 1 + 3) & ~(size_t)3;
        if (reclen > len - filled) {
            if (!filled)
                return -EINVAL;
            break;
        }
        struct fs_dirent d = { .ino = c->ino, .reclen = (uint16_t)reclen, .namelen = (uint8_t)namelen,
                               .type = is_dir(c) ? FS_DT_DIR : is_chr(c) ? FS_DT_CHR : FS_DT_REG };
        unsigned char *rec = (unsigned char *)buf + filled;
        memset(rec, 0, reclen);
        memcpy(rec, &d, sizeof(d));
        memcpy(rec + sizeof(d), c->name, namelen);
        filled += reclen;
        f->offset++;
    }
    return (long)filled;
}

/* Both descriptors and both files are found before anything is taken, so
 * a failure leaves the tables as they were. */
int fs_pipe(struct fd_table *t, int fds[2])
{
    int rfd = fd_lowest_free(t, 0);
    int wfd = rfd < 0 ? rfd : fd_lowest_free(t, rfd + 1);
    if (wfd < 0)
        return wfd;
    struct file *rf = file_slot();
    if (!rf)
        return -ENFILE;
    rf->refs = 1;                 /* taken, so file_slot looks further */
    struct file *wf = file_slot();
    if (!wf) {
        rf->refs = 0;
        return -ENFILE;
    }
    struct pipe *p = pipe_alloc();
    if (!p) {
        rf->refs = 0;
        return -ENOMEM;
    }
    *rf = (struct file){ .pipe = p, .flags = FS_O_RDONLY, .refs = 1 };
    *wf = (struct file){ .pipe = p, .flags = FS_O_WRONLY, .refs = 1 };
    t->fd[rfd] = rf;
    t->fd[wfd] = wf;
    fds[0] = rfd;
    fds[1] = wfd;
    return 0;
}

/* The new descriptor shares the open file (offset, flags, pipe end). */
int fs_dup(struct fd_table *t, int fd)
{
    struct file *f = get_file(t, fd);
    if (!f)
        return -EBADF;
    int to = fd_lowest_free(t, 0);
    if (to < 0)
        return to;
    f->refs++;
    t->fd[to] = f;
    return to;
}

/* As fs_dup, at `to` (closed first); fd itself when fd == to. */
int fs_dup2(struct fd_table *t, int fd, int to)
{
    struct file *f = get_file(t, fd);
    if (!f || to < 0 || to >= NOFILE)
        return -EBADF;
    if (to == fd)
        return fd;
    f->refs++;                    /* before the close: `to` may already share f */
    if (t->fd[to])
        fs_close(t, to);
    t->fd[to] = f;
    return to;
}

int fs_unlink(const char *path)
{
    struct node *dir, *n;
    const char *name;
    size_t len;
    int rc = walk_parent(path, &dir, &name, &len);
    if (rc)
        return rc;
    if (!len)
        return -EISDIR;
    if (!(n = child(dir, name, len)))
        return -ENOENT;
    if (is_dir(n))
        return -EISDIR;
    struct node **link = &dir->children;
    while (*link != n)
        link = &(*link)->next;
    *link = n->next;
    n->nlink = 0;
    node_put(n);
    return 0;
}

int fs_mkdir(const char *path, uint32_t mode)
{
    struct node *dir;
    const char *name;
    size_t len;
    int rc = walk_parent(path, &dir, &name, &len);
    if (rc)
        return rc;
    if (!len || child(dir, name, len))
        return -EEXIST;
    return node_create(dir, name, len, FS_S_IFDIR | (mode & 0777)) ? 0 : -ENOSPC;
}

int fs_file_image(const char *path, const void **data, size_t *size)
{
    struct node *n;
    int rc = lookup(path, &n);
    if (rc)
        return rc;
    if (is_dir(n))
        return -EISDIR;
    if (!is_reg(n) || !n->initrd_data)
        return -ENOEXEC;
    *data = n->initrd_data;
    *size = n->size;
    return 0;
}
