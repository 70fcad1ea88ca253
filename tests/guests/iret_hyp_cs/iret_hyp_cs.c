/*
 * Test guest "iret_hyp_cs": an iret hypercall to the hypervisor's own
 * 64-bit code segment (0xe008) with RPL 1, 0xe009. The RPL passes the
 * "not ring 0" check, so it is the CPU that must refuse it (the descriptor
 * has DPL 0): the hypervisor's iretq faults, and that must become a crash
 * of the domain ("cannot return to guest"), never 64-bit code running for
 * the guest, nor a hypervisor panic. Status 1 (`expect`).
 */
#include "guest.h"

void test_main(void)
{
    guest_printf("iret_hyp_cs: iret with cs e009\n");
    __asm__ volatile("pushl $0x002\n\t"
                     "pushl $0xe009\n\t"
                     "pushl $1f\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     "1:\taddl $0, %%esp\n"
                     ::: "eax", "memory");
    guest_printf("FAIL: the iret to the hypervisor's code segment returned\n");
    test_exit("FAILURE", "cs e009 was not refused");
}
