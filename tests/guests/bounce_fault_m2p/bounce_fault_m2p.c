/*
 * Test guest "bounce_fault_m2p": a fault in ring 1 with esp inside the
 * read-only M2P (the hypervisor area at 0xF5800000). The guest cannot write
 * there and neither may the hypervisor on its behalf: the bounce frame must
 * not be written into the M2P; the domain is crashed ("fault while
 * bouncing"). Status 1 (`expect`).
 */
#include "traps.h"

void test_main(void)
{
    trap_install();
    unsigned long esp = MACH2PHYS_VIRT_START + 0x100;
    guest_printf("bounce_fault_m2p: ud2 with esp %lx\n", esp);
    __asm__ volatile("movl %0, %%esp\n\tud2" :: "r"(esp) : "memory");
    test_exit("FAILURE", "not reached");
}
