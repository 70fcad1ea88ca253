/*
 * guest-os: pipes. A pipe is a ring buffer of one page shared by a read
 * end and a write end (two struct files of kernel/fs.c, which calls in
 * here; the descriptors, fork and dup share those files as usual).
 *
 * Invariants:
 *  - readers and writers count the open files of each end (not the
 *    descriptors: a file's own refs count those), so fork and dup leave
 *    them alone and only the last close of a file calls pipe_close.
 *  - The bytes [head, head + count) (mod PIPE_SIZE) are unread; 0 <= count
 *    <= PIPE_SIZE.
 *  - A reader sleeps on &p->readers only while count == 0 and writers > 0;
 *    a writer sleeps on &p->writers only while its bytes do not fit and
 *    readers > 0. Whatever changes count, or closes the last file of an
 *    end, wakes the other side, so no sleeper waits on a condition that
 *    can no longer change.
 *  - The pipe and its page are freed when both counts reach 0.
 * The kernel is not preempted, so these run without locks; a sleeper
 * re-checks everything when it wakes.
 */
#include "kernel.h"
#include "errno.h"
#include "fs.h"

#define PIPE_SIZE PAGE_SIZE
#define NPIPE (NFILE / 2)         /* every open file could be a pipe end */
#define PIPE_BUF 512              /* newlib's (sys/syslimits.h), POSIX's minimum */

struct pipe {
    unsigned char *buf;           /* PIPE_SIZE bytes; NULL: this slot is free */
    uint32_t head, count;
    int readers, writers;
};

static struct pipe pipes[NPIPE];

/* A free slot with a fresh buffer, one reader and one writer; or NULL. */
struct pipe *pipe_alloc(void)
{
    struct pipe *p = pipes;
    while (p < pipes + NPIPE && p->buf)
        p++;
    if (p == pipes + NPIPE)
        return NULL;
    if (!(p->buf = page_alloc()))
        return NULL;
    p->head = p->count = 0;
    p->readers = p->writers = 1;
    return p;
}

/* One end's last file is closed: wake the other side; free the pipe with
 * its last end. */
void pipe_close(struct pipe *p, int write_end)
{
    if (write_end) {
        p->writers--;
        wakeup(&p->readers);      /* they may now see end of file */
    } else {
        p->readers--;
        wakeup(&p->writers);      /* they may now get EPIPE */
    }
    if (p->readers == 0 && p->writers == 0) {
        page_free(p->buf);
        p->buf = NULL;
    }
}

/* Up to len bytes, waiting only while none are there and a writer is:
 * the count, 0 at end of file, or -EINTR. */
long pipe_read(struct pipe *p, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    while (p->count == 0) {
        if (p->writers == 0)
            return 0;
        if (signal_pending())
            return -EINTR;
        sleep_on(&p->readers);
    }
    size_t n = len < p->count ? len : p->count;
    for (size_t done = 0; done < n;) {
        size_t chunk = PIPE_SIZE - p->head;   /* up to the end of the ring */
        if (chunk > n - done)
            chunk = n - done;
        memcpy((unsigned char *)buf + done, p->buf + p->head, chunk);
        p->head = (p->head + (uint32_t)chunk) % PIPE_SIZE;
        p->count -= (uint32_t)chunk;
        done += chunk;
    }
    wakeup(&p->writers);
    return (long)n;
}

/* All len bytes, waiting for room while a reader is left: len, or fewer
 * (or -EPIPE / -EINTR if none) when the readers go or a signal comes. */
long pipe_write(struct pipe *p, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        if (p->readers == 0)
            return done ? (long)done : -EPIPE;
        /* POSIX: a write of at most PIPE_BUF bytes goes in whole, never
         * interleaved with another writer's. */
        size_t need = done == 0 && len <= PIPE_BUF ? len : 1;
        if (PIPE_SIZE - p->count < need) {
            if (signal_pending())
                return done ? (long)done : -EINTR;
            sleep_on(&p->writers);
            continue;
        }
        uint32_t tail = (p->head + p->count) % PIPE_SIZE;
        size_t chunk = PIPE_SIZE - tail;       /* up to the end of the ring ... */
        if (chunk > PIPE_SIZE - p->count)      /* ... or up to the unread bytes */
            chunk = PIPE_SIZE - p->count;
        if (chunk > len - done)
            chunk = len - done;
        memcpy(p->buf + tail, (const unsigned char *)buf + done, chunk);
        p->count += (uint32_t)chunk;
        done += chunk;
        wakeup(&p->readers);
    }
    return (long)done;
}
