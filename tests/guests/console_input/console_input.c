/*
 * Test guest "console_input": keyboard input reaches dom0 and the debug
 * keys reach the hypervisor (docs/abi.md console_io; README debug keys).
 * The runner types (tests/guests/console_input/input): Ctrl-A three times
 * (input now goes to the hypervisor), the debug keys q r m e h, Ctrl-A three
 * times (back to dom0), then "hello pvx" and a newline. dom0 must get
 * VIRQ_CONSOLE and read exactly "hello pvx\n" with CONSOLEIO_read: the keys
 * typed while the hypervisor had the input never reach it. `expect` checks
 * the hypervisor's dumps appeared.
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/vcpu.h>

void test_main(void)
{
    events_install_callback();
    events_mask();
    long port = evtchn_bind_virq(VIRQ_CONSOLE, 0);
    CHECK(port > 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    guest_puts("console_input: waiting for input\n");
    char line[64];
    unsigned int len = 0, virqs = 0;
    uint64_t give_up = guest_now() + 30ull * 1000000000ull;
    while (guest_now() < give_up && (len == 0 || line[len - 1] != '\n')) {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + 200000000ull };
        HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        events_mask();
        if (evtchn_test_and_clear((evtchn_port_t)port))
            virqs++;
        long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(line) - 1 - len, line + len);
        CHECK(n >= 0);
        if (n > 0)
            len += (unsigned int)n;
        if (len >= sizeof(line) - 1)
            break;
    }
    line[len] = 0;
    char shown[64];
    memcpy(shown, line, sizeof(shown));
    for (unsigned int i = 0; i < len; i++)
        if (shown[i] == '\n' || shown[i] == '\r')
            shown[i] = 0;
    guest_printf("console_input: read '%s'\n", shown);
    CHECK(virqs >= 1);
    CHECK(len == 10 && memcmp(line, "hello pvx", 9) == 0 && (line[9] == '\n' || line[9] == '\r'));
}
