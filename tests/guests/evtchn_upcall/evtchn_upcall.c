/*
 * Test guest "evtchn_upcall": events reach the guest kernel through its
 * event callback (lib/event_entry.S, registered with callback_op), as a
 * 2-level Xen guest expects:
 *  - with events unmasked, bind_ipi + send raises exactly one upcall, at
 *    the return of the send hypercall: the frame is eip (just after the
 *    stub's int $0x82), cs = FLAT_RING1_CS with the saved mask (0) in bits
 *    16-23, eflags with IF set; the callback runs with events masked and
 *    upcall_pending set, the selector has the port's word and the port's
 *    pending bit is set; send's result (eax) survives; the iret unmasks;
 *  - a masked port (evtchn_mask) sets only its pending bit: no upcall
 *    until EVTCHNOP_unmask, which then upcalls at its own return;
 *  - a port made by bind_interdomain (loopback) starts pending: upcall;
 *  - with events masked in vcpu_info an upcall waits, whatever hypercalls
 *    run, until the guest unmasks and makes a hypercall (xen_version(0));
 *  - an event raised inside the callback (masked) is delivered as soon as
 *    the iret unmasks, before the interrupted code runs again;
 *  - wait_for_port() sees a port raised from the callback.
 */
#include "events.h"

/* Where an upcall at the return of hypercall nr's stub resumes. */
static uint32_t after_hypercall(unsigned int nr)
{
    return (uint32_t)hypercall_page + nr * 32 + 7;   /* mov $nr, %eax (5); int $0x82 (2) */
}

static volatile struct vcpu_info *vi;
static long ipi, ipi2;

static void check_frame_at(unsigned int nr, int line)
{
    check_eq(last_upcall.eip, after_hypercall(nr), "upcall eip", __FILE__, line);
    check_eq(last_upcall.cs, FLAT_RING1_CS, "upcall cs (saved mask in bits 16-23: 0)", __FILE__, line);
    check_true((last_upcall.eflags & 0x200) != 0, "upcall eflags.IF", __FILE__, line);
    check_eq(last_upcall.mask_at_entry, 1, "events masked in the callback", __FILE__, line);
    check_eq(last_upcall.pending_at_entry, 1, "upcall_pending in the callback", __FILE__, line);
}
#define CHECK_FRAME_AT(nr) check_frame_at((nr), __LINE__)

static void test_ipi(void)
{
    ipi = evtchn_bind_ipi(0);
    CHECK(ipi > 0);
    events_enable();
    CHECK_EQ(last_upcall.count, 0);                 /* nothing pending yet */
    long rc = evtchn_send((evtchn_port_t)ipi);
    CHECK_EQ(rc, 0);
    CHECK_EQ(last_upcall.count, 1);
    CHECK_FRAME_AT(__HYPERVISOR_event_channel_op);
    CHECK_EQ(last_upcall.eax, 0);                   /* send's result, then restored */
    CHECK_EQ(last_upcall.sel, 1u << (ipi / 32));
    CHECK(evtchn_is_pending((evtchn_port_t)ipi));
    CHECK_EQ(vi->evtchn_upcall_mask, 0);            /* the iret unmasked */
    CHECK_EQ(vi->evtchn_upcall_pending, 0);         /* the callback acknowledged */
    /* Still pending (not consumed): sending again changes nothing. */
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    events_force();
    CHECK_EQ(last_upcall.count, 1);
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
    /* Consumed: the next send upcalls again. */
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    CHECK_EQ(last_upcall.count, 2);
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
}

static void test_masked_port(void)
{
    unsigned int before = last_upcall.count;
    evtchn_mask((evtchn_port_t)ipi);
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    events_force();
    CHECK_EQ(last_upcall.count, before);
    CHECK(evtchn_is_pending((evtchn_port_t)ipi));
    CHECK_EQ(vi->evtchn_pending_sel, 0);
    CHECK_EQ(vi->evtchn_upcall_pending, 0);
    CHECK_EQ(evtchn_unmask((evtchn_port_t)ipi), 0);
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_FRAME_AT(__HYPERVISOR_event_channel_op);
    CHECK_EQ(last_upcall.sel, 1u << (ipi / 32));
    CHECK(!evtchn_is_masked((evtchn_port_t)ipi));
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
    /* Unmasking a port that is not pending: no upcall. */
    evtchn_mask((evtchn_port_t)ipi);
    CHECK_EQ(evtchn_unmask((evtchn_port_t)ipi), 0);
    CHECK_EQ(last_upcall.count, before + 1);
}

