/*
 * The demo dom0 that `make run` boots until guest-os exists: prints what
 * the hypervisor told it, then echoes what you type (read with
 * CONSOLEIO_read when VIRQ_CONSOLE says input arrived, sleeping in
 * SCHEDOP_block in between) until you type "exit" or press Ctrl-D.
 * Ctrl-A three times hands the keyboard to the hypervisor's debug keys.
 */
#include "guest.h"
#include "events.h"

void test_main(void)
{
    char extra[16];
    long ver = HYPERVISOR_xen_version(XENVER_version, 0);
    HYPERVISOR_xen_version(XENVER_extraversion, extra);
    guest_printf("\nHello from dom0, a 32-bit PV guest in ring 1 on pvx (Xen %ld.%ld%s interface).\n",
                 ver >> 16, ver & 0xffff, extra);
    guest_printf("  %u pages of memory, page tables at %x (%u frames), command line '%s'\n",
                 (unsigned)start_info->nr_pages, (unsigned)start_info->pt_base,
                 (unsigned)start_info->nr_pt_frames, (const char *)start_info->cmd_line);
    guest_printf("Type a line and I echo it; 'exit' or Ctrl-D powers off.\n"
                 "Ctrl-A three times: the hypervisor's debug keys (h for help).\n\ndom0> ");
    CHECK(ver > 0);
    events_install_callback();
    events_mask();
    long port = evtchn_bind_virq(VIRQ_CONSOLE, 0);
    char line[128];
    unsigned int len = 0;
    for (;;) {
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);   /* VIRQ_CONSOLE or a timer tick wakes us */
        events_mask();
        if (port > 0)
            evtchn_test_and_clear((evtchn_port_t)port);
        char c;
        while (HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) == 1) {
            if (c == 4)                               /* Ctrl-D */
                return;
            if (c == '\r' || c == '\n') {
                line[len] = 0;
                guest_printf("\nyou typed: '%s'\n", line);
                if (len == 4 && memcmp(line, "exit", 4) == 0)
                    return;
                len = 0;
                guest_puts("dom0> ");
            } else if ((c == 127 || c == 8) && len) {
                len--;
                guest_puts("\b \b");
            } else if (c >= ' ' && len < sizeof(line) - 1) {
                line[len++] = c;
                char echo[2] = { c, 0 };
                guest_puts(echo);
            }
        }
    }
}
