/*
 * Test guest "remote_shutdown" (dom0): what only dom0 may do to and about
 * other domains. Two domUs run remote_shutdown_domu: d1 ("victim") runs
 * until it is stopped; d2 ("rogue") tries dom0's privileges and must be
 * refused (-EPERM; see remote_shutdown_domu), then ends when dom0 says so.
 * dom0:
 *  - may ask about any domain's reservation (each domU: 8 MiB = 2048
 *    pages, plus shared_info), read the console and XENVER_commandline;
 *  - SCHEDOP_remote_shutdown of a domain that does not exist is -ESRCH, a
 *    reason above SHUTDOWN_MAX -EINVAL (nothing happens to the target);
 *  - remote_shutdown of the running victim returns 0 and the victim is
 *    gone at once: its reservation is -ESRCH, VIRQ_DOM_EXC is pending,
 *    dom0's port to it is unbound again, and shutting it down again is
 *    -ESRCH. dom0 then sleeps 100 ms, past the victim's armed timers,
 *    which must have gone with it.
 * `expect` checks the hypervisor's lines for the victim (shutdown,
 * destroyed with at least its 2049 frames returned) and that every frame
 * the domUs had came back.
 */
#include "domains.h"

static long reservation(unsigned int cmd, domid_t id)
{
    return HYPERVISOR_memory_op(cmd, &id);
}

static long remote_shutdown(domid_t id, unsigned int reason)
{
    struct sched_remote_shutdown r = { .domain_id = id, .reason = reason };
    return HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &r);
}

/* Does s hold word? */
static int contains(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (memcmp(s, word, n) == 0)
            return 1;
    return 0;
}

void test_main(void)
{
    events_mask();
    long ctl = evtchn_alloc_unbound(DOMID_SELF, 1);
    long rogue = evtchn_alloc_unbound(DOMID_SELF, 2);
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(ctl > 0);
    CHECK(rogue > 0);
    CHECK(exc > 0);
    CHECK(port_wait((evtchn_port_t)ctl));               /* the victim runs */
    CHECK(port_wait((evtchn_port_t)rogue));             /* the rogue was refused */
    if (checks_failed)
        test_finish();

    CHECK_EQ(reservation(XENMEM_current_reservation, 1), 2049);
    CHECK_EQ(reservation(XENMEM_maximum_reservation, 1), 2049);
    CHECK_EQ(reservation(XENMEM_current_reservation, 2), 2049);
    static char cmdline[1024];
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_commandline, cmdline), 0);
    CHECK(contains(cmdline, "console=com1"));
    char input[16];
    CHECK(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(input), input) >= 0);

    port_signal((evtchn_port_t)rogue);                  /* it may end now */
    CHECK(wait_domain_gone(2, (evtchn_port_t)exc) >= 1);
    CHECK_EQ(remote_shutdown(40, SHUTDOWN_poweroff), -XEN_ESRCH);
    CHECK_EQ(remote_shutdown(1, SHUTDOWN_MAX + 1), -XEN_EINVAL);
    sleep_ns(50000000ull);
    CHECK(domain_alive(1));
    CHECK(!evtchn_test_and_clear((evtchn_port_t)exc));

    CHECK_EQ(remote_shutdown(1, SHUTDOWN_poweroff), 0);
    CHECK(!domain_alive(1));
    CHECK_EQ(reservation(XENMEM_current_reservation, 1), -XEN_ESRCH);
    CHECK(evtchn_test_and_clear((evtchn_port_t)exc));
    CHECK_PORT_STATUS(DOMID_SELF, ctl, EVTCHNSTAT_unbound, 1, 0);
    CHECK_EQ(remote_shutdown(1, SHUTDOWN_poweroff), -XEN_ESRCH);
    sleep_ns(100000000ull);
    CHECK(!evtchn_test_and_clear((evtchn_port_t)exc));
    guest_printf("dom0: remote_shutdown stopped d1; d2 was refused and ended\n");
}
