/*
 * Test guest "callbacks": the hypercalls that set up the guest kernel's
 * entry points, and every error they return (docs/abi.md):
 *  - set_callbacks never fails; callback_op register accepts event,
 *    failsafe, nmi, sysenter and syscall32 (a 32-bit PV kernel registers
 *    syscall32 and stops booting if it fails) with or without
 *    CALLBACKF_mask_events; other types (syscall, 64-bit only; the
 *    deprecated sysenter 3; unknown ones) and unknown commands: -ENOSYS;
 *  - unregister: only nmi (0, also twice); event, failsafe, sysenter and
 *    syscall32 -EINVAL; unknown types -ENOSYS;
 *  - an argument that cannot be read (unmapped, or running into an
 *    unmapped page): -EFAULT;
 *  - stack_switch: an RPL-3, RPL-2 or null ss is -EPERM and the kernel
 *    stack stays what it was (a ring-3 trap still lands there); RPL 0
 *    works as RPL 1, and bits above the 16-bit selector are ignored;
 *  - set_trap_table: a code selector with RPL 0 works as RPL 1; NULL
 *    clears the table (a handler installed before no longer runs: the
 *    int is a #GP); a table without a terminator within 1024 entries is
 *    -EINVAL with the entries read so far installed (1023 entries and a
 *    terminator are fine); an unreadable table -EFAULT, again with the
 *    entries before the bad one installed.
 */
#include "traps.h"

extern char user_code_start[], user_code_end[], user_int80[];

static uint32_t fault_eip;

static long cb_register(unsigned int type, unsigned int flags)
{
    struct callback_register r = { .type = (uint16_t)type, .flags = (uint16_t)flags,
                                   .address = { FLAT_RING1_CS, trap_stub_table[0x60] } };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &r);
}

static long cb_unregister(unsigned int type)
{
    struct callback_unregister u = { .type = (uint16_t)type };
    return HYPERVISOR_callback_op(CALLBACKOP_unregister, &u);
}

static void test_callbacks(void)
{
    CHECK_EQ(HYPERVISOR_set_callbacks(FLAT_RING1_CS, trap_stub_table[0x60],
                                      FLAT_RING1_CS, trap_stub_table[0x61]), 0);
    CHECK_EQ(HYPERVISOR_set_callbacks(FLAT_RING1_CS & ~3u, trap_stub_table[0x60],
                                      FLAT_RING1_CS & ~3u, trap_stub_table[0x61]), 0);
    static const unsigned int ok_types[] = {
        CALLBACKTYPE_event, CALLBACKTYPE_failsafe, CALLBACKTYPE_nmi,
        CALLBACKTYPE_sysenter, CALLBACKTYPE_syscall32,
    };
    for (unsigned int i = 0; i < sizeof(ok_types) / sizeof(ok_types[0]); i++) {
        CHECK_EQ(cb_register(ok_types[i], 0), 0);
        CHECK_EQ(cb_register(ok_types[i], CALLBACKF_mask_events), 0);
    }
    static const unsigned int bad_types[] = { CALLBACKTYPE_syscall, CALLBACKTYPE_sysenter_deprecated,
                                              6, 8, 0xffff };
    for (unsigned int i = 0; i < sizeof(bad_types) / sizeof(bad_types[0]); i++) {
        CHECK_EQ(cb_register(bad_types[i], 0), -XEN_ENOSYS);
        CHECK_EQ(cb_unregister(bad_types[i]), -XEN_ENOSYS);
    }
    CHECK_EQ(cb_unregister(CALLBACKTYPE_event), -XEN_EINVAL);
    CHECK_EQ(cb_unregister(CALLBACKTYPE_failsafe), -XEN_EINVAL);
    CHECK_EQ(cb_unregister(CALLBACKTYPE_sysenter), -XEN_EINVAL);
    CHECK_EQ(cb_unregister(CALLBACKTYPE_syscall32), -XEN_EINVAL);
    CHECK_EQ(cb_unregister(CALLBACKTYPE_nmi), 0);
    CHECK_EQ(cb_unregister(CALLBACKTYPE_nmi), 0);
    CHECK_EQ(cb_register(CALLBACKTYPE_nmi, 0), 0);

    struct callback_register r = { .type = CALLBACKTYPE_event };
    CHECK_EQ(HYPERVISOR_callback_op(2, &r), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_callback_op(0xffffffffu, &r), -XEN_ENOSYS);

    /* Unreadable arguments. */
    char *mapped = alloc_page(), *hole = unmapped_page();
    if (hole != mapped + 4096)
        test_exit("ERROR", "pool pages not consecutive");
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, hole), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_unregister, hole), -XEN_EFAULT);
    struct callback_register *straddle = (struct callback_register *)(hole - 8);
    straddle->type = CALLBACKTYPE_event;                /* 8 of its 12 bytes readable */
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, straddle), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, (void *)0xFFFFFFF8u), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_callback_op(2, hole), -XEN_ENOSYS);   /* the command is checked first */
}