static void test_loopback_starts_pending(void)
{
    unsigned int before = last_upcall.count;
    long a = evtchn_alloc_unbound(DOMID_SELF, DOMID_SELF);
    CHECK(a > 0);
    CHECK_EQ(last_upcall.count, before);
    long b = evtchn_bind_interdomain(DOMID_SELF, (evtchn_port_t)a);
    CHECK(b > 0);
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_FRAME_AT(__HYPERVISOR_event_channel_op);
    CHECK_EQ(last_upcall.eax, 0);                   /* bind_interdomain's result */
    CHECK(evtchn_test_and_clear((evtchn_port_t)b));
    CHECK(!evtchn_is_pending((evtchn_port_t)a));
    CHECK_EQ(evtchn_send((evtchn_port_t)b), 0);
    CHECK_EQ(last_upcall.count, before + 2);
    CHECK(evtchn_test_and_clear((evtchn_port_t)a));
    CHECK_EQ(evtchn_send((evtchn_port_t)a), 0);
    CHECK_EQ(last_upcall.count, before + 3);
    CHECK(evtchn_test_and_clear((evtchn_port_t)b));
    CHECK_EQ(evtchn_close((evtchn_port_t)a), 0);
    CHECK_EQ(evtchn_close((evtchn_port_t)b), 0);
}

static void test_deferred_while_masked(void)
{
    unsigned int before = last_upcall.count;
    events_mask();
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    CHECK_EQ(vi->evtchn_upcall_pending, 1);
    CHECK_EQ(vi->evtchn_pending_sel, 1u << (ipi / 32));
    for (unsigned int i = 0; i < 5; i++)
        events_force();
    guest_printf("evtchn_upcall: an upcall is pending while events are masked\n");
    CHECK_EQ(last_upcall.count, before);
    events_unmask();
    events_force();                                  /* xen_version(0), as Xen guests do */
    CHECK_EQ(last_upcall.count, before + 1);
    CHECK_EQ(last_upcall.mask_at_entry, 1);
    CHECK_EQ(last_upcall.sel, 1u << (ipi / 32));
    CHECK_EQ(vi->evtchn_upcall_mask, 0);
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
}

/* From inside the callback (events masked): raise another port, once. */
static unsigned int hook_runs;
static void raise_ipi2(void)
{
    if (hook_runs++ == 0)
        evtchn_send((evtchn_port_t)ipi2);
}

static void test_raised_inside_callback(void)
{
    ipi2 = evtchn_bind_ipi(0);
    CHECK(ipi2 > 0);
    unsigned int before = last_upcall.count;
    upcall_hook = raise_ipi2;
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);
    upcall_hook = NULL;
    /* The second upcall came at the iret's return, before this code ran. */
    CHECK_EQ(hook_runs, 2);
    CHECK_EQ(last_upcall.count, before + 2);
    CHECK_EQ(last_upcall.eip, after_hypercall(__HYPERVISOR_event_channel_op));
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi2));
}

/* wait_for_port: the port is raised by the callback that the first
 * delivery point (inside wait_for_port) runs. */
static void raise_ipi2_once(void)
{
    upcall_hook = NULL;
    evtchn_send((evtchn_port_t)ipi2);
}

static void test_wait_for_port(void)
{
    events_mask();
    CHECK_EQ(evtchn_send((evtchn_port_t)ipi), 0);     /* pending, masked */
    upcall_hook = raise_ipi2_once;
    CHECK_EQ(wait_for_port((evtchn_port_t)ipi2), 1);
    CHECK_EQ(vi->evtchn_upcall_mask, 1);              /* restored */
    CHECK(!evtchn_is_pending((evtchn_port_t)ipi2));   /* consumed */
    CHECK(evtchn_test_and_clear((evtchn_port_t)ipi));
    events_enable();
}

void test_main(void)
{
    if (!shared_info)
        test_exit("ERROR", "shared_info not mapped");
    vi = &shared_info->vcpu_info[0];
    CHECK_EQ(vi->evtchn_upcall_mask, 1);             /* the vCPU starts masked */
    events_install_callback();
    test_ipi();
    test_masked_port();
    test_loopback_starts_pending();
    test_deferred_while_masked();
    test_raised_inside_callback();
    test_wait_for_port();
    events_mask();
}
