/*
 * Test guest "int80_ring1": `int $0x80` from ring 1 (the guest kernel
 * itself) takes the hypervisor's C path, not the ring-3 fast path, and
 * behaves as any `int n` from ring 1:
 *  - an entry of DPL 3 or 1 admits ring 1: the handler gets Xen's frame
 *    without ss/esp on the stack it was using (esp - 12): eflags cs eip,
 *    eip after the instruction, the ring-1 cs with the saved upcall mask in
 *    bits 16-23, IF = !mask; eax and ebx as they were; events masked on
 *    entry with flag 4, left alone without;
 *  - an entry of DPL 0 (or none) does not: #GP with error code
 *    (0x80 << 3) | 2 = 0x402 at the instruction.
 */
#include "traps.h"

static uint32_t int_eip, esp_at_int;

/* int $0x80 with markers in eax and ebx; resumes after it either way. */
static void ring1_int80(void)
{
    __asm__ volatile("movl %%esp, %[sp]\n\t"
                     "movl $1f, %[at]\n\t"
                     "movl $0x12345678, %%eax\n\t"
                     "movl $0x0b0b0b0b, %%ebx\n"
                     "1: int $0x80\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [sp] "=m"(esp_at_int), [at] "=m"(int_eip) :: "eax", "ebx", "memory");
}

/* Through an entry that admits ring 1, with events masked (1) or not. */
static void check_delivered(unsigned int entry_flags, unsigned int mask)
{
    CHECK_EQ(trap_set(0x80, entry_flags), 0);
    trap_reset();
    shared_info->vcpu_info[0].evtchn_upcall_mask = mask;
    ring1_int80();
    unsigned int mask_after = shared_info->vcpu_info[0].evtchn_upcall_mask;
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.error_code, 0);
    CHECK_EQ(last_trap.eip, int_eip + 2);
    CHECK_EQ(last_trap.cs, FLAT_RING1_CS | (mask << 16));
    CHECK_EQ(last_trap.eflags & 0x200, mask ? 0 : 0x200);
    CHECK_EQ(last_trap.esp, 0);                     /* no ss/esp from ring 1 */
    CHECK_EQ(last_trap.frame_va, esp_at_int - 12);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(last_trap.eax, 0x12345678);
    CHECK_EQ(last_trap.ebx, 0x0b0b0b0b);
    CHECK_EQ(last_trap.upcall_mask, (entry_flags & 4) ? 1 : mask);
    CHECK_EQ(mask_after, mask);                     /* the iret hypercall restored it */
}

static void check_refused(void)
{
    trap_reset();
    ring1_int80();
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 13);
    CHECK_EQ(last_trap.error_code, 0x402);
    CHECK_EQ(last_trap.eip, int_eip);
    CHECK_EQ(last_trap.frame_va, esp_at_int - 16);  /* + error code */
    CHECK_EQ(last_trap.eax, 0x12345678);
}

void test_main(void)
{
    trap_install();
    check_refused();                                /* no entry: DPL 0 */
    check_delivered(4 | 3, 0);
    check_delivered(3, 0);
    check_delivered(4 | 3, 1);
    check_delivered(4 | 1, 0);
    check_delivered(1, 1);
    CHECK_EQ(trap_set(0x80, 0), 0);
    check_refused();
}
