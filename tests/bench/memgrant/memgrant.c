/*
 * Bench guest "memgrant": what ballooning and grant mappings cost (issue
 * 5), measured from dom0 with rdtsc (under `-icount shift=0` instructions,
 * guest's and hypervisor's; without it host cycles) and with the PV clock
 * (nanoseconds, for frames per second). Each case warms up, then runs RUNS
 * times; the fastest run is reported per frame or per operation:
 *
 *     BENCH <name> <value per op, one decimal> <ops per run>
 *
 *  - balloon_inflate: give BATCH frames back as a balloon driver does:
 *    one multicall unmapping their pages (update_va_mapping), then one
 *    decrease_reservation for the whole batch; per frame.
 *  - balloon_deflate: take them again: one populate_physmap for the batch
 *    (the pfns in, machine frames out, M2P set by pvx), then one multicall
 *    mapping them back; per frame.
 *  - balloon_inflate_ns / balloon_deflate_ns: the same in PV-clock
 *    nanoseconds per frame (tools/pvx-bench turns it into frames/s).
 *  - grant_map_unmap: map a granted page (a grant of our own to ourselves:
 *    the hypervisor path is the same as for a foreign grant) by va and
 *    unmap it; per map+unmap pair.
 */
#include "guest.h"
#include "../bench_util.h"
#include "clock.h"
#include <public/grant_table.h>
#include <public/memory.h>

#define RUNS 5
#define BATCH 64
#define PTE_RW 0x063ull

static char *pages[BATCH];
static xen_pfn_t list[BATCH];
static multicall_entry_t calls[BATCH];

static long reservation(unsigned int cmd)
{
    struct xen_memory_reservation r = { .nr_extents = BATCH, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    long done = HYPERVISOR_memory_op(cmd, &r);
    return done == BATCH ? 0 : (done < 0 ? done : -1);
}

/* One multicall of update_va_mapping for every page: mapped to its p2m
 * frame (map) or not (unmap). */
static long remap_all(int map)
{
    for (unsigned int i = 0; i < BATCH; i++) {
        uint64_t pte = map ? ((uint64_t)p2m[(unsigned long)pages[i] >> 12] << 12) | PTE_RW : 0;
        calls[i] = (multicall_entry_t){ .op = __HYPERVISOR_update_va_mapping,
                                        .args = { (unsigned long)pages[i], (uint32_t)pte, 0,
                                                  i == BATCH - 1 ? UVMF_TLB_FLUSH : UVMF_NONE } };
    }
    if (HYPERVISOR_multicall(calls, BATCH))
        return -1;
    for (unsigned int i = 0; i < BATCH; i++)
        if (calls[i].result)
            return calls[i].result;
    return 0;
}

static long inflate(void)
{
    for (unsigned int i = 0; i < BATCH; i++)
        list[i] = p2m[(unsigned long)pages[i] >> 12];
    long rc = remap_all(0);
    return rc ? rc : reservation(XENMEM_decrease_reservation);
}

static long deflate(void)
{
    for (unsigned int i = 0; i < BATCH; i++)
        list[i] = (unsigned long)pages[i] >> 12;
    long rc = reservation(XENMEM_populate_physmap);
    if (rc)
        return rc;
    for (unsigned int i = 0; i < BATCH; i++)
        p2m[(unsigned long)pages[i] >> 12] = list[i];
    return remap_all(1);
}

static void bench_balloon(void)
{
    for (unsigned int i = 0; i < BATCH; i++)
        pages[i] = alloc_page();
    uint64_t best_in = ~0ull, best_out = ~0ull, ns_in = ~0ull, ns_out = ~0ull;
    long rc = inflate() ? -1 : deflate();              /* warm up */
    for (unsigned int run = 0; run < RUNS && !rc; run++) {
        uint64_t n0 = guest_now(), t0 = rdtsc();
        rc = inflate();
        uint64_t t1 = rdtsc(), n1 = guest_now();
        if (!rc)
            rc = deflate();
        uint64_t t2 = rdtsc(), n2 = guest_now();
        best_in = t1 - t0 < best_in ? t1 - t0 : best_in;
        best_out = t2 - t1 < best_out ? t2 - t1 : best_out;
        ns_in = n1 - n0 < ns_in ? n1 - n0 : ns_in;
        ns_out = n2 - n1 < ns_out ? n2 - n1 : ns_out;
    }
    if (rc) {
        bench_error("balloon_inflate", rc);
        return;
    }
    bench_report("balloon_inflate", best_in, BATCH);
    bench_report("balloon_deflate", best_out, BATCH);
    bench_report("balloon_inflate_ns", ns_in, BATCH);
    bench_report("balloon_deflate_ns", ns_out, BATCH);
}

static void bench_grant(void)
{
    xen_pfn_t frame;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    set_xen_guest_handle(st.frame_list, &frame);
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status) {
        bench_error("grant_map_unmap", rc ? rc : st.status);
        return;
    }
    grant_entry_v1_t *table = alloc_page();
    uint64_t pte = ((uint64_t)frame << 12) | PTE_RW;
    HYPERVISOR_update_va_mapping((unsigned long)table, (uint32_t)pte, 0, UVMF_INVLPG);
    char *shared = alloc_page();
    table[8] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 0, .frame = va_to_mfn(shared) };
    char *slot = alloc_page();
    HYPERVISOR_update_va_mapping((unsigned long)slot, 0, 0, UVMF_INVLPG);
    const unsigned int n = 200;
    uint64_t best = ~0ull;
    for (unsigned int run = 0; run < RUNS + 1 && !rc; run++) {
        uint64_t t0 = rdtsc();
        for (unsigned int i = 0; i < n && !rc; i++) {
            struct gnttab_map_grant_ref m = { .host_addr = (unsigned long)slot, .flags = GNTMAP_host_map,
                                              .ref = 8, .dom = 0 };
            rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);
            if (!rc && m.status)
                rc = m.status;
            struct gnttab_unmap_grant_ref u = { .host_addr = (unsigned long)slot, .handle = m.handle };
            if (!rc)
                rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);
            if (!rc && u.status)
                rc = u.status;
        }
        uint64_t t = rdtsc() - t0;
        if (run > 0 && t < best)              /* run 0 warms up */
            best = t;
    }
    if (rc)
        bench_error("grant_map_unmap", rc);
    else
        bench_report("grant_map_unmap", best, n);
}

void test_main(void)
{
    bench_balloon();
    bench_grant();
}
