/*
 * guest-os: uptime: the wallclock date (gettimeofday, UTC), the time since
 * boot and the number of processes (sysinfo), on one line:
 *   2025-01-31 12:00:00 UTC, up 3.250 s, 4 processes
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "guest_os.h"

/* The one line; 1 if sysinfo or gettimeofday fails. */
int main(void)
{
    struct gos_sysinfo si;
    struct timeval tv;
    if (sysinfo(&si) < 0 || gettimeofday(&tv, NULL) < 0) {
        fprintf(stderr, "uptime: %s\n", strerror(errno));
        return 1;
    }
    time_t now = tv.tv_sec;
    char date[32];
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    unsigned long ms = (unsigned long)(si.uptime_ns / 1000000);   /* newlib's printf has no %llu */
    printf("%s, up %lu.%03lu s, %u processes\n", date, ms / 1000, ms % 1000, (unsigned int)si.nprocs);
    return 0;
}
