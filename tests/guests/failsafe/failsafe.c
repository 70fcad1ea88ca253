/*
 * Test guest "failsafe": when the hypervisor cannot reload a segment
 * selector the guest left in %ds/%es/%fs/%gs (here %fs, whose GDT entry the
 * guest made not-present while it was loaded), it enters the failsafe
 * callback (set_callbacks) with Xen's frame: the four selectors ds, es, fs,
 * gs below eip (ds lowest), so the guest can repair them. The selector is
 * reloaded when the vCPU is switched back in after blocking.
 */
#include "guest.h"
#include "stale_fs.h"

volatile uint32_t failsafe_calls, failsafe_ds, failsafe_es, failsafe_fs, failsafe_gs;
volatile uint32_t failsafe_fs_now;
extern char failsafe_entry[];
__asm__(".text\n"
        "failsafe_entry:\n"
        "  incl failsafe_calls\n"
        "  pushl %eax\n"
        "  movl 4(%esp), %eax;  movl %eax, failsafe_ds\n"
        "  movl 8(%esp), %eax;  movl %eax, failsafe_es\n"
        "  movl 12(%esp), %eax; movl %eax, failsafe_fs\n"
        "  movl 16(%esp), %eax; movl %eax, failsafe_gs\n"
        "  movl %fs, %eax;      movl %eax, failsafe_fs_now\n"
        "  popl %eax\n"
        "  addl $16, %esp\n"                      /* drop the selectors */
        "  jmp hypercall_page + 23 * 32\n");      /* iret: pushes eax itself */

void test_main(void)
{
    events_install_callback();
    extern char event_entry[];
    CHECK_EQ(HYPERVISOR_set_callbacks(FLAT_RING1_CS, (unsigned long)event_entry,
                                      FLAT_RING1_CS, (unsigned long)failsafe_entry), 0);
    stale_fs_prepare();
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    events_mask();
    CHECK_EQ(failsafe_calls, 1);
    CHECK_EQ(failsafe_fs, STALE_FS_SELECTOR);
    CHECK_EQ(failsafe_ds, FLAT_RING1_DS);
    CHECK_EQ(failsafe_es, FLAT_RING1_DS);
    CHECK_EQ(failsafe_fs_now, 0);          /* the hypervisor loaded null meanwhile */
    uint32_t fs_after;
    __asm__ volatile("movl %%fs, %0" : "=r"(fs_after));
    CHECK_EQ(fs_after, 0);
}
