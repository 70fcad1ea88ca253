/*
 * guest-os PV: the memory balloon (docs/memory.md). The domain's memory
 * is the pfns 0 .. maxmem; a pfn is either backed by a machine frame
 * (p2m[pfn] is its mfn, the kernel maps it at va = pfn * 4096) or in the
 * balloon (p2m[pfn] = P2M_NO_FRAME, nothing mapped, the pfn's page
 * reserved in the kernel allocator). Pfns above the domain's start size
 * begin in the balloon.
 *   inflate (shrink): take free pages from the allocator, unmap them (one
 *     multicall of update_va_mapping), give their frames back with one
 *     decrease_reservation, mark them in the balloon;
 *   deflate (grow): populate_physmap for pfns in the balloon (pvx sets the
 *     M2P and returns the mfns), set the p2m, map them (one multicall),
 *     give the pages to the allocator.
 * Both go in batches of BATCH pages. Inflation stops at the floor: the
 * domain keeps FLOOR_MIN_PAGES at least, and RESERVE_PAGES free pages
 * beyond what is in use, so the balloon cannot starve the kernel.
 * Deflation stops at maxmem or when pvx has no more frames.
 * The target comes from the `balloon` program (arch_balloon) or from the
 * store: the driver watches memory/target (KiB, as Xen's toolstack writes
 * it) and moves towards it a few batches per timer tick (balloon_tick),
 * so a large change does not hold the CPU; four times a second it
 * publishes its statistics under memory/stats/ (free, used in KiB,
 * fault_rate: pages faulted in per second) for dom0's automatic balloon.
 */
#include "../../kernel/kernel.h"
#include "../../kernel/errno.h"
#include <public/memory.h>
#include <public/io/xs_wire.h>
#include <pvx-guest/hypercall.h>
#include "pv.h"
#include "xenbus.h"

#define BATCH 64
#define FLOOR_MIN_PAGES 1024          /* 4 MiB */
#define RESERVE_PAGES 512             /* 2 MiB kept free */
#define MAX_PFNS (1u << 18)           /* the 1 GiB kernel window */

static uint32_t in_balloon[MAX_PFNS / 32];   /* bit set: the pfn has no frame */
static uint32_t max_pfn, backed, target;
static multicall_entry_t calls[BATCH];
static xen_pfn_t list[BATCH];
static void *pages[BATCH];

static void set_ballooned(uint32_t pfn, int on)
{
    if (on)
        in_balloon[pfn / 32] |= 1u << (pfn % 32);
    else
        in_balloon[pfn / 32] &= ~(1u << (pfn % 32));
}

/* balloon_init: see pv.h. */
void balloon_init(uint32_t nr_pages, uint32_t max)
{
    max_pfn = max;
    backed = target = nr_pages;
    for (uint32_t pfn = nr_pages; pfn < max_pfn; pfn++)
        set_ballooned(pfn, 1);
}

/* One multicall mapping each page i (va pages[i]) to mfns[i], or
 * unmapping it (mfns NULL); the last call flushes the TLB. */
static long remap(void *const *va, const xen_pfn_t *mfns, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        calls[i] = (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
            .args = { (uint32_t)va[i], mfns ? (mfns[i] << 12) | PTE_KERNEL : 0, 0,
                      i == n - 1 ? UVMF_TLB_FLUSH : UVMF_NONE } };
    long rc = HYPERVISOR_multicall(calls, n);
    for (unsigned int i = 0; !rc && i < n; i++)
        rc = calls[i].result;
    return rc;
}

