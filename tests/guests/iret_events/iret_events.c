/*
 * Test guest "iret_events": what the iret hypercall does about a pending
 * event on its way out, to ring 1 and to ring 3. hypercall_entry's iret
 * fast path and the full path (do_iret in C) must agree, so this passes
 * on both:
 *  - an upcall pending while the frame's IF unmasks events is delivered at
 *    once: the callback's frame names the iret's target (its eip; cs with
 *    the saved mask 0; IF set) and carries the frame's eax; then the
 *    target runs with that eax, every other register as before the iret
 *    and the stack just above the frame;
 *  - with IF = 0 in the frame the upcall waits (mask 1, still pending)
 *    and the target runs first;
 *  - the same two to ring 3: the upcall comes before ring 3's first
 *    instruction, its frame naming that instruction and FLAT_RING3_CS;
 *    with IF = 0 ring 3 runs with events masked. Ring 3 sees every
 *    register the kernel set (user.S checks them) and the frame's eax.
 * (iret covers the flags and the mask without events; iret_bad_* the
 * frames that crash the domain; multicall an iret inside a batch.)
 */
#include "traps.h"
#include "events.h"

extern char user_code_start[], user_code_end[], user_check_regs[];
extern char iret_events_target[];
void iret_user_enter(uint32_t eip, uint32_t esp, uint32_t eflags, uint32_t eax);

/* What the code after a ring-1 iret saw (filled by the asm in iret_ring1). */
struct iret_result { uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp_before, esp_after; };
struct iret_result iret_res;
uint32_t iret_frame_eflags, iret_frame_eax;

static volatile struct vcpu_info *vi;
static long port;

/* iret to ring 1 at iret_events_target with frame eflags / eax and known
 * values in the other registers; record what arrives. */
static void iret_ring1(uint32_t eflags, uint32_t eax)
{
    memset(&iret_res, 0, sizeof(iret_res));
    iret_frame_eflags = eflags;
    iret_frame_eax = eax;
    __asm__ volatile(
        "pushl %%ebp\n\t"
        "movl %%esp, iret_res+28\n\t"
        "pushl iret_frame_eflags\n\t"
        "pushl $0xe019\n\t"                  /* FLAT_RING1_CS */
        "pushl $iret_events_target\n\t"
        "movl $0xb1b1b1b1, %%ebx\n\t"
        "movl $0xc1c1c1c1, %%ecx\n\t"
        "movl $0xd1d1d1d1, %%edx\n\t"
        "movl $0x51515151, %%esi\n\t"
        "movl $0xd2d2d2d2, %%edi\n\t"
        "movl $0xe1e1e1e1, %%ebp\n\t"
        "movl iret_frame_eax, %%eax\n\t"
        "jmp hypercall_page + 23 * 32\n"
        ".globl iret_events_target\n"
        "iret_events_target:\n\t"
        "movl %%esp, iret_res+32\n\t"
        "movl %%eax, iret_res+0\n\t"
        "movl %%ebx, iret_res+4\n\t"
        "movl %%ecx, iret_res+8\n\t"
        "movl %%edx, iret_res+12\n\t"
        "movl %%esi, iret_res+16\n\t"
        "movl %%edi, iret_res+20\n\t"
        "movl %%ebp, iret_res+24\n\t"
        "popl %%ebp\n\t"
        ::: "eax", "ebx", "ecx", "edx", "esi", "edi", "memory", "cc");
}

/* The registers after iret_ring1 are the ones it set, eax the frame's. */
static void check_ring1_regs(uint32_t eax, int line)
{
    const struct iret_result *r = &iret_res;
    check_eq(r->eax, eax, "eax from the frame", __FILE__, line);
    check_eq(r->ebx, 0xb1b1b1b1, "ebx", __FILE__, line);
    check_eq(r->ecx, 0xc1c1c1c1, "ecx", __FILE__, line);
    check_eq(r->edx, 0xd1d1d1d1, "edx", __FILE__, line);
    check_eq(r->esi, 0x51515151, "esi", __FILE__, line);
    check_eq(r->edi, 0xd2d2d2d2, "edi", __FILE__, line);
    check_eq(r->ebp, 0xe1e1e1e1, "ebp", __FILE__, line);
    check_eq(r->esp_after, r->esp_before, "esp just above the frame", __FILE__, line);
}
#define CHECK_RING1_REGS(eax) check_ring1_regs((eax), __LINE__)

