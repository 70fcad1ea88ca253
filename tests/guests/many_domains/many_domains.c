/*
 * Test guest "many_domains" (dom0): eight small domUs (end_domu, 4 MiB
 * each, see `domains`) work for 0 to 150 ms and end in every way a domain
 * can: poweroff (d1, d5, d8), SHUTDOWN_crash (d2), reboot (d3), watchdog
 * (d7), crashed by the hypervisor for a trap without a handler (d4) and for
 * an upcall with a null event callback (d6). None of it may touch dom0 or
 * the machine: a domU's reboot or crash is its own end, not the host's.
 * dom0 sleeps on VIRQ_DOM_EXC and notes the order in which they go: all
 * eight, the one that does no work first and the one that works longest
 * last. `expect` checks each domain's end as the hypervisor reports it, the
 * exit status 0 (dom0's clean poweroff), and that after the last one the
 * free frame count is back to the count with dom0 alone.
 */
#include "domains.h"

#define NR_DOMUS 8

void test_main(void)
{
    events_mask();
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(exc > 0);
    if (checks_failed)
        test_finish();
    domid_t order[NR_DOMUS];
    unsigned int gone = 0, notifications = 0;
    int seen[NR_DOMUS + 1] = { 0 };
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    while (gone < NR_DOMUS && guest_now() < give_up) {
        for (domid_t id = 1; id <= NR_DOMUS; id++) {
            if (!seen[id] && !domain_alive(id)) {
                seen[id] = 1;
                order[gone++] = id;
            }
        }
        if (gone == NR_DOMUS)
            break;
        /* Sleep until a domain goes, looking again at least every 100 ms. */
        if (port_wait_until((evtchn_port_t)exc, guest_now() + 100000000ull))
            notifications++;
    }
    CHECK_EQ(gone, NR_DOMUS);
    CHECK(notifications >= 1);
    if (gone == NR_DOMUS) {
        CHECK_EQ(order[0], 1);                          /* work=0 */
        CHECK_EQ(order[NR_DOMUS - 1], 8);               /* work=150 */
    }
    char list[64];
    size_t len = 0;
    for (unsigned int i = 0; i < gone; i++)
        len += (size_t)guest_snprintf(list + len, sizeof(list) - len, " d%u", order[i]);
    list[len] = 0;
    guest_printf("dom0: %u domUs gone, in this order:%s\n", gone, list);
}
