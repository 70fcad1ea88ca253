/* pvx test guests: trap table helpers, the trap dispatcher and ring 3 (see traps.h). */
#include "traps.h"

volatile struct trap_record last_trap;
volatile uint32_t trap_resume_eip;
extern uint32_t user_kernel_esp;             /* trap_entry.S: non-zero inside user_run() */
void user_enter(uint32_t eip, uint32_t esp, uint32_t eflags, uint32_t eax, uint32_t cs, uint32_t ss);

struct ex_entry { uint32_t fault, fixup; };
/* Made by the linker for the orphan section (absent if no test uses TRAP_FIXUP). */
extern const struct ex_entry __start_ex_table_guest[] __attribute__((weak));
extern const struct ex_entry __stop_ex_table_guest[] __attribute__((weak));

/* Did r come from an instruction that traps with eip after it (int3,
 * into, int n: the frame's eip is then a listed fixup)? */
static int is_trap(const struct trap_regs *r)
{
    const uint8_t *after = (const uint8_t *)r->eip;
    if (r->vector == 3 || r->vector == 4)
        return 1;
    return after[-2] == 0xCD && after[-1] == r->vector;
}

/* Where to resume r: 1 if r->eip was adjusted or already fine, 0 if unknown. */
static int apply_fixup(struct trap_regs *r)
{
    for (const struct ex_entry *e = __start_ex_table_guest; e < __stop_ex_table_guest; e++) {
        if (e->fault == r->eip) {
            r->eip = e->fixup;
            return 1;
        }
        if (e->fixup == r->eip && is_trap(r))
            return 1;
    }
    return 0;
}

/* Called by trap_common: record the trap, decide where it resumes.
 * Returns 1 to leave ring 3 through user_run()'s return. */
int trap_dispatch(struct trap_regs *r)
{
    int from_user = (r->cs & 3) >= 2;            /* an outer ring: ss/esp pushed */
    uint16_t ss;
    __asm__ volatile("mov %%ss, %0" : "=r"(ss));
    last_trap.count++;
    last_trap.vector = r->vector;
    last_trap.error_code = r->error_code;
    last_trap.eip = r->eip;
    last_trap.cs = r->cs;
    last_trap.eflags = r->eflags;
    last_trap.esp = from_user ? r->esp : 0;
    last_trap.ss = from_user ? r->ss : 0;
    last_trap.eax = r->eax;
    last_trap.ebx = r->ebx;
    last_trap.frame_va = (uint32_t)&r->eip - (vector_has_error_code(r->vector) ? 4 : 0);
    last_trap.handler_ss = ss;
    last_trap.handler_ds = r->ds & 0xffff;
    if (shared_info) {
        last_trap.cr2 = shared_info->vcpu_info[0].arch.cr2;
        last_trap.upcall_mask = shared_info->vcpu_info[0].evtchn_upcall_mask;
    }
    if (trap_resume_eip) {
        r->eip = trap_resume_eip;
        trap_resume_eip = 0;
        return 0;
    }
    if (from_user && user_kernel_esp)
        return 1;
    if (apply_fixup(r))
        return 0;
    checks_failed++;
    guest_printf("FAIL: unexpected trap %u, error code %x, at %04x:%08x\n",
                 (unsigned)r->vector, (unsigned)r->error_code, (unsigned)r->cs, (unsigned)r->eip);
    test_finish();
}

void trap_reset(void)
{
    last_trap.count = 0;
    last_trap.vector = last_trap.error_code = last_trap.eip = last_trap.cs = 0xdeadbeef;
    last_trap.eflags = last_trap.esp = last_trap.ss = last_trap.eax = last_trap.ebx = 0xdeadbeef;
    last_trap.frame_va = last_trap.handler_ss = last_trap.handler_ds = last_trap.cr2 = 0xdeadbeef;
    last_trap.upcall_mask = 0xff;
}

long trap_set_raw(unsigned int vec, unsigned int flags, uint16_t cs, uint32_t address)
{
    trap_info_t table[2] = {
        { .vector = (uint8_t)vec, .flags = (uint8_t)flags, .cs = cs, .address = address },
        { 0, 0, 0, 0 },
    };
    return HYPERVISOR_set_trap_table(table);
}

long trap_set(unsigned int vec, unsigned int flags)
{
    return trap_set_raw(vec, flags, FLAT_RING1_CS, trap_stub_table[vec]);
}

void trap_install(void)
{
    trap_info_t table[33];
    for (unsigned int v = 0; v < 32; v++)
        table[v] = (trap_info_t){ .vector = (uint8_t)v, .flags = (v == 3 || v == 4) ? 3 : 0,
                                  .cs = FLAT_RING1_CS, .address = trap_stub_table[v] };
    table[32] = (trap_info_t){ 0, 0, 0, 0 };
    long rc = HYPERVISOR_set_trap_table(table);
    if (rc) {
        guest_printf("trap_install: set_trap_table: %ld\n", rc);
        test_exit("ERROR", "cannot install a trap table");
    }
    trap_reset();
}

void *unmapped_page(void)
{
    void *p = alloc_page();
    long rc = HYPERVISOR_update_va_mapping((unsigned long)p, 0, 0, UVMF_INVLPG);
    if (rc) {
        guest_printf("unmapped_page: update_va_mapping: %ld\n", rc);
        test_exit("ERROR", "cannot unmap a page");
    }
    return p;
}

int cpu_has_nx(void)
{
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0x80000000u), "2"(0));
    if (a < 0x80000001u)
        return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "0"(0x80000001u), "2"(0));
    return (d >> 20) & 1;
}

long user_map_code(const void *start, const void *end)
{
    for (unsigned long va = (unsigned long)start & ~4095ul; va < (unsigned long)end; va += 4096) {
        uint64_t pte = pte_of(va);
        long rc = HYPERVISOR_update_va_mapping(va, (uint32_t)pte | 0x4 /* U */,
                                               (uint32_t)(pte >> 32), UVMF_INVLPG);
        if (rc)
            return rc;
    }
    return 0;
}

unsigned long user_setup(unsigned long *kernel_sp_out)
{
    unsigned long kstack_top = (unsigned long)alloc_page() + 4096;
    long rc = HYPERVISOR_stack_switch(FLAT_RING1_SS, kstack_top);
    if (rc) {
        guest_printf("user_setup: stack_switch: %ld\n", rc);
        test_exit("ERROR", "stack_switch failed");
    }
    if (kernel_sp_out)
        *kernel_sp_out = kstack_top;
    void *ustack = alloc_page();
    rc = HYPERVISOR_update_va_mapping((unsigned long)ustack,
                                      ((uint32_t)va_to_mfn(ustack) << 12) | 0x67 /* P|RW|U|A|D */,
                                      0, UVMF_INVLPG);
    if (rc) {
        guest_printf("user_setup: mapping a user page: update_va_mapping: %ld\n", rc);
        test_exit("ERROR", "cannot map a user page");
    }
    return (unsigned long)ustack + 4096;
}

void user_run(uint32_t eip, uint32_t esp, uint32_t eflags, uint32_t eax)
{
    user_run_sel(FLAT_RING3_CS, FLAT_RING3_SS, eip, esp, eflags, eax);
}

void user_run_sel(uint32_t cs, uint32_t ss, uint32_t eip, uint32_t esp, uint32_t eflags, uint32_t eax)
{
    uint8_t mask = shared_info ? shared_info->vcpu_info[0].evtchn_upcall_mask : 1;
    user_enter(eip, esp, eflags, eax, cs, ss);
    if (shared_info)
        shared_info->vcpu_info[0].evtchn_upcall_mask = mask;
}
