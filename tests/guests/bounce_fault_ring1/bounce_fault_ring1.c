/*
 * Test guest "bounce_fault_ring1": a fault in ring 1 while esp points at an
 * unmapped page. The bounce frame cannot be written; the hypervisor's copy
 * faults, and that must end in a crash of the domain ("fault while
 * bouncing"), not a hypervisor fault or an endless loop of page faults.
 * Status 1 (`expect`).
 */
#include "traps.h"

void test_main(void)
{
    trap_install();
    unsigned long hole = (unsigned long)unmapped_page();
    guest_printf("bounce_fault_ring1: ud2 with esp %lx\n", hole + 4096);
    __asm__ volatile("movl %0, %%esp\n\tud2" :: "r"(hole + 4096) : "memory");
    test_exit("FAILURE", "not reached");
}
