/*
 * guest-os: free: memory in KiB (the sysinfo system call): the pages the
 * kernel manages, those in use, those free, and those holding files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "guest_os.h"

/* The header and the KiB line; 1 if sysinfo fails. */
int main(void)
{
    struct gos_sysinfo si;
    if (sysinfo(&si) < 0) {
        fprintf(stderr, "free: %s\n", strerror(errno));
        return 1;
    }
    unsigned long kib = 4;                 /* per page */
    printf("%-5s %10s %10s %10s %10s\n", "", "total", "used", "free", "fs");
    printf("%-5s %10lu %10lu %10lu %10lu\n", "KiB:", si.total_pages * kib,
           (si.total_pages - si.free_pages) * kib, si.free_pages * kib, si.fs_pages * kib);
    return 0;
}
