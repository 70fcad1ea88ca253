/*
 * Test guest "iret_bad_cs": an iret hypercall to ring 1 whose cs is a
 * selector the CPU refuses to load as a code segment (FLAT_RING1_DS, a data
 * segment, with RPL 1). The hypervisor's own iretq faults; that fault must
 * be caught (bad_iret in entry.S) and turned into a crash of the domain
 * with a message naming the selectors, not a hypervisor panic, and the
 * machine powers off with status 1 (`expect`). Returning is a FAILURE.
 */
#include "guest.h"

void test_main(void)
{
    guest_printf("iret_bad_cs: iret with cs %x\n", FLAT_RING1_DS);
    __asm__ volatile("pushl $0x002\n\t"
                     "pushl %0\n\t"
                     "pushl $1f\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     "1:\taddl $0, %%esp\n"
                     :: "i"(FLAT_RING1_DS) : "eax", "memory");
    guest_printf("FAIL: the iret with a data segment as cs returned\n");
    test_exit("FAILURE", "bad cs was not refused");
}
