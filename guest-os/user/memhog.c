/*
 * guest-os: memhog SIZE:SECONDS...: a working set that grows and shrinks
 * (issue 5's automatic ballooning demo and test). For each step it holds
 * SIZE (e.g. 12M, 512K) for SECONDS, touching every page of it once a
 * second so it stays in use, then moves to the next step; memory is mmap'd
 * and munmap'd, so what it gives up goes back to the kernel (and from
 * there to the balloon).
 * Growing never kills it: before touching new pages it waits until the
 * kernel has them free (sysinfo), however long the balloon takes to bring
 * them in, and reports how long it waited:
 *     memhog: [varies] step 2: 12288 KiB after 1.25 s
 * A step it could not reach within 60 s ends it with status 1 ("starved").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include "guest_os.h"

#define PAGE 4096u
#define STARVED_AFTER_MS 60000
#define SLACK_PAGES 64          /* left free for the kernel and everyone else */

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* "12M" / "512K" / "1G" -> bytes, rounded to pages; 0 if malformed. */
static size_t parse_size(const char *s, char **end)
{
    unsigned long v = strtoul(s, end, 10);
    if (*end == s)
        return 0;
    if (**end == 'K' || **end == 'k')
        v *= 1024, (*end)++;
    else if (**end == 'M' || **end == 'm')
        v *= 1024 * 1024, (*end)++;
    else if (**end == 'G' || **end == 'g')
        v *= 1024 * 1024 * 1024, (*end)++;
    return (v + PAGE - 1) / PAGE * PAGE;
}

static uint32_t free_pages(void)
{
    struct gos_sysinfo si;
    return sysinfo(&si) == 0 ? si.free_pages : 0;
}

/* The working set: `have` bytes mapped at base (reserved for the largest step). */
static unsigned char *base;
static size_t have;

/* Grow to `want` bytes, waiting for free pages; 0, or -1 if starved. */
static int grow(size_t want, long *waited_ms)
{
    long t0 = now_ms();
    while (have < want) {
        uint32_t free = free_pages();
        size_t can = free > SLACK_PAGES ? (size_t)(free - SLACK_PAGES) * PAGE : 0;
        size_t step = want - have < can ? want - have : can;
        for (size_t off = 0; off < step; off += PAGE)
            base[have + off] = 1;                     /* demand-zero: now it is ours */
        have += step;
        if (have < want) {
            if (now_ms() - t0 > STARVED_AFTER_MS)
                return -1;
            sleep_ms(50);
        }
    }
    *waited_ms = now_ms() - t0;
    return 0;
}

/* Shrink to `want` bytes: the pages above it go back to the kernel. */
static void shrink(size_t want)
{
    if (want < have && munmap(base + want, have - want) == 0) {
        /* Map the hole again (empty, demand-zero) for later growth. */
        if (mmap(base + want, have - want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0) == MAP_FAILED)
            perror("memhog: mmap");
        have = want;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: memhog SIZE:SECONDS... (e.g. memhog 2M:5 12M:10 2M:10)\n");
        return 2;
    }
    size_t sizes[32], largest = 0;
    long secs[32];
    int steps = argc - 1 < 32 ? argc - 1 : 32;
    for (int i = 0; i < steps; i++) {
        char *end;
        sizes[i] = parse_size(argv[i + 1], &end);
        if (*end != ':' || (secs[i] = strtol(end + 1, &end, 10)) <= 0 || *end) {
            fprintf(stderr, "memhog: bad step '%s' (SIZE:SECONDS)\n", argv[i + 1]);
            return 2;
        }
        largest = sizes[i] > largest ? sizes[i] : largest;
    }
    base = mmap(NULL, largest ? largest : PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        perror("memhog: mmap");
        return 1;
    }
    for (int i = 0; i < steps; i++) {
        long waited = 0;
        if (sizes[i] > have && grow(sizes[i], &waited) < 0) {
            printf("memhog: step %d: starved: %lu of %lu KiB after %d s\n", i + 1,
                   (unsigned long)(have / 1024), (unsigned long)(sizes[i] / 1024), STARVED_AFTER_MS / 1000);
            return 1;
        }
        shrink(sizes[i]);
        printf("memhog: [varies] step %d: %lu KiB after %ld.%02ld s\n", i + 1, (unsigned long)(have / 1024),
               waited / 1000, waited % 1000 / 10);
        fflush(stdout);
        long until = now_ms() + secs[i] * 1000;
        while (now_ms() < until) {
            for (size_t off = 0; off < have; off += PAGE)
                base[off]++;                          /* keep the working set in use */
            sleep_ms(1000 < until - now_ms() ? 1000 : until - now_ms());
        }
    }
    printf("memhog: done\n");
    return 0;
}
