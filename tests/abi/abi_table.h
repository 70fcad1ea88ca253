/*
 * tests/abi: one table of {check name, value} computed by the compiler.
 *
 * A translation unit defines ABI_TABLE (the table's symbol), includes the
 * headers under test, then this file: every line of checks.def becomes one
 * or two entries (of checks_tools.def instead, if it defines
 * ABI_TOOLS_VIEW). The entry has the same layout in -m32 and -m64 objects
 * (no pointers, 8-aligned value, 128 bytes), so a 32-bit table can be
 * converted to a 64-bit object with objcopy and linked into the checker
 * without running any 32-bit code.
 */
#ifndef ABI_TABLE_H
#define ABI_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define ABI_NAME_LEN 120

struct abi_entry {
    char name[ABI_NAME_LEN];    /* e.g. "offsetof(struct start_info, mfn_list)" */
    uint64_t value;
};
_Static_assert(sizeof(struct abi_entry) == 128, "abi_entry layout must not depend on -m32/-m64");

#ifdef ABI_TABLE

#define ABI_ENTRY(name, val) { name, (uint64_t)(val) },

/* A type: its size and its alignment (as a struct member). */
#define CHECK_TYPE(T) \
    ABI_ENTRY("sizeof(" #T ")", sizeof(T)) \
    ABI_ENTRY("_Alignof(" #T ")", _Alignof(T))
/* A type whose size matters but whose alignment is not ABI (never a struct member). */
#define CHECK_SIZE(T) ABI_ENTRY("sizeof(" #T ")", sizeof(T))
/* A field (F may be a path: a.b, v[3].c): its offset and its size. */
#define CHECK_FIELD(T, F) \
    ABI_ENTRY("offsetof(" #T ", " #F ")", offsetof(T, F)) \
    ABI_ENTRY("sizeof(((" #T " *)0)->" #F ")", sizeof(((T *)0)->F))
/* An integer field's signedness (1 = signed). */
#define CHECK_SIGNED(T, F) ABI_ENTRY("is_signed(" #T ", " #F ")", (__typeof__(((T *)0)->F))-1 < 0)
/* A constant (or a constant expression using a macro). */
#define CHECK_CONST(C) ABI_ENTRY(#C, C)

#define ABI_COUNT_NAME_(t) t ## _count
#define ABI_COUNT_NAME(t) ABI_COUNT_NAME_(t)

const struct abi_entry ABI_TABLE[] = {
#ifdef ABI_TOOLS_VIEW
#include "checks_tools.def"
#else
#include "checks.def"
#endif
};
const uint32_t ABI_COUNT_NAME(ABI_TABLE) = sizeof(ABI_TABLE) / sizeof(ABI_TABLE[0]);

#endif /* ABI_TABLE */

#endif /* ABI_TABLE_H */
