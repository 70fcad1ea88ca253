/*
 * guest-os: autoballoon: dom0's automatic ballooning (issue 5). Memory
 * moves between running domUs by itself: each round it reads every
 * domU's memory statistics from the store (written by its kernel's
 * balloon driver under /local/domain/N/memory/stats/), and sets its
 * target (/local/domain/N/memory/target, KiB, as Xen's toolstack does):
 *  - a domain under pressure (little free memory, or faulting in pages
 *    fast) gets more, never past its maxmem;
 *  - an idle domain (much free memory) gives some back, never below the
 *    floor;
 *  - growth comes only from the machine's free memory beyond a reserve
 *    kept for new domains (xen_physinfo), so shrinking idle domains is
 *    what feeds growing busy ones.
 * Each round prints, per domU, a line tools/pvx-memchart draws:
 *     memlog SECONDS dN CURRENT_KIB TARGET_KIB
 * and a decision line when a target changes.
 *
 *   autoballoon [-i INTERVAL_MS] [-n ROUNDS] [-r RESERVE_KIB] [-f FLOOR_KIB]
 *
 * Defaults: 500 ms, run for ever, 8 MiB reserve, 8 MiB floor.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "guest_os.h"
#include "xen_user.h"
#include "../../include/public/io/xs_wire.h"

#define MAX_DOMS 16
#define LOW_FREE_KIB 1024         /* below: under pressure */
#define HIGH_FREE_KIB 6144        /* above: idle, give the excess back */
#define KEEP_FREE_KIB 3072        /* what an idle domain keeps free */
#define GROW_STEP_KIB 4096        /* what a domain under pressure gets per round, at least */
#define SETTLE_ROUNDS 3           /* after a cut, wait this long for fresh statistics */
#define FAULT_RATE_BUSY 200       /* faults per second that count as pressure */

/* /local/domain/ID/REL as a number; def if absent or unreadable. */
static long read_num(unsigned int id, const char *rel, long def)
{
    char path[96], val[32];
    int n = snprintf(path, sizeof(path), "/local/domain/%u/%s", id, rel);
    if (xs_call(XS_READ, path, (unsigned int)n + 1, val, sizeof(val)) < 0)
        return def;
    char *end;
    long v = strtol(val, &end, 10);
    return end == val ? def : v;
}

static int write_num(unsigned int id, const char *rel, long v)
{
    char msg[128];
    int n = snprintf(msg, sizeof(msg), "/local/domain/%u/%s", id, rel);
    n += 1 + snprintf(msg + n + 1, sizeof(msg) - (size_t)n - 1, "%ld", v);
    return xs_call(XS_WRITE, msg, (unsigned int)n, NULL, 0) < 0 ? -1 : 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct dom {
    unsigned int id;
    long current_kib, max_kib, target_kib, free_kib, fault_rate;
    long want_kib;
};

/* When each domain's target was last cut (by id): its statistics are
 * stale until the balloon has moved and the guest published again. */
static long cut_round[64];

int main(int argc, char **argv)
{
    long interval = 500, rounds = -1, reserve_kib = 8192, floor_kib = 8192;
    for (int i = 1; i + 1 < argc; i += 2) {
        long v = strtol(argv[i + 1], NULL, 10);
        if (!strcmp(argv[i], "-i")) interval = v;
        else if (!strcmp(argv[i], "-n")) rounds = v;
        else if (!strcmp(argv[i], "-r")) reserve_kib = v;
        else if (!strcmp(argv[i], "-f")) floor_kib = v;
        else {
            fprintf(stderr, "usage: autoballoon [-i MS] [-n ROUNDS] [-r RESERVE_KIB] [-f FLOOR_KIB]\n");
            return 2;
        }
    }
    long t0 = now_ms();
    for (long round = 0; rounds < 0 || round < rounds; round++) {
        struct dom doms[MAX_DOMS];
        int nd = 0;
        struct gos_dominfo di;
        for (int id = xen_domains(1, &di); id > 0 && nd < MAX_DOMS; id = xen_domains((unsigned int)id + 1, &di)) {
            if (!(di.flags & GOS_DOM_RUNNING))
                continue;
            struct dom *d = &doms[nd++];
            d->id = di.domid;
            d->current_kib = (long)di.tot_pages * 4;
            d->max_kib = (long)di.max_pages * 4;
            d->target_kib = read_num(d->id, "memory/target", d->current_kib);
            d->free_kib = read_num(d->id, "memory/stats/free", -1);
            d->fault_rate = read_num(d->id, "memory/stats/fault_rate", 0);
            d->want_kib = d->target_kib;
        }
        struct gos_physinfo pi;
        if (xen_physinfo(&pi) < 0) {
            perror("autoballoon: xen_physinfo");
            return 1;
        }
        long budget = (long)pi.free_pages * 4 - reserve_kib;
        /* Idle domains first: what they give back is next round's budget.
         * Not while the balloon still moves or the statistics predate
         * the last cut (they would count the same free memory twice). */
        for (int i = 0; i < nd; i++) {
            struct dom *d = &doms[i];
            long moving = d->current_kib - d->target_kib;
            int settled = (moving < 1024 && moving > -1024) && round - cut_round[d->id % 64] >= SETTLE_ROUNDS;
            if (d->free_kib > HIGH_FREE_KIB && d->fault_rate <= FAULT_RATE_BUSY && settled) {
                long w = d->current_kib - (d->free_kib - KEEP_FREE_KIB);
                d->want_kib = w > floor_kib ? w : floor_kib;
                if (d->want_kib < d->target_kib)
                    cut_round[d->id % 64] = round;
            }
        }
        /* Pressure: little free memory, or faulting pages in fast while
         * not much is free. A quarter more (at least GROW_STEP_KIB) per
         * round, within maxmem and the budget. */
        for (int i = 0; i < nd; i++) {
            struct dom *d = &doms[i];
            int pressed = (d->free_kib >= 0 && d->free_kib < LOW_FREE_KIB) ||
                          (d->fault_rate > FAULT_RATE_BUSY && d->free_kib < HIGH_FREE_KIB);
            if (!pressed || budget <= 0)
                continue;
            long step = d->current_kib / 4 > GROW_STEP_KIB ? d->current_kib / 4 : GROW_STEP_KIB;
            long grow = step < budget ? step : budget;
            long w = d->current_kib + grow;
            d->want_kib = w < d->max_kib ? w : d->max_kib;
            budget -= d->want_kib - d->current_kib;
        }
        long t = now_ms() - t0;
        for (int i = 0; i < nd; i++) {
            struct dom *d = &doms[i];
            if (d->want_kib != d->target_kib) {
                if (write_num(d->id, "memory/target", d->want_kib) == 0)
                    printf("autoballoon: [time] %ld.%01ld s: d%u target %ld -> %ld KiB (free %ld KiB, %ld faults/s)\n",
                           t / 1000, t % 1000 / 100, d->id, d->target_kib, d->want_kib, d->free_kib, d->fault_rate);
                d->target_kib = d->want_kib;
            }
            printf("memlog %ld.%01ld d%u %ld %ld\n", t / 1000, t % 1000 / 100, d->id, d->current_kib, d->target_kib);
        }
        fflush(stdout);
        struct timespec ts = { interval / 1000, (interval % 1000) * 1000000 };
        nanosleep(&ts, NULL);
    }
    return 0;
}
