/*
 * guest-os: xenstore, the store's command-line client (any domain of the
 * PV build; it talks through the kernel's store connection, SYS_xenbus):
 *   xenstore read PATH             the value, and a newline
 *   xenstore write PATH VALUE
 *   xenstore ls PATH               the children, one a line
 *   xenstore rm PATH               with everything under it
 *   xenstore mkdir PATH
 *   xenstore getperms PATH         e.g. "n1 r2" (owner d1; d2 may read)
 *   xenstore setperms PATH PERM... e.g. n1 r2
 *   xenstore watch PATH [COUNT]    each event's path, one a line (the
 *                                  first comes at once); stops after COUNT
 *   xenstore wait PATH             wait until PATH exists (a watch), print
 *                                  its value (for scripts: no race with
 *                                  the writer, unlike watch COUNT)
 * A relative PATH is under the domain's own /local/domain/N. An error the
 * store gives is printed as "xenstore: read PATH: EACCES" (the name Xen
 * uses) with exit status 1; 2 for bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/io/xs_wire.h>
#include "xen_user.h"

static char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];
static const char *cmd, *path;

/* Print why the client cannot go on and exit 1. */
static void die(const char *what)
{
    fprintf(stderr, "xenstore: %s %s: %s\n", cmd, path, what);
    exit(1);
}

/* Send a request: type, then the args (each NUL-terminated but, if
 * last_raw, the last, which is sent as its bytes alone). */
static void send_request(uint32_t type, const char *const *args, int nargs, int last_raw)
{
    struct xsd_sockmsg *hdr = (struct xsd_sockmsg *)msg;
    uint32_t len = 0;
    for (int i = 0; i < nargs; i++) {
        size_t l = strlen(args[i]) + (last_raw && i == nargs - 1 ? 0 : 1);
        if (len + l > XENSTORE_PAYLOAD_MAX)
            die("too long");
        memcpy(msg + sizeof(*hdr) + len, args[i], l);
        len += (uint32_t)l;
    }
    *hdr = (struct xsd_sockmsg){ .type = type, .req_id = 1, .len = len };
    if (xenbus(XENBUS_SEND, msg, (unsigned)(sizeof(*hdr) + len)) < 0)
        die(errno == ENOSYS ? "no store here (not running on a hypervisor)" : strerror(errno));
}

/* The next message for this process (a reply or a watch event); its
 * payload NUL-terminated. */
static struct xsd_sockmsg *receive(void)
{
    int n = xenbus(XENBUS_RECV, msg, sizeof(msg) - 1);
    if (n < 0)
        die(strerror(errno));
    struct xsd_sockmsg *hdr = (struct xsd_sockmsg *)msg;
    msg[sizeof(*hdr) + hdr->len] = 0;
    return hdr;
}

/* The reply to the request just sent (watch events before it are
 * skipped); dies on XS_ERROR. */
static struct xsd_sockmsg *reply(void)
{
    struct xsd_sockmsg *hdr;
    while ((hdr = receive())->type == XS_WATCH_EVENT)
        ;
    if (hdr->type == XS_ERROR)
        die(msg + sizeof(*hdr));
    return hdr;
}

/* watch PATH [COUNT]: print each event's path. */
static int do_watch(int count)
{
    const char *args[] = { path, "xenstore" };
    send_request(XS_WATCH, args, 2, 0);
    reply();
    for (int seen = 0; count <= 0 || seen < count; seen++) {
        struct xsd_sockmsg *hdr;
        while ((hdr = receive())->type != XS_WATCH_EVENT)
            ;
        printf("%s\n", msg + sizeof(*hdr));
        fflush(stdout);
    }
    return 0;
}

/* Say how to use the client; exit status 2. */
/* wait PATH: watch it; after each event try to read it; print the value. */
static int do_wait(void)
{
    const char *args[] = { path, "xenstore-wait" };
    send_request(XS_WATCH, args, 2, 0);
    reply();
    int fired = 0;         /* an event came while a read was in flight */
    for (;;) {
        struct xsd_sockmsg *hdr;
        if (!fired)
            while ((hdr = receive())->type != XS_WATCH_EVENT)
                ;
        fired = 0;
        send_request(XS_READ, args, 1, 0);
        /* An event before the reply may be the write the read missed:
         * read again rather than wait for another that may never come. */
        while ((hdr = receive())->type == XS_WATCH_EVENT)
            fired = 1;
        if (hdr->type == XS_ERROR && !strcmp(msg + sizeof(*hdr), "ENOENT"))
            continue;
        if (hdr->type == XS_ERROR)
            die(msg + sizeof(*hdr));
        fwrite(msg + sizeof(*hdr), 1, hdr->len, stdout);
        putchar('\n');
        return 0;
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: xenstore read|write|ls|rm|mkdir|watch|wait|getperms|setperms PATH [VALUE|PERM...|COUNT]\n");
    return 2;
}

/* Run one command against the store. */
int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    cmd = argv[1];
    path = argv[2];
    const char *one[] = { path };
    if (!strcmp(cmd, "read") && argc == 3) {
        send_request(XS_READ, one, 1, 0);
        struct xsd_sockmsg *hdr = reply();
        fwrite(msg + sizeof(*hdr), 1, hdr->len, stdout);
        putchar('\n');
    } else if (!strcmp(cmd, "write") && argc == 4) {
        const char *args[] = { path, argv[3] };
        send_request(XS_WRITE, args, 2, 1);
        reply();
    } else if (!strcmp(cmd, "ls") && argc == 3) {
        send_request(XS_DIRECTORY, one, 1, 0);
        struct xsd_sockmsg *hdr = reply();
        for (const char *p = msg + sizeof(*hdr); p < msg + sizeof(*hdr) + hdr->len; p += strlen(p) + 1)
            printf("%s\n", p);
    } else if (!strcmp(cmd, "rm") && argc == 3) {
        send_request(XS_RM, one, 1, 0);
        reply();
    } else if (!strcmp(cmd, "mkdir") && argc == 3) {
        send_request(XS_MKDIR, one, 1, 0);
        reply();
    } else if (!strcmp(cmd, "getperms") && argc == 3) {
        send_request(XS_GET_PERMS, one, 1, 0);
        struct xsd_sockmsg *hdr = reply();
        for (const char *p = msg + sizeof(*hdr); p < msg + sizeof(*hdr) + hdr->len; p += strlen(p) + 1)
            printf("%s%s", p == msg + sizeof(*hdr) ? "" : " ", p);
        putchar('\n');
    } else if (!strcmp(cmd, "setperms") && argc >= 4 && argc <= 3 + 16) {
        const char *args[17] = { path };
        for (int i = 3; i < argc; i++)
            args[i - 2] = argv[i];
        send_request(XS_SET_PERMS, args, argc - 2, 0);
        reply();
    } else if (!strcmp(cmd, "wait") && argc == 3) {
        return do_wait();
    } else if (!strcmp(cmd, "watch") && argc <= 4) {
        return do_watch(argc == 4 ? atoi(argv[3]) : 0);
    } else {
        return usage();
    }
    return 0;
}
