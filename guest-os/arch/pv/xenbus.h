/*
 * guest-os PV: the kernel's own use of the store (xenbus.c), for in-kernel
 * clients such as the balloon (memory/target). Paths are the store's:
 * absolute ("/local/domain/1/memory/target") or relative to this domain's
 * home ("memory/target"), resolved by the store daemon.
 * Two kinds of call:
 *   - synchronous (xenbus_read, xenbus_write): wait for the reply, at most
 *     XENBUS_WAIT_NS, so a caller is never stuck when no store daemon
 *     runs. From a process they sleep; from idle (boot) they idle. Never
 *     from event context (a callback below).
 *   - asynchronous (xenbus_request, xenbus_watch): queue the message and
 *     return at once; the callback runs later in event context (the store
 *     port's upcall, interrupts masked): it must not sleep, but may queue
 *     further asynchronous requests.
 * Every call returns -EIO when the domain has no store connection and
 * -EAGAIN when the queue to the ring is full.
 */
#ifndef GUEST_OS_PV_XENBUS_H
#define GUEST_OS_PV_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#define XENBUS_WAIT_NS 2000000000ull

/* A reply: err 0 and the payload (NUL-terminated after len bytes), or a
 * negative errno (the store's XS_ERROR, e.g. -ENOENT) with value NULL. */
typedef void (*xenbus_reply_fn)(void *ctx, int err, const char *value, unsigned int len);
/* A watch fired: the path that changed and the watch's token. */
typedef void (*xenbus_watch_fn)(const char *path, const char *token);

/* Send one request (type XS_*, payload of len bytes); done (may be NULL)
 * gets the reply. 0 or a negative errno. */
int xenbus_request(uint32_t type, const void *payload, unsigned int len, xenbus_reply_fn done, void *ctx);
/* The value at path into buf (NUL-terminated, cut to len - 1): its full
 * length, or -errno (-ENOENT, -ETIMEDOUT, ...). */
int xenbus_read(const char *path, char *buf, size_t len);
/* Set path to value: 0 or -errno. */
int xenbus_write(const char *path, const char *value);
/* Watch path (and below): fn(path, token) for each change, and once at
 * once, as the store fires a new watch. The token must be unique among
 * the kernel's watches. 0 or -errno (-ENOSPC: no watch slot). */
int xenbus_watch(const char *path, const char *token, xenbus_watch_fn fn);

#endif