static void test_stack_switch(void)
{
    unsigned long ksp;
    unsigned long utop = user_setup(&ksp);
    CHECK_EQ(trap_set(0x80, 3), 0);
    CHECK_EQ(user_map_code(user_code_start, user_code_end), 0);
    unsigned long other = (unsigned long)alloc_page() + 4096;
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING3_SS, other), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_stack_switch((FLAT_RING1_SS & ~3u) | 2, other), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_stack_switch(0, other), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_stack_switch(3, other), -XEN_EPERM);
    trap_reset();
    user_run((uint32_t)user_int80, utop, 0x002, 0);
    CHECK_EQ(last_trap.vector, 0x80);
    CHECK_EQ(last_trap.frame_va, ksp - 20);             /* the refused stacks were not taken */
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_RING1_SS, other), 0);
    trap_reset();
    user_run((uint32_t)user_int80, utop, 0x002, 0);
    CHECK_EQ(last_trap.frame_va, other - 20);
    /* RPL 0 works as RPL 1, and only the low 16 bits are a selector. */
    CHECK_EQ(HYPERVISOR_stack_switch(0x10000u | (FLAT_RING1_SS & ~3u), ksp), 0);
    trap_reset();
    user_run((uint32_t)user_int80, utop, 0x002, 0);
    CHECK_EQ(last_trap.frame_va, ksp - 20);
    CHECK_EQ(last_trap.handler_ss, FLAT_RING1_SS);
}

/* int $0x41 from ring 1: the vector if delivered, 13 if #GP. */
static uint32_t int41(void)
{
    trap_reset();
    __asm__ volatile("movl $1f, %[at]\n1: int $0x41\n2:\n" TRAP_FIXUP(1b, 2b)
                     : [at] "=m"(fault_eip) :: "memory");
    return last_trap.vector;
}

static trap_info_t big_table[1025];

static void test_set_trap_table(void)
{
    /* RPL 0 in the code selector: delivered as ring 1 (a ring-0 CS would
     * make the hypervisor's return fail and crash the guest). */
    CHECK_EQ(trap_set_raw(0x41, 1, FLAT_RING1_CS & ~3u, trap_stub_table[0x41]), 0);
    CHECK_EQ(int41(), 0x41);
    CHECK_EQ(last_trap.eip, fault_eip + 2);

    /* NULL clears everything; then reinstall. */
    CHECK_EQ(HYPERVISOR_set_trap_table(NULL), 0);
    trap_install();
    CHECK_EQ(int41(), 13);
    CHECK_EQ(last_trap.error_code, (0x41 << 3) | 2);

    /* 1024 entries without a terminator: -EINVAL, the entries installed. */
    for (unsigned int i = 0; i < 1025; i++)
        big_table[i] = (trap_info_t){ .vector = 0x41, .flags = 1, .cs = FLAT_RING1_CS,
                                      .address = trap_stub_table[0x41] };
    big_table[1024].address = 0;
    CHECK_EQ(HYPERVISOR_set_trap_table(big_table), -XEN_EINVAL);
    CHECK_EQ(int41(), 0x41);
    /* 1023 entries and the terminator: fine. */
    CHECK_EQ(HYPERVISOR_set_trap_table(NULL), 0);
    trap_install();
    big_table[1023].address = 0;
    CHECK_EQ(HYPERVISOR_set_trap_table(big_table), 0);
    CHECK_EQ(int41(), 0x41);

    /* Unreadable tables. */
    CHECK_EQ(HYPERVISOR_set_trap_table(NULL), 0);
    trap_install();
    char *mapped = alloc_page(), *hole = unmapped_page();
    if (hole != mapped + 4096)
        test_exit("ERROR", "pool pages not consecutive");
    CHECK_EQ(HYPERVISOR_set_trap_table(hole), -XEN_EFAULT);
    trap_info_t *last = (trap_info_t *)(hole - sizeof(trap_info_t));
    *last = (trap_info_t){ .vector = 0x41, .flags = 1, .cs = FLAT_RING1_CS,
                           .address = trap_stub_table[0x41] };
    CHECK_EQ(int41(), 13);
    CHECK_EQ(HYPERVISOR_set_trap_table(last), -XEN_EFAULT);
    CHECK_EQ(int41(), 0x41);                            /* the readable entry was installed */
    CHECK_EQ(HYPERVISOR_set_trap_table((void *)0xFFFFFFF8u), -XEN_EFAULT);
}

void test_main(void)
{
    trap_install();
    test_callbacks();
    test_stack_switch();
    test_set_trap_table();
}
