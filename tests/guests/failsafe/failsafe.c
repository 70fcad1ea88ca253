/*
 * Test guest "failsafe": when the hypervisor cannot reload a segment
 * selector the guest left in %ds/%es/%fs/%gs (here %fs, whose GDT entry the
 * guest made not-present while it was loaded), it enters the failsafe
 * callback (set_callbacks) with Xen's frame: the four selectors ds, es, fs,
 * gs below eip (ds lowest), so the guest can repair them. The selector is
 * reloaded when the vCPU is switched back in after blocking.
 */
#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/vcpu.h>

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
    /* A one-page GDT with a DPL-1 data segment at entry 1. */
    uint64_t *gdt = alloc_page();
    gdt[1] = 0x00CFB3000000FFFFull;
    uint32_t mfn = va_to_mfn(gdt);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)gdt, ((uint64_t)mfn << 12) | 0x21, 0,
                                          UVMF_INVLPG), 0);
    unsigned long frames[1] = { mfn };
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 512), 0);
    uint32_t sel = (1 << 3) | 1;
    __asm__ volatile("movl %0, %%fs" :: "r"(sel));
    /* Make the entry not present while %fs still holds it. */
    uint64_t ma = ((uint64_t)mfn << 12) + 8;
    CHECK_EQ(HYPERVISOR_update_descriptor((uint32_t)ma, (uint32_t)(ma >> 32),
                                          0x0000FFFF, 0x00CF3300), 0);
    /* Sleep, so the vCPU is switched out and back in. */
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long port = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(port > 0);
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + 5000000ull };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
    events_mask();
    CHECK_EQ(failsafe_calls, 1);
    CHECK_EQ(failsafe_fs, sel);
    CHECK_EQ(failsafe_ds, FLAT_RING1_DS);
    CHECK_EQ(failsafe_es, FLAT_RING1_DS);
    CHECK_EQ(failsafe_fs_now, 0);          /* the hypervisor loaded null meanwhile */
    uint32_t fs_after;
    __asm__ volatile("movl %%fs, %0" : "=r"(fs_after));
    CHECK_EQ(fs_after, 0);
}
