/*
 * guest-os: balloon [SIZE]: the domain's memory balloon (PV build; the
 * native build has no hypervisor to give memory to). Without an argument
 * it shows the current size, the target, maxmem and the floor; with one
 * it sets the target (e.g. 24M, 8192K, 1G, or KiB as a plain number),
 * waits while the balloon moves, and shows where it ended. Exit status 1
 * on a bad size or no balloon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest_os.h"

/* "24M" / "8192K" / "1G" / "4096" (KiB) -> KiB; 0 if malformed. */
static uint32_t parse_kib(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s)
        return 0;
    if (*end == 'K' || *end == 'k')
        end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1024, end++;
    else if (*end == 'G' || *end == 'g')
        v *= 1024 * 1024, end++;
    return *end || v > 0xFFFFFFFFul ? 0 : (uint32_t)v;
}

int main(int argc, char **argv)
{
    uint32_t target = 0;
    if (argc > 2 || (argc == 2 && !(target = parse_kib(argv[1])))) {
        fprintf(stderr, "usage: balloon [SIZE, e.g. 24M]\n");
        return 1;
    }
    struct gos_balloon b;
    if (balloon(target, &b) < 0) {
        fprintf(stderr, "balloon: %s\n", errno == ENOSYS ? "no balloon here (not running on a hypervisor)"
                                                          : strerror(errno));
        return 1;
    }
    printf("current %lu KiB, target %lu KiB, max %lu KiB, floor %lu KiB\n", (unsigned long)b.current_kib,
           (unsigned long)b.target_kib, (unsigned long)b.max_kib, (unsigned long)b.floor_kib);
    return 0;
}
