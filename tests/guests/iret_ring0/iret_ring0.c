/*
 * Test guest "iret_ring0": an iret hypercall whose frame returns to ring 0
 * (cs 0xe018, FLAT_RING1_CS with RPL 0) must not take the guest there: the
 * hypervisor crashes the domain with a message saying why, frees it and,
 * as dom0 is the only domain, powers off with status 1. `expect` checks the
 * message and that the hypervisor survived to tear the domain down. If the
 * iret comes back, the test reports FAILURE (status 0, refused by expect).
 */
#include "guest.h"

void test_main(void)
{
    guest_printf("iret_ring0: iret to cs %x\n", FLAT_RING1_CS & ~3u);
    __asm__ volatile("pushl $0x002\n\t"
                     "pushl %0\n\t"
                     "pushl $1f\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     "1:\taddl $0, %%esp\n"
                     :: "i"(FLAT_RING1_CS & ~3u) : "eax", "memory");
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    guest_printf("FAIL: the iret to ring 0 returned (cs %x)\n", cs);
    test_exit("FAILURE", "iret to ring 0 was not refused");
}
