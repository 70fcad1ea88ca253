/*
 * Test guest "console_input_domu" (dom0): typed console input reaches the
 * domain that has the input focus, and a domU gets its share through its
 * PV console ring (README "Several domains"; common/keyhandler.c). One
 * domU, console_input_reader, reads its ring's in[]. Once it says it is
 * waiting, the runner types (tests/guests/console_input_domu/input):
 *   "to dom0\n"          dom0 has the input at first: CONSOLEIO_read
 *   Ctrl-A x3            input to d1 (the only domU)
 *   "hello d1\n"         into d1's ring, its console port notified
 *   Ctrl-A x3, 'h'       input to the hypervisor: its debug-key help
 *   Ctrl-A x3, "!\n"     back to dom0
 * dom0 must read exactly "to dom0\n!\n" (nothing typed for d1 or for the
 * hypervisor), the reader exactly "hello d1\n" (its own checks), and
 * `expect` checks the switch messages in order.
 */
#include "domains.h"

void test_main(void)
{
    events_mask();
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(exc > 0);
    char line[64];
    unsigned int len = 0, lines = 0;
    uint64_t give_up = guest_now() + DOMAIN_WAIT_NS;
    while (lines < 2 && len < sizeof(line) - 1 && guest_now() < give_up) {
        long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(line) - 1 - len, line + len);
        CHECK(n >= 0);
        for (long i = 0; i < n; i++)
            lines += line[len + i] == '\n' || line[len + i] == '\r';
        len += n > 0 ? (unsigned int)n : 0;
        if (n <= 0)
            sleep_ns(50000000ull);
    }
    line[len] = 0;
    for (unsigned int i = 0; i < len; i++)
        if (line[i] == '\n' || line[i] == '\r')
            line[i] = '|';
    guest_printf("dom0: read '%s'\n", line);
    CHECK(len == 10 && memcmp(line, "to dom0|!|", 10) == 0);
    CHECK(wait_domain_gone(1, (evtchn_port_t)exc) >= 1);
}
