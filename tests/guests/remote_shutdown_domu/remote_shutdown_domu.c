/*
 * DomU program "remote_shutdown_domu" (run by remote_shutdown, not on its
 * own). The `domains` file makes role=victim d1 and role=rogue d2.
 *  - role=victim binds the port dom0 offers it, says hello and runs until
 *    dom0 stops it with SCHEDOP_remote_shutdown: it sleeps on 10 ms
 *    singleshot timers (in SCHEDOP_poll with a timeout), so it is stopped
 *    with timers armed. If it is still running after 30 s it fails.
 *  - role=rogue tries what only dom0 may do, and must be refused without
 *    effect: SCHEDOP_remote_shutdown of dom0, of the victim and of itself
 *    (-EPERM; the victim keeps running), CONSOLEIO_read (-EPERM),
 *    XENVER_commandline (-EPERM, the buffer untouched), and
 *    XENMEM_current/maximum_reservation of dom0 or the victim (-EPERM).
 *    Its own reservation (DOMID_SELF or its id) is its size, 2049, and a
 *    domain that does not exist is -ESRCH (looked up first, as in Xen).
 *    It prints a line made to look like the hypervisor's (erase the line,
 *    carriage return, "(pvx) ..."): `expect` finds it with its own "(d2) "
 *    prefix and without the control characters.
 *    Then it tells dom0 over the port dom0 offers it, and ends when dom0
 *    answers.
 */
#include "domains.h"
#include <public/vcpu.h>

#define VICTIM 1
#define ROGUE 2

static long reservation(unsigned int cmd, domid_t id)
{
    return HYPERVISOR_memory_op(cmd, &id);
}

static long remote_shutdown(domid_t id, unsigned int reason)
{
    struct sched_remote_shutdown r = { .domain_id = id, .reason = reason };
    return HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r);
}

static void victim(void)
{
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long timer = evtchn_bind_virq(VIRQ_TIMER, 0);
    long ctl = evtchn_bind_offered(0);
    CHECK(timer > 0);
    CHECK(ctl > 0);
    if (checks_failed)
        test_finish();
    guest_printf("victim: running until dom0 stops it\n");
    port_signal((evtchn_port_t)ctl);
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    while (guest_now() < give_up) {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + 10000000ull };
        CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
        port_wait((evtchn_port_t)timer);
    }
    test_exit("FAILURE", "dom0 did not stop this domain");
}

static void rogue(void)
{
    CHECK_EQ(remote_shutdown(0, SHUTDOWN_poweroff), -XEN_EPERM);
    CHECK_EQ(remote_shutdown(VICTIM, SHUTDOWN_poweroff), -XEN_EPERM);
    CHECK_EQ(remote_shutdown(ROGUE, SHUTDOWN_poweroff), -XEN_EPERM);
    char input[16];
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(input), input), -XEN_EPERM);
    static char cmdline[1024];
    memset(cmdline, 0x5a, sizeof(cmdline));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_commandline, cmdline), -XEN_EPERM);
    CHECK(cmdline[0] == 0x5a && cmdline[sizeof(cmdline) - 1] == 0x5a);
    CHECK_EQ(reservation(XENMEM_current_reservation, 0), -XEN_EPERM);
    CHECK_EQ(reservation(XENMEM_current_reservation, VICTIM), -XEN_EPERM);
    CHECK_EQ(reservation(XENMEM_maximum_reservation, 0), -XEN_EPERM);
    CHECK_EQ(reservation(XENMEM_current_reservation, 40), -XEN_ESRCH);
    CHECK_EQ(reservation(XENMEM_current_reservation, DOMID_SELF), 2049);
    CHECK_EQ(reservation(XENMEM_current_reservation, ROGUE), 2049);
    CHECK_EQ(reservation(XENMEM_maximum_reservation, DOMID_SELF), 2049);
    guest_printf("rogue: refused remote_shutdown, console read, commandline, others' reservations\n");
    /* Nor can it pass a line off as the hypervisor's: control characters
     * (erase line, carriage return, bell) are dropped, the prefix stays. */
    guest_printf("rogue: \x1b[2K\r(pvx) d0 crashed: not printed by pvx\x07\n");
    long ctl = evtchn_bind_offered(0);
    CHECK(ctl > 0);
    port_signal((evtchn_port_t)ctl);                    /* done */
    CHECK(port_wait((evtchn_port_t)ctl));               /* dom0 has looked at us */
}

void test_main(void)
{
    events_mask();
    CHECK_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), 0);
    if (cmdline_is("role", "victim"))
        victim();
    else
        rogue();
}
