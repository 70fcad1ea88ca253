/*
 * pvx: the benchmark floor. IDT vector 0x83 (DPL 1) lands here and returns
 * at once: `int $0x83` from ring 1 measures the bare cost of a ring-1 to
 * ring-0 trap and back (tests/bench/hcbench, make bench). It reads and
 * writes no state: no registers, no memory, no hypervisor data.
 */
        .text
        .globl bench_gate_entry
bench_gate_entry:
        iretq
