/*
 * pvx: the hypercall dispatch arrays, generated from include/hypercalls.def.
 * entry.S indexes hypercall_entry_table with the guest's eax after a bounds
 * check; every slot not in the table answers -ENOSYS.
 */
#include <pvx/errno.h>
#include <pvx/hypercall.h>
#include <asm/hypercall_nr.h>

typedef long (*hypercall_fn_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#define U __attribute__((unused))
#define HC_CALL_0
#define HC_CALL_1 (uint32_t)a1
#define HC_CALL_2 HC_CALL_1, (uint32_t)a2
#define HC_CALL_3 HC_CALL_2, (uint32_t)a3
#define HC_CALL_4 HC_CALL_3, (uint32_t)a4
#define HC_CALL_5 HC_CALL_4, (uint32_t)a5
#define HC_CALL_6 HC_CALL_5, (uint32_t)a6

/* One adapter per hypercall: register arguments to the handler's own arity. */
#define HYPERCALL(nr, name, nargs, params, args, errors)                        \
    static long hc_##name(U uint64_t a1, U uint64_t a2, U uint64_t a3,          \
                          U uint64_t a4, U uint64_t a5, U uint64_t a6)          \
    { return do_##name(HC_CALL_##nargs); }
#include <hypercalls.def>
#undef HYPERCALL

/* Any number not in the table. */
static long hc_not_implemented(U uint64_t a1, U uint64_t a2, U uint64_t a3,
                               U uint64_t a4, U uint64_t a5, U uint64_t a6)
{
    return -ENOSYS;
}

#pragma GCC diagnostic ignored "-Woverride-init"
const hypercall_fn_t hypercall_table[NR_HYPERCALLS] = {
    [0 ... NR_HYPERCALLS - 1] = hc_not_implemented,
#define HYPERCALL(nr, name, nargs, params, args, errors) [nr] = hc_##name,
#include <hypercalls.def>
#undef HYPERCALL
};

/*
 * What entry.S calls: the handlers themselves, without the adapters (a
 * cross-page jump each, which QEMU's TCG cannot chain). Every handler is
 * `long do_<name>(uint32_t ...)`, and the x86-64 calling convention lets
 * entry.S call it with six 64-bit registers: a 32-bit parameter uses the
 * low half of its register (the upper half is undefined by the ABI) and
 * the registers past its arity are ignored. C code calls through the typed
 * adapters above.
 */
const void *const hypercall_entry_table[NR_HYPERCALLS] = {
    [0 ... NR_HYPERCALLS - 1] = hc_not_implemented,
#define HYPERCALL(nr, name, nargs, params, args, errors) [nr] = do_##name,
#include <hypercalls.def>
#undef HYPERCALL
};

/* hypercall_invoke: see pvx/hypercall.h (used by multicall). */
long hypercall_invoke(unsigned int nr, const uint32_t args[6])
{
    if (nr >= NR_HYPERCALLS)
        return -ENOSYS;
    return hypercall_table[nr](args[0], args[1], args[2], args[3], args[4], args[5]);
}