/* An upcall pending while events are masked (a send to our own IPI). */
static void raise_masked(void)
{
    vi->evtchn_upcall_mask = 1;
    CHECK_EQ(evtchn_send((evtchn_port_t)port), 0);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
}

/* Deliver what is still pending and consume the port. */
static void settle(void)
{
    events_enable();
    CHECK(evtchn_test_and_clear((evtchn_port_t)port));
    CHECK_EQ(vi->evtchn_upcall_pending, 0);
}

static void test_ring1(void)
{
    /* IF = 1 with an upcall pending: delivered at the iret's target. */
    raise_masked();
    unsigned int before = last_upcall.count;
    iret_ring1(0x202, 0x12345678);
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_EQ(last_upcall.eip, (uint32_t)iret_events_target);
    CHECK_EQ(last_upcall.cs, FLAT_RING1_CS);            /* saved mask 0 */
    CHECK((last_upcall.eflags & 0x200) != 0);
    CHECK_EQ(last_upcall.eax, 0x12345678);
    CHECK_EQ(last_upcall.mask_at_entry, 1);
    CHECK_RING1_REGS(0x12345678);
    CHECK_EQ(vi->evtchn_upcall_mask, 0);                /* the callback's iret unmasked */
    CHECK(evtchn_test_and_clear((evtchn_port_t)port));

    /* IF = 0: it waits. */
    raise_masked();
    before = last_upcall.count;
    iret_ring1(0x002, 0x9abcdef0);
    CHECK_EQ(last_upcall.count, before);
    CHECK_EQ(vi->evtchn_upcall_mask, 1);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
    CHECK_RING1_REGS(0x9abcdef0);
    settle();
    CHECK_EQ(last_upcall.count, before + 1);

    /* Nothing pending, IF = 1: a plain return, events on. */
    before = last_upcall.count;
    vi->evtchn_upcall_mask = 1;
    iret_ring1(0x202, 0);
    CHECK_EQ(last_upcall.count, before);
    CHECK_EQ(vi->evtchn_upcall_mask, 0);
    CHECK_RING1_REGS(0);
}

/* Enter ring 3 at user_check_regs; returns at its int $0x81. */
static void run_ring3(uint32_t esp, uint32_t eflags, uint32_t eax)
{
    trap_reset();
    iret_user_enter((uint32_t)user_check_regs, esp, eflags, eax);
    CHECK_EQ(last_trap.vector, 0x81);
    CHECK_EQ(last_trap.ebx, 1);                         /* every register arrived */
    CHECK_EQ(last_trap.eax, eax);
}

static void test_ring3(void)
{
    unsigned long utop = user_setup(NULL);
    if (user_map_code(user_code_start, user_code_end) || trap_set(0x81, 3))
        test_exit("ERROR", "cannot set up ring 3");
    uint32_t uesp = utop - 16;

    /* Nothing pending. */
    unsigned int before = last_upcall.count;
    run_ring3(uesp, 0x202, 0x11111111);
    CHECK_EQ(last_upcall.count, before);
    CHECK_EQ(last_trap.upcall_mask, 0);

    /* IF = 1 with an upcall pending: it comes before ring 3 runs. */
    raise_masked();
    run_ring3(uesp, 0x202, 0x22222222);
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_EQ(last_upcall.eip, (uint32_t)user_check_regs);
    CHECK_EQ(last_upcall.cs, FLAT_RING3_CS);
    CHECK_EQ(last_upcall.eax, 0x22222222);
    CHECK_EQ(last_trap.upcall_mask, 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)port));

    /* IF = 0: ring 3 runs with events masked; the upcall waits. */
    raise_masked();
    run_ring3(uesp, 0x002, 0x33333333);
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_EQ(last_trap.upcall_mask, 1);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
    settle();
    CHECK_EQ(last_upcall.count, before + 2);
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "no shared_info");
    vi = &shared_info->vcpu_info[0];
    trap_install();
    events_install_callback();
    port = evtchn_bind_ipi(0);
    if (port <= 0)
        test_exit("ERROR", "cannot bind an IPI");
    test_ring1();
    test_ring3();
}
