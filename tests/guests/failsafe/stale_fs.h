/*
 * Shared by the failsafe and failsafe_none test guests: load %fs with a
 * selector from the guest's own GDT, make that entry not present while %fs
 * still holds it, and block on a singleshot timer so the vCPU is switched
 * out and back in (when pvx must reload %fs and cannot).
 */
#ifndef STALE_FS_H
#define STALE_FS_H
#include "guest.h"
#include "events.h"
#include "clock.h"
#include <public/vcpu.h>

#define STALE_FS_SELECTOR ((1 << 3) | 1)

/* Set up the stale %fs (the event callback must be installed), arm a 5 ms
 * singleshot VIRQ_TIMER; the caller then blocks. */
static inline void stale_fs_prepare(void)
{
    /* A one-page GDT with a DPL-1 data segment at entry 1. */
    uint64_t *gdt = alloc_page();
    gdt[1] = 0x00CFB3000000FFFFull;
    uint32_t mfn = va_to_mfn(gdt);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)gdt, ((uint64_t)mfn << 12) | 0x21, 0,
                                          UVMF_INVLPG), 0);
    unsigned long frames[1] = { mfn };
    CHECK_EQ(HYPERVISOR_set_gdt(frames, 512), 0);
    uint32_t sel = STALE_FS_SELECTOR;
    __asm__ volatile("movl %0, %%fs" :: "r"(sel));
    /* Make the entry not present while %fs still holds it. */
    uint64_t ma = ((uint64_t)mfn << 12) + 8;
    CHECK_EQ(HYPERVISOR_update_descriptor((uint32_t)ma, (uint32_t)(ma >> 32),
                                          0x0000FFFF, 0x00CF3300), 0);
    events_mask();
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    long port = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(port > 0);
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = guest_now() + 5000000ull };
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t), 0);
}

#endif
