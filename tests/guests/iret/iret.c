/*
 * Test guest "iret": the iret hypercall (hypercall page entry 23, which the
 * guest jumps to with [eip cs eflags] on its stack and pushes eax itself)
 * returning to ring 1, as a PV kernel's every exception and event return
 * does:
 *  - execution continues at the frame's eip with the frame's eax and the
 *    stack pointer just above the frame; the other registers are kept;
 *  - the arithmetic flags come from the frame; IOPL and NT do not (the
 *    guest cannot raise its real IOPL or start a task return);
 *  - the frame's IF decides the upcall mask: IF = 0 masks events, IF = 1
 *    unmasks them (a PV kernel's "sti; iret").
 * The iret to ring 3 (esp and ss from the frame) is in traps_intn; the
 * frames the hypervisor must refuse are the iret_* crash tests.
 */
#include "traps.h"

/* What the code after the iret saw (filled by the asm in do_iret). */
struct iret_result { uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp_before, esp_after, eflags; };
struct iret_result iret_res;
uint32_t iret_frame_eflags, iret_frame_eax;

/* iret to ring 1 at the next instruction with frame eflags / eax and known
 * values in the other registers; record what arrives. */
static void do_iret(uint32_t eflags, uint32_t eax)
{
    memset(&iret_res, 0, sizeof(iret_res));
    iret_frame_eflags = eflags;
    iret_frame_eax = eax;
    __asm__ volatile(
        "pushl %%ebp\n\t"
        "movl %%esp, iret_res+28\n\t"
        "pushl iret_frame_eflags\n\t"
        "pushl $0xe019\n\t"                  /* FLAT_RING1_CS */
        "pushl $1f\n\t"
        "movl $0xb1b1b1b1, %%ebx\n\t"
        "movl $0xc1c1c1c1, %%ecx\n\t"
        "movl $0xd1d1d1d1, %%edx\n\t"
        "movl $0x51515151, %%esi\n\t"
        "movl $0xd2d2d2d2, %%edi\n\t"
        "movl $0xe1e1e1e1, %%ebp\n\t"
        "movl iret_frame_eax, %%eax\n\t"
        "jmp hypercall_page + 23 * 32\n"
        "1:\tmovl %%esp, iret_res+32\n\t"
        "movl %%eax, iret_res+0\n\t"
        "movl %%ebx, iret_res+4\n\t"
        "movl %%ecx, iret_res+8\n\t"
        "movl %%edx, iret_res+12\n\t"
        "movl %%esi, iret_res+16\n\t"
        "movl %%edi, iret_res+20\n\t"
        "movl %%ebp, iret_res+24\n\t"
        "pushfl\n\t"
        "popl iret_res+36\n\t"
        "popl %%ebp\n\t"
        ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "no shared_info");
    volatile uint8_t *mask = &shared_info->vcpu_info[0].evtchn_upcall_mask;
    const struct iret_result *r = &iret_res;

    /* IF = 0: events masked; CF, ZF, SF from the frame, IOPL and NT not. */
    *mask = 0;
    do_iret(0x3000 | 0x4000 | 0x80 | 0x40 | 0x01 | 0x02, 0x12345678);
    CHECK_EQ(r->eax, 0x12345678);
    CHECK_EQ(r->ebx, 0xb1b1b1b1);
    CHECK_EQ(r->ecx, 0xc1c1c1c1);
    CHECK_EQ(r->edx, 0xd1d1d1d1);
    CHECK_EQ(r->esi, 0x51515151);
    CHECK_EQ(r->edi, 0xd2d2d2d2);
    CHECK_EQ(r->ebp, 0xe1e1e1e1);
    CHECK_EQ(r->esp_after, r->esp_before);               /* the 16-byte frame is popped */
    CHECK_EQ(r->eflags & 0xc1, 0xc1);                    /* SF ZF CF */
    CHECK_EQ(r->eflags & 0x3000, 0);                     /* IOPL stays 0 */
    CHECK_EQ(r->eflags & 0x4000, 0);                     /* NT cleared */
    CHECK_EQ(*mask, 1);

    /* IF = 1: events unmasked, flags cleared where the frame has them clear. */
    do_iret(0x202, 0xfffffff2);
    CHECK_EQ(*mask, 0);
    CHECK_EQ(r->eax, 0xfffffff2);
    CHECK_EQ(r->eflags & 0xc1, 0);
    CHECK_EQ(r->esp_after, r->esp_before);
    *mask = 1;

    /* Again with IF = 0 from an unmasked state. */
    *mask = 0;
    do_iret(0x002, 0);
    CHECK_EQ(*mask, 1);
    CHECK_EQ(r->eax, 0);
}
