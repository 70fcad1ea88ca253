/*
 * Test guest "iret_bad_frame_outer": an iret hypercall to ring 3 whose
 * frame is readable as far as eflags but whose ss straddles the end of a
 * mapped page into an unmapped one (the frame starts 22 bytes below the
 * unmapped page, so ss is bytes 20-23: two mapped, two not). The return
 * to ring 3 needs esp and ss, so the hypervisor must crash the domain with
 * "frame ... unreadable" rather than return with half an ss (a 16-bit read
 * of ss would succeed) or fault itself; status 1 (`expect`). Returning is
 * a FAILURE.
 */
#include "guest.h"

void test_main(void)
{
    /* Two consecutive pool pages; unmap the upper one. */
    char *low = alloc_page(), *high = alloc_page();
    if (high != low + 4096 ||
        HYPERVISOR_update_va_mapping((unsigned long)high, 0, 0, UVMF_INVLPG) != 0)
        test_exit("ERROR", "cannot set up the unmapped page");
    char *frame = high - 22;
    uint32_t *f = (uint32_t *)(void *)(frame + 4);       /* eip cs eflags esp */
    f[0] = 0x1000;
    f[1] = FLAT_RING3_CS;
    f[2] = 0x202;
    f[3] = 0x2000;
    frame[20] = (char)(FLAT_RING3_SS & 0xff);            /* ss's mapped half */
    frame[21] = (char)(FLAT_RING3_SS >> 8);
    guest_printf("iret_bad_frame_outer: ring-3 frame at %p, ss at %p\n", frame, frame + 20);
    /* Entry 23 pushes eax just below esp: at the frame's start. */
    __asm__ volatile("movl %0, %%esp\n\t"
                     "movl $0x11111111, %%eax\n\t"
                     "jmp hypercall_page + 23 * 32\n"
                     :: "r"(frame + 4) : "eax", "memory");
    test_exit("FAILURE", "not reached");
}
