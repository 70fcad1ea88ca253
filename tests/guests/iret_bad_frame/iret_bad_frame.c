/*
 * Test guest "iret_bad_frame": an iret hypercall whose frame lies on an
 * unmapped page. The stack pointer is set to the start of an unmapped page
 * just above a mapped one, so entry 23's `push %eax` still works but the
 * rest of the frame (eip, cs, eflags) cannot be read: the hypervisor must
 * notice (not fault itself), crash the domain with "frame ... unreadable"
 * and power off with status 1 (`expect`). Returning is a FAILURE.
 */
#include "guest.h"

void test_main(void)
{
    /* Two consecutive pool pages; unmap the upper one. */
    char *low = alloc_page(), *high = alloc_page();
    if (high != low + 4096 ||
        HYPERVISOR_update_va_mapping((unsigned long)high, 0, 0, UVMF_INVLPG) != 0)
        test_exit("ERROR", "cannot set up the unmapped page");
    guest_printf("iret_bad_frame: iret with esp %p (frame at %p)\n", high, high - 4);
    __asm__ volatile("movl %0, %%esp\n\t"
                     "movl $0x11111111, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     :: "r"(high) : "eax", "memory");
    test_exit("FAILURE", "not reached");
}
