/*
 * Test guest "int80_null_cs": trap-table entry 0x80 admits ring 3 (DPL 3)
 * and has an address, but its code selector is null (3: index 0, RPL 3).
 * That is no handler: `int $0x80` from ring 3 must crash the domain with
 * "no handler for trap 128", as Xen does for any null selector, and the
 * fast path must not hand the CPU that selector. Status 1 (`expect`).
 */
#include "traps.h"

/* The ring-3 code, alone in a user-accessible page. */
__asm__(".section .text.user, \"ax\"\n.balign 4096\n"
        "user_int80: int $0x80\nud2\n.balign 4096\n.previous");
extern char user_int80[];

void test_main(void)
{
    trap_install();
    CHECK_EQ(trap_set_raw(0x80, 4 | 3, 3, trap_stub_table[0x80]), 0);
    unsigned long utop = user_setup(NULL);
    CHECK_EQ(user_map_code(user_int80, user_int80 + 1), 0);
    if (checks_failed)
        test_finish();
    guest_printf("int80_null_cs: int $0x80 from ring 3 at %08x through an entry with cs 3\n",
                 (unsigned)(uint32_t)user_int80);
    user_run((uint32_t)user_int80, utop, 0x202, 0);
    test_exit("FAILURE", "the int $0x80 was bounced");
}
