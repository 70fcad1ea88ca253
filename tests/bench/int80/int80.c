/*
 * Bench guest "int80": what a system call through `int $0x80` from ring 3
 * costs a 32-bit PV guest, made the way guest-os makes one: trap-table entry
 * 0x80 with DPL 3 (and events masked on entry, flag 4), a ring-1 stack from
 * stack_switch, ring 3 with events on. Two figures, each the best of RUNS
 * runs of N calls:
 *
 *  - int80_to_handler: from ring 3's `rdtsc` just before the `int $0x80` to
 *    the ring-1 handler's first instruction (also an `rdtsc`), less the same
 *    interval with two back-to-back rdtsc (int80_rdtsc_b2b): the `int`
 *    instruction and everything the hypervisor does to deliver it.
 *  - int80_round_trip: a loop of `int $0x80` whose handler only returns
 *    through the iret hypercall: per iteration, int, hypervisor, handler
 *    (`jmp` to the hypercall page, `push %eax; mov $23, %eax; int $0x82`),
 *    iret hypercall, back in ring 3, and the loop's `dec; jnz`.
 *
 * Under `-icount shift=0` rdtsc counts instructions (deterministic), without
 * it host cycles. Output lines: `BENCH <name> <value, one decimal> <ops>`
 * (bench_util.h), read by tools/pvx-bench (docs/performance.md).
 */
#include "traps.h"
#include "../bench_util.h"

#define RUNS 5
#define N 2000

extern char user_code_start[], user_code_end[];
extern char user_stamp_loop[], user_b2b_loop[], user_round_trip_loop[];
extern char int80_stamp_handler[], int80_return_handler[];

static uint32_t user_esp;

/* Run one ring-3 loop of n iterations; it ends with int $0x81. */
static void run_loop(const char *loop, uint32_t n)
{
    user_run((uint32_t)loop, user_esp, 0x202, n);
    CHECK_EQ(last_trap.vector, 0x81);
}

/* The least ebx (a loop's least delta) over RUNS runs. */
static uint32_t least_delta(const char *loop)
{
    uint32_t best = ~0u;
    for (unsigned int run = 0; run < RUNS; run++) {
        run_loop(loop, N);
        if (last_trap.ebx < best)
            best = last_trap.ebx;
    }
    return best;
}

void test_main(void)
{
    trap_install();
    CHECK_EQ(trap_set(0x81, 3), 0);
    user_esp = user_setup(NULL) - 16;
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);

    CHECK_EQ(trap_set_raw(0x80, 4 | 3, FLAT_RING1_CS, (uint32_t)int80_stamp_handler), 0);
    uint32_t b2b = least_delta(user_b2b_loop);
    uint32_t stamp = least_delta(user_stamp_loop);
    bench_report("int80_rdtsc_b2b", b2b, 1);         /* least single deltas: "per 1" */
    if (stamp < b2b)
        bench_error("int80_to_handler", -1);
    else
        bench_report("int80_to_handler", stamp - b2b, 1);

    CHECK_EQ(trap_set_raw(0x80, 4 | 3, FLAT_RING1_CS, (uint32_t)int80_return_handler), 0);
    uint64_t best = ~0ull;
    for (unsigned int run = 0; run < RUNS; run++) {
        run_loop(user_round_trip_loop, N);
        if (last_trap.eax < best)
            best = last_trap.eax;
    }
    bench_report("int80_round_trip", best, N);
    if (checks_failed)
        guest_printf("BENCH_ERROR int80 %u\n", checks_failed);
}
