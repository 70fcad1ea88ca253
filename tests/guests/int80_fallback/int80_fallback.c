/*
 * Test guest "int80_fallback": what the int $0x80 fast path leaves to the
 * C path ends as it always did. Ring 3 writes vcpu_info (shared_info is
 * mapped user-writable here, as no real kernel would) just before its
 * `int $0x80`, to make the two states a guest can otherwise never bring
 * into ring 3:
 *  - an upcall pending with events unmasked: the system call is bounced
 *    first, then the event upcall on top of it (as on any return to a
 *    guest), so the callback interrupts the 0x80 handler's first
 *    instruction and the handler then runs with ring 3's frame intact;
 *  - an upcall mask of 2 (neither 0 nor 1): the frame carries it in bits
 *    16-23 of the cs slot and IF clear, and flag 4 makes it 1 on entry.
 */
#include "traps.h"
#include "events.h"

extern char user_code_start[], user_code_end[];
extern char user_pending_int80[], user_pending_int80_after[];
extern char user_mask2_int80[], user_mask2_int80_after[];

static unsigned long ksp;
static uint32_t uesp;

/* Run one snippet (eax = &vcpu_info[0]) and check the system call's frame. */
static void run_and_check(const char *snippet, const char *after)
{
    trap_reset();
    upcall_reset();
    user_run((uint32_t)snippet, uesp, 0x202, (uint32_t)&shared_info->vcpu_info[0]);
    CHECK_EQ(last_trap.count, 1);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.eip, (uint32_t)after);
    CHECK_EQ(last_trap.esp, uesp);
    CHECK_EQ(last_trap.ss, FLAT_RING3_SS);
    CHECK_EQ(last_trap.frame_va, ksp - 20);
}

void test_main(void)
{
    trap_install();
    events_install_callback();
    uesp = user_setup(&ksp) - 16;
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    CHECK_EQ(user_map_code(shared_info, (char *)shared_info + 1), 0);

    /* An upcall pending, events on, an entry that leaves them on. */
    CHECK_EQ(trap_set(0x80, 3), 0);
    run_and_check(user_pending_int80, user_pending_int80_after);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS);
    CHECK_EQ(last_upcall.count, 1);
    CHECK_EQ(last_upcall.eip, trap_stub_table[0x80]);
    CHECK_EQ(last_upcall.cs, FLAT_RING1_CS);
    CHECK_EQ(last_upcall.frame_va, ksp - 20 - 12);
    CHECK_EQ(shared_info->vcpu_info[0].evtchn_upcall_pending, 0);

    /* Upcall mask 2. */
    run_and_check(user_mask2_int80, user_mask2_int80_after);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS | (2u << 16));
    CHECK_EQ(last_trap.eflags & 0x200, 0);
    CHECK_EQ(last_trap.upcall_mask, 2);
    CHECK_EQ(last_upcall.count, 0);
    CHECK_EQ(trap_set(0x80, 4 | 3), 0);
    run_and_check(user_mask2_int80, user_mask2_int80_after);
    CHECK_EQ(last_trap.cs, FLAT_RING3_CS | (2u << 16));
    CHECK_EQ(last_trap.upcall_mask, 1);
}
