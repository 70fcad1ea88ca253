/*
 * DomU program "console_input_reader" (run by console_input_domu, not on
 * its own): reads a typed line from its PV console ring's in[] (start_info
 * console.domU; the page found through the M2P), as a Xen guest's hvc
 * driver does: take the bytes between in_cons and in_prod, advance
 * in_cons, notify the backend. It sleeps on its console port between
 * looks (SCHEDOP_poll), so the hypervisor must raise the port when it puts
 * input in the ring. Checks: exactly "hello d1\n" arrives (nothing typed
 * while dom0 or the hypervisor had the input), the port was raised, the
 * indexes end equal.
 */
#include "domains.h"
#include <public/io/console.h>

void test_main(void)
{
    events_mask();
    volatile struct xencons_interface *ring = mfn_to_va(start_info->console.domU.mfn);
    evtchn_port_t port = start_info->console.domU.evtchn;
    if (!ring || port == 0)
        test_exit("ERROR", "no console ring in start_info");
    evtchn_test_and_clear(port);
    guest_printf("reader: waiting for input\n");
    char line[64];
    unsigned int len = 0, events = 0;
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    while ((len == 0 || line[len - 1] != '\n') && len < sizeof(line) - 1 && guest_now() < give_up) {
        XENCONS_RING_IDX cons = ring->in_cons, prod = ring->in_prod;
        __asm__ volatile("" ::: "memory");
        while (cons != prod && len < sizeof(line) - 1)
            line[len++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
        __asm__ volatile("" ::: "memory");
        ring->in_cons = cons;
        evtchn_send(port);
        if (len && line[len - 1] == '\n')
            break;
        events += port_wait_until(port, guest_now() + 100000000ull);
    }
    line[len] = 0;
    char shown[64];
    memcpy(shown, line, sizeof(shown));
    for (unsigned int i = 0; i < len; i++)
        if (shown[i] == '\n' || shown[i] == '\r')
            shown[i] = '|';
    guest_printf("reader: read '%s' (%u console events)\n", shown, events);
    CHECK(len == 9 && memcmp(line, "hello d1", 8) == 0 && (line[8] == '\n' || line[8] == '\r'));
    CHECK(events >= 1);
    CHECK(ring->in_cons == ring->in_prod);
}