static long reservation(unsigned int cmd, unsigned int n)
{
    struct xen_memory_reservation r = { .nr_extents = n, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    return HYPERVISOR_memory_op(cmd, &r);
}

/* The lowest the balloon may take the domain now: the pages in use plus
 * the reserve, and never below FLOOR_MIN_PAGES. */
static uint32_t floor_pages(void)
{
    uint32_t free = page_free_count();
    uint32_t in_use = backed > free ? backed - free : 0;
    uint32_t f = in_use + RESERVE_PAGES;
    return f > FLOOR_MIN_PAGES ? f : FLOOR_MIN_PAGES;
}

/* Give up to n free pages back; how many went. */
static unsigned int inflate(unsigned int n)
{
    unsigned int got = 0;
    while (got < n && (pages[got] = page_alloc()) != NULL)
        got++;
    if (!got)
        return 0;
    for (unsigned int i = 0; i < got; i++)
        list[i] = p2m[(uintptr_t)pages[i] / PAGE_SIZE];
    if (remap(pages, NULL, got))
        panic("balloon: cannot unmap pages to give back");
    long done = reservation(XENMEM_decrease_reservation, got);
    if (done < 0)
        done = 0;
    for (unsigned int i = 0; i < got; i++) {
        uint32_t pfn = (uint32_t)((uintptr_t)pages[i] / PAGE_SIZE);
        if (i < (unsigned int)done) {
            p2m[pfn] = P2M_NO_FRAME;
            set_ballooned(pfn, 1);
            page_balloon_out(pages[i]);
        }
    }
    if ((unsigned int)done < got) {        /* refused: keep those pages */
        if (remap(pages + done, list + done, got - (unsigned int)done))
            panic("balloon: cannot map back pages pvx refused");
        for (unsigned int i = (unsigned int)done; i < got; i++)
            page_free(pages[i]);
        kprintf("guest-os: balloon: pvx took %ld of %u frames\n", done, got);
    }
    backed -= (uint32_t)done;
    return (unsigned int)done;
}

/* Bring up to n pfns out of the balloon; how many came. */
static unsigned int deflate(unsigned int n)
{
    unsigned int want = 0;
    for (uint32_t w = 0; w < (max_pfn + 31) / 32 && want < n; w++)
        for (uint32_t bits = in_balloon[w]; bits && want < n; bits &= bits - 1)
            list[want++] = w * 32 + (uint32_t)__builtin_ctz(bits);
    if (!want)
        return 0;
    uint32_t pfns[BATCH];
    for (unsigned int i = 0; i < want; i++) {
        pfns[i] = list[i];
        pages[i] = (void *)((uintptr_t)pfns[i] * PAGE_SIZE);
    }
    long done = reservation(XENMEM_populate_physmap, want);   /* list: pfns in, mfns out */
    if (done <= 0)
        return 0;
    for (unsigned int i = 0; i < (unsigned int)done; i++)
        p2m[pfns[i]] = list[i];
    if (remap(pages, list, (unsigned int)done))
        panic("balloon: cannot map the frames pvx gave");
    for (unsigned int i = 0; i < (unsigned int)done; i++) {
        set_ballooned(pfns[i], 0);
        page_balloon_in(pages[i]);
    }
    backed += (uint32_t)done;
    return (unsigned int)done;
}

/* Move towards the target, at most `batches` batches (0: until there or
 * stuck). */
static void balloon_move(unsigned int batches)
{
    for (unsigned int b = 0; !batches || b < batches; b++) {
        uint32_t fl = floor_pages();
        uint32_t goal = target > fl ? target : fl;
        unsigned int moved;
        if (backed > goal)
            moved = inflate(backed - goal < BATCH ? backed - goal : BATCH);
        else if (backed < target)
            moved = deflate(target - backed < BATCH ? target - backed : BATCH);
        else
            break;
        if (!moved)
            break;
    }
}

static void set_target(uint32_t pages)
{
    target = pages > max_pfn ? max_pfn : pages;
}

/* ---- the store: memory/target in, memory/stats out ---- */

#define STATS_TICKS 25               /* publish four times a second */
static int watching;
static unsigned int ticks;
static uint32_t faults_before;

/* The reply to reading memory/target: KiB in decimal. */
static void target_read(void *ctx, int err, const char *value, unsigned int len)
{
    (void)ctx;
    uint32_t kib = 0;
    unsigned int i = 0;
    if (err || !value)
        return;
    for (; i < len && value[i] >= '0' && value[i] <= '9' && kib < 0x3fffffff; i++)
        kib = kib * 10 + (uint32_t)(value[i] - '0');
    if (i == len && kib >= 4)
        set_target(kib / 4);
}

/* memory/target changed (or the watch was just set): read it. */
static void target_changed(const char *path, const char *token)
{
    (void)path;
    (void)token;
    static const char rel[] = "memory/target";
    xenbus_request(XS_READ, rel, sizeof(rel), target_read, NULL);
}

/* Queue "memory/stats/NAME" = value (decimal), not waiting for the reply. */
static void publish(const char *name, uint32_t value)
{
    char msg[64];
    unsigned int n = 0;
    for (const char *s = "memory/stats/"; *s; s++)
        msg[n++] = *s;
    for (; *name; name++)
        msg[n++] = *name;
    msg[n++] = 0;
    char digits[12];
    unsigned int d = 0;
    do {
        digits[d++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (d)
        msg[n++] = digits[--d];
    xenbus_request(XS_WRITE, msg, n, NULL, NULL);
}

/* balloon_tick: see pv.h. */
void balloon_tick(void)
{
    if (!watching && xenbus_watch("memory/target", "balloon", target_changed) == 0)
        watching = 1;
    balloon_move(4);                          /* 256 pages: 1 MiB per tick at most */
    if (++ticks % STATS_TICKS == 0) {
        uint32_t free = page_free_count(), faults = page_faults;
        publish("free", free * 4);
        publish("used", (backed - free) * 4);
        publish("fault_rate", (faults - faults_before) * (uint32_t)(1000000000ull / (STATS_TICKS * TICK_NS)));
        faults_before = faults;
    }
}

/* arch_balloon: see kernel/arch.h. */
int arch_balloon(uint32_t target_pages, struct balloon_state *st)
{
    if (target_pages)
        set_target(target_pages);
    balloon_move(0);
    domid_t self = DOMID_SELF;
    long cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    *st = (struct balloon_state){ .current_pages = cur > 0 ? (uint32_t)cur - 1 : backed,  /* - shared_info */
                                  .target_pages = target, .max_pages = max_pfn, .floor_pages = floor_pages() };
    return 0;
}
