/*
 * Test guest "iret_vm86": an iret hypercall whose eflags has VM set would
 * enter virtual-8086 mode, which a PV guest may not use (and long mode does
 * not have): the hypervisor crashes the domain and says so, then powers off
 * with status 1 (`expect`). Returning is a FAILURE.
 */
#include "guest.h"

void test_main(void)
{
    guest_printf("iret_vm86: iret with eflags.VM\n");
    __asm__ volatile("pushl $0x20002\n\t"
                     "pushl %0\n\t"
                     "pushl $1f\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     "1:\n"
                     :: "i"(FLAT_RING1_CS) : "eax", "memory");
    guest_printf("FAIL: the iret to vm86 mode returned\n");
    test_exit("FAILURE", "iret to vm86 was not refused");
}
